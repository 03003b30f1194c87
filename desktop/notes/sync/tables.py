"""The sync's own tables in the notes file (created by migration 6), read and written on
the connection of a transaction the caller holds.

- ``sync_device``: this installation's id, its clock and the number of its next file;
  its row exists once the installation syncs, and from then on every write of a mark
  records a row in ``sync_outbox`` (:meth:`desktop.notes.store.Notes._capture`);
- ``sync_marks``: every mark's merged state (:mod:`.state`), of every archive synced;
- ``sync_unsent``: marks changed here whose state is still to be written to the folder;
- ``sync_read``: how far each file of the folder has been read, for each archive, and
  whether it was whole; names reported once as not ours are kept here too;
- ``sync_covered``: for each archive and device, the number up to which all that
  device's files have been read (what ``seen.json`` tells the others).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import orjson

from desktop.notes.store import GONE
from desktop.notes.sync.clock import Clock
from desktop.notes.sync.state import State, compact_json

_CHUNK = 500  # ids in one IN (…) list, well below SQLite's limit on variables


@dataclass
class Device:
    clock: Clock
    next_file: int


def device(conn: sqlite3.Connection) -> Device | None:
    """This installation as the notes know it; None before its first sync."""
    row = conn.execute("SELECT device, clock_ms, counter, seen_ms, next_file "
                       "FROM sync_device").fetchone()
    if row is None:
        return None
    return Device(Clock(row[0], row[1], row[2], row[3]), row[4])


def enable(conn: sqlite3.Connection, device_id: str) -> None:
    """Start syncing: record the device, and every mark already here as changed (at the
    time of its last change, oldest first, so that its stamps keep that order)."""
    conn.execute("INSERT INTO sync_device (id, device) VALUES (1, ?)", (device_id,))
    conn.execute(
        "INSERT INTO sync_outbox (mark_id, kind, fields, wall) "
        "SELECT id, kind, '*', modified FROM ("
        "SELECT id, 'highlights' AS kind, modified FROM highlights UNION ALL "
        "SELECT id, 'bookmarks', modified FROM bookmarks UNION ALL "
        "SELECT id, 'links', modified FROM links) ORDER BY modified, id")


def rename(conn: sqlite3.Connection, device_id: str, next_file: int = 1) -> None:
    """Go on under another id, its next file numbered ``next_file``; its clock goes on (its
    stamps stay later than every stamp it issued before)."""
    conn.execute("UPDATE sync_device SET device = ?, next_file = ?", (device_id, next_file))


def save_device(conn: sqlite3.Connection, found: Device) -> None:
    c = found.clock
    conn.execute("UPDATE sync_device SET clock_ms = ?, counter = ?, seen_ms = ?, "
                 "next_file = ?", (c.ms, c.counter, c.seen_ms, found.next_file))


def outbox(conn: sqlite3.Connection, limit: int | None = None
           ) -> list[tuple[int, str, str, str, str, str | None]]:
    """The changes made here since the last sync (the oldest ``limit`` of them, if
    given): (seq, mark id, kind, fields, when, the mark as it was when deleted (JSON) or
    None)."""
    return conn.execute("SELECT seq, mark_id, kind, fields, wall, gone FROM sync_outbox "
                        "ORDER BY seq LIMIT ?", (-1 if limit is None else limit,)).fetchall()


def first_deletions_after(conn: sqlite3.Connection, seq: int
                          ) -> list[tuple[str, str, str | None]]:
    """The deletions in the outbox after ``seq``, the first of each mark: (mark id,
    kind, the mark as it was (JSON) or None)."""
    # With MIN(), SQLite takes the other columns from the row of the least seq.
    rows = conn.execute("SELECT mark_id, kind, gone, MIN(seq) FROM sync_outbox "
                        "WHERE seq > ? AND fields = ? GROUP BY mark_id", (seq, GONE))
    return [(mark_id, kind, gone) for mark_id, kind, gone, _seq in rows]


def clear_outbox(conn: sqlite3.Connection, upto: int) -> None:
    conn.execute("DELETE FROM sync_outbox WHERE seq <= ?", (upto,))


def states(conn: sqlite3.Connection,
           ids: Collection[str]) -> dict[str, tuple[str, str, State]]:
    """The merged states of marks: id -> (archive id, kind, state)."""
    found: dict[str, tuple[str, str, State]] = {}
    listed = list(ids)
    for start in range(0, len(listed), _CHUNK):
        part = listed[start:start + _CHUNK]
        rows = conn.execute("SELECT mark_id, archive_id, kind, state FROM sync_marks "
                            f"WHERE mark_id IN ({', '.join('?' * len(part))})", part)
        found |= {i: (a, k, orjson.loads(s)) for i, a, k, s in rows}
    return found


def save_states(conn: sqlite3.Connection,
                rows: Iterable[tuple[str, str, str, State]]) -> None:
    """Store merged states: (mark id, archive id, kind, state)."""
    conn.executemany(
        "INSERT OR REPLACE INTO sync_marks (mark_id, archive_id, kind, state) "
        "VALUES (?, ?, ?, ?)",
        [(i, a, k, compact_json(s)) for i, a, k, s in rows])


def mark_unsent(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany("INSERT OR IGNORE INTO sync_unsent (mark_id) VALUES (?)",
                     [(i,) for i in ids])


def all_marks(conn: sqlite3.Connection) -> list[str]:
    """Every mark the sync knows, of every archive."""
    return [r[0] for r in conn.execute("SELECT mark_id FROM sync_marks")]


def unsent(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT mark_id FROM sync_unsent ORDER BY mark_id")]


def sent(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM sync_unsent WHERE mark_id = ?", [(i,) for i in ids])


Positions = dict[tuple[str, str], tuple[int, bool]]


def positions(conn: sqlite3.Connection, archive_id: str) -> Positions:
    """How far each file was read for ``archive_id``: (device, name) -> (offset, whole)."""
    rows = conn.execute("SELECT device, name, size, done FROM sync_read WHERE archive_id = ?",
                        (archive_id,))
    return {(d, n): (size, bool(done)) for d, n, size, done in rows}


def save_positions(conn: sqlite3.Connection, archive_id: str, found: Positions,
                   gone: Iterable[tuple[str, str]] = ()) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO sync_read (archive_id, device, name, size, done) "
        "VALUES (?, ?, ?, ?, ?)",
        [(archive_id, d, n, size, int(done)) for (d, n), (size, done) in found.items()])
    conn.executemany("DELETE FROM sync_read WHERE archive_id = ? AND device = ? AND name = ?",
                     [(archive_id, d, n) for d, n in gone])


def covered(conn: sqlite3.Connection, archive_id: str) -> dict[str, int]:
    return dict(conn.execute("SELECT device, upto FROM sync_covered WHERE archive_id = ?",
                             (archive_id,)).fetchall())


def save_covered(conn: sqlite3.Connection, archive_id: str, found: dict[str, int]) -> None:
    conn.executemany("INSERT OR REPLACE INTO sync_covered (archive_id, device, upto) "
                     "VALUES (?, ?, ?)", [(archive_id, d, n) for d, n in found.items()])


def acknowledged(conn: sqlite3.Connection) -> dict[str, int]:
    """For each device, the number up to which all its files have been read (for some
    archive: a snapshot holds every archive's marks, so one read is enough to let it go)."""
    return dict(conn.execute("SELECT device, MAX(upto) FROM sync_covered GROUP BY device"))
