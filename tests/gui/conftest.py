from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QCursor

from desktop.gui.app import Application
from desktop.gui.main_window import MainWindow


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(path))
    return path


@pytest.fixture
def opened() -> list[tuple[Application, MainWindow]]:
    """Each application the test launched, with its first window."""
    return []


@pytest.fixture
def open_window(qtbot, data_dir, shipped_archive, opened):
    """Open a main window the way a launch does; may be called again to 'relaunch'.

    The pointer starts at the screen's corner, not wherever the test before left it: Qt
    sends no move to a widget when the pointer is moved to where it already is, so a
    test pointing at the same place as the one before would wait for a hover in vain."""
    QCursor.setPos(0, 0)

    def _open(path: Path = shipped_archive) -> MainWindow:
        app = Application()
        app.open_notes(mark_running=False, backup_now=True)
        window = app.open_window(path)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.reader.current_passage() is not None)
        opened.append((app, window))
        return window

    yield _open
    for app, window in opened:
        for each in {window, *app.windows}:
            if shiboken6.isValid(each):  # a window replaced by another is deleted
                each.close()
                each.syncing.wait()  # a round still running ends before the next test
                each.deleteLater()
            each.archive.close()
        app.close()


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window()


@pytest.fixture(scope="session")
def indexed_archive(tmp_path_factory, resources) -> Path:
    """The essay's archive with the index of tests/gui/indexed.py: Zinoviev, Kronshtadt,
    the Workers Truth group and a timeline of seven events."""
    from tests.gui.indexed import build_indexed

    return build_indexed(resources, tmp_path_factory.mktemp("indexed"))


@pytest.fixture(scope="session")
def unindexed_archive(tmp_path_factory, indexed_archive) -> Path:
    """An archive as one built before the index was (schema version 1)."""
    from tests.gui.indexed import as_built_before_the_index

    return as_built_before_the_index(indexed_archive, tmp_path_factory.mktemp("old"))


@pytest.fixture
def indexed_window(open_window, indexed_archive) -> MainWindow:
    return open_window(indexed_archive)
