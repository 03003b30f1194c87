"""The timeline panel: the archive's dated events in date order, under their years; the
events of the passages being read are marked as the reader moves."""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStackedLayout,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.entities import Event
from desktop.archive.store import Archive
from desktop.gui.index_models import (
    CurrentRole,
    FirstOfYearRole,
    LabelRole,
    MentionSpanRole,
    SpotRole,
    TimelineModel,
    WhenRole,
    WordsRole,
    YearRole,
)
from desktop.gui.models import PassageIdRole
from desktop.gui.panels.rows import RowDelegate, draw_lines, empty_label, fill, paint_item
from desktop.gui.viewport import own_viewport

Index = QModelIndex | QPersistentModelIndex

NO_TIMELINE = ("This archive was built before Archive Browser kept a timeline of dated "
               "events. Build it again with this version (archive-browser build) to have "
               "one.")
EMPTY_TIMELINE = "This archive dates no events."
SEEK_SECONDS = 0.02  # of fetching pages at each turn while an event is sought


class EventDelegate(RowDelegate):
    """An event: in a column at the left, its year (on the year's first event) and a rule
    down the year's events; then its date, muted, with where its words stand at the
    right; its label on up to two lines (bold for an event of a passage in view, with a
    bar on the rule); the words that date it, in italics.

    Every row has the same height, so that the timeline lays out without measuring each
    event."""

    PAD = 4
    LABEL_LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts_of: dict[str, tuple[QFont, QFont, QFont, QFont]] = {}

    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        """The fonts of a row: the date's, the label's, the words', and the year's."""
        key = base.toString()
        if key not in self._fonts_of:
            when, label, words, year = QFont(base), QFont(base), QFont(base), QFont(base)
            when.setPointSizeF(base.pointSizeF() * 0.85)
            when.setWeight(QFont.Weight.DemiBold)
            words.setItalic(True)
            words.setPointSizeF(base.pointSizeF() * 0.9)
            year.setBold(True)
            self._fonts_of[key] = (when, label, words, year)
        return self._fonts_of[key]

    def gutter(self, base: QFont) -> int:
        """The width of the years' column."""
        return QFontMetrics(self._fonts(base)[3]).horizontalAdvance("0000") + 2 * self.PAD + 4

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text, muted = paint_item(self, painter, option, index)
        when, label, words, year = self._fonts(option.font)
        gutter = self.gutter(option.font)
        bounds = option.rect
        painter.save()
        # The years' column: the year on its first event, and a rule down its events.
        rule = bounds.left() + gutter - self.PAD - 2
        first = bool(index.data(FirstOfYearRole))
        if first:
            painter.setFont(year)
            painter.setPen(text)
            painter.drawText(QRect(bounds.left() + self.PAD, bounds.top() + self.PAD,
                                   gutter - 2 * self.PAD, QFontMetrics(year).height()),
                             int(Qt.AlignmentFlag.AlignLeft), index.data(YearRole))
        line = QColor(muted)
        line.setAlpha(90)
        fill(painter, QRect(rule, bounds.top() + (self.PAD if first else 0), 1,
                            bounds.height() - (self.PAD if first else 0)), line)
        if first and index.row() > 0:  # a year begins: a faint line across
            fill(painter, QRect(bounds.left(), bounds.top(), bounds.width(), 1), line)
        current = bool(index.data(CurrentRole))
        if current:
            fill(painter, QRect(rule - 1, bounds.top() + 4, 3, bounds.height() - 8),
                 option.palette.link())
        rect = bounds.adjusted(gutter, self.PAD, -self.PAD, -self.PAD)
        metrics = QFontMetrics(when)
        painter.setFont(when)
        painter.setPen(muted)
        spot = index.data(SpotRole) or ""
        spot_width = min(metrics.horizontalAdvance(spot), rect.width() // 2)
        top = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(top, int(Qt.AlignmentFlag.AlignRight),
                         metrics.elidedText(spot, Qt.TextElideMode.ElideMiddle, spot_width))
        painter.drawText(top.adjusted(0, 0, -spot_width - self.PAD, 0),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(index.data(WhenRole), Qt.TextElideMode.ElideRight,
                                            rect.width() - spot_width - self.PAD))
        shown = QFont(label)
        shown.setBold(current)
        painter.setFont(shown)
        painter.setPen(text)
        y = draw_lines(painter, index.data(LabelRole) or "", shown,
                       QPointF(rect.left(), rect.top() + metrics.height() + 1), rect.width(),
                       self.LABEL_LINES)
        metrics = QFontMetrics(words)
        painter.setFont(words)
        painter.setPen(muted)
        painter.drawText(QRect(rect.left(), int(y) + 1, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(f"“{index.data(WordsRole)}”",
                                            Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        when, label, words, _year = self._fonts(option.font)
        height = QFontMetrics(when).height() + self.LABEL_LINES * QFontMetrics(label).height() \
            + QFontMetrics(words).height() + 2
        return QSize(120, height + 2 * self.PAD)


class TimelinePanel(QWidget):
    """The events by date, under their years; a click or Enter goes to the words that date
    the event, marked. :meth:`show_reading` marks the events of the passages in view."""

    goTo = Signal(str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline-panel")
        self.archive: Archive | None = None
        self.model = TimelineModel()
        self.list = QListView()
        own_viewport(self.list)  # asked for before the first paint (see viewport.py)
        self.list.setObjectName("timeline-list")
        self.list.setAccessibleName("Timeline")
        self.list.setToolTip("The events the archive dates, by year; click or press Enter to "
                             "go to the words that date one. The events of the passages in "
                             "view are in bold.")
        self.list.setModel(self.model)
        self.list.setItemDelegate(EventDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.empty = empty_label(NO_TIMELINE, "timeline-empty", "No timeline")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.stack = QStackedLayout()  # in the panel first, see IndexPanel
        layout.addLayout(self.stack)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        self._reading: tuple[str, ...] = ()
        self._seeking: Event | None = None  # the event to bring into view
        self._seek_timer = QTimer(self)
        self._seek_timer.setSingleShot(True)
        self._seek_timer.setInterval(0)
        self._seek_timer.timeout.connect(self._seek)
        self.list.clicked.connect(self._go)
        self.list.activated.connect(self._go)

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self._reading = ()
        self._seeking = None
        self.model.set_archive(archive)
        shown = archive.has_index and self.model.total > 0
        self.empty.setText(NO_TIMELINE if not archive.has_index else EMPTY_TIMELINE)
        self.stack.setCurrentWidget(self.list if shown else self.empty)

    @property
    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _go(self, index: QModelIndex) -> None:
        if not index.isValid() or self.archive is None:
            return
        passage = self.archive.passage(index.data(PassageIdRole))
        if passage is not None:
            self.goTo.emit(passage.document_id, passage.id, (index.data(MentionSpanRole),))

    def show_reading(self, passage_ids: Iterable[str]) -> None:
        """Mark the events of the passages in view, and bring the first into the
        timeline's view (unless the person is moving through the timeline)."""
        ids = tuple(passage_ids)
        if ids == self._reading or self.archive is None or self.is_empty:
            return
        self._reading = ids
        events = [event for passage_id in ids for event in self.archive.events_in(passage_id)]
        self.model.set_current({event.id for event in events})
        self._seeking = min(events, key=lambda e: (e.date_start, e.id)) \
            if events and not self.list.hasFocus() else None
        self._seek()

    def _seek(self) -> None:
        """Bring the event sought into view: at once if its page is here, else pages are
        fetched a few at each turn of the event loop until it is (a late event of a long
        timeline is many pages on, and the reader must not wait for them)."""
        event = self._seeking
        if event is None:
            return
        index = self.model.event_index(event.id)
        # Pages for a few milliseconds at each turn: the list lays itself out again after
        # each turn, not after each page.
        budget = time.monotonic() + SEEK_SECONDS
        while not index.isValid() and self.model.still_to_come(event.date_start) \
                and time.monotonic() < budget:
            self.model.fetchMore()
            index = self.model.event_index(event.id)
        if index.isValid():
            self._seeking = None
            # Left where it is while it shows the event whole; else the event is brought
            # to the middle, with what came before and after it around.
            if not self.list.viewport().rect().contains(self.list.visualRect(index)):
                self.list.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        elif self.model.still_to_come(event.date_start):
            self._seek_timer.start()
        else:
            self._seeking = None
