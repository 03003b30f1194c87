"""Check an archive: SQLite's own checks, the search index, and every span."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
            problems.extend(_check_search_index(conn))
            problems.extend(_check_spans(archive))
        except sqlite3.DatabaseError as exc:
            problems.append(f"The archive's tables are not as Archive Browser writes them "
                            f"({exc}).")
    return problems


def _check_search_index(conn: sqlite3.Connection) -> list[str]:
    # FTS5's integrity check is written as an INSERT, which a read-only
    # connection refuses; it runs on an in-memory copy instead.
    copy = sqlite3.connect(":memory:")
    try:
        conn.backup(copy)
        copy.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return [f"The full-text index does not match the passages ({exc})."]
    finally:
        copy.close()
    return []


def _check_spans(archive: Archive) -> list[str]:
    problems: list[str] = []
    texts = {p.id: p.text for d in archive.documents() for p in archive.passages(d.id)}

    def span(passage_id: str, start: int, end: int) -> str | None:
        text = texts.get(passage_id)
        if text is None or not 0 <= start < end <= len(text):
            return None
        return text[start:end]

    for q in archive.quotations():
        words = span(q.passage_id, q.start, q.end)
        text = texts.get(q.passage_id, "")
        if words != q.text:
            problems.append(f"Quotation {q.id} does not match the text of {q.passage_id}.")
        elif text[q.start - 1:q.start] != "“" or text[q.end:q.end + 1] != "”":
            problems.append(f"Quotation {q.id} is not enclosed in quotation marks.")
    for f in archive.footnotes():
        if span(f.passage_id, f.start, f.end) != f.marker:
            problems.append(f"Footnote {f.marker} is not where its marker stands.")
        if texts.get(f.note_passage_id) != f.note:
            problems.append(f"Footnote {f.marker} does not match its note passage.")
    for e in archive.excerpts():
        if span(e.essay_passage_id, e.start, e.end) != texts.get(e.passage_id):
            problems.append(f"Excerpt {e.passage_id} does not match the words of "
                            f"{e.essay_passage_id} it points at.")
    return problems
