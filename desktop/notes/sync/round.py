"""One round of sync: read what is new in the folder, merge it, write what changed here.

:func:`sync_round` is the whole of it, for the command line and for the window's
worker thread alike. A round holds a lock in the data folder, so that two processes
(a window and ``archive-browser sync`` from cron) never run one at the same time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import desktop.notes.sync.folder as layout
import desktop.notes.sync.merge as merge
import desktop.notes.sync.tables as tables
from desktop.notes.boundary import at_boundary
from desktop.notes.bulk import without_collecting
from desktop.notes.errors import NotesError
from desktop.notes.locks import Busy, FileLock
from desktop.notes.migrations import restore_indexes
from desktop.notes.store import Notes
from desktop.notes.sync.clock import now_ms
from desktop.notes.sync.compaction import COMPACT_AFTER, compact
from desktop.notes.sync.reading import Reading, read
from desktop.notes.sync.records import Record, encode, end_line
from desktop.notes.sync.settings import Device as Device
from desktop.notes.sync.state import join

# Marks merged in one transaction: the window's own writes wait for no longer than this.
CHUNK = 5000
# Records in one change file: a first sync of many marks is written as several files.
FILE_RECORDS = 20_000
LOCK = "sync.lock"
CACHE_KIB = 64 * 1024  # the page cache of a round's connection, while it runs
CHECKPOINT_PAGES = 10_000  # its WAL copied into the notes file every 40 MB, not 4 MB


@dataclass
class SyncReport:
    """What a round did, for the person: changes sent and received, and what went wrong."""

    device: str = ""
    sent: int = 0  # marks whose changes were written to the folder
    received: int = 0  # marks added, changed or deleted here by other devices' changes
    conflicts: int = 0  # notes changed on two devices at once: both texts are kept
    files: int = 0  # change files written
    compacted: int | None = None  # a snapshot was written up to this file
    renamed_from: str | None = None  # the id this device went by before this round
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The round in a sentence or a few."""
        if self.sent or self.received:
            text = (f"Sent {_count(self.sent, 'changed mark') if self.sent else 'nothing'} "
                    f"and received "
                    f"{_count(self.received, 'changed mark') if self.received else 'nothing'}.")
        else:
            text = "Nothing new to send or receive."
        if self.conflicts:
            text += (f" {_count(self.conflicts, 'note')} changed on two devices at once "
                     f"{'keeps' if self.conflicts == 1 else 'keep'} both texts; edit "
                     f"{'it' if self.conflicts == 1 else 'them'} to keep what you want.")
        return " ".join([text, *self.problems])


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@contextlib.contextmanager
def _one_round_at_a_time(data: Path, timeout: float) -> Iterator[None]:
    lock = FileLock(data / LOCK)
    try:
        lock.acquire(timeout=timeout)
    except Busy:
        raise NotesError("Another sync of these notes is running; try again when it has "
                         "finished.") from None
    try:
        yield
    finally:
        lock.release()


def check_folder(folder: Path) -> None:
    """Refuse, in one sentence, a sync folder that cannot be used."""
    if not folder.exists():
        raise NotesError(f"The sync folder {folder} does not exist; create it (or let your "
                         "sync program create it), then sync again.")
    if not folder.is_dir():
        raise NotesError(f"{folder} is not a folder; choose the folder your sync program "
                         "keeps in step.")
    inside = [p for p in (folder, *folder.parents) if p.name == layout.TOP]
    if inside:
        raise NotesError(f"{folder} is the sync's own folder, or inside it; choose the folder "
                         f"that holds it, {inside[-1].parent}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotesError(f"The sync folder {folder} cannot be written to; choose a folder "
                         "you can write in.")


@at_boundary
def sync_round(notes: Notes, archive_id: str, folder: Path, device: Device, *,
               compact_after: int = COMPACT_AFTER, wait: float = 60.0) -> SyncReport:
    """Sync the marks of ``archive_id`` with ``folder``: merge what other devices wrote
    there since the last round, write what changed here, and compact this device's own
    old files when every device has read them. Raises :class:`NotesError` (one sentence)
    when the folder or the notes cannot be used."""
    notes.ensure_writable()
    folder = Path(folder)
    check_folder(folder)
    with _one_round_at_a_time(notes.folder, wait), without_collecting(), \
            _larger_cache(notes):
        return _round(notes, archive_id, folder, device, compact_after)


@contextlib.contextmanager
def _larger_cache(notes: Notes) -> Iterator[None]:
    """A larger page cache for the round's connection than SQLite's 2 MB, and its WAL
    copied into the notes file every 40 MB rather than every 4 MB: a first sync writes
    100,000 marks and their states into five indexes at once, and would read their pages
    again and again, and copy the same pages at each checkpoint. The round's commits
    keep ``synchronous=FULL``, as every write of the notes does: each waits for the
    disk, which costs a first sync of 100,000 marks a few dozen waits."""
    cache = notes.conn.execute("PRAGMA cache_size").fetchone()[0]
    pages = notes.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    notes.conn.execute(f"PRAGMA cache_size = {-CACHE_KIB:d}")
    notes.conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES:d}")
    try:
        yield
    finally:
        # What the WAL holds is copied here, on the round's thread, not left for the
        # window's next save to copy.
        notes.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        notes.conn.execute(f"PRAGMA cache_size = {int(cache):d}")
        notes.conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages):d}")


def _round(notes: Notes, archive_id: str, folder: Path, device: Device,
           compact_after: int) -> SyncReport:
    with notes._write() as conn:
        if tables.device(conn) is None:
            tables.enable(conn, device.id)
        found = tables.device(conn)
        restore_indexes(conn)  # an earlier round's, if it stopped before it made them
    assert found is not None
    report = SyncReport(device=found.clock.device)
    top = layout.root(folder)
    listing = layout.listing(folder)
    positions = tables.positions(notes.conn, archive_id)
    me = _identity(notes, top, listing, found, positions, report)
    _introduce(top / me, me, device.name, installation(notes.folder))
    reading = Reading(archive_id, me, positions, tables.covered(notes.conn, archive_id),
                      report.problems)
    now = now_ms()
    pending: dict[str, Record] = {}
    received: set[str] = set()
    conflicts: set[str] = set()
    bulk = merge.Bulk()

    def stamp_here(conn: sqlite3.Connection, limit: int | None) -> tuple[tables.Device, int]:
        state = tables.device(conn)
        assert state is not None
        for stamp in reading.latest.values():
            state.clock.saw(stamp, now)
        return state, merge.fold(notes, conn, state.clock, limit=limit)

    def merge_some(ids: list[str], *, last: bool) -> None:
        # Changes made here are stamped first: many (every mark, when this device begins
        # to sync; an import) a transaction of CHUNK at a time, the rest in the merge's
        # own transaction, so that a merge never writes over an edit it has not seen.
        folded = CHUNK
        while folded == CHUNK:
            with notes._write() as conn:
                state, folded = stamp_here(conn, CHUNK)
                if folded:
                    tables.save_device(conn, state)
        with notes._write() as conn:
            state, _folded = stamp_here(conn, None)
            merged = merge.merge(notes, conn, archive_id, {i: pending.pop(i) for i in ids},
                                 bulk)
            received.update(merged.received)
            conflicts.update(merged.conflicts)
            if last:
                tables.save_positions(conn, archive_id, reading.positions, reading.gone)
                tables.save_covered(conn, archive_id, reading.covered)
            tables.save_device(conn, state)

    try:
        for done in (part for job in reading.jobs(top, listing) for part in read(job)):
            for record in reading.take(done):
                kept = pending.get(record.mark_id)
                if kept is None:
                    pending[record.mark_id] = record
                elif kept.kind == record.kind:
                    state = join(kept.state, record.state)
                    assert state is not None
                    pending[record.mark_id] = Record(record.archive_id, record.mark_id,
                                                     record.kind, state,
                                                     max(kept.stamp, record.stamp))
            while len(pending) >= CHUNK:  # merged as files come: never all of them at once
                merge_some(list(pending)[:CHUNK], last=False)
        reading.finish(listing)
        merge_some(list(pending), last=True)
    except BaseException:
        if bulk.dropped:  # if it can be now; else on opening, or by the next round
            with contextlib.suppress(sqlite3.Error, NotesError), notes._write() as conn:
                restore_indexes(conn)
        raise
    if bulk.dropped:  # made again in one pass over the marks, in their own order
        with notes._write() as conn:
            restore_indexes(conn)
    report.received, report.conflicts = len(received), len(conflicts)
    _send(notes, archive_id, top / me, listing, report)
    _acknowledge(notes, top / me, me)
    upto = compact(top, me, layout.listing(folder), after=compact_after)
    if upto is not None:
        report.compacted = upto
        with notes._write() as conn:
            name = layout.file_name(upto, snapshot=True)
            tables.save_positions(conn, archive_id, {(me, name): (0, True)})
            mine = tables.covered(conn, archive_id).get(me, 0)
            tables.save_covered(conn, archive_id, {me: max(mine, upto)})
    return report


def _identity(notes: Notes, top: Path, listing: layout.Listing, found: tables.Device,
              written: tables.Positions, report: SyncReport) -> str:
    """Who this device is in the folder: itself, or another id when going on as itself
    would lose changes or write over another's files.

    - Its ``device.json`` was written by notes elsewhere: these notes are a copy (a data
      folder copied, a backup restored on another computer), and the other place goes
      on writing as this device. The copy goes on as a new device.
    - The folder lacks changes it wrote (another folder chosen, the folder emptied or
      made again, files deleted, or a file of its brought back half-copied or only as a
      conflicted copy; ``written`` holds the sizes it wrote them at): the others may have
      read files of its under the same names, so it writes every mark again, under the id
      these notes had in this folder before (after its last file there), or else under a
      new id, from file 1.
    """
    me = found.clock.device
    home = installation(notes.folder)
    if _elsewhere(top / me, home):
        new, first, resend = secrets.token_hex(8), 1, False
        why = (f"These notes were copied or moved from another place, where they synced as "
               f"device {me}; they now sync as a new device, {new}, so that the two never "
               "write each other's files. If the notes at the other place no longer sync, "
               f"delete the folder {top / me} so that the other devices can compact their "
               "files.")
    elif not _holds_all_sent(listing.files.get(me, []), found.next_file, me, written):
        new, first = _here_before(top, listing, home) or (secrets.token_hex(8), 1)
        resend = True
        why = ("This folder did not hold every change these notes had written to their sync "
               "folder (another folder was chosen, or files were deleted or cut short), so "
               "every mark was written to it again.")
    else:
        return me
    with notes._write() as conn:
        tables.rename(conn, new, first)
        if resend:
            tables.mark_unsent(conn, tables.all_marks(conn))
    report.device, report.renamed_from = new, me
    report.problems.append(why)
    return new


def _here_before(top: Path, listing: layout.Listing, home: str) -> tuple[str, int] | None:
    """The id under which these notes wrote to this folder before, and the number of the
    file after its last one there."""
    for device, files in listing.files.items():
        said = layout.read_json(top / device / layout.DEVICE_FILE)
        if isinstance(said, dict) and said.get("home") == home and files:
            return device, max(f.number for f, _size in files) + 1
    return None


def _holds_all_sent(files: list[tuple[layout.ChangeFile, int]], next_file: int, me: str,
                    written: tables.Positions) -> bool:
    """Whether the folder holds every file device ``me`` wrote (``1`` to ``next_file -
    1``), whole (at least the size it was ``written`` at: a file is written once, whole)
    or folded into its snapshot. A conflicted copy an engine made holds some version of a
    file, not the file: the others may never have had it whole."""
    folded = max((f.number for f, _size in files if f.snapshot and f.canonical), default=0)
    held = {f.number for f, size in files if not f.snapshot and f.canonical
            and size >= written.get((me, f.name), (0, True))[0]}
    return all(n in held for n in range(folded + 1, next_file))


def installation(data: Path) -> str:
    """Where these notes are, as a digest that tells nothing of it: this computer (its
    machine id, or else its host name and network address) and the data folder's file
    number on its disk. A copy of the data folder, here or on another computer, is
    somewhere else; the same folder renamed or moved on its disk is not."""
    machine = ""
    for source in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            machine = Path(source).read_text(encoding="ascii").strip()
        if machine:
            break
    machine = machine or f"{socket.gethostname()}/{uuid.getnode():012x}"
    where = f"{machine}/{os.stat(data).st_ino}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(where).hexdigest()[:16]


def _elsewhere(own: Path, home: str) -> bool:
    """Whether this device's ``device.json`` in the folder was written by notes at
    another place: a copy of the data folder (a backup restored on a new computer, a
    folder copied to try something) would otherwise write this device's files too, and
    the two would write over each other's. Notes that never said where they are (written
    by an earlier version) are taken to be these."""
    said = layout.read_json(own / layout.DEVICE_FILE)
    return isinstance(said, dict) and isinstance(said.get("home"), str) and said["home"] != home


def _introduce(own: Path, me: str, name: str, home: str) -> None:
    """This device's folder, with its ``device.json`` (written again if the name changed)."""
    wanted = {"format": 1, "device": me, "name": name, "home": home,
              "application": "Archive Browser"}
    if layout.read_json(own / layout.DEVICE_FILE) != wanted:
        layout.write_json(own / layout.DEVICE_FILE, wanted)


def _acknowledge(notes: Notes, own: Path, me: str) -> None:
    """Tell the other devices how far this one has read their files (``seen.json``)."""
    seen = {d: n for d, n in tables.acknowledged(notes.conn).items() if d != me}
    wanted = {"format": 1, "device": me, "seen": seen}
    if layout.read_json(own / layout.SEEN_FILE) != wanted:
        layout.write_json(own / layout.SEEN_FILE, wanted)


def _send(notes: Notes, archive_id: str, own: Path, listing: layout.Listing,
          report: SyncReport) -> None:
    """Write the states of the marks changed here to new files of this device's, at most
    :data:`FILE_RECORDS` a file, one file at a time: each, once written, is recorded as
    sent in a transaction of its own."""
    ids = tables.unsent(notes.conn)
    if not ids:
        return
    me = own.name
    state = tables.device(notes.conn)
    assert state is not None
    number = max([state.next_file, *(f.number + 1 for f, _s in listing.files.get(me, []))])
    for start in range(0, len(ids), FILE_RECORDS):
        part = ids[start:start + FILE_RECORDS]
        found = tables.states(notes.conn, part)
        lines = [encode(a, i, k, s) for i, (a, k, s) in sorted(found.items())]
        written: tables.Positions = {}
        if lines:
            name = layout.file_name(number)
            size = layout.write_whole(own / name, [*lines, end_line(me, number, len(lines))])
            written[(me, name)] = (size, True)
            number += 1
        with notes._write() as conn:
            tables.sent(conn, part)
            state = tables.device(conn)
            assert state is not None
            state.next_file = number
            tables.save_device(conn, state)
            tables.save_positions(conn, archive_id, written)  # ours: nothing to read in them
        report.sent += len(lines)
        report.files += len(written)
