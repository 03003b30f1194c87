"""An open notes file: the connection the notes are read and written through.

:class:`NotesConnection` opens the file (through :mod:`desktop.notes.notes_file`,
which examines, restores and migrates it), makes its backups, gives another thread a
connection of its own, and closes it, recording a sound file's state so that the next
opening need not read all of it again. :class:`~desktop.notes.store.Notes` adds the
marks. No SQLite error leaves a public method: see :mod:`desktop.notes.boundary`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self

from desktop.notes import backups as backup_files
from desktop.notes import health
from desktop.notes.boundary import public_methods_at_boundary
from desktop.notes.errors import NotesError
from desktop.notes.migrations import MIGRATIONS, Migration
from desktop.notes.notes_file import (
    FILE_NAME,
    OpenReport,
    changed_since_backup,
    connect,
    connect_again,
    open_notes,
)


@public_methods_at_boundary
class NotesConnection:
    """The notes file in ``folder``, open: opened, backed up, closed."""

    def __init__(self, folder: Path, *, keep_backups: int = backup_files.KEEP,
                 migrations: Sequence[Migration] = MIGRATIONS,
                 backup_now: bool = True, recover: bool = True) -> None:
        """Open the notes in ``folder``. A damaged file is set aside and restored from
        the newest sound backup, unless ``recover`` is false (a second connection in a
        process that has the notes open already): then it is refused. For another
        thread of a process that has them open, :meth:`another_connection` is lighter."""
        self._set_up(Path(folder), keep_backups=keep_backups, recover=recover, origin=None)
        self.conn = self._opened(migrations)
        if backup_now and not self.read_only:
            try:
                self._backup(if_changed=True)
            except backup_files.CopyFailedCheck:
                # Damage the quick check cannot see: look at the file again, in full,
                # which sets it aside and restores the newest sound backup.
                self.conn.close()
                health.forget_verified(self.path)
                self.conn = self._opened(migrations)
                self._backup(if_changed=True)

    def _set_up(self, folder: Path, *, keep_backups: int, recover: bool,
                origin: NotesConnection | None) -> None:
        self.folder = folder
        self.recover = recover
        self.path = self.folder / FILE_NAME
        self.backup_dir = self.folder / "backups"
        self.keep_backups = keep_backups
        self.report = OpenReport()
        self.read_only = False
        self._backup_thread: threading.Thread | None = None
        self._suspect = False  # damage was seen: the file is not vouched for
        self._origin = origin  # the Notes that opened the file, for another connection
        self._closed = False

    def writes_seen(self) -> int:
        """A number that changes whenever another connection (another thread, process or
        program) has committed to the notes since it was last asked: SQLite's
        ``data_version``. This connection's own commits do not change it."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def another_connection(self) -> Self:
        """Notes on the same file with a connection of their own, for another thread
        (each connection is used by one thread at a time). The file was examined,
        restored if need be, and migrated when these notes were opened, so nothing of
        that is done again, nor any backup: only a connection is made. Close them when
        done; closing them leaves recording the file's state to these notes."""
        if self._closed:
            raise NotesError(f"Your notes in {self.folder} are no longer open; start "
                             "Archive Browser again to read or change them.")
        other = object.__new__(type(self))
        other._set_up(self.folder, keep_backups=self.keep_backups, recover=False,
                      origin=self._origin or self)
        other.read_only = self.read_only
        other.conn = connect_again(self.path, read_only=self.read_only)
        return other

    def _opened(self, migrations: Sequence[Migration]) -> sqlite3.Connection:
        opened = open_notes(self.folder, self.report, migrations=migrations,
                            recover=self.recover, keep_backups=self.keep_backups)
        self.read_only = opened.read_only
        return opened.conn

    last_backup_error: Exception | None = None

    def close(self) -> None:
        """Close the connection, after the last background backup; a file closed sound
        is recorded as such, so that the next opening need not read all of it again."""
        if self._backup_thread is not None:
            self._backup_thread.join()
        self._closed = True
        if self._origin is not None:
            self.conn.close()  # the notes that opened the file record its state
            return
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        if self._suspect:
            health.forget_verified(self.path)
        elif not self.read_only:
            health.mark_verified(self.path)

    def backup(self, *, if_changed: bool = False) -> backup_files.Backup | None:
        """Make a verified backup now. With ``if_changed`` (at start, and at intervals
        while running), only if the notes changed since the newest backup: otherwise
        repeated launches would push older backups out of the ones kept. Read-only
        notes are refused with :meth:`ensure_writable`'s sentence: a backup is only
        made before a change, which they cannot take."""
        return self._backup(if_changed=if_changed)

    def _backup(self, *, if_changed: bool) -> backup_files.Backup | None:
        # Unguarded: opening handles a copy that fails its check itself.
        self.ensure_writable()
        if if_changed and not changed_since_backup(self.conn, self.backup_dir):
            backup_files.clear_leftovers(self.backup_dir)  # make_backup does it otherwise
            return None
        return backup_files.make_backup(self.conn, self.backup_dir, keep=self.keep_backups)

    def distrust(self) -> None:
        """Have the next opening check the file in full (and restore it if it is
        damaged): it showed damage that the quick check at opening may not see."""
        self._suspect = True
        health.forget_verified(self.path)
        if self._origin is not None:
            self._origin.distrust()  # whose close would otherwise vouch for the file

    def backup_in_background(self) -> threading.Thread:
        """Make a verified backup on a thread of its own, with its own connection, so
        that a large notes file never delays the window. Errors are kept in
        :attr:`last_backup_error`."""
        def work() -> None:
            if self.read_only:
                return  # nothing can have changed
            try:
                conn = connect(self.path)
                try:
                    if changed_since_backup(conn, self.backup_dir):
                        backup_files.make_backup(conn, self.backup_dir,
                                                 keep=self.keep_backups)
                    self.last_backup_error = None
                finally:
                    conn.close()
            except (OSError, sqlite3.Error) as exc:
                if isinstance(exc, backup_files.CopyFailedCheck):
                    self.distrust()  # the next start checks the file in full
                self.last_backup_error = exc

        if self._backup_thread is not None and self._backup_thread.is_alive():
            return self._backup_thread  # the last one is still running: that will do
        self._backup_thread = threading.Thread(target=work, name="notes-backup", daemon=False)
        self._backup_thread.start()
        return self._backup_thread

    def ensure_writable(self) -> None:
        """Raise :class:`NotesError`, in one sentence, if the notes are read-only."""
        if self.read_only:
            raise NotesError(f"Your notes file {self.path} is read-only, so this change was "
                             "not saved; make it and its folder writable and start Archive "
                             "Browser again.")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.ensure_writable()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
