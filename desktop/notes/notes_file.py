"""The notes file's life: found, examined, restored if damaged, migrated, opened, locked.

``notes.db`` lives in the person's data folder. Opening it looks at it first (in full
when it is not exactly as this application last closed it): a damaged file, or an
empty one while the backups hold marks, is set aside (never deleted) and replaced by
the newest sound backup; a file that cannot be written is opened read-only; whatever
is not damage (a lock, a permission, a folder in its place) is refused in one
sentence. Then the schema is brought up to date, after a backup, and the file is put
in WAL mode. While a window uses the notes it holds a running lock, which restoring a
backup from the command line respects.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from desktop.notes import backups as backup_files
from desktop.notes import health
from desktop.notes.errors import NEWER, NotesDamaged, NotesError
from desktop.notes.health import State
from desktop.notes.locks import Busy, FileLock
from desktop.notes.migrations import Migration, current_version, migrate

BUSY_TIMEOUT_MS = 10_000
FILE_NAME = "notes.db"
RUNNING_GLOB = "running-*.lock"


class OpenReport(Struct):
    """What happened while opening, for the person to be told."""

    messages: list[str] = field(default_factory=list)
    restored_from: backup_files.Backup | None = None
    damaged_kept_at: Path | None = None


# -- connections ---------------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    """A connection that writes the notes file: WAL, ``synchronous=FULL``, foreign keys,
    waiting up to :data:`BUSY_TIMEOUT_MS` for another writer. It may be used from any
    one thread at a time."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode (it stays so; a new file or a restored backup is not).

    The switch turns a read lock into a write lock, and there SQLite returns "busy" at
    once instead of calling the busy handler (waiting could deadlock): two processes
    opening a new file together would see one of them fail. It waits here instead,
    as long as the busy timeout, for the other to finish its switch.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def connect_read_only(uri: str) -> sqlite3.Connection:
    """A connection to notes that cannot be written (the file or its folder is
    read-only): they are read as they are, and nothing tries to change them."""
    conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                           timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    return conn


def connect_again(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """Another connection to a notes file that is open already, and so was examined,
    restored and migrated: for another thread."""
    return connect_read_only(health.read_only_uri(path)) if read_only else connect(path)


# -- setting a file aside ------------------------------------------------------------


def _holds_marks(path: Path) -> bool:
    return backup_files.fingerprint_of(path) is not None


def _fold_wal(path: Path) -> None:
    """Write a sound file's WAL into it and leave it in rollback mode, so that the file
    set aside is one whole file rather than three."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()


def _set_aside(path: Path, why: str = "damaged") -> Path:
    """Move a database (and its WAL files) aside as PATH.WHY-DATE (PATH.WHY-DATE-2, -3…
    when that name is taken, so that a file set aside earlier is never replaced); never
    delete it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.{why}-{stamp}")
    number = 1
    while any(kept.with_name(kept.name + s).exists() for s in ("", "-wal", "-shm")):
        number += 1
        kept = path.with_name(f"{path.name}.{why}-{stamp}-{number}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.replace(part, kept.with_name(kept.name + suffix))
    return kept


# -- the running lock ----------------------------------------------------------------


def hold_running_lock(folder: Path) -> Any:
    """Mark this process as using the notes in ``folder`` until it exits; None when the
    folder is read-only, where no restore can replace the notes meanwhile either."""
    if Path(folder).exists() and not health.can_write(Path(folder)):
        return None
    application_running(folder)  # clears the marks of windows that were killed
    lock = FileLock(str(Path(folder) / f"running-{os.getpid()}.lock"))
    lock.acquire(timeout=0)
    return lock


def application_running(folder: Path, *, other_than_this_process: bool = False) -> bool:
    """True while an Archive Browser window has these notes open (its lock is held)."""
    for path in Path(folder).glob(RUNNING_GLOB):
        if other_than_this_process and path.name == f"running-{os.getpid()}.lock":
            continue
        lock = FileLock(path)
        try:
            lock.acquire(timeout=0)
        except Busy:
            return True
        lock.release()
        path.unlink(missing_ok=True)  # left by a window that was killed
    return False


def restore_backup(folder: Path, backup: Path) -> Path | None:
    """Put a backup in place of the notes file; the current file is set aside, not lost.

    Returns where the replaced file was kept (None when there was none). Refused
    while the application has the notes open.
    """
    folder = Path(folder)
    if not Path(backup).exists():
        raise NotesError(f"{backup} does not exist; `archive-browser backups` lists the "
                         "backups with their full paths.")
    if not Path(backup).is_file():  # a folder, or a pipe that opening would wait on
        raise NotesError(f"{backup} {backup_files.NOT_NOTES}")
    if application_running(folder):
        raise NotesError("Archive Browser is open on these notes; quit it first, then "
                         "restore the backup.")
    problem = backup_files.problem(Path(backup), current_version())
    if problem is not None:
        raise NotesError(f"{backup} {problem}")
    path = folder / FILE_NAME
    health.refuse_odd_kind(path)
    if path.exists() and Path(backup).resolve() == path.resolve():
        raise NotesError(f"{backup} is your notes file itself, not one of its backups.")
    with health.opening(folder):
        staged = backup_files.stage(Path(backup), path)
        if path.exists():
            _fold_wal(path)
        kept = _set_aside(path, "replaced") if path.exists() else None
        os.replace(staged, path)
    return kept


# -- opening -------------------------------------------------------------------------


class Opened(Struct):
    """An open notes file: its connection, and whether it can only be read."""

    conn: sqlite3.Connection
    read_only: bool


def open_notes(folder: Path, report: OpenReport, *, migrations: Sequence[Migration],
               recover: bool, keep_backups: int) -> Opened:
    """Open the notes file in ``folder``, restored first if it is damaged (or empty
    while the backups hold marks), migrated to ``migrations``' schema after a backup,
    read-only if it cannot be written; what the person should know goes into
    ``report``. Without ``recover`` (a second connection in a process that has the
    notes open already) a file that would need restoring is refused instead."""
    # One process at a time looks at, restores and opens the file: two restoring
    # at once would set aside what the other had just put in place.
    with health.opening(folder):
        opened = _open(folder, report, current_version(migrations), recover)
    try:
        if not opened.read_only:
            path = folder / FILE_NAME
            migrate(opened.conn, lambda: backup_before_migrating(path, keep_backups),
                    migrations)
    except BaseException:
        opened.conn.close()
        raise
    return opened


def _open(folder: Path, report: OpenReport, latest: int, recover: bool) -> Opened:
    """Open the notes file: restored first if it is damaged (or empty while the
    backups hold marks), read-only if it cannot be written, and otherwise refused
    with the real reason."""
    path = folder / FILE_NAME
    # A check begun ahead is over before the file is looked at: while it reads, the
    # file has a WAL beside it, and would not look as it was closed.
    ahead = _finished_ahead(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotesError(f"Your data folder {folder} cannot be made ({exc.strerror}); set "
                         "ARCHIVE_BROWSER_DATA_DIR to a folder you can write to.") from exc
    health.refuse_odd_kind(path)
    exists = path.exists()
    if not exists and not health.can_write(folder):
        raise NotesError(f"Your data folder {folder} is read-only, so your notes "
                         "cannot be kept there; make it writable, or set "
                         "ARCHIVE_BROWSER_DATA_DIR to a folder you can write to.")
    read_only, uri = _how_to_open(folder, path, exists)
    timeout = BUSY_TIMEOUT_MS / 1000
    # The whole check (every index, every value) when the file is not exactly as
    # this application last closed it: after a crash, a copy, a sync or damage.
    thorough = not health.unchanged_since_verified(path)
    checked = ahead.get((health.file_state(path), thorough, uri, latest)) \
        if ahead is not None else None
    state, version = checked if checked is not None else \
        health.examine(path, uri, latest, timeout, thorough=thorough)
    if state in (State.DAMAGED, State.EMPTY):
        good = backup_files.newest_sound(folder / "backups")
        if state is State.DAMAGED or (good is not None and _holds_marks(good.path)):
            if read_only:
                raise NotesDamaged(f"Your notes file {path} is damaged and read-only, "
                                   "so it cannot be restored from a backup; make it and "
                                   "its folder writable and start Archive Browser again.",
                                   path)
            if not recover or application_running(folder, other_than_this_process=True):
                message = (f"Your notes file {path} is {state.value}, but Archive Browser "
                           "has it open elsewhere; quit every window and start again so "
                           "that it can be restored from a backup.")
                # Damage that cannot be mended now is told as damage met later is.
                if state is State.DAMAGED:
                    raise NotesDamaged(message, path)
                raise NotesError(message)
            _recover(path, report, state, good)
            state, version = health.examine(path, uri, latest, timeout)
    if version > latest:
        raise NotesError(NEWER)
    if read_only:
        if version < latest:
            raise NotesError(f"Your notes file {path} needs updating for this "
                             "version of Archive Browser, but it is read-only; make it "
                             "and its folder writable and start again.")
        report.messages.append(
            f"Your notes file {path} is read-only, so your marks are shown but "
            "cannot be changed; make it and its folder writable to change them.")
        return Opened(connect_read_only(uri), read_only=True)
    try:
        return Opened(connect(path), read_only=False)
    except sqlite3.DatabaseError as exc:
        raise NotesError(f"Your notes file {path} cannot be opened ({exc}).") from exc


def _how_to_open(folder: Path, path: Path, exists: bool) -> tuple[bool, str]:
    """Whether the file can only be read, and the URI it is opened (and checked) by."""
    read_only = exists and not (health.can_write(path) and health.can_write(folder))
    return read_only, health.read_only_uri(path) if read_only else path.resolve().as_uri()


# The checks begun ahead (``check_ahead``), by the notes file's path: the thread, and
# what it found with what it was found for (the file's state, the kind of check, the URI
# and the schema version known), once it has finished.
_AHEAD: dict[Path, tuple[threading.Thread, list[tuple[tuple[str, bool, str, int],
                                                      tuple[State, int]]]]] = {}


def check_ahead(folder: Path, latest: int | None = None) -> None:
    """Begin, on a thread of its own, the check that opening the notes file in
    ``folder`` makes, while the launch goes on (loading the window's modules): SQLite
    reads the file without holding Python's lock, so the two go side by side. The
    opening takes what it found only for the file exactly as it was checked (the same
    inode, size and times, its WAL's too, checked the same way), and checks again
    otherwise: nothing is taken on trust.

    Only the quick check of a file as this application closed it, with no window of
    the application open on it (no one else writing it), is begun ahead, and only
    while the opening lock is free, held for the check: it never meets another
    process's restoring or opening. Never raises: what is wrong is found, and said,
    by the opening."""
    path = folder / FILE_NAME
    if path in _AHEAD:
        return
    try:
        if not path.is_file() or not health.unchanged_since_verified(path) \
                or application_running(folder):
            return
        # What the check is for, read here: the thread waits for Python's lock after
        # each of its calls that lets go of it, and the loading it runs beside holds it.
        # (A file changed after this is changed when it is opened: no longer the same.)
        checked_as = (health.file_state(path), False, _how_to_open(folder, path, True)[1],
                      current_version() if latest is None else latest)
        found: list[tuple[tuple[str, bool, str, int], tuple[State, int]]] = []

        def check() -> None:
            _state, _thorough, uri, known = checked_as
            with contextlib.suppress(Exception), health.opening_if_free(folder) as free:
                if free:  # (a file another program has locked is left to the opening)
                    found.append((checked_as, health.examine(path, uri, known, 0,
                                                             thorough=False)))

        thread = threading.Thread(target=check, name="notes-check-ahead", daemon=True)
        thread.start()
    except Exception:  # (the opening finds it, and says it)
        return
    _AHEAD[path] = (thread, found)


def _finished_ahead(path: Path) -> dict[tuple[str, bool, str, int], tuple[State, int]] | None:
    """What the check begun ahead of opening ``path`` found, once it is over, by what
    it was found for (the file's state, the kind of check, the URI, the schema version):
    the opening takes it only for the file as it is then, checked as it would check it.
    Taken once."""
    ahead = _AHEAD.pop(path, None)
    if ahead is None:
        return None
    thread, found = ahead
    thread.join()
    return dict(found)


def _recover(path: Path, report: OpenReport, state: State,
             good: backup_files.Backup | None) -> None:
    staged = backup_files.stage(good.path, path) if good is not None else None
    kept = _set_aside(path, state.value)
    report.damaged_kept_at = kept
    what = "was empty" if state is State.EMPTY else "was damaged"
    if good is not None and staged is not None:
        os.replace(staged, path)
        report.restored_from = good
        report.messages.append(
            f"Your notes file {what}. It has been set aside as {kept.name}, and your "
            f"notes were restored from the backup made on {good.describe()}; anything "
            "written after that is in the set-aside file.")
    else:
        report.messages.append(
            f"Your notes file {what} and no sound backup was found, so a new, empty "
            f"notes file has been started. The damaged file is kept as {kept}.")


# -- backups of the open file --------------------------------------------------------


def backup_before_migrating(path: Path, keep: int) -> None:
    """Back up the notes file while a migration holds its write lock: SQLite's backup
    cannot read through that lock, so a second connection reads the file, which no
    one can change until the migration is done."""
    reader = backup_files.open_read_only(path, BUSY_TIMEOUT_MS / 1000)
    try:
        backup_files.make_backup(reader, path.parent / "backups", keep=keep)
    finally:
        reader.close()


def changed_since_backup(conn: sqlite3.Connection, backup_dir: Path) -> bool:
    """True when the marks on ``conn`` differ from those of the newest backup (or
    there is none, or it cannot be read)."""
    found = backup_files.backups(backup_dir)
    if not found:
        return True
    try:
        newest = backup_files.open_read_only(found[0].path)
        try:
            return backup_files.fingerprint(conn) != backup_files.fingerprint(newest)
        finally:
            newest.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return True
