"""Sync in the window: through the folder chosen with File → Sync Folder…, by itself.

A round (:func:`desktop.notes.sync.round.sync_round`) runs on a thread of its own with a
connection of its own, so that typing never waits for it: a few seconds after the last
change (changes are batched), a second after files arrive in the folder (a
``QFileSystemWatcher`` on it), and every few minutes. One round at a time; a round
asked for while one runs follows it. The status bar keeps a short line (when it last
synced) and says what came in and what went wrong; marks that came in are announced as
one bulk change, so that every view reloads once.
"""

from __future__ import annotations

import threading
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from desktop.gui.marks import Marks
from desktop.notes.changes import Change, everything
from desktop.notes.errors import NotesError
from desktop.notes.sync import folder as layout
from desktop.notes.sync import settings as sync_settings
from desktop.notes.sync.round import SyncReport, check_folder, sync_round

AFTER_CHANGE_MS = 5_000  # a round this long after the last change made here
AFTER_ARRIVAL_MS = 1_000  # files arrive in bursts: a round once they have
EVERY_MS = 5 * 60_000  # and every five minutes, for what the watcher misses
SHOWN_MS = 15_000  # how long a message stays in the status bar


class WindowSync(QObject):
    """The window's sync: its timers, its watcher, its worker thread, its status."""

    finished = Signal(object)  # from the worker: a SyncReport, or a sentence on failure

    def __init__(self, window: Any, marks: Marks) -> None:
        """Sync ``window``'s marks (a MainWindow: its status bar, ``dialogs`` and
        ``closing`` are used) when a folder is set."""
        super().__init__(window)
        self.window = window
        self.marks = marks
        self.data = Path(marks.notes.folder)
        self.folder: Path | None = None
        self.last: SyncReport | None = None
        self._worker: threading.Thread | None = None
        self._again = False
        self._announcing = False
        self.label = QLabel()
        self.label.setObjectName("sync-status")
        self.label.setAccessibleName("Sync")
        window.statusBar().addPermanentWidget(self.label)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.run_now)
        self._every = QTimer(self)
        self._every.setInterval(EVERY_MS)
        self._every.timeout.connect(self.run_now)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self.schedule(AFTER_ARRIVAL_MS))
        self.finished.connect(self._done)
        marks.changed.connect(self._changed)
        window.closing.connect(self.stop)
        self._start(self._settings_folder())

    # -- the folder -----------------------------------------------------------------------

    def _settings(self) -> sync_settings.SyncSettings | None:
        try:
            return sync_settings.load(self.data)
        except NotesError as exc:
            self._say(str(exc))
            return None

    def _settings_folder(self) -> Path | None:
        found = self._settings()
        return found.folder if found is not None else None

    def _start(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is None or self.marks.read_only:
            self._every.stop()
            self._unwatch()
            self.label.clear()
            return
        self.label.setText("Sync: waiting")
        self.label.setToolTip(f"Your marks sync through {folder}")
        self._every.start()
        self._watch()
        self.schedule(0)

    def choose_folder(self) -> None:
        """File → Sync Folder…: choose the folder, change it, or stop syncing."""
        if self.folder is not None:
            answer = self.ask_change(self.folder)
            if answer is None:
                return
            if answer == "stop":
                self._keep(None)
                self._start(None)
                self._say(f"Your marks no longer sync through {self.folder}; they stay as "
                          "they are here.")
                return
        folder = self.ask_folder(self.folder or Path.home())
        if folder is None:
            return
        try:
            check_folder(folder)
        except NotesError as exc:
            self.window.dialogs.tell(str(exc))
            return
        if self._keep(folder):
            self._start(folder)

    def _keep(self, folder: Path | None) -> bool:
        found = self._settings()
        if found is None:
            return False
        try:
            sync_settings.save(self.data, found.with_folder(folder))
        except (NotesError, OSError) as exc:
            self._say(f"The sync folder could not be remembered ({exc}).")
            return False
        return True

    def ask_folder(self, start: Path) -> Path | None:
        """Ask which folder to sync through (tests replace this)."""
        chosen = QFileDialog.getExistingDirectory(
            self.window, "Sync Folder — a folder Syncthing, Nextcloud or Dropbox keeps the "
            "same on your computers", str(start))
        return Path(chosen) if chosen else None

    def ask_change(self, current: Path) -> str | None:
        """Ask whether to choose another folder ("change"), stop syncing ("stop"), or
        neither (None) (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Sync Folder",
                          f"Your marks sync through {current}.", parent=self.window)
        change = box.addButton("Choose Another Folder…", QMessageBox.ButtonRole.AcceptRole)
        stop = box.addButton("Stop Syncing", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {id(change): "change", id(stop): "stop"}.get(id(box.clickedButton()))

    # -- when to run ----------------------------------------------------------------------

    def schedule(self, delay_ms: int) -> None:
        """A round ``delay_ms`` from now (or sooner, if one was due sooner)."""
        if self.folder is None:
            return
        if not self._soon.isActive() or self._soon.remainingTime() > delay_ms:
            self._soon.start(delay_ms)

    def _changed(self, change: Change) -> None:
        if not self._announcing:  # a change made here, not one a round brought in
            self.schedule(AFTER_CHANGE_MS)

    def run_now(self) -> None:
        """Start a round on the worker thread (after the one running, if one is)."""
        settings = self._settings()
        if settings is None or settings.folder is None or self.marks.read_only:
            return
        if self._worker is not None and self._worker.is_alive():
            self._again = True
            return
        self._again = False
        self.label.setText("Sync: syncing…")
        archive_id = self.marks.archive.archive_id
        notes = self.marks.notes

        def work() -> None:
            try:
                with closing(notes.another_connection()) as own:
                    result: SyncReport | str = sync_round(own, archive_id, settings.folder,
                                                          settings.device)
            except NotesError as exc:
                result = str(exc)
            except OSError as exc:
                result = (f"The sync folder {settings.folder} could not be read or written "
                          f"({exc.strerror or exc}).")
            self.finished.emit(result)

        self._worker = threading.Thread(target=work, name="notes-sync", daemon=False)
        self._worker.start()

    def stop(self) -> None:
        """The window closes: no more rounds, and the one running ends first."""
        self.folder = None
        self._soon.stop()
        self._every.stop()
        self._unwatch()
        if self._worker is not None:
            self._worker.join()

    # -- what a round did ---------------------------------------------------------------------

    def _done(self, result: SyncReport | str) -> None:
        self._worker = None
        if self.folder is None:
            return  # stopped meanwhile
        stamp = time.strftime("%H:%M")
        if isinstance(result, str):
            self.label.setText(f"Sync failed at {stamp}")
            self.label.setToolTip(result)
            self._say(f"Sync: {result}")
        else:
            self.last = result
            self._remember_device(result.device)
            self.label.setText(f"Synced {stamp}")
            self.label.setToolTip(f"Last synced at {stamp} through {self.folder}: "
                                  f"{result.describe()}")
            if result.received or result.conflicts or result.problems:
                self._say(f"Synced: {result.describe()}")
            if result.received:
                self._announcing = True
                try:
                    self.marks.announce(everything())  # every view reloads, once
                finally:
                    self._announcing = False
            self._watch()  # a device that has just appeared
        if self._again:
            self.schedule(0)

    def _remember_device(self, device: str) -> None:
        found = self._settings()
        if found is not None and found.device.id != device:
            self._keep_device(found, device)

    def _keep_device(self, found: sync_settings.SyncSettings, device: str) -> None:
        try:
            sync_settings.save(self.data, replace(found, device=replace(found.device,
                                                                        id=device)))
        except (NotesError, OSError) as exc:
            self._say(f"The sync settings could not be saved ({exc}).")

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, SHOWN_MS)

    # -- the watcher ------------------------------------------------------------------------

    def _watch(self) -> None:
        if self.folder is None:
            return
        top = layout.root(self.folder)
        wanted = [self.folder, top.parent, top]
        if top.is_dir():
            wanted += [p for p in top.iterdir() if p.is_dir()]
        missing = [str(p) for p in wanted if p.is_dir() and str(p) not in
                   self.watcher.directories()]
        if missing:
            self.watcher.addPaths(missing)

    def _unwatch(self) -> None:
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
