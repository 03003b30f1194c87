"""The viewports made in Python (desktop/gui/viewport.py) are set up as the ones Qt makes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.gui import reader as reader_module
from desktop.gui.panels import timeline as timeline_module
from desktop.gui.panels.timeline import TimelinePanel
from desktop.gui.reader import ReaderView


def _setup(viewport: QWidget, view: QWidget) -> dict[str, object]:
    """What is set on a viewport, as a person or Qt would notice it."""
    setup: dict[str, object] = {a.name: viewport.testAttribute(a) for a in Qt.WidgetAttribute}
    policy = viewport.sizePolicy()
    setup.update(
        name=viewport.objectName(), background=viewport.backgroundRole(),
        foreground=viewport.foregroundRole(), fills=viewport.autoFillBackground(),
        cursor=viewport.cursor().shape(), tracking=viewport.hasMouseTracking(),
        drops=viewport.acceptDrops(), focus=viewport.focusPolicy(),
        proxy=viewport.focusProxy() is view, parent=viewport.parentWidget() is view,
        menu=viewport.contextMenuPolicy(), hints=viewport.inputMethodHints(),
        policy=(policy.horizontalPolicy(), policy.verticalPolicy()),
        font=viewport.font().toString(), visible=viewport.isVisible(),
        geometry=viewport.geometry(), palette=viewport.palette() == view.palette())
    return setup


@pytest.mark.parametrize("make", [ReaderView, TimelinePanel], ids=["reader", "timeline"])
def test_a_viewport_made_here_is_set_up_as_qt_s(qtbot, monkeypatch, make):
    made = [make()]
    for module in (reader_module, timeline_module):
        monkeypatch.setattr(module, "own_viewport", lambda view: view.viewport())
    made.append(make())  # with the viewport Qt made
    for top in made:
        qtbot.addWidget(top)
        top.resize(400, 300)
    ours, qts = (top.list if isinstance(top, TimelinePanel) else top for top in made)
    assert ours.viewport().objectName() == "qt_scrollarea_viewport"
    assert _setup(ours.viewport(), ours) == _setup(qts.viewport(), qts)
    for top in made:
        top.show()
        qtbot.waitExposed(top)
    assert _setup(ours.viewport(), ours) == _setup(qts.viewport(), qts)


def test_a_reader_with_no_document_yet_is_laid_out_and_painted(qtbot):
    # Its first document's layout drew for the viewport Qt made, which is gone.
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(400, 300)
    reader.show()
    qtbot.waitExposed(reader)
    reader.setPlainText("words " * 500)
    reader.resize(300, 200)
    assert reader.grab().width() == 300
    assert reader.document().documentLayout().documentSize().height() > 200
