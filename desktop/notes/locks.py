"""A lock on a file that another process (or another connection's thread) can test: the
system's own advisory lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows), released
by the system when the process ends, however it ends.

The notes need two: the mark of a running window (``running-PID.lock``, so that a
restore is refused while the notes are open) and the lock of a sync round. Both are a
few lines on the system's call; a general locking package costs the start-up 50 ms and
8 MB of imports it does not need.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

_POLL_S = 0.05  # how often a lock that is taken is tried again while waiting for it


class Busy(Exception):
    """The lock is held by another process, or another handle of this one."""


class FileLock:
    """An exclusive lock on ``path`` (made when missing), held from :meth:`acquire` until
    :meth:`release` or the process's end."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float = 0) -> None:
        """Take the lock, waiting up to ``timeout`` seconds; :class:`Busy` if it stays
        taken."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock(fd)
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise Busy(str(self.path)) from None
                time.sleep(_POLL_S)
                continue
            self._fd = fd
            return

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
