"""The timeline panel: the archive's dated events in date order, under their years; the
events of the passages being read are marked as the reader moves."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.store import Archive
from desktop.gui.index_models import (
    CurrentRole,
    IsYearRole,
    LabelRole,
    MentionSpanRole,
    SpotRole,
    TimelineModel,
    WhenRole,
    WordsRole,
)
from desktop.gui.models import PassageIdRole

Index = QModelIndex | QPersistentModelIndex

NO_TIMELINE = ("This archive was built before Archive Browser kept a timeline of dated "
               "events. Build it again with this version (archive-browser build) to have "
               "one.")
EMPTY_TIMELINE = "This archive dates no events."


class EventDelegate(QStyledItemDelegate):
    """A year: the year, bold. An event: its date, muted, with where its words stand at
    the right; its label on up to two lines (bold for an event of a passage in view, with
    a bar beside it); the words that date it, in italics.

    Every event's row has the same height, so that the timeline lays out without
    measuring each event."""

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
            year.setPointSizeF(base.pointSizeF() * 1.1)
            self._fonts_of[key] = (when, label, words, year)
        return self._fonts_of[key]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text = option.palette.highlightedText().color() if selected \
            else option.palette.text().color()
        muted = text if selected else option.palette.placeholderText().color()
        rect = option.rect.adjusted(self.PAD + 6, self.PAD, -self.PAD, -self.PAD)
        when, label, words, year = self._fonts(option.font)
        painter.save()
        if index.data(IsYearRole):
            painter.setFont(year)
            painter.setPen(text)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft
                                       | Qt.AlignmentFlag.AlignVCenter),
                             index.data(Qt.ItemDataRole.DisplayRole))
            painter.restore()
            return
        current = bool(index.data(CurrentRole))
        if current:
            painter.fillRect(QRect(option.rect.left() + 1, option.rect.top() + 4, 3,
                                   option.rect.height() - 8), option.palette.link())
        metrics = QFontMetrics(when)
        painter.setFont(when)
        painter.setPen(muted)
        spot = index.data(SpotRole) or ""
        spot_width = min(metrics.horizontalAdvance(spot), rect.width() // 2)
        line = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        painter.drawText(line, int(Qt.AlignmentFlag.AlignRight),
                         metrics.elidedText(spot, Qt.TextElideMode.ElideMiddle, spot_width))
        painter.drawText(line.adjusted(0, 0, -spot_width - self.PAD, 0),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(index.data(WhenRole), Qt.TextElideMode.ElideRight,
                                            rect.width() - spot_width - self.PAD))
        y = rect.top() + metrics.height() + 1
        shown = QFont(label)
        shown.setBold(current)
        painter.setFont(shown)
        painter.setPen(text)
        y = self._draw_label(painter, index.data(LabelRole) or "", shown,
                             QPointF(rect.left(), y), rect.width())
        metrics = QFontMetrics(words)
        painter.setFont(words)
        painter.setPen(muted)
        painter.drawText(QRect(rect.left(), int(y) + 1, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(f"“{index.data(WordsRole)}”",
                                            Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()

    def _draw_label(self, painter: QPainter, text: str, font: QFont, at: QPointF,
                    width: int) -> float:
        """The label on up to :attr:`LABEL_LINES` lines, the last elided if it goes on;
        returns where the lines end (the next line's top)."""
        layout = QTextLayout(text, font)
        layout.beginLayout()
        lines = []
        while len(lines) <= self.LABEL_LINES:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append(line)
        layout.endLayout()
        metrics = QFontMetrics(font)
        y = at.y()
        for number, line in enumerate(lines[:self.LABEL_LINES]):
            part = text[line.textStart():line.textStart() + line.textLength()]
            if number == self.LABEL_LINES - 1 and len(lines) > self.LABEL_LINES:
                part = metrics.elidedText(text[line.textStart():],
                                          Qt.TextElideMode.ElideRight, width)
            painter.drawText(QPointF(at.x(), y + metrics.ascent()), part.rstrip())
            y += metrics.height()
        return at.y() + self.LABEL_LINES * metrics.height()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        when, label, words, year = self._fonts(option.font)
        if index.data(IsYearRole):
            return QSize(120, QFontMetrics(year).height() + 2 * self.PAD + 2)
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
        self.tree = QTreeView()
        self.tree.setObjectName("timeline-list")
        self.tree.setAccessibleName("Timeline")
        self.tree.setToolTip("The events the archive dates, by year; click or press Enter to "
                             "go to the words that date one. The events of the passages in "
                             "view are in bold.")
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(EventDelegate(self.tree))
        self.tree.setIndentation(10)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.empty = QLabel(NO_TIMELINE)
        self.empty.setObjectName("timeline-empty")
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setAccessibleName("No timeline")
        self.empty.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.stack = QStackedLayout()  # in the panel first, see IndexPanel
        layout.addLayout(self.stack)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        self._reading: tuple[str, ...] = ()
        # Years open as they arrive: the timeline is read down, not unfolded.
        self.model.rowsInserted.connect(self._expand_new)
        self.model.modelReset.connect(self.tree.expandAll)
        self.tree.clicked.connect(self._go)
        self.tree.activated.connect(self._go)

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self._reading = ()
        self.model.set_archive(archive)
        shown = archive.has_index and self.model.total > 0
        self.empty.setText(NO_TIMELINE if not archive.has_index else EMPTY_TIMELINE)
        self.stack.setCurrentWidget(self.tree if shown else self.empty)

    @property
    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _expand_new(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.tree.expand(self.model.index(row, 0))

    def _go(self, index: QModelIndex) -> None:
        if not index.isValid() or index.data(IsYearRole) or self.archive is None:
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
        if events and not self.tree.hasFocus():
            first = min(events, key=lambda e: (e.date_start, e.id))
            index = self.model.event_index(first.id, first.date_start)
            # Left where it is while it shows the event whole; else the event is brought
            # to the middle, with what came before and after it around.
            if index.isValid() and not self.tree.viewport().rect().contains(
                    self.tree.visualRect(index)):
                self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
