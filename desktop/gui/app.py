"""Start the application: open the archive, show the window, or say clearly why not."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import paths
from desktop.archive.errors import ArchiveError, damaged
from desktop.archive.store import Archive
from desktop.gui import plain
from desktop.gui import settings as keys
from desktop.gui.main_window import APP_NAME, OPEN_WINDOWS, MainWindow
from desktop.gui.settings import open_settings
from desktop.notes import health
from desktop.notes.errors import NotesError
from desktop.notes.store import Notes, hold_running_lock

STARTUP_SETTLED_MS = 1500


def show_error(message: str) -> None:
    """Tell the person, on the terminal and, where someone can see it, in a dialog."""
    print(f"archive-browser: {message}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        plain.message(None, APP_NAME, message, QMessageBox.Icon.Critical)


def _report_unexpected(kind: type[BaseException], value: BaseException,
                       trace: TracebackType | None) -> None:
    """No traceback reaches the person: one sentence, with the details in a log file."""
    log = paths.data_dir() / "errors.log"
    with contextlib.suppress(OSError), log.open("a", encoding="utf-8") as out:
        out.write("".join(traceback.format_exception(kind, value, trace)) + "\n")
    if isinstance(value, NotesError) and OPEN_WINDOWS:
        # Said plainly where the person is looking (read-only notes, say); a line in
        # the status bar, not a dialog, since a note being typed may try again.
        OPEN_WINDOWS[-1].statusBar().showMessage(str(value), 15000)
        print(f"archive-browser: {value}", file=sys.stderr)
        return
    if isinstance(value, sqlite3.DatabaseError):
        show_error(f"Archive Browser could not read the archive or your notes ({value}); "
                   f"details are in {log}. Your notes saved so far are kept.")
        QApplication.exit(1)
    else:
        show_error(f"Something went wrong ({value}). Your notes are saved; details are in "
                   f"{log}.")


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    # Fusion follows the theme's palette everywhere (scroll bars included) on every platform.
    app.setStyle("Fusion")
    app.setApplicationName("archive-browser")
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("archive-browser")
    return app


def last_archive(default: Path) -> Path:
    """The archive opened last (File → Open Archive…), if it is still there."""
    last = open_settings().get(keys.LAST_ARCHIVE)
    return Path(last) if last and Path(last).is_file() else default


def run(archive_path: Path | None, *, screenshot: Path | None = None) -> int:
    app = application()
    if archive_path is None:
        archive_path = last_archive(paths.default_archive())
    try:
        archive = Archive(archive_path)
    except ArchiveError as exc:
        show_error(str(exc))
        return 1
    # Before the notes are opened: restore must see that they are in use.
    running = [lock for lock in [hold_running_lock(paths.data_dir())] if lock is not None]
    try:
        # The backup made at start runs beside the window (see below), not before it.
        notes = Notes(paths.data_dir(), backup_now=False)
    except NotesError as exc:
        show_error(str(exc))
        return 1
    except (OSError, sqlite3.Error) as exc:
        show_error(f"Your notes in {paths.data_dir()} cannot be opened ({exc}).")
        return 1
    sys.excepthook = _report_unexpected
    try:
        window = MainWindow(archive, open_settings(), notes)
    except NotesError as exc:
        notes.close()
        show_error(str(exc))
        return 1
    except sqlite3.DatabaseError as exc:
        # The archive was checked as it opened, so this may be the notes: damage their
        # quick check cannot see. The next start checks them in full, restoring them
        # from a backup if they are damaged.
        notes.close()
        health.forget_verified(notes.path)
        show_error(f"{damaged(archive_path, exc).removesuffix('.')}. If the archive is "
                   "sound, start Archive Browser again: your notes will then be checked "
                   "in full and restored from a backup if they are damaged.")
        return 1
    OPEN_WINDOWS[:] = [window]
    window.settings.set(keys.LAST_ARCHIVE, str(archive_path.resolve()))
    window.show()
    window.raise_()
    window.activateWindow()
    # After the window has been drawn: the backup made at start (on its own thread,
    # and only if the marks changed since the last one).
    QTimer.singleShot(STARTUP_SETTLED_MS, notes.backup_in_background)
    if screenshot is None:
        QTimer.singleShot(0, window.report_start)
    if screenshot is not None:
        # The picture shows the window at a usual desktop size, whatever the screen.
        window.resize(1280, 820)
        window.size_panels()

        def grab() -> None:
            ok = OPEN_WINDOWS[-1].grab().save(str(screenshot))
            if not ok:
                print(f"archive-browser: could not write {screenshot}.", file=sys.stderr)
            app.exit(0 if ok else 1)

        QTimer.singleShot(300, grab)
    try:
        return app.exec()
    finally:
        notes.close()
        for lock in running:
            lock.release()  # type: ignore[attr-defined]
