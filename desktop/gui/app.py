"""Start the application: open the archive, show the window, or say clearly why not."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import paths
from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.gui.main_window import APP_NAME, MainWindow
from desktop.notes.errors import NotesError
from desktop.notes.store import Notes


def settings() -> QSettings:
    """The person's settings, in the data folder (ARCHIVE_BROWSER_DATA_DIR moves it)."""
    return QSettings(str(paths.data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def show_error(message: str) -> None:
    """Tell the person, on the terminal and, where someone can see it, in a dialog."""
    print(f"archive-browser: {message}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(None, APP_NAME, message)


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("archive-browser")
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("archive-browser")
    return app


def run(archive_path: Path, *, screenshot: Path | None = None) -> int:
    app = application()
    try:
        archive = Archive(archive_path)
    except ArchiveError as exc:
        show_error(str(exc))
        return 1
    try:
        notes = Notes(paths.data_dir())
    except NotesError as exc:
        show_error(str(exc))
        return 1
    except (OSError, sqlite3.Error) as exc:
        show_error(f"Your notes in {paths.data_dir()} cannot be opened ({exc}).")
        return 1
    window = MainWindow(archive, settings(), notes)
    window.show()
    window.raise_()
    window.activateWindow()
    if screenshot is None:
        QTimer.singleShot(0, window.report_start)
    if screenshot is not None:
        def grab() -> None:
            ok = window.grab().save(str(screenshot))
            if not ok:
                print(f"archive-browser: could not write {screenshot}.", file=sys.stderr)
            app.exit(0 if ok else 1)

        QTimer.singleShot(300, grab)
    try:
        return app.exec()
    finally:
        notes.close()
