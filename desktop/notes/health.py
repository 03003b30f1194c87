"""Whether a notes file can be opened, and if not, the real reason.

Damage (a file SQLite rejects, a schema or a note that is not valid UTF-8, a notes
file whose tables are gone) is told apart from everything that is not damage: a
folder or a pipe where the file should be, a file or folder that cannot be written,
a file another program has locked. Damaged files are set aside and restored by the
store; the others are left alone and named, each in one sentence.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from desktop.notes.errors import NotesError
from desktop.notes.migrations import TABLES_SINCE

# The tables that hold the marks; a notes file without them holds nothing.
MARKS_TABLES = frozenset({"highlights", "highlight_tags", "bookmarks"})
_DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class State(Enum):
    MISSING = "missing"  # no file yet: a new data folder
    EMPTY = "empty"  # no tables and no version: a zero-byte or never-initialised file
    DAMAGED = "damaged"
    SOUND = "sound"


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The names of the database's tables."""
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def tables_of(version: int) -> frozenset[str]:
    """The tables a notes file of schema ``version`` has: the marks' tables, and those
    later versions added (a file made before them is sound without them, and gets them
    when it is migrated)."""
    return MARKS_TABLES | {name for name, since in TABLES_SINCE.items() if version >= since}


def holds_marks(conn: sqlite3.Connection) -> bool:
    """True when the database has a highlight, a bookmark or a link."""
    tables = table_names(conn)
    if not tables >= MARKS_TABLES:
        return False
    query = "SELECT EXISTS (SELECT 1 FROM highlights) OR EXISTS (SELECT 1 FROM bookmarks)"
    if "links" in tables:
        query += " OR EXISTS (SELECT 1 FROM links)"
    return conn.execute(query).fetchone()[0] == 1


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_everything(conn: sqlite3.Connection, rows_at_once: int = 4096) -> None:
    """Read every value of every table, so that text SQLite stored but Python cannot
    decode (a damaged byte inside a note, which ``quick_check`` does not look at) shows
    now, as :class:`sqlite3.OperationalError`, rather than in the middle of the
    person's work. Values are joined in SQL, about ``rows_at_once`` rows at a time, so
    that Python decodes a few long strings rather than one per value (three times
    faster at start-up)."""
    for name in sorted(table_names(conn)):
        table = _quoted(name)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        joined = ", ".join(f"group_concat({_quoted(c)}, '')" for c in columns)
        low, high, count = conn.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {table}").fetchone()
        if not count:
            continue
        # Slices of the rowids holding about rows_at_once rows each, however sparse.
        step = max(1, (high - low + 1) * rows_at_once // count)
        start = low
        while start <= high:
            end = min(start + step - 1, high)
            conn.execute(f"SELECT {joined} FROM {table} WHERE rowid BETWEEN ? AND ?",
                         (start, end)).fetchone()
            start = end + 1


def is_damage(exc: BaseException) -> bool:
    """True for the errors a damaged file gives; False for a lock, a permission, a disk."""
    if isinstance(exc, UnicodeDecodeError):
        return True  # SQLite's own message quotes the damaged schema text
    if isinstance(exc, sqlite3.DatabaseError):
        code = getattr(exc, "sqlite_errorcode", None)
        # Python's own "Could not decode to UTF-8" carries no SQLite error code.
        return code is None or code & 0xFF in _DAMAGE
    return False


def refuse_odd_kind(path: Path) -> None:
    """Name a folder, a pipe or a device where the notes file should be, without opening
    it: opening a named pipe would wait for a writer that never comes."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NotesError(f"Your notes file {path} cannot be looked at ({exc.strerror}); "
                         "check its permissions and try again.") from exc
    if stat.S_ISDIR(mode):
        raise NotesError(f"Your notes file {path} is a folder, not a file; move or rename "
                         "that folder and start Archive Browser again.")
    if not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "not an ordinary file"
        raise NotesError(f"Your notes file {path} is {kind}; move or rename it and start "
                         "Archive Browser again.")


def can_write(path: Path) -> bool:
    """True when this process may write ``path`` (false for an immutable file or a
    read-only disk, even for root)."""
    return os.access(path, os.W_OK)


def read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` read-only. In a folder where SQLite cannot make the
    shared-memory file it needs for WAL, the file is read as unchanging: nothing can
    write it there either."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not can_write(path.parent) and not path.with_name(path.name + "-shm").exists():
        uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def opening(folder: Path) -> Iterator[None]:
    """Hold the data folder's opening lock: one process at a time examines, restores
    and opens the notes, so that two starting together on a damaged file restore it
    once. Where the lock cannot be taken (a read-only folder, where nothing can be
    restored either; a platform without ``flock``) the block runs without it."""
    with _opening_lock(folder, wait=True):
        yield


@contextlib.contextmanager
def opening_if_free(folder: Path) -> Iterator[bool]:
    """The data folder's opening lock (see ``opening``) if no one holds it: True while
    held; False, and nothing held, if another holds it or it cannot be taken."""
    with _opening_lock(folder, wait=False) as held:
        yield held


@contextlib.contextmanager
def _opening_lock(folder: Path, *, wait: bool) -> Iterator[bool]:
    """The opening lock, held while the block runs (True), waited for if ``wait``;
    False, and nothing held, where it cannot be taken or (not waiting) another has it."""
    try:
        import fcntl
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd = os.open(Path(folder) / ".opening.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except (ImportError, OSError):
        yield False
        return
    try:
        try:
            # Released however this process ends.
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def file_state(path: Path) -> str:
    """What identifies the notes file as it lies on disk: for it and its WAL, the inode,
    size, and the times of the last change of content and of any change (``ctime``,
    which no program can set back)."""
    parts = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.stat(part)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
    return " ".join(parts)


def _verified_record(path: Path) -> Path:
    return path.with_name(f".{path.name}.verified")


def unchanged_since_verified(path: Path) -> bool:
    """True when the notes file is exactly as this application left it when it last
    closed it, after a thorough check at opening: nothing else has touched it since."""
    try:
        return _verified_record(path).read_text(encoding="ascii") == file_state(path)
    except (OSError, UnicodeDecodeError):
        return False


def forget_verified(path: Path) -> None:
    """Make the next opening check the notes file in full."""
    with contextlib.suppress(OSError):
        _verified_record(path).unlink(missing_ok=True)


def mark_verified(path: Path) -> None:
    """Record the notes file's state as this application leaves it (after closing it):
    the next opening, finding it unchanged, need not read every value again. A record
    that cannot be written only means a thorough check next time."""
    record = _verified_record(path)
    partial = record.with_name(record.name + ".partial")
    with contextlib.suppress(OSError):
        partial.write_text(file_state(path), encoding="ascii")
        os.replace(partial, record)


def examine(path: Path, uri: str, latest: int, busy_timeout_s: float, *,
            thorough: bool = True) -> tuple[State, int]:
    """The state of the notes file at ``uri`` (``path`` names it in messages) and its
    schema version. ``thorough`` adds SQLite's whole integrity check (indexes against
    their tables) and a reading of every value, to SQLite's quick check. A file newer
    than ``latest`` is not looked into: its tables may differ. Raises
    :class:`NotesError` for whatever is not damage."""
    if not path.exists():
        return State.MISSING, 0
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_s)
        try:
            # Room for the pages the check reads, so that the second pass over them
            # (read_everything) finds them in memory; used only as far as needed.
            conn.execute("PRAGMA cache_size = -65536")
            check = "integrity_check" if thorough else "quick_check"
            if conn.execute(f"PRAGMA {check}").fetchall() != [("ok",)]:
                return State.DAMAGED, 0
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > latest:
                return State.SOUND, version
            tables = table_names(conn)
            if not tables and version == 0:
                return State.EMPTY, 0
            if not tables >= tables_of(version):
                return State.DAMAGED, version
            if thorough:
                read_everything(conn)
            return State.SOUND, version
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if is_damage(exc):
            return State.DAMAGED, 0
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY,
                                                          sqlite3.SQLITE_LOCKED):
            raise NotesError(f"Your notes file {path} cannot be opened: another program has "
                             "it locked; close that program and try again.") from exc
        raise NotesError(f"Your notes file {path} cannot be opened ({exc}); check that "
                         "it and its folder can be read, and try again.") from exc
