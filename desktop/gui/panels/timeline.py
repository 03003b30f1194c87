"""The timeline panel: the archive's dated events in date order, under their years; the
events of the passages being read are marked as the reader moves."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter
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
    the right; its label (bold for an event of a passage in view, with a bar beside it),
    on two lines if it needs them; the words that date it, in italics."""

    PAD = 4
    LABEL_LINES = 2

    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        when, label, words = QFont(base), QFont(base), QFont(base)
        when.setPointSizeF(base.pointSizeF() * 0.85)
        when.setWeight(QFont.Weight.DemiBold)
        words.setItalic(True)
        words.setPointSizeF(base.pointSizeF() * 0.9)
        return when, label, words

    def _label_width(self, option: QStyleOptionViewItem, index: Index) -> int:
        view = option.widget
        if isinstance(view, QTreeView):
            return view.viewport().width() - view.indentation() * 2 - 2 * self.PAD - 8
        return option.rect.width() - 2 * self.PAD - 8

    def _label_lines(self, font: QFont, text: str, width: int) -> list[str]:
        """The label broken into lines at the width, at most two, the second elided."""
        metrics = QFontMetrics(font)
        if width <= 0 or metrics.horizontalAdvance(text) <= width:
            return [text]
        words, first = text.split(), ""
        while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width:
            first = f"{first} {words.pop(0)}".strip()
        if not first:  # one word wider than the column
            return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
        rest = " ".join(words)
        return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]

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
        painter.save()
        if index.data(IsYearRole):
            font = QFont(option.font)
            font.setBold(True)
            font.setPointSizeF(option.font.pointSizeF() * 1.1)
            painter.setFont(font)
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
        when, label, words = self._fonts(option.font)
        label.setBold(current)
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
        painter.setFont(label)
        painter.setPen(text)
        metrics = QFontMetrics(label)
        for part in self._label_lines(label, index.data(LabelRole), rect.width()):
            painter.drawText(QRect(rect.left(), y, rect.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), part)
            y += metrics.height()
        metrics = QFontMetrics(words)
        painter.setFont(words)
        painter.setPen(muted)
        painter.drawText(QRect(rect.left(), y + 1, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(f"“{index.data(WordsRole)}”",
                                            Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        if index.data(IsYearRole):
            return QSize(120, int(QFontMetrics(option.font).height() * 1.2) + 2 * self.PAD)
        when, label, words = self._fonts(option.font)
        bold = QFont(label)
        bold.setBold(True)  # as wide as it is drawn when in view
        lines = len(self._label_lines(bold, index.data(LabelRole) or "",
                                      self._label_width(option, index)))
        height = QFontMetrics(when).height() + QFontMetrics(label).height() * lines \
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
        self.tree.viewport().installEventFilter(self)
        self._width = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A label takes two lines in a narrow column: the rows' heights follow its width.
        if event.type() == QEvent.Type.Resize and watched is self.tree.viewport() \
                and self.tree.viewport().width() != self._width:
            self._width = self.tree.viewport().width()
            self.tree.scheduleDelayedItemsLayout()
        return False

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
