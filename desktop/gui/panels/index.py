"""The index panel: the people, places, organisations and events the archive names, each
with its number of mentions; the chosen one's mentions, with the words around each."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSplitter,
    QStackedLayout,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.entities import KINDS, Entity
from desktop.archive.search import HIT_END, HIT_START
from desktop.archive.store import Archive
from desktop.gui.index_models import (
    KIND_NAMES,
    KIND_PLURALS,
    CountRole,
    EntitiesModel,
    EntityIdRole,
    MentionsModel,
    mentions_phrase,
)
from desktop.gui.models import DocumentIdRole, LocationRole, PassageIdRole, SnippetRole
from desktop.gui.panels.rows import RowDelegate, draw_lines, empty_label, paint_item, panel_combo
from desktop.gui.plain import tip

Index = QModelIndex | QPersistentModelIndex
Spans = tuple[tuple[int, int], ...]

NO_INDEX = ("This archive was built before Archive Browser kept an index of people, "
            "places, organisations and events. Build it again with this version "
            "(archive-browser build) to have one.")
EMPTY_INDEX = "This archive’s index names no people, places, organisations or events."


def smaller(base: QFont, scale: float, cache: dict[str, QFont], *,
            weight: QFont.Weight | None = None) -> QFont:
    """``base`` at ``scale`` times its size (made once for each base font)."""
    key = base.toString()
    if key not in cache:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * scale)
        if weight is not None:
            font.setWeight(weight)
        cache[key] = font
    return cache[key]


class EntityDelegate(RowDelegate):
    """An entity's row: its name, and its number of mentions at the right, muted."""

    PAD = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._small: dict[str, QFont] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text, muted = paint_item(self, painter, option, index)
        count = f"{index.data(CountRole) or 0:,}"
        small = smaller(option.font, 0.9, self._small)
        rect = option.rect.adjusted(self.PAD, 0, -self.PAD, 0)
        count_width = QFontMetrics(small).horizontalAdvance(count)
        painter.save()
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         count)
        painter.setFont(option.font)
        painter.setPen(text)
        name_rect = QRect(rect.left(), rect.top(), rect.width() - count_width - self.PAD,
                          rect.height())
        name = QFontMetrics(option.font).elidedText(
            index.data(Qt.ItemDataRole.DisplayRole) or "", Qt.TextElideMode.ElideRight,
            name_rect.width())
        painter.drawText(name_rect, int(Qt.AlignmentFlag.AlignLeft
                                        | Qt.AlignmentFlag.AlignVCenter), name)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(120, QFontMetrics(option.font).height() + self.PAD)


class _EntityList(QListView):
    """The list of entities; its menu (a right click, the Menu key or Shift+F10) is the
    menu of the entry clicked, or of the chosen one from the keyboard."""

    menuAt = Signal(QPoint)  # where to open the chosen entry's menu (global)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F10 and \
                event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
            # Shift+F10 opens the menu as the Menu key does (laptops have no Menu key).
            rect = self.visualRect(self.currentIndex())
            QApplication.sendEvent(self, QContextMenuEvent(
                QContextMenuEvent.Reason.Keyboard, rect.center(),
                self.viewport().mapToGlobal(rect.center())))
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            index = self.indexAt(event.pos())
            if not index.isValid():
                return
            self.setCurrentIndex(index)
            self.menuAt.emit(event.globalPos())
        else:
            rect = self.visualRect(self.currentIndex())
            self.menuAt.emit(self.viewport().mapToGlobal(rect.bottomLeft()))
        event.accept()


class MentionDelegate(RowDelegate):
    """A mention: where it is (muted), then the words around it with the name in bold, on
    at most :attr:`LINES` lines. Every row has the same height, so that the list lays out
    an entry's thousands of mentions without measuring each."""

    PAD = 4
    LINES = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._where: dict[str, QFont] = {}
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        self._bold = bold

    def _fonts(self, base: QFont) -> tuple[QFont, QFont]:
        return smaller(base, 0.9, self._where, weight=QFont.Weight.DemiBold), base

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text, muted = paint_item(self, painter, option, index)
        where_font, font = self._fonts(option.font)
        rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        painter.setFont(where_font)
        painter.setPen(muted)
        metrics = QFontMetrics(where_font)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft),
                         metrics.elidedText(index.data(LocationRole) or "",
                                            Qt.TextElideMode.ElideRight, rect.width()))
        painter.setPen(text)
        painter.setFont(font)
        self._draw_snippet(painter, index.data(SnippetRole) or "", font,
                           QPointF(rect.left(), rect.top() + metrics.height() + 1),
                           rect.width())
        painter.restore()

    def _draw_snippet(self, painter: QPainter, snippet: str, font: QFont, at: QPointF,
                      width: int) -> None:
        """The words, the name (between the hit markers) in bold, wrapped to at most
        :attr:`LINES` lines, the last elided if they go on."""
        plain, spans = snippet_spans(snippet)
        ranges = []
        for start, end in spans:
            found = QTextLayout.FormatRange()
            found.start, found.length, found.format = start, end - start, self._bold
            ranges.append(found)
        draw_lines(painter, plain, font, at, width, self.LINES, ranges)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        where_font, font = self._fonts(option.font)
        height = QFontMetrics(where_font).height() + 1 \
            + self.LINES * QFontMetrics(font).lineSpacing()
        return QSize(120, height + 2 * self.PAD + 2)


def snippet_spans(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet's words without its hit markers, and where the marked words are."""
    plain, spans, start = "", [], -1
    for char in snippet:
        if char == HIT_START:
            start = len(plain)
        elif char == HIT_END:
            if start >= 0:
                spans.append((start, len(plain)))
            start = -1
        else:
            plain += char
    return plain, spans


def elided_lines(text: str, font: QFont, width: int, lines: int) -> str:
    """``text`` as it fits in ``lines`` lines of ``width``, its last line elided."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    starts = []
    while len(starts) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    more = layout.createLine().isValid()
    layout.endLayout()
    if not more:
        return text
    last = starts[-1]
    tail = QFontMetrics(font).elidedText(text[last:].replace("\n", " "),
                                         Qt.TextElideMode.ElideRight, width)
    return text[:last] + tail


class _About(QLabel):
    """What the index says of the chosen entry: its name, kind and count, then its
    description in at most :attr:`LINES` lines (the whole in the tooltip), so that a
    small screen keeps room for the mentions."""

    LINES = 4

    def __init__(self) -> None:
        super().__init__()
        self.full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)

    def set_full(self, text: str) -> None:
        self.full = text
        self.setToolTip(tip(text) if text else "")
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        shown = elided_lines(self.full, self.font(), width, self.LINES) if width > 0 \
            else self.full
        if shown != self.text():
            self.setText(shown)


class IndexPanel(QWidget):
    """Every entity of one kind (or all), by name or by mentions; the chosen one's mentions.

    ``goTo(document, passage, spans)`` goes to a mention, its words marked;
    ``searchFor(entity)`` and ``notesOn(entity)`` ask the window to search for the
    entity, and to show the person's notes on the passages that mention it.
    """

    goTo = Signal(str, str, object)
    searchFor = Signal(str)
    notesOn = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("index-panel")
        self.archive: Archive | None = None
        self._loaded = False
        self.model = EntitiesModel()
        self.mentions = MentionsModel()

        self.kind = panel_combo("Kind", "Show people, places, organisations, events, or all",
                                letters=4)
        self.kind.setObjectName("index-kind")
        self.order = panel_combo("Order", "Order by name, or by how often the archive names "
                                 "them", letters=4)
        self.order.setObjectName("index-order")
        self.order.addItem("By name", "name")
        self.order.addItem("Most mentioned", "count")
        self.list = _EntityList()
        self.list.setObjectName("index-list")
        self.list.setAccessibleName("Index")
        self.list.setToolTip("People, places, organisations and events, with how often each "
                             "is named; choose one to list its mentions, Enter goes to the "
                             "first")
        self.list.setModel(self.model)
        self.list.setItemDelegate(EntityDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.about = _About()
        self.about.setObjectName("index-about")
        self.about.setAccessibleName("About the chosen entry")
        self.about.setContentsMargins(2, 4, 2, 2)
        self.mention_list = QListView()
        self.mention_list.setObjectName("index-mentions")
        self.mention_list.setAccessibleName("Mentions")
        self.mention_list.setToolTip("Where the chosen entry is named; click or press Enter "
                                     "to go there")
        self.mention_list.setModel(self.mentions)
        self.mention_list.setItemDelegate(MentionDelegate(self.mention_list))
        self.mention_list.setUniformItemSizes(True)
        self.mention_list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)

        top = QWidget()
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        choices.addWidget(self.kind, 1)
        choices.addWidget(self.order, 1)
        upper = QVBoxLayout(top)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addLayout(choices)
        upper.addWidget(self.list, 1)
        bottom = QWidget()
        lower = QVBoxLayout(bottom)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.about)
        self.offers = self._offer_buttons()
        lower.addWidget(self.offers)
        lower.addWidget(self.mention_list, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.empty = empty_label(NO_INDEX, "index-empty", "No index")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # In the panel before the widgets go in: a stack without a parent would show them
        # as windows of their own.
        self.stack = QStackedLayout()
        layout.addLayout(self.stack)
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)

        # The keyboard comes to the list first (Ctrl+6), where typing a name finds it.
        QWidget.setTabOrder(self.list, self.kind)
        QWidget.setTabOrder(self.kind, self.order)
        QWidget.setTabOrder(self.order, self.mention_list)
        self.kind.activated.connect(lambda _i: self._set_kind(self.kind.currentData()))
        self.order.activated.connect(lambda _i: self._set_order(self.order.currentData()))
        self.list.selectionModel().currentChanged.connect(lambda current, _old:
                                                          self._show_entity(current))
        self.list.activated.connect(lambda _index: self.go_to_first())
        self.list.menuAt.connect(self._menu)
        self.mention_list.activated.connect(self._go)
        self.mention_list.clicked.connect(self._go)
        self._show_entity(QModelIndex())

    # -- the archive and the choices ----------------------------------------------------

    def set_archive(self, archive: Archive) -> None:
        """Show this archive's index: read when the panel is first shown (it starts behind
        the Search panel, and a start-up need not wait for it)."""
        self.archive = archive
        self._loaded = False
        if self.isVisible():
            self.load()

    def set_shown(self, shown: bool) -> None:
        """The panel's tab came into view (or left it)."""
        if shown:
            self.load()

    def load(self) -> None:
        """Read the index's first page, if it has not been read yet."""
        if self._loaded or self.archive is None:
            return
        self._loaded = True
        archive = self.archive
        self.kind.clear()
        if archive.has_index and archive.entity_count():
            self.kind.addItem(f"All ({archive.entity_count():,})", None)
            for kind in KINDS:
                count = archive.entity_count(kind)
                if count:
                    self.kind.addItem(f"{KIND_PLURALS[kind]} ({count:,})", kind)
        self.model.kind = None
        self.model.set_archive(archive)
        shown = archive.has_index and self.model.total > 0
        self.empty.setText(NO_INDEX if not archive.has_index else EMPTY_INDEX)
        self.stack.setCurrentWidget(self.splitter if shown else self.empty)
        self._choose_first()

    @property
    def is_empty(self) -> bool:
        """Whether the archive has no index to show (it is read to know)."""
        self.load()
        return self.stack.currentWidget() is self.empty

    def _set_kind(self, kind: str | None) -> None:
        self.model.set_kind(kind)
        self._choose_first()

    def _set_order(self, order: str) -> None:
        current = self.current_entity()
        self.model.set_order(order)
        if current is not None:
            self.select(current.id)
        else:
            self._choose_first()

    def _choose_first(self) -> None:
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self._show_entity(QModelIndex())

    def current_entity(self) -> Entity | None:
        index = self.list.currentIndex()
        return self.model.entity_at(index.row()) if index.isValid() else None

    def select(self, entity_id: str) -> bool:
        """Choose an entity (showing every kind if its own is not shown); False if the
        index has no such entity."""
        self.load()
        row = self.model.row_of(entity_id)
        if row < 0 and self.model.kind is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(None)))
            self.model.set_kind(None)
            row = self.model.row_of(entity_id)
        if row < 0:
            return False
        index = self.model.index(row)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)
        return True

    # -- the chosen entity's mentions ---------------------------------------------------

    def _show_entity(self, index: Index) -> None:
        entity = self.model.entity_at(index.row()) if index.isValid() else None
        self.mentions.set_entity(self.archive, entity)
        if entity is None:
            self.about.set_full("")
            self.about.hide()
            self.offers.hide()
            return
        said = f"{entity.name}: {KIND_NAMES.get(entity.kind, entity.kind)}, " \
               f"{mentions_phrase(entity.mention_count)}."
        self.about.set_full(f"{said}\n{entity.description}" if entity.description else said)
        self.about.setAccessibleDescription(self.about.full)
        self.about.show()
        self.offers.show()

    def spans_of(self, entity_id: str, passage_id: str) -> Spans:
        """Where an entity is named in one passage, every time."""
        if self.archive is None:
            return ()
        return tuple((m.start, m.end) for m in self.archive.mentions_in(passage_id)
                     if m.entity_id == entity_id)

    def _go(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        passage_id = index.data(PassageIdRole)
        self.goTo.emit(index.data(DocumentIdRole), passage_id,
                       self.spans_of(index.data(EntityIdRole), passage_id))

    def go_to_first(self) -> None:
        """Go to the chosen entity's first mention."""
        if self.mentions.rowCount():
            self.mention_list.setCurrentIndex(self.mentions.index(0))
            self._go(self.mentions.index(0))

    # -- what else an entity offers -----------------------------------------------------

    def _offers(self) -> tuple[tuple[str, str, Callable[[str], object]], ...]:
        """What an entry offers besides its mentions: (label, what it does, run with the
        entry's id); the menu has them all, the buttons under the entry the last two."""
        return (("Go to the First Mention", "Go to where the archive first names it",
                 lambda _entity_id: self.go_to_first()),
                ("Search for This", "List in the Search panel the passages that name it",
                 self.searchFor.emit),
                ("Your Notes on This", "Show in the Highlights panel your highlights and "
                 "notes on the passages that name it", self.notesOn.emit))

    def menu_for(self, entity: Entity) -> QMenu:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setObjectName("index-menu")
        menu.setAccessibleName("Index entry menu")
        for text, says, run in self._offers():
            action = QAction(text, menu)
            action.setToolTip(says)
            action.setStatusTip(says)
            action.triggered.connect(lambda _checked=False, run=run: run(entity.id))
            menu.addAction(action)
        menu.setToolTipsVisible(True)
        return menu

    def _offer_buttons(self) -> QWidget:
        """Search for This and Your Notes on This, in sight under the chosen entry (the
        menu of the list has them too)."""
        row = QWidget()
        row.setObjectName("index-offers")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for text, says, run in self._offers()[1:]:
            button = QToolButton()
            button.setObjectName("index-" + text.lower().replace(" ", "-"))
            button.setText(text)
            button.setAccessibleName(text)
            button.setToolTip(says)
            button.clicked.connect(lambda _checked=False, run=run: self._on_chosen(run))
            line.addWidget(button)
        line.addStretch(1)
        return row

    def _on_chosen(self, run: Callable[[str], object]) -> None:
        entity = self.current_entity()
        if entity is not None:
            run(entity.id)

    def _menu(self, point: QPoint) -> None:
        entity = self.current_entity()
        if entity is not None:
            self.menu_for(entity).popup(point)
