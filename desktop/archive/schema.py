"""The schema of ``archive.db``; every table and column is described in the README."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite-utils is needed to build, not to read: keep start-up light
    import sqlite_utils

ARCHIVE_FORMAT = "archive-browser"
# 2: the index of people, places, organisations and events (entities, entity_aliases,
# mentions) and the timeline (events).
SCHEMA_VERSION = 2
URI_SCHEME = "archive-browser"
TABLES = ("archive_meta", "documents", "sections", "passages", "sources", "source_passages",
          "quotations", "footnotes", "excerpts", "passages_fts",
          "entities", "entity_aliases", "mentions", "events", "passages_vocab")
# The version of the schema that added a table; an archive of an older version is read
# without it (it has no index of entities, and no timeline).
TABLES_SINCE = {"entities": 2, "entity_aliases": 2, "mentions": 2, "events": 2}
ENTITY_TABLES = tuple(TABLES_SINCE)
# Tables an archive may lack and still be read in full: without passages_vocab, long
# prefixes are searched as FTS5 searches them, more slowly.
OPTIONAL_TABLES = ("passages_vocab",)


def tables_of(version: int) -> tuple[str, ...]:
    """The tables an archive of schema ``version`` must have."""
    return tuple(t for t in TABLES
                 if TABLES_SINCE.get(t, 1) <= version and t not in OPTIONAL_TABLES)
# Porter stemming over Unicode words: "communist" finds "communists".
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# The search index of the passages (see enable_search).
FTS_TABLE = f"""
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content="passages",
            tokenize='{FTS_TOKENIZE}', prefix='1 2 3'
        )"""


def create_schema(db: sqlite_utils.Database) -> None:
    """Create the empty tables and indexes of an archive."""
    db["archive_meta"].create({"key": str, "value": str}, pk="key", not_null={"value"})
    db["sources"].create(
        {"id": str, "seq": int, "kind": str, "title": str, "subtitle": str, "author": str,
         "publisher": str, "year": str, "date": str, "url": str, "archive": str,
         "description": str},
        pk="id", not_null={"seq", "kind", "title"},
    )
    db["documents"].create(
        {"id": str, "seq": int, "kind": str, "title": str, "author": str, "date": str,
         "description": str, "source_id": str, "source_file": str},
        pk="id", not_null={"seq", "kind", "title"},
        foreign_keys=[("source_id", "sources", "id")],
    )
    db["sections"].create(
        {"id": str, "document_id": str, "seq": int, "heading": str},
        pk="id", not_null={"document_id", "seq"},
        foreign_keys=[("document_id", "documents", "id")],
    )
    # n is the row's number in reading order: an INTEGER PRIMARY KEY keeps the
    # rowid that the full-text index points at fixed, even through VACUUM.
    db["passages"].create(
        {"n": int, "id": str, "document_id": str, "section_id": str, "seq": int,
         "paragraph": int, "kind": str, "text": str, "uri": str, "source_line": int},
        pk="n", not_null={"id", "document_id", "seq", "kind", "text", "uri"},
        foreign_keys=[("document_id", "documents", "id"), ("section_id", "sections", "id")],
    )
    db["passages"].create_index(["id"], unique=True)
    db["passages"].create_index(["uri"], unique=True)
    db["passages"].create_index(["document_id", "seq"], unique=True)
    db["passages"].create_index(["section_id"])
    db["excerpts"].create(
        {"id": int, "passage_id": str, "document_id": str, "mode": str,
         "essay_passage_id": str, "start": int, "end": int},
        pk="id", not_null={"passage_id", "document_id", "mode", "essay_passage_id",
                           "start", "end"},
        foreign_keys=[("passage_id", "passages", "id"), ("document_id", "documents", "id"),
                      ("essay_passage_id", "passages", "id")],
    )
    # Every column the reader looks a row up by has an index, so that opening a
    # document or a link reads that document's rows, not the whole table.
    db["excerpts"].create_index(["passage_id"])
    db["excerpts"].create_index(["document_id"])
    db["excerpts"].create_index(["essay_passage_id"])
    db["quotations"].create(
        {"id": int, "passage_id": str, "start": int, "end": int, "text": str, "kind": str,
         "source_id": str, "excerpt_id": int},
        pk="id", not_null={"passage_id", "start", "end", "text", "kind"},
        foreign_keys=[("passage_id", "passages", "id"), ("source_id", "sources", "id"),
                      ("excerpt_id", "excerpts", "id")],
    )
    db["quotations"].create_index(["passage_id"])
    db["footnotes"].create(
        {"id": int, "passage_id": str, "start": int, "end": int, "marker": str, "note": str,
         "note_passage_id": str, "source_id": str},
        pk="id", not_null={"passage_id", "start", "end", "marker", "note", "note_passage_id"},
        foreign_keys=[("passage_id", "passages", "id"), ("note_passage_id", "passages", "id"),
                      ("source_id", "sources", "id")],
    )
    db["footnotes"].create_index(["passage_id"])
    db["footnotes"].create_index(["note_passage_id"])
    db["source_passages"].create(
        {"source_id": str, "passage_id": str}, pk=("source_id", "passage_id"),
        foreign_keys=[("source_id", "sources", "id"), ("passage_id", "passages", "id")],
    )
    db["source_passages"].create_index(["passage_id"])
    create_index_tables(db)


def create_index_tables(db: sqlite_utils.Database) -> None:
    """The index of entities and the timeline (schema version 2).

    Every question the panels ask reads through an index: the list of entities by
    kind, by name or by their number of mentions (counted once, at the build, in
    ``mention_count``); an entity's mentions in reading order (their ids are in reading
    order, and an index on ``entity_id`` holds its rows in id order); a passage's
    mentions and events; the events in timeline order (``date_start``, then id, which
    is reading order).
    """
    db["entities"].create(
        {"id": str, "kind": str, "name": str, "description": str, "mention_count": int},
        pk="id", not_null={"kind", "name", "mention_count"}, defaults={"mention_count": 0},
    )
    for name, columns in (("name", "name COLLATE NOCASE, id"),
                          ("kind_name", "kind, name COLLATE NOCASE, id"),
                          ("count", "mention_count DESC, name COLLATE NOCASE, id"),
                          ("kind_count", "kind, mention_count DESC, name COLLATE NOCASE, id")):
        db.execute(f"CREATE INDEX idx_entities_by_{name} ON entities ({columns})")
    db["entity_aliases"].create(
        {"entity_id": str, "alias": str}, pk=("entity_id", "alias"),
        foreign_keys=[("entity_id", "entities", "id")],
    )
    db["entity_aliases"].create_index(["alias"])
    db["mentions"].create(
        {"id": int, "entity_id": str, "passage_id": str, "start": int, "end": int,
         "text": str},
        pk="id", not_null={"entity_id", "passage_id", "start", "end", "text"},
        foreign_keys=[("entity_id", "entities", "id"), ("passage_id", "passages", "id")],
    )
    db["events"].create(
        {"id": int, "date_start": str, "date_end": str, "label": str, "passage_id": str,
         "start": int, "end": int, "text": str},
        pk="id", not_null={"date_start", "date_end", "label", "passage_id", "start", "end",
                           "text"},
        foreign_keys=[("passage_id", "passages", "id")],
    )


def index_mentions(db: sqlite_utils.Database) -> None:
    """The indexes of mentions and events, made once their rows are all written: sorting
    millions of rows once is much quicker than placing each as it comes."""
    db["mentions"].create_index(["entity_id"])
    db["mentions"].create_index(["passage_id", "start"])
    db["events"].create_index(["date_start"])
    db["events"].create_index(["passage_id", "start"])


def enable_search(db: sqlite_utils.Database) -> None:
    """Index the passages' text for full-text search (FTS5, external content).

    Written out rather than with sqlite-utils' enable_fts(), which cannot ask for
    prefix indexes: with them, "t*" over a million passages is a lookup, not a scan.
    The content table is named as enable_fts() names it (``content="passages"``), the
    form sqlite-utils and Datasette look for to find a table's search index; its rowid
    is ``n``, the integer primary key.

    Built in time linear in the text: FTS5's defaults (a segment written for every
    megabyte of terms, merged four at a time as they come) read and write the index
    again at every level of merging, more levels as the text grows; the rebuild of a
    million passages took twenty times that of a hundred thousand. Here the terms are
    gathered 64 MB at a time, the segments left unmerged while the rebuild runs, and
    merged once at its end ('optimize', one pass over them all): one segment, as
    quick to search as an index can be. The settings are then removed from the
    index's configuration, which holds only its version again, as an index built
    with FTS5's defaults does.

    An archive of fewer than ``BULK_INDEX_PASSAGES`` passages is indexed with the
    defaults, which merge little or nothing there: its index stays the same, byte
    for byte, as the builds before wrote it (the essay's archive among them).
    """
    db.execute(FTS_TABLE)
    (passages,) = db.execute("SELECT count(*) FROM passages").fetchone()
    bulk = passages >= BULK_INDEX_PASSAGES
    if bulk:
        for key, value in BULK_FTS_SETTINGS:
            db.execute("INSERT INTO passages_fts (passages_fts, rank) VALUES (?, ?)",
                       [key, value])
    db.execute("INSERT INTO passages_fts (passages_fts) VALUES ('rebuild')")
    if bulk:
        db.execute("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')")
        db.execute(f"DELETE FROM passages_fts_config WHERE k IN "
                   f"({', '.join('?' * len(BULK_FTS_SETTINGS))})",
                   [key for key, _value in BULK_FTS_SETTINGS])
    index_vocabulary(db)


# From this many passages the search index is built in bulk (see enable_search), with
# these FTS5 settings for the one rebuild (FTS5's defaults: 1 MB, 4 and 16).
BULK_INDEX_PASSAGES = 10_000
BULK_FTS_SETTINGS = (("hashsize", 64 << 20), ("automerge", 0), ("crisismerge", 2000))


def index_vocabulary(db: sqlite_utils.Database) -> None:
    """List the search index's words in ``passages_vocab``, each with a way to type it.

    A prefix search looks its words up here (see desktop/archive/search.py). ``word``
    is what, typed, the tokenizer turns into exactly ``term``: the term itself almost
    always; but Porter's stems are not all stems of themselves ("agre", of "agreed",
    is stemmed again to "agr"), and for those it is the first word of the text that
    made the term, checked; NULL if none could be found.
    """
    import sqlite3

    db.execute("CREATE TABLE passages_vocab (term TEXT PRIMARY KEY, word TEXT)")
    db.execute("CREATE VIRTUAL TABLE temp.fts_rows USING fts5vocab(main, passages_fts, row)")
    db.execute("CREATE VIRTUAL TABLE temp.fts_instances "
               "USING fts5vocab(main, passages_fts, instance)")
    terms = [term for (term,) in db.execute("SELECT term FROM temp.fts_rows")]
    tokenizer = sqlite3.connect(":memory:")
    unstemmed = FTS_TOKENIZE.removeprefix("porter ")
    for name, tokenize in (("stemmed", FTS_TOKENIZE), ("plain", unstemmed)):
        tokenizer.execute(f"CREATE VIRTUAL TABLE {name} USING fts5(x, tokenize='{tokenize}')")
        tokenizer.execute(f"CREATE VIRTUAL TABLE {name}_v USING fts5vocab({name}, instance)")

    def tokens(table: str, texts: list[str]) -> list[list[str]]:
        tokenizer.execute(f"DELETE FROM {table}")
        tokenizer.executemany(f"INSERT INTO {table}(rowid, x) VALUES (?, ?)",
                              enumerate(texts))
        made: list[list[str]] = [[] for _ in texts]
        for term, doc in tokenizer.execute(f"SELECT term, doc FROM {table}_v "
                                           "ORDER BY doc, offset"):
            made[doc].append(term)
        return made

    words: list[str | None] = [term if made == [term] else None
                               for term, made in zip(terms, tokens("stemmed", terms),
                                                     strict=True)]
    for number, term in enumerate(terms):
        if words[number] is not None:
            continue
        first = db.execute("SELECT i.\"offset\", p.text FROM temp.fts_instances i "
                           "JOIN passages p ON p.n = i.doc WHERE i.term = ? LIMIT 1",
                           [term]).fetchone()
        if first is None:
            continue
        plain = tokens("plain", [first[1]])[0]
        if first[0] < len(plain) and tokens("stemmed", [plain[first[0]]])[0] == [term]:
            words[number] = plain[first[0]]
    tokenizer.close()
    db.conn.executemany("INSERT INTO passages_vocab (term, word) VALUES (?, ?)",
                        zip(terms, words, strict=True))
    db.execute("DROP TABLE temp.fts_rows")
    db.execute("DROP TABLE temp.fts_instances")
