"""The notes database's schema, version by version.

``PRAGMA user_version`` says which migrations a file has had. Opening a file runs
the missing ones, all in one transaction, after a verified backup of the file as
it was; a file from a newer version of the application is refused untouched.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from desktop.notes.errors import NEWER, NotesError

Migration = Callable[[sqlite3.Connection], None]
T = TypeVar("T")


def _run(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript() would commit the open transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1(conn: sqlite3.Connection) -> None:
    _run(conn, """
        CREATE TABLE highlights (
            id TEXT PRIMARY KEY,
            archive_id TEXT NOT NULL,
            document_id TEXT NOT NULL,
            uri TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'anchored'
                CHECK (state IN ('anchored', 'moved', 'orphaned')),
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX highlights_by_uri ON highlights (archive_id, uri);
        CREATE TABLE highlight_tags (
            highlight_id TEXT NOT NULL REFERENCES highlights (id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (highlight_id, tag)
        );
        CREATE INDEX tags_by_tag ON highlight_tags (tag);
        CREATE TABLE bookmarks (
            id TEXT PRIMARY KEY,
            archive_id TEXT NOT NULL,
            document_id TEXT NOT NULL,
            uri TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            exact TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'anchored'
                CHECK (state IN ('anchored', 'moved', 'orphaned')),
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE UNIQUE INDEX bookmarks_by_uri ON bookmarks (archive_id, uri);
    """)


def _v2(conn: sqlite3.Connection) -> None:
    """Remember which archive text the marks were placed on; find a document's quickly."""
    _run(conn, """
        CREATE INDEX highlights_by_document ON highlights (archive_id, document_id);
        CREATE TABLE anchored_to (
            archive_id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL
        );
    """)


def _v3(conn: sqlite3.Connection) -> None:
    """Two bookmarks may come to mark one passage (an import, an archive rebuilt):
    both are kept, where a unique index made one replace the other."""
    _run(conn, """
        DROP INDEX bookmarks_by_uri;
        CREATE INDEX bookmarks_by_uri ON bookmarks (archive_id, uri);
    """)


def _v4(conn: sqlite3.Connection) -> None:
    """A highlight across passages: its parts after the first, one a row, each placed on
    its own. The highlight's row keeps the first part, and its ``state`` column is that
    part's own state (the highlight's is the worst of its parts', worked out on reading):
    a file of highlights of one part each reads exactly as before."""
    _run(conn, """
        CREATE TABLE highlight_parts (
            highlight_id TEXT NOT NULL REFERENCES highlights (id) ON DELETE CASCADE,
            part INTEGER NOT NULL CHECK (part >= 1),
            uri TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'anchored'
                CHECK (state IN ('anchored', 'moved', 'orphaned')),
            PRIMARY KEY (highlight_id, part)
        );
        CREATE INDEX highlight_parts_by_uri ON highlight_parts (uri);
    """)


def _end_columns(end: str) -> str:
    return f"""
            {end}_document TEXT NOT NULL,
            {end}_uri TEXT NOT NULL,
            {end}_start INTEGER NOT NULL,
            {end}_end INTEGER NOT NULL,
            {end}_exact TEXT NOT NULL,
            {end}_prefix TEXT NOT NULL DEFAULT '',
            {end}_suffix TEXT NOT NULL DEFAULT '',
            {end}_state TEXT NOT NULL DEFAULT 'anchored'
                CHECK ({end}_state IN ('anchored', 'moved', 'orphaned')),"""


def _v5(conn: sqlite3.Connection) -> None:
    """Links between passages: two ends, each a document and the W3C selectors of its
    words with its own state, a relation and a note. A link's markers are drawn at
    both ends, so either end's document finds it quickly."""
    _run(conn, f"""
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            archive_id TEXT NOT NULL,{_end_columns("first")}{_end_columns("second")}
            relation TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX links_by_first ON links (archive_id, first_document);
        CREATE INDEX links_by_second ON links (archive_id, second_document);
    """)


def _v6(conn: sqlite3.Connection) -> None:
    """Sync through a shared folder (:mod:`desktop.notes.sync`). ``sync_device`` has a row
    once this installation syncs: from then on every write of a mark also records, in
    its own transaction, which mark and which of its fields changed, in ``sync_outbox``
    (a deleted mark with what it held, ``gone``, as JSON), so that a crash between the
    write and the folder loses nothing. The other tables
    are the sync's own: each mark's merged state with its stamps, the marks still to be
    written to the folder, and how far each file in the folder has been read."""
    _run(conn, """
        CREATE TABLE sync_device (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            device TEXT NOT NULL,
            clock_ms INTEGER NOT NULL DEFAULT 0,
            counter INTEGER NOT NULL DEFAULT 0,
            seen_ms INTEGER NOT NULL DEFAULT 0,
            next_file INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE sync_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            mark_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT NOT NULL,
            wall TEXT NOT NULL,
            gone TEXT
        );
        CREATE TABLE sync_marks (
            mark_id TEXT PRIMARY KEY,
            archive_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL
        );
        CREATE TABLE sync_unsent (
            mark_id TEXT PRIMARY KEY
        );
        CREATE TABLE sync_read (
            archive_id TEXT NOT NULL,
            device TEXT NOT NULL,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (archive_id, device, name)
        );
        CREATE TABLE sync_covered (
            archive_id TEXT NOT NULL,
            device TEXT NOT NULL,
            upto INTEGER NOT NULL,
            PRIMARY KEY (archive_id, device)
        );
    """)


def _v7(conn: sqlite3.Connection) -> None:
    """What the reader draws of a document's highlights (place, colour, id), in the
    order it draws them, and what the highlights panel orders them by (and the date
    made), read from one index without touching the table's rows: 10,000 highlights
    are read from a fraction of the pages. It begins as ``highlights_by_document`` did,
    so it serves every query that one served, and takes its place (a file keeps one
    index of a document's highlights, not two)."""
    _run(conn, """
        CREATE INDEX highlights_drawn ON highlights
            (archive_id, document_id, uri, start, "end", id, colour, state, created);
        DROP INDEX highlights_by_document;
    """)


MIGRATIONS: Sequence[Migration] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7)

# The tables a version added: a file of that version or later without one has lost it.
TABLES_SINCE = {"highlight_parts": 4, "links": 5, "sync_device": 6, "sync_outbox": 6,
                "sync_marks": 6, "sync_unsent": 6, "sync_read": 6, "sync_covered": 6}

# The indexes a large write (a sync's first round of 100,000 marks) drops while it runs
# and makes again when it ends: their order is not the ids', so each of its transactions
# would write most of their pages again (twice a first sync's time). A file that lost
# one (the writer stopped between the two) has it made again when it is next opened
# for writing. Each is as the migration that made it (_v7) made it.
BULK_INDEXES = {
    "highlights_drawn": "CREATE INDEX highlights_drawn ON highlights "
                        '(archive_id, document_id, uri, start, "end", id, colour, state, '
                        "created)",
}
BULK_FROM = 2000  # new highlights in one write from which it drops them: not a day's


def missing_indexes(conn: sqlite3.Connection) -> list[str]:
    """The indexes of :data:`BULK_INDEXES` the file lacks."""
    present = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN "
        f"({', '.join('?' * len(BULK_INDEXES))})", tuple(BULK_INDEXES))}
    return [name for name in BULK_INDEXES if name not in present]


def drop_for_bulk(conn: sqlite3.Connection) -> None:
    """Drop the indexes of :data:`BULK_INDEXES`, in the caller's transaction."""
    for name in BULK_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def restore_indexes(conn: sqlite3.Connection) -> None:
    """Make again, in the caller's transaction, the indexes of :data:`BULK_INDEXES` that
    the file lacks."""
    for name in missing_indexes(conn):
        conn.execute(BULK_INDEXES[name])


@contextlib.contextmanager
def indexes_made_after(conn: sqlite3.Connection, many: bool) -> Iterator[None]:
    """With ``many`` (more new highlights than the notes hold, and thousands of them: an
    import's, written in one transaction), the indexes of the highlights and their tags
    (not their keys) dropped while the caller writes, and made again, as they were, in
    the same transaction: entries
    written in an order that is not theirs would rewrite most of their pages, which
    costs more than making them anew at the end. All or nothing still: should the
    write fail, the transaction's rollback keeps them as they were. (A sync round, which
    writes across several transactions, drops only :data:`BULK_INDEXES`, made again at
    its end or at the next opening.)"""
    if not many:
        yield
        return
    made = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('highlights', 'highlight_tags') "
        "AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name").fetchall()
    for name, _sql in made:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in made:
        conn.execute(sql)


def current_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return len(migrations)


def _version(conn: sqlite3.Connection, latest: int) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > latest:
        raise NotesError(NEWER)
    return version


def _in_transaction(conn: sqlite3.Connection, write: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = write(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return done


def migrate(conn: sqlite3.Connection, backup: Callable[[], object],
            migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to the newest schema; return the version it had.

    The version is read again inside the write transaction: another process opening
    the same file at the same moment waits for this one, then finds nothing to do,
    rather than running the migrations a second time. The backup of an older file is
    made inside that transaction too, so it is made once, of the file as it was.
    """
    latest = current_version(migrations)
    if _version(conn, latest) == latest:
        if _v7 in migrations and missing_indexes(conn):
            _in_transaction(conn, restore_indexes)
        return latest  # the usual case: no write lock taken at all
    return _in_transaction(conn, lambda conn: _upgrade(conn, backup, migrations, latest))


def _upgrade(conn: sqlite3.Connection, backup: Callable[[], object],
             migrations: Sequence[Migration], latest: int) -> int:
    version = _version(conn, latest)
    if 0 < version < latest:
        backup()
    for step in migrations[version:]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {latest:d}")
    return version
