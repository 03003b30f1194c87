from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.archive.store import Archive
from desktop.gui.main_window import MainWindow
from desktop.gui.settings import open_settings as settings
from desktop.notes.store import Notes


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(path))
    return path


@pytest.fixture
def open_window(qtbot, data_dir, shipped_archive):
    """Open a main window the way a launch does; may be called again to 'relaunch'."""
    opened: list[MainWindow] = []

    def _open(path: Path = shipped_archive) -> MainWindow:
        notes = Notes(Path(os.environ["ARCHIVE_BROWSER_DATA_DIR"]))
        window = MainWindow(Archive(path), settings(), notes)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.reader.current_passage() is not None)
        opened.append(window)
        return window

    yield _open
    for window in opened:
        window.close()
        window.archive.close()
        window.notes.close()


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window()
