"""What a launch does before the window is first painted, and what it leaves for later."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def in_fresh_interpreter(code: str) -> object:
    """What ``code`` prints as JSON, run in a new interpreter (one that has not long since
    loaded everything, as a test process has)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT),
                               "QT_QPA_PLATFORM": "offscreen"},
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def with_window_shown(data: Path, code: str) -> object:
    """``shown``, as ``code`` sets it, run in a new interpreter once the window is shown on
    the packaged archive (its notes in ``data``) and has painted."""
    return in_fresh_interpreter(
        "import json, os\n"
        f"os.environ['ARCHIVE_BROWSER_DATA_DIR'] = {str(data)!r}\n"
        "import PySide6.QtWidgets\n"
        "from desktop import paths\n"
        "from desktop.gui.app import Application, qt_app\n"
        "qt = qt_app()\n"
        "app = Application()\n"
        "app.open_notes(mark_running=False)\n"
        "window = app.open_window(paths.default_archive())\n"
        "window.show()\n"
        "qt.processEvents()\n"
        + code +
        "window.close()\n"
        "app.close()\n"
        "print(json.dumps(shown))\n")


def test_pyside_reads_no_module_s_source_file_at_start():
    # PySide6 reads the whole source of every module imported after it, unless told it
    # need not (desktop/gui/__init__.py): the window's modules and the standard library's.
    read = in_fresh_interpreter(
        "import json, linecache\n"
        "import desktop.gui.app, desktop.gui.main_window\n"
        "print(json.dumps(sorted(linecache.cache)))\n")
    # What is read before it can be told: the enum module, when PySide6 itself is loaded,
    # and the package desktop. Left to itself it read some 140 files.
    assert len(read) <= 3, read


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/self/maps")
def test_the_window_is_shown_without_the_svg_library(tmp_path):
    # The icon is drawn from its PNGs; QtSvg and its icon plug-in are loaded only when
    # something draws an SVG.
    loaded = with_window_shown(
        tmp_path,
        "libraries = {line.split()[-1].rsplit('/', 1)[-1]\n"
        "             for line in open('/proc/self/maps') if '.so' in line}\n"
        "shown = sorted(name for name in libraries if 'svg' in name.lower())\n")
    assert loaded == []


def test_the_modules_loaded_at_start_define_no_dataclass():
    # A dataclass compiles its methods from source as its class is made (about 1 ms for
    # a frozen one: the 45 records of the modules loaded at start cost some 40 ms of the
    # launch); the records are msgspec Structs, made in microseconds.
    made = in_fresh_interpreter(
        "import json, sys\n"
        "import desktop.cli, desktop.gui.app, desktop.gui.main_window\n"
        "print(json.dumps(sorted(\n"
        "    f'{name}.{value.__qualname__}'\n"
        "    for name, module in list(sys.modules.items()) if name.startswith('desktop')\n"
        "    for value in vars(module).values()\n"
        "    if isinstance(value, type) and value.__module__ == name\n"
        "    and '__dataclass_fields__' in vars(value))))\n")
    assert made == []


def test_the_first_paint_loads_no_widget_class_it_does_not_use(tmp_path):
    # Handed a widget that Qt made and Python has not seen, PySide loads every widget
    # class it could be (a wizard's among them): the views read before the first paint
    # have viewports made in Python (desktop/gui/viewport.py).
    loaded = with_window_shown(
        tmp_path,
        "window.reader.viewport().repaint()\n"
        "shown = [name for name in ('QWizard', 'QFontDialog', 'QMdiArea')\n"
        "         if name in vars(PySide6.QtWidgets)]\n")
    assert loaded == []


def test_the_panels_behind_others_are_made_after_the_first_paint(tmp_path):
    # Sources, Bookmarks and Index are tabbed behind Contents and Search in the first
    # layout: their modules and widgets wait until the window has been drawn once; so
    # do the timeline's events (the list is there, empty, in the first frame).
    modules = ("desktop.gui.panels.sources", "desktop.gui.panels.bookmarks",
               "desktop.gui.panels.index", "desktop.gui.panels.highlights")
    loaded = with_window_shown(
        tmp_path,
        "import sys\n"
        f"modules = {modules!r}\n"
        "settled = []\n"
        "window.settled.connect(lambda: settled.append(True))\n"
        "window.repaint()\n"
        "drawn = [name for name in modules if name in sys.modules]\n"
        "icon = not window.windowIcon().isNull()\n"
        "events = window._timeline.model.rowCount()\n"
        "for _ in range(10):\n"
        "    qt.processEvents()\n"
        "shown = {'at the first paint': drawn, 'icon': icon, 'events': events,\n"
        "         'after': [name for name in modules if name in sys.modules],\n"
        "         'icon after': not window.windowIcon().isNull(),\n"
        "         'events after': window._timeline.model.rowCount() > 0,\n"
        "         'in view after': bool(window._timeline.model.current),\n"
        "         'settled': settled}\n")
    # The icon too (its first picture has Qt look through its image plug-ins); the
    # events of the passages in view are marked as soon as there are events.
    assert loaded == {"at the first paint": [], "icon": False, "events": 0,
                      "after": list(modules[:3]), "icon after": True, "events after": True,
                      "in view after": True, "settled": [True]}


def test_the_timeline_asked_for_before_the_first_paint_has_its_events(qtbot, data_dir,
                                                                      shipped_archive):
    from desktop.gui.app import Application

    app = Application()
    app.open_notes(mark_running=False)
    window = app.open_window(shipped_archive)
    try:
        assert window._timeline.model.rowCount() == 0
        assert window.timeline.model.rowCount() > 0
        assert not window.timeline.is_empty
    finally:
        window.close()
        window.archive.close()
        app.close()


@pytest.mark.parametrize("size", [None, (700, 500)])
def test_the_panels_made_after_the_first_paint_move_nothing(qtbot, data_dir, shipped_archive,
                                                           size):
    # Their docks keep room for them from the start: on a small screen (the offscreen
    # one is 800 × 600) the text's column would otherwise narrow just after it is drawn.
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from desktop.gui.app import Application
    from desktop.gui.main_window import AFTER_FIRST_PAINT, LATER, later_panel_size

    app = Application()
    app.open_notes(mark_running=False)
    window = app.open_window(shipped_archive)
    try:
        if size is not None:
            window.resize(*size)
        window.show()

        def sizes() -> dict[str, tuple[int, int]]:
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            return {"reader": window.reader.viewport().size().toTuple(),
                    **{key: dock.size().toTuple() for key, dock in window.docks.items()}}

        before = sizes()
        assert not window._panels
        qtbot.waitUntil(lambda: set(AFTER_FIRST_PAINT) <= set(window._panels))
        window.highlights  # noqa: B018
        assert sizes() == before
        for key in LATER:
            needs = window.panel(key).minimumSizeHint()
            kept = later_panel_size(key, window.docks[key].widget())
            assert needs.width() <= kept.width() and needs.height() <= kept.height(), key
    finally:
        window.close()
        window.archive.close()
        app.close()


def test_the_first_paint_leaves_the_style_to_qt(tmp_path):
    # Fusion is asked for on the command line Qt reads, and the lists' rows are drawn by
    # Qt's delegate: Python never handles the style, whose class and twenty enums
    # would otherwise be made before the first paint (some 6 ms).
    loaded = with_window_shown(
        tmp_path,
        "window.repaint()\n"
        "shown = {'style made in Python': 'QStyle' in vars(PySide6.QtWidgets)}\n"
        "shown['style'] = qt.style().name()\n")
    assert loaded == {"style made in Python": False, "style": "fusion"}


def test_the_first_paint_makes_no_class_only_a_question_or_a_click_needs(tmp_path):
    # PySide makes a class, and its enums, when it is first named: the dialogs, the
    # screen readers' announcements, a panel's choice box and a clicked link's address
    # are named where they are used (some 5 ms of a start together).
    loaded = with_window_shown(
        tmp_path,
        "import PySide6.QtCore, PySide6.QtGui\n"
        "window.repaint()\n"
        "made = {**vars(PySide6.QtCore), **vars(PySide6.QtGui), **vars(PySide6.QtWidgets)}\n"
        "shown = [name for name in ('QMessageBox', 'QFileDialog', 'QInputDialog',\n"
        "                           'QDialogButtonBox', 'QComboBox', 'QAccessible',\n"
        "                           'QUrl', 'QStandardItemModel', 'QGradient')\n"
        "         if name in made]\n")
    assert loaded == []


def test_the_timeline_s_rows_are_drawn_without_the_style_or_the_gradients(tmp_path):
    # Drawn just after the first frame: by Qt's delegate, the selection read from the
    # view (Python never handles the style), and their rules filled without fillRect,
    # whose overloads have PySide make the gradients' class.
    loaded = with_window_shown(
        tmp_path,
        "import PySide6.QtGui\n"
        "settled = []\n"
        "window.settled.connect(lambda: settled.append(True))\n"
        "while not settled:\n"
        "    qt.processEvents()\n"
        "window._timeline.list.setCurrentIndex(window._timeline.model.index(1, 0))\n"
        "window._timeline.list.viewport().repaint()\n"
        "made = {**vars(PySide6.QtGui), **vars(PySide6.QtWidgets)}\n"
        "shown = {'rows': window._timeline.model.rowCount() > 0,\n"
        "         'made': [name for name in ('QStyle', 'QGradient') if name in made]}\n")
    assert loaded == {"rows": True, "made": []}


def test_the_window_settles_even_when_the_timeline_cannot_be_read(qtbot, data_dir,
                                                                  shipped_archive):
    # Said as any error is; whoever waits for the whole window (--screenshot) is told.
    from desktop.archive.errors import ArchiveError
    from desktop.gui.app import Application

    app = Application()
    app.open_notes(mark_running=False)
    window = app.open_window(shipped_archive)

    def fails(_archive: object) -> None:
        raise ArchiveError("the archive is busy")

    window._timeline.set_archive = fails
    try:
        with qtbot.capture_exceptions() as raised, qtbot.waitSignal(window.settled):
            window.show()
        assert [str(error) for _kind, error, _trace in raised] == ["the archive is busy"]
        assert not window.windowIcon().isNull()
    finally:
        window.close()
        window.archive.close()
        app.close()
