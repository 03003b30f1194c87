"""Temporary files beside the file they will become, owned by a living writer.

A backup, an export and a build each write a temporary file and rename it into
place when it is whole. The writer holds an exclusive ``flock`` on its temporary
file for as long as it lives; the kernel releases it when the process dies, however
it dies (SIGKILL, a power cut). So at the start of the next backup, export or
build, every temporary file of ours that nobody holds a lock on was left by a dead
writer and is removed; one whose lock is held belongs to a writer still at work,
in this process or another, and is left alone, whatever its age. Process ids are
not used: they are reused, and mean nothing on a folder shared with another machine.

``flock`` locks are independent of the ``fcntl`` byte-range locks SQLite takes on
the same file (on Linux), so SQLite may write a locked temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock, and nothing is ever taken for a leftover
    fcntl = None  # type: ignore[assignment]

# Our temporary files, and the journals SQLite keeps beside a database being written.
MARK = ".archive-browser-"
_OURS = re.compile(r"^\..+" + re.escape(MARK) + r"[0-9a-f]{12}\.tmp$")
_SIDECARS = ("-journal", "-wal", "-shm")


def temporary_name(target: Path) -> Path:
    """A new, unused name for a temporary file beside ``target``, marked as ours."""
    # The operating system's randomness, as secrets.token_hex reads it (secrets would
    # load hashlib and OpenSSL, 4 MB, at start).
    return target.with_name(f".{target.name}{MARK}{os.urandom(6).hex()}.tmp")


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new empty file beside ``target``, locked by this process until the block ends,
    then removed (with SQLite's journals) unless the block renamed it into place.

    Creating the file and the ``finally`` that removes it are one unit: the name is
    chosen first and the file created inside the ``try``, so an exception raised by a
    signal at any moment (SIGTERM becomes KeyboardInterrupt in the command line)
    leaves nothing behind.
    """
    target = Path(target)
    name = temporary_name(target)
    fd = -1
    try:
        fd = _create_locked(name)
        yield name
    finally:
        # The name is ours alone (random, created exclusively): removing it cannot
        # touch another writer's file, even if the signal came before the creation.
        _remove(name)
        if fd >= 0:
            os.close(fd)  # releases the lock, after the file is gone


def _create_locked(name: Path) -> int:
    while True:
        fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if fcntl is None:
            return fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        # A process sweeping leftovers may have taken the file for a dead writer's in
        # the instant before the lock; it unlinks only while holding the lock, so the
        # file is either still there (and now safely ours) or gone: then again.
        if os.fstat(fd).st_nlink:
            return fd
        os.close(fd)


def _remove(name: Path) -> None:
    for path in (name, *(name.with_name(name.name + s) for s in _SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files in ``folder`` that dead writers of ours left (no
    lock held on them), with their SQLite journals; return those removed."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in entries:
        if _OURS.match(path.name):
            if _remove_if_dead(path):
                removed.append(path)
        elif path.name.endswith(_SIDECARS):
            # A journal whose database is gone: its writer was killed while removing.
            base = path.name.rsplit("-", 1)[0]
            if _OURS.match(base) and not path.with_name(base).exists():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
    return removed


def remove_stale(folder: Path, pattern: str, seconds: float) -> None:
    """Remove files matching ``pattern`` in ``folder`` older than ``seconds``: the
    temporary files of earlier versions, which held no lock to tell by."""
    for path in Path(folder).glob(pattern):
        if MARK in path.name:
            continue  # ours, told by its lock, never by its age
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > seconds:
                path.unlink()


def _remove_if_dead(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False  # a living writer holds it
    try:
        # The same file as the name still points at (not one that replaced it).
        if os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False)):
            _remove(path)
            return True
        return False
    except OSError:
        return False
    finally:
        os.close(fd)
