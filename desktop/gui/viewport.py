"""Viewports made in Python for the scrolling views read before the window is first painted.

The first time PySide is handed a widget that Qt made and Python has never seen (the
``viewport()`` of a text or list view, say), it loads every widget class of QtWidgets
that widget could be, with their enums: about 40 classes and 76 enums, some 10 ms that a
launch would spend before its first paint. A viewport made here is known to Python from
the start, so asking for it costs nothing.

Each is set up as Qt sets up the viewport it replaces (tests/gui/test_viewport.py
compares the two, attribute by attribute).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QTextBrowser, QWidget


def own_viewport(view: QTextBrowser | QAbstractItemView) -> QWidget:
    """Give ``view`` (a text browser or an item view) a viewport made here, set up as the
    one Qt made; return it. Called as the view is made, before anything is set on its
    viewport."""
    viewport = QWidget(view)  # the view owns it, not Python
    # What QAbstractScrollArea sets on the viewport it makes.
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    if isinstance(view, QTextBrowser):  # and what a text browser sets on it
        viewport.setCursor(Qt.CursorShape.ArrowCursor)
        viewport.setMouseTracking(True)
        viewport.setAcceptDrops(True)
    view.setViewport(viewport)  # (Qt deletes the one it made)
    if isinstance(view, QTextBrowser):
        # The text is laid out for the viewport's screen, as for the one it replaces,
        # which its document's layout must no longer point to.
        view.document().documentLayout().setPaintDevice(viewport)
    return viewport
