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

import contextlib
import os
import threading
import time
import traceback
from contextlib import closing
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace
from PySide6.QtCore import QEvent, QFileSystemWatcher, QLocale, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from desktop import paths
from desktop.gui.marks import Marks
from desktop.notes.changes import Change, everything
from desktop.notes.errors import NotesError
from desktop.notes.sync import settings as sync_settings

if TYPE_CHECKING:  # a round's machinery is loaded when a folder is synced, not at start
    from desktop.notes.sync.round import SyncReport


def sync_round(*args: Any, **kwargs: Any) -> SyncReport:
    """A round of :func:`desktop.notes.sync.round.sync_round`, whose machinery is loaded
    when a folder is first synced, not at every start."""
    from desktop.notes.sync.round import sync_round as run

    return run(*args, **kwargs)

AFTER_CHANGE_MS = 5_000  # a round this long after the last change made here
LONGEST_WAIT_MS = 30_000  # but changes made one after another wait no longer than this
AFTER_ARRIVAL_MS = 1_000  # files arrive in bursts: a round once they have
EVERY_MS = 5 * 60_000  # and every five minutes, for what the watcher misses
STOP_WAIT_S = 2.0  # how long a closing window waits for a round to end
SHOWN_MS = 15_000  # how long a message stays in the status bar
KEPT_PROBLEMS = 50  # what the sync report keeps of what went wrong, latest last



class WindowSync(QObject):
    """The window's sync: its timers, its watcher, its worker thread, its status."""

    # From the worker: its thread, and a SyncReport or a sentence on failure.
    finished = Signal(object, object)

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
        self._cancel = threading.Event()
        self._writes_seen: int | None = None  # the notes' writes from elsewhere, as last seen
        self.problems: list[str] = []  # what went wrong, for the sync report
        self.line = ""  # the status line, as plain text
        self.label = _StatusLink()
        self.label.setObjectName("sync-status")
        self.label.setAccessibleName("Sync")
        # The line is a link: it opens the sync report, where nothing is cut short.
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(lambda _link: self.show_report())
        window.statusBar().addPermanentWidget(self.label)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.run_now)
        self._every = QTimer(self)
        self._every.setInterval(EVERY_MS)
        self._every.timeout.connect(self.run_now)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._arrived)
        self._listed: object = None  # the folder as this window's last round left it
        self._waiting_since: float | None = None  # the first change not yet synced
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
        if folder is not None and self.marks.read_only:
            self.folder = None
            self._every.stop()
            self._unwatch()
            self._show("Sync: off", "Your notes are read-only here, so they do not sync "
                       f"through {folder}.")
            return
        self.folder = folder
        if folder is None:
            self._every.stop()
            self._unwatch()
            self.line = ""
            self.label.clear()
            return
        self._show("Sync: waiting", f"Your marks sync through {folder}")
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
                left = self.folder
                self._keep(None)
                self._start(None)
                self._say(f"Your marks no longer sync through {left}; they stay as "
                          "they are here.")
                return
            if answer == "rename":
                self.rename()
                return
        folder = self.ask_folder(self.folder or Path.home())
        if folder is None:
            return
        from desktop.notes.sync.round import check_folder

        try:
            check_folder(folder)
        except NotesError as exc:
            self.window.dialogs.tell(str(exc))
            return
        if self._keep(folder):
            self._start(folder)

    def rename(self) -> None:
        """Give this computer the name the other computers see it by."""
        found = self._settings()
        if found is None:
            return
        name = self.ask_name(found.device.name)
        if name is None or not name.strip() or name.strip() == found.device.name:
            return
        try:
            sync_settings.save(self.data, replace(found, device=replace(
                found.device, name=name.strip())))
        except (NotesError, OSError) as exc:
            self._say(f"The name could not be saved ({exc}).")
            return
        self._say(f"This computer is now “{name.strip()}” to your other computers.")
        self.schedule(0)

    def ask_name(self, current: str) -> str | None:
        """Ask for this computer's name (tests replace this)."""
        from PySide6.QtWidgets import QInputDialog  # (made when first asked)

        name, ok = QInputDialog.getText(
            self.window, "Computer Name", "The name your other computers see this one by:",
            text=current)
        return name if ok else None

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
        from PySide6.QtWidgets import QFileDialog  # (made when first asked)

        chosen = QFileDialog.getExistingDirectory(
            self.window, "Choose the Sync Folder", str(start))
        return Path(chosen) if chosen else None

    def ask_change(self, current: Path) -> str | None:
        """Ask whether to choose another folder ("change"), rename this computer
        ("rename"), stop syncing ("stop"), or none of them (None) (tests replace this)."""
        found = self._settings()
        name = f" as “{found.device.name}”" if found is not None else ""
        from PySide6.QtWidgets import QMessageBox  # (made when first asked)

        box = QMessageBox(QMessageBox.Icon.Question, "Sync Folder",
                          f"Your marks sync through {current}{name}.", parent=self.window)
        change = box.addButton("Choose Another Folder…", QMessageBox.ButtonRole.AcceptRole)
        rename = box.addButton("Rename This Computer…", QMessageBox.ButtonRole.ActionRole)
        stop = box.addButton("Stop Syncing", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {id(change): "change", id(rename): "rename", id(stop): "stop"}.get(
            id(box.clickedButton()))

    # -- when to run ----------------------------------------------------------------------

    def schedule(self, delay_ms: int) -> None:
        """A round ``delay_ms`` from now (or sooner, if one was due sooner)."""
        if self.folder is None:
            return
        if not self._soon.isActive() or self._soon.remainingTime() > delay_ms:
            self._soon.start(delay_ms)

    def _changed(self, change: Change) -> None:
        """A change made here (not one a round brought in): a round once the changes
        pause, as a note is typed, but no later than a while after the first of them."""
        if self._announcing or self.folder is None:
            return
        now = time.monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
        if (now - self._waiting_since) * 1000 < LONGEST_WAIT_MS:
            self._soon.start(AFTER_CHANGE_MS)
        else:
            self.schedule(AFTER_CHANGE_MS)

    def _arrived(self, _path: str) -> None:
        """Something changed in the folder: a round, unless it is what this window's own
        round wrote."""
        if self._listing() != self._listed:
            self.schedule(AFTER_ARRIVAL_MS)

    def run_now(self) -> None:
        """Start a round on the worker thread (after the one running, if one is)."""
        if self.folder is None:
            return
        settings = self._settings()
        if settings is None or settings.folder is None or self.marks.read_only:
            return
        if self._worker is not None:
            self._again = True
            return
        self._again = False
        self._waiting_since = None
        self._take_writes_from_elsewhere()
        self._show("Sync: syncing…", self.label.accessibleDescription())
        archive_id = self.marks.archive.archive_id
        notes = self.marks.notes
        folder = settings.folder
        cancel = self._cancel

        def work() -> None:
            try:
                with closing(notes.another_connection()) as own:
                    result: SyncReport | str = sync_round(own, archive_id, folder,
                                                          settings.device)
            except NotesError as exc:
                result = str(exc)
            except OSError as exc:
                result = (f"The sync folder {folder} could not be read or written "
                          f"({exc.strerror or exc}).")
            except Exception as exc:  # the window goes on; the error log keeps it
                log_path = paths.error_log()
                with contextlib.suppress(OSError), log_path.open("a", encoding="utf-8") as out:
                    out.write(traceback.format_exc() + "\n")
                result = (f"The sync stopped on something unexpected ({type(exc).__name__}: "
                          f"{exc}); your notes are as they were. Details are in {log_path}.")
            if not cancel.is_set():
                self.finished.emit(threading.current_thread(), result)

        self._worker = threading.Thread(target=work, name="notes-sync", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        """The window closes: no more rounds. A round running is given a moment to end;
        after that it goes on by itself, on its own connection, and tells no one (a round
        cut short when the application ends loses nothing: its transactions are whole or
        not at all, its files are written whole or not at all)."""
        self.folder = None
        self._cancel.set()
        self._soon.stop()
        self._every.stop()
        self._unwatch()
        self.wait(STOP_WAIT_S)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the round running, if one is; False if it has not ended in time."""
        worker = self._worker
        if worker is None:
            return True
        worker.join(timeout)
        return not worker.is_alive()

    # -- what a round did ---------------------------------------------------------------------

    def _done(self, worker: threading.Thread, result: SyncReport | str) -> None:
        if worker is not self._worker:
            return  # a round of a folder left meanwhile: the window has moved on
        self._worker = None
        if self.folder is None:
            return  # stopped meanwhile
        stamp = QLocale().toString(QTime.currentTime(), QLocale.FormatType.ShortFormat)
        if isinstance(result, str):
            self._keep_problems([result])
            self._show(f"Sync failed at {stamp}", result)
            self._say(f"Sync failed: {result}")
        else:
            self.last = result
            self._remember_device(result.device)
            self._keep_problems(result.problems)
            self._show(f"Synced {stamp}", f"Last synced at {stamp} through {self.folder}: "
                       f"{result.describe()}")
            if result.received or result.conflicts or result.problems:
                self._say(f"Synced: {result.describe()}")
            if result.received:
                self._reload()
        self._watch()  # a device that has just appeared, a folder made again
        self._listed = self._listing()
        self._writes_seen = self.marks.notes.writes_seen()
        if self._again:
            self.schedule(0)

    def _reload(self) -> None:
        """Marks came in: every view reloads, once."""
        self._announcing = True
        try:
            self.marks.announce(everything())
        finally:
            self._announcing = False

    def _take_writes_from_elsewhere(self) -> None:
        """Marks another program wrote since this window's last round (``archive-browser
        sync`` from cron, say) are shown before the next round starts."""
        seen = self.marks.notes.writes_seen()
        if self._writes_seen is not None and seen != self._writes_seen:
            self._reload()
        self._writes_seen = seen

    def _keep_problems(self, problems: list[str]) -> None:
        for problem in problems:
            if problem not in self.problems:
                self.problems.append(problem)
        del self.problems[:-KEPT_PROBLEMS]

    def _show(self, line: str, tip: str) -> None:
        """The status line, a link to the sync report; the tooltip says it in full."""
        more = f" · {len(self.problems)} to read" if self.problems else ""
        self.line = line + more
        self.label.show_line(self.line)
        self.label.setToolTip(f"{tip}\n\nClick for the sync report.")
        self.label.setAccessibleDescription(tip)

    def show_report(self) -> None:
        """What the last round did, and what went wrong this session, in full."""
        parts = [f"Your marks sync through {self.folder}." if self.folder else
                 "Your marks do not sync: choose a folder with File → Sync Folder…."]
        if self.last is not None:
            parts.append(f"The last round: {self.last.describe()}")
        if self.problems:
            parts.append("What went wrong, latest last:\n" +
                         "\n".join(f"• {p}" for p in self.problems))
        self.window.dialogs.tell("\n\n".join(parts))

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
        try:
            wanted = self._folders()
            missing = [str(p) for p in wanted if p.is_dir() and str(p) not in
                       self.watcher.directories()]
        except OSError:
            return  # a folder that cannot be listed now (a network drive gone): the
            # round says so, and the timer tries again
        if missing:
            self.watcher.addPaths(missing)

    def _folders(self) -> list[Path]:
        """The folders watched: the sync folder, ours in it, and each device's."""
        assert self.folder is not None
        from desktop.notes.sync import folder as layout

        top = layout.root(self.folder)
        wanted = [self.folder, top.parent, top]
        if top.is_dir():
            wanted += [p for p in top.iterdir() if p.is_dir()]
        return wanted

    def _listing(self) -> object:
        """What the watched folders hold (names, sizes, times), to tell what this window's
        round wrote from what arrived."""
        try:
            found = []
            for folder in self._folders():
                try:
                    with os.scandir(folder) as entries:
                        for entry in entries:
                            try:
                                info = entry.stat()
                            except FileNotFoundError:  # renamed meanwhile (a round's
                                continue  # file written under a temporary name)
                            found.append((str(folder), entry.name, info.st_size,
                                          info.st_mtime_ns))
                except (FileNotFoundError, NotADirectoryError):
                    continue  # not there (yet): nothing of it to list
            return sorted(found)
        except (OSError, AssertionError):
            return None

    def _unwatch(self) -> None:
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())


class _StatusLink(QLabel):
    """The status line as a link to the sync report, in the status bar's own text colour
    (rich text knows no palette role, so the colour is written in, and written again when
    the theme changes the palette)."""

    def __init__(self) -> None:
        super().__init__()
        self._line = ""

    def show_line(self, line: str) -> None:
        self._line = line
        colour = self.palette().color(QPalette.ColorRole.WindowText).name()
        self.setText(f'<a href="report" style="color: {colour}; text-decoration: none;">'
                     f"{escape(line)}</a>")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._line:
            self.show_line(self._line)
