"""Start the application: open the archive, show the window, or say clearly why not."""

from __future__ import annotations

import contextlib
import gc
import linecache
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop import paths
from desktop.archive.errors import ArchiveDamaged, ArchiveError
from desktop.archive.store import Archive
from desktop.gui import plain
from desktop.gui import settings as keys
from desktop.gui.dialogs import APP_NAME
from desktop.gui.main_window import MainWindow, window_icon
from desktop.gui.marks import Marks, hold_running_lock, open_notes
from desktop.gui.settings import Settings, open_settings
from desktop.gui.single_instance import LinkServer, hand_to_running
from desktop.notes.errors import NotesDamaged, NotesError

STARTUP_SETTLED_MS = 1500


def show_error(message: str) -> None:
    """Tell the person, on the terminal and, where someone can see it, in a dialog."""
    print(f"archive-browser: {message}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        from PySide6.QtWidgets import QMessageBox  # (made when first needed)

        if QApplication.windowIcon().isNull():  # (set when a window is first drawn)
            QApplication.setWindowIcon(window_icon())
        plain.message(None, APP_NAME, message, QMessageBox.Icon.Critical)


class Application(QObject):
    """The running application: the person's settings and notes, and the windows open
    on archives. Opening another archive asks it for a window in place of the old."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or open_settings()
        self.notes: Any = None
        self.windows: list[MainWindow] = []
        self._running: Any = None
        self._links: LinkServer | None = None

    def open_notes(self, *, mark_running: bool = True, backup_now: bool = False) -> None:
        """Open the person's notes (raises NotesError, said in one sentence). The backup
        made at start usually runs later, beside the window."""
        if mark_running:
            # Before the notes are opened: restore must see that they are in use.
            self._running = hold_running_lock(paths.data_dir())
        self.notes = open_notes(paths.data_dir(), backup_now=backup_now)

    def open_window(self, archive: Archive | Path) -> MainWindow:
        """A window on an archive (opened already, or at a path); raises ArchiveError or
        NotesError if it cannot open. The window closes the archive when it is replaced."""
        if not isinstance(archive, Archive):
            archive = Archive(archive)
        # Source lines read before now (by PySide6 before it was told not to read them,
        # see desktop/gui/__init__.py) are kept by linecache, and no one reads them again
        # (a traceback reads its lines afresh). Let go before the window is built.
        linecache.clearcache()
        try:
            window = MainWindow(archive, self.settings, Marks(self.notes, archive),
                                lambda path: self.replace_window(window, path))
        except BaseException:
            archive.close()
            raise
        self.windows.append(window)
        window.closing.connect(lambda: self._forget(window))
        # quit() and logging out end the event loop without closing windows: save first.
        qt = QApplication.instance()
        if qt is not None:
            qt.aboutToQuit.connect(window.save_everything)
        self.settings.set(keys.LAST_ARCHIVE, str(archive.path.resolve()))
        return window

    def replace_window(self, old: MainWindow, path: Path) -> MainWindow | None:
        """Open another archive in a new window in place of ``old``. Its reading position
        is its own; marks belong to the archive they were made in."""
        old.save_everything()
        try:
            successor = self.open_window(path)
        except (ArchiveError, NotesError) as exc:
            old.dialogs.tell(str(exc))
            return None
        successor.setGeometry(old.geometry())
        successor.show()
        old.close()
        old.archive.close()
        old.deleteLater()  # its panels, its search thread and its connection go with it
        # What the launch made and set aside from the collector (gc.freeze, see the
        # command line) may now be garbage: given back to it.
        gc.unfreeze()
        return successor

    def _forget(self, window: MainWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def listen_for_links(self, server: LinkServer | None = None) -> bool:
        """Take the links later launches hand over, with ``server`` if it listens already
        (those it kept meanwhile are opened now); False if another window of this
        profile takes them."""
        if server is None:
            server = LinkServer()
            if not server.listen():
                return False
        server.setParent(self)
        server.open_link = self.open_handed_link
        self._links = server
        for link in server.pending:
            self.open_handed_link(link)
        server.pending.clear()
        return True

    def open_handed_link(self, link: str) -> bool:
        """A link handed over by a later launch: the window comes forward at its passage
        (or says that its archive has none)."""
        window = self.current()
        if window is None:
            return False
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        return window.navigator.open_link(link)

    def current(self) -> MainWindow | None:
        """The window the person is looking at (the newest still open)."""
        return self.windows[-1] if self.windows else None

    def report_unexpected(self, kind: type[BaseException], value: BaseException,
                          trace: TracebackType | None) -> None:
        """No traceback reaches the person: one sentence, with the details in a log file
        (installed as ``sys.excepthook`` while the application runs)."""
        log = paths.error_log()
        with contextlib.suppress(OSError), log.open("a", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(kind, value, trace)) + "\n")
        if isinstance(value, (ArchiveDamaged, NotesDamaged)):
            show_error(f"Archive Browser could not read the archive or your notes ({value}); "
                       f"details are in {log}. Your notes saved so far are kept.")
            QApplication.exit(1)
            return
        window = self.current()
        if isinstance(value, NotesError) and window is not None:
            # Said plainly where the person is looking (read-only notes, say); a line in
            # the status bar, not a dialog, since a note being typed may try again.
            window.statusBar().showMessage(str(value), 15000)
            print(f"archive-browser: {value}", file=sys.stderr)
            return
        show_error(f"Something went wrong ({value}). Your notes are saved; details are in "
                   f"{log}.")

    def close(self) -> None:
        """Close the notes and let go of the running lock, once the windows are closed."""
        if self._links is not None:
            self._links.close()
            self._links = None
        if self.notes is not None:
            self.notes.close()
        if self._running is not None:
            self._running.release()
            self._running = None


def qt_app() -> QApplication:
    """The QApplication of this process, made once."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    # Fusion follows the theme's palette everywhere (scroll bars included) on every
    # platform. Asked for on the command line Qt reads, it is the only style made (the
    # platform's own is not made first), and Python never handles the style itself.
    app = QApplication([*sys.argv[:1], "-style", "Fusion"])
    app.setApplicationName("archive-browser")
    app.setApplicationDisplayName(APP_NAME)
    # Wayland compositors and docks match the window to its .desktop file by this name.
    app.setDesktopFileName(paths.APP_ID)
    # The icon is set once the first window is drawn (see MainWindow._after_first_paint).
    return app


def last_archive(default: Path) -> Path:
    """The archive opened last (File → Open Archive…), if it is still there."""
    last = open_settings().get(keys.LAST_ARCHIVE)
    return Path(last) if last and Path(last).is_file() else default


def run(archive_path: Path | None, *, screenshot: Path | None = None,
        link: str | None = None, beside: str | None = None,
        started: Callable[[], object] | None = None) -> int:
    """Show the window on an archive (the one opened last by default) and run until it
    is closed; ``started`` is called once the window is up."""
    qt = qt_app()
    # A second pane's place is not handed over: that launch opens a window of its own.
    if link is not None and screenshot is None and beside is None:
        handed = hand_to_running(link)
        if handed is not None:
            if not handed:
                print(f"archive-browser: the link {link} names no passage of the archive "
                      "open in the running window.", file=sys.stderr)
            return 0 if handed else 1
    # Listening from here on, links clicked while the window is being built wait for it
    # rather than starting windows of their own.
    early = LinkServer() if screenshot is None else None
    if early is not None and not early.listen():
        early = None
    if archive_path is None:
        archive_path = last_archive(paths.default_archive())
    try:
        archive = Archive(archive_path)  # said before the notes are opened
    except ArchiveError as exc:
        show_error(str(exc))
        if early is not None:
            early.close()
        return 1
    app = Application()
    try:
        try:
            # The backup made at start runs beside the window (see below), not before it.
            app.open_notes()
        except NotesError as exc:
            archive.close()
            show_error(str(exc))
            return 1
        except OSError as exc:
            archive.close()
            show_error(f"Your notes in {paths.data_dir()} cannot be opened ({exc}).")
            return 1
        try:
            window = app.open_window(archive)
        except ArchiveError as exc:
            show_error(str(exc))
            return 1
        except NotesError as exc:
            # Damage included: the notes layer has already arranged for the next start
            # to check them in full, and its sentence says so.
            show_error(str(exc))
            return 1
        sys.excepthook = app.report_unexpected
        picture = None if screenshot is None else _Picture(qt, app, screenshot)
        if picture is not None:
            picture.take(window)  # at the picture's size from the first paint
        window.show()
        window.raise_()
        window.activateWindow()
        # After the window has been drawn: the backup made at start (on its own thread,
        # and only if the marks changed since the last one).
        QTimer.singleShot(STARTUP_SETTLED_MS, window.marks.backup_in_background)
        if link is not None or beside is not None:
            # After the window has gone to where the person last was: the links win.
            QTimer.singleShot(0, lambda: _open_links(
                window, link, beside, keep=screenshot is None,
                then=picture.links_opened if picture is not None else None))
        elif picture is not None:
            picture.links_opened()
        if early is not None:
            # Links followed later (from an export opened in Obsidian, say) come here; those
            # that came while the window was being built are opened after its own.
            QTimer.singleShot(0, lambda: app.listen_for_links(early))
        if picture is None:
            QTimer.singleShot(0, window.report_start)
        if started is not None:
            QTimer.singleShot(0, started)
        return qt.exec()
    finally:
        app.close()
        if early is not None and early.parent() is None:
            early.close()  # the launch ended before a window took its links


def _open_links(window: MainWindow, link: str | None, beside: str | None, *,
                keep: bool = True, then: Callable[[], None] | None = None) -> None:
    """The passages given at launch: ``link`` in the first pane, ``beside`` in a second
    (side by side next time too, unless ``keep`` is false: a picture changes no habit);
    ``then`` once both are open."""
    if link is not None:
        window.panes["main"].navigator.open_link(link)
    pane = None
    if beside is not None:
        window.set_side_by_side(True, restoring=not keep)
        pane = window.opposite(window.panes["main"])
    if pane is None or beside is None:
        if then is not None:
            then()
        return
    # After the pane beside has opened where it was last; each pane at its own link,
    # neither moved to follow the other.
    def open_beside() -> None:
        with window.following.held():
            pane.navigator.open_link(beside)
        if then is not None:
            then()
    QTimer.singleShot(0, open_beside)


class _Picture(QObject):
    """``--screenshot``: a picture of the window at a usual desktop size, whatever the
    screen, taken as soon as the window is whole (its text first painted, and what that
    first frame left for later done) and the passages given at launch are open (no
    fixed wait); then the application quits."""

    def __init__(self, qt: QApplication, app: Application, path: Path) -> None:
        super().__init__()
        self.qt, self.app, self.path = qt, app, path
        self.whole = self.opened = self.taken = False

    def take(self, window: MainWindow) -> None:
        window.resize(1280, 820)
        window.size_panels()
        window.settled.connect(self._whole)

    def _whole(self) -> None:
        self.whole = True
        # Once what follows the first frame is done (the grab paints the window again).
        QTimer.singleShot(0, self._grab_when_ready)

    def links_opened(self) -> None:
        self.opened = True
        self._grab_when_ready()

    def _grab_when_ready(self) -> None:
        if not (self.whole and self.opened) or self.taken:
            return
        self.taken = True
        current = self.app.current()
        ok = current is not None and current.grab().save(str(self.path))
        if not ok:
            print(f"archive-browser: could not write {self.path}.", file=sys.stderr)
        self.qt.exit(0 if ok else 1)
