"""Check an archive: SQLite's own checks, the search index, every span, and every date."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from desktop.archive.dates import parse_date, supported, written
from desktop.archive.schema import TABLES
from desktop.archive.search import tokenize_of, tokens_of
from desktop.archive.store import Archive


def check_archive(path: Path) -> list[str]:
    """Return the problems found in the archive at ``path``; an empty list means sound.

    Raises :class:`~desktop.archive.errors.ArchiveError` when the file is not a
    readable archive at all.
    """
    problems: list[str] = []
    with Archive(path) as archive:
        conn = archive.conn
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [f"SQLite cannot check the file: {exc}."]
        if result != ["ok"]:
            problems.extend(f"SQLite integrity check: {line}" for line in result[:20])
            return problems
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "delete":
            problems.append(f"The archive is in {mode} journal mode; it must be shipped in "
                            "rollback-journal (delete) mode to open from a read-only place.")
        try:
            problems.extend(
                f"Row {row[1]} of {row[0]} points at a missing row of {row[2]}."
                for row in conn.execute("PRAGMA foreign_key_check"))
            problems.extend(_check_text(conn))
            problems.extend(_check_search_index(conn))
            problems.extend(_check_vocabulary(conn))
            problems.extend(_check_spans(archive))
            if archive.has_index:
                problems.extend(_check_index(conn))
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            problems.append(f"The archive's tables are not as Archive Browser writes them "
                            f"({exc}).")
    return problems


def _check_text(conn: sqlite3.Connection) -> list[str]:
    """Every text value is UTF-8: SQLite stores any bytes it is given, and checks none.

    A damaged byte inside a passage passes SQLite's integrity check; reading the
    passage would then fail, so it is found here.
    """
    problems: list[str] = []
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    decode, conn.text_factory = conn.text_factory, bytes
    try:
        for table in TABLES:
            if table == "passages_fts" or table not in present:
                continue
            rows = conn.execute(f'SELECT rowid, * FROM "{table}"')
            while batch := rows.fetchmany(5000):
                # Joined by an ASCII byte, the batch is valid UTF-8 only if every value
                # is: one decode for thousands of values, row by row only on damage.
                if _is_utf8(b"\n".join([v for row in batch for v in row
                                         if isinstance(v, bytes)])):
                    continue
                problems += [f"Row {row[0]} of {table} holds bytes that are not valid text."
                             for row in batch
                             if not all(_is_utf8(v) for v in row if isinstance(v, bytes))]
    finally:
        conn.text_factory = decode
    return problems[:20]


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_search_index(conn: sqlite3.Connection) -> list[str]:
    # FTS5's integrity check is written as an INSERT, which a read-only connection
    # refuses; it runs on a temporary copy on disk (an archive can be gigabytes).
    # Beside the archive if that folder can be written (the system's temporary folder
    # may live in memory), else there.
    beside = Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent
    try:
        scratch = tempfile.TemporaryDirectory(prefix=".archive-check-", dir=beside)
    except OSError:
        scratch = tempfile.TemporaryDirectory(prefix="archive-check-")
    with scratch as folder:
        copy = sqlite3.connect(Path(folder) / "copy.db")
        try:
            conn.backup(copy)
            copy.execute(
                "INSERT INTO passages_fts(passages_fts, rank) VALUES('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            return [f"The full-text index does not match the passages ({exc})."]
        finally:
            copy.close()
    return []


def _check_vocabulary(conn: sqlite3.Connection) -> list[str]:
    """The vocabulary that prefix searches look up holds the index's words, each with
    a word the tokenizer makes into it: else a prefix would find other passages than
    FTS5 itself finds."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'passages_vocab'").fetchone() \
            is None:
        return []  # built before it: prefixes are searched without it
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_terms "
                 "USING fts5vocab(main, passages_fts, row)")
    try:
        missing = conn.execute("SELECT count(*) FROM temp.check_terms WHERE term NOT IN "
                               "(SELECT term FROM passages_vocab)").fetchone()[0]
        extra = conn.execute("SELECT count(*) FROM passages_vocab WHERE term NOT IN "
                             "(SELECT term FROM temp.check_terms)").fetchone()[0]
    finally:
        conn.execute("DROP TABLE temp.check_terms")
    problems = []
    if missing or extra:
        problems.append(f"The search vocabulary lacks {missing} of the index's words and "
                        f"has {extra} it does not.")
    tokenize = tokenize_of(conn)
    wrong = [term for term, word in conn.execute(
                 "SELECT term, word FROM passages_vocab WHERE word IS NOT NULL")
             if tokens_of(tokenize, word) != [term]]
    problems += [f"The search vocabulary writes “{term}” as a word that is not it."
                 for term in wrong[:20]]
    return problems


def _check_spans(archive: Archive) -> list[str]:
    """Every quotation, footnote marker and excerpt names the words it points at.

    SQLite's substr() counts characters as Python does code points, so the
    comparison runs inside the database, however large the archive.
    """
    conn = archive.conn
    problems = [f"Quotation {qid} does not match the text of {pid}."
                for qid, pid in conn.execute(
                    'SELECT q.id, q.passage_id FROM quotations q LEFT JOIN passages p '
                    'ON p.id = q.passage_id WHERE p.text IS NULL OR q.start < 0 OR '
                    'q."end" > length(p.text) OR '
                    'substr(p.text, q.start + 1, q."end" - q.start) IS NOT q.text')]
    problems += [f"Quotation {qid} is not enclosed in quotation marks."
                 for (qid,) in conn.execute(
                     "SELECT q.id FROM quotations q JOIN passages p ON p.id = q.passage_id "
                     'WHERE substr(p.text, q.start + 1, q."end" - q.start) = q.text AND '
                     "(q.start < 1 OR substr(p.text, q.start, 1) != '“' OR "
                     "substr(p.text, q.\"end\" + 1, 1) != '”')")]
    for marker, placed, noted in conn.execute(
            "SELECT f.marker, substr(p.text, f.start + 1, f.\"end\" - f.start) = f.marker, "
            "n.text IS f.note FROM footnotes f LEFT JOIN passages p ON p.id = f.passage_id "
            "LEFT JOIN passages n ON n.id = f.note_passage_id"):
        if not placed:
            problems.append(f"Footnote {marker} is not where its marker stands.")
        if not noted:
            problems.append(f"Footnote {marker} does not match its note passage.")
    problems += [f"Excerpt {pid} does not match the words of {eid} it points at."
                 for pid, eid in conn.execute(
                     "SELECT e.passage_id, e.essay_passage_id FROM excerpts e "
                     "LEFT JOIN passages x ON x.id = e.passage_id "
                     "LEFT JOIN passages p ON p.id = e.essay_passage_id "
                     "WHERE substr(p.text, e.start + 1, e.\"end\" - e.start) IS NOT x.text")]
    return problems


def _check_index(conn: sqlite3.Connection) -> list[str]:
    """Every mention is the words it points at and a name of its entity, every entity's
    count is its number of mentions, and every event is the words it points at, which
    give its date."""
    problems = [f"Mention {mid} of {eid} does not match the text of {pid}."
                for mid, eid, pid in conn.execute(
                    "SELECT m.id, m.entity_id, m.passage_id FROM mentions m "
                    "LEFT JOIN passages p ON p.id = m.passage_id WHERE p.text IS NULL OR "
                    'm.start < 0 OR m.start >= m."end" OR m."end" > length(p.text) OR '
                    'substr(p.text, m.start + 1, m."end" - m.start) IS NOT m.text')]
    # A name with an apostrophe is found with either apostrophe in the text.
    problems += [f"Mention {mid} names {eid} as “{text}”, which is not one of its names."
                 for mid, eid, text in conn.execute(
                     "SELECT m.id, m.entity_id, m.text FROM mentions m WHERE NOT EXISTS "
                     "(SELECT 1 FROM entity_aliases a WHERE a.entity_id = m.entity_id "
                     "AND replace(a.alias, '''', '’') = replace(m.text, '''', '’'))")]
    problems += [f"Entity {eid} counts {counted} mentions, but it has {found}."
                 for eid, counted, found in conn.execute(
                     "SELECT id, mention_count, (SELECT count(*) FROM mentions m "
                     "WHERE m.entity_id = e.id) AS found FROM entities e "
                     "WHERE mention_count IS NOT found")]
    rows = conn.execute(
        'SELECT e.id, e.date_start, e.date_end, e.passage_id, e.start, e."end", e.text, '
        "p.text FROM events e LEFT JOIN passages p ON p.id = e.passage_id ORDER BY e.id")
    for event_id, start, end, passage_id, at, to, words, text in rows:
        if text is None or not 0 <= at < to <= len(text) or text[at:to] != words:
            problems.append(f"Event {event_id} does not match the text of {passage_id}.")
            continue
        try:
            if parse_date(written(start, end)) != (start, end):
                raise ValueError(start)
        except (ValueError, TypeError):
            problems.append(f"Event {event_id} has no date that can be read ({start}, "
                            f"{end}).")
            continue
        if not supported(start, end, text):
            problems.append(f"Event {event_id} is dated {written(start, end)}, which the "
                            f"words of {passage_id} do not give.")
    return problems
