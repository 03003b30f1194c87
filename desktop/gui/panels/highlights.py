"""The highlights panel: every highlight with its note and tags, filtered and sorted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.places import lost
from desktop.gui.accessibility import highlight_phrase
from desktop.gui.marks import Marks
from desktop.gui.models import LocationRole
from desktop.gui.plain import tip
from desktop.gui.theme import COLOUR_LABELS, colour
from desktop.notes.changes import ADDED, DELETED, HIGHLIGHTS, Change
from desktop.notes.marks import COLOURS, Highlight
from desktop.notes.places import Located, locate
from desktop.notes.visible import visible

IdRole = Qt.ItemDataRole.UserRole + 20
NoteRole = Qt.ItemDataRole.UserRole + 21
TagsRole = Qt.ItemDataRole.UserRole + 22
ColourRole = Qt.ItemDataRole.UserRole + 23
DocumentRole = Qt.ItemDataRole.UserRole + 24
StateRole = Qt.ItemDataRole.UserRole + 26
OrderRole = Qt.ItemDataRole.UserRole + 27
CreatedRole = Qt.ItemDataRole.UserRole + 28
SearchTextRole = Qt.ItemDataRole.UserRole + 29

Index = QModelIndex | QPersistentModelIndex


def where(located: Located) -> str:
    """Where a mark's row says it stands: document and ¶; for one whose words are not
    found, that they are no longer found in its document, or, for one that names no
    document of this archive (imported from elsewhere), that it is not in this archive."""
    return located.label() if located.passage is not None else lost(located.title)


class HighlightsModel(QAbstractListModel):
    """Highlights of one archive; rows hold ids, the details come from a small cache."""

    def __init__(self, marks: Marks) -> None:
        super().__init__()
        self.marks = marks
        self._ids: list[str] = []
        self._cache: dict[str, Highlight] = {}
        self._where: dict[str, tuple[int, str, str]] = {}  # id -> (order, location, doc)
        self._search: dict[str, str] = {}
        self.newest_first = False

    def reload(self) -> None:
        self.beginResetModel()
        self._cache, self._search, self._where = {}, {}, {}
        self._take(self.marks.highlights())
        self._ids = self._ordered()
        self.endResetModel()

    def _take(self, highlights: list[Highlight]) -> None:
        located = locate(self.marks.archive, highlights)
        for h in highlights:
            self._cache[h.id] = h
            self._search[h.id] = " ".join([h.selector.exact, h.note, *h.tags]).casefold()
            self._where[h.id] = (located[h.id].order, where(located[h.id]), h.document_id)

    def add(self, highlight: Highlight) -> None:
        """A highlight made (or brought back by undo): its row, where it sorts."""
        if highlight.id in self._cache:
            return
        self._take([highlight])
        ordered = self._ordered()
        row = ordered.index(highlight.id)
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids = ordered
        self.endInsertRows()

    def remove(self, highlight_id: str) -> None:
        """A highlight deleted: its row goes."""
        row = self.row_of(highlight_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        for held in (self._cache, self._search, self._where):
            held.pop(highlight_id, None)
        self.endRemoveRows()

    def _ordered(self) -> list[str]:
        # The model keeps its own order: sorting 10,000 rows here is a Python sort of
        # keys, where a proxy would ask data() twice per comparison.
        if self.newest_first:
            return sorted(self._cache, key=lambda i: (self._cache[i].created, i), reverse=True)
        return sorted(self._cache, key=lambda i: (self._where[i][0], self._cache[i].created))

    def document_ids(self) -> set[str]:
        return {h.document_id for h in self._cache.values()}

    def set_newest_first(self, newest_first: bool) -> None:
        self.beginResetModel()
        self.newest_first = newest_first
        self._ids = self._ordered()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        h = self._cache[self._ids[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return visible(h.selector.exact)
        if role == SearchTextRole:
            return self._search[h.id]
        if role == TagsRole:
            return list(h.tags)
        if role == ColourRole:
            return h.colour
        if role == DocumentRole:
            return self._where[h.id][2]
        if role == NoteRole:
            return h.note
        if role == LocationRole:
            return self._where[h.id][1]
        if role == StateRole:
            return h.state
        if role == IdRole:
            return h.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(visible(h.note)) if h.note else "Go to these words"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # The row is painted (a colour bar, then lines of text): a screen reader is
            # told what it shows, the colour by its name.
            state = "" if h.state == "anchored" else f"{h.state}, "
            return (f"“{visible(h.selector.exact)}”, {highlight_phrase(h.colour, h.note)}; "
                    f"{state}{self._where[h.id][1]}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return "Tags: " + ", ".join(f"#{visible(t)}" for t in h.tags) if h.tags else ""
        if role == OrderRole:
            return self._where[h.id][0]
        if role == CreatedRole:
            return h.created
        return None

    def update_one(self, highlight: Highlight) -> bool:
        """Take one changed highlight from a change's record; False if it moved, or is
        not in the list (the rows themselves change, and the model must be reloaded)."""
        highlight_id = highlight.id
        row = self.row_of(highlight_id)
        if row < 0 or \
                highlight.selector.uri != self._cache[highlight_id].selector.uri or \
                highlight.state != self._cache[highlight_id].state:
            return False
        self._cache[highlight_id] = highlight
        self._search[highlight_id] = " ".join(
            [highlight.selector.exact, highlight.note, *highlight.tags]).casefold()
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return True

    def row_of(self, highlight_id: str) -> int:
        try:
            return self._ids.index(highlight_id)
        except ValueError:
            return -1


class HighlightFilter(QSortFilterProxyModel):
    """Filters by text (quote, note and tags), tag, colour and document; sorts."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.tag = ""
        self.colour = ""
        self.document = ""

    def set_filter(self, *, text: str | None = None, tag: str | None = None,
                   colour_name: str | None = None, document: str | None = None) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.casefold().strip()
        if tag is not None:
            self.tag = tag
        if colour_name is not None:
            self.colour = colour_name
        if document is not None:
            self.document = document
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        index = self.sourceModel().index(row, 0, parent)
        if self.text and not all(word in index.data(SearchTextRole)
                                 for word in self.text.split()):
            return False
        if self.tag and self.tag.casefold() not in {t.casefold()
                                                    for t in index.data(TagsRole)}:
            return False
        if self.colour and index.data(ColourRole) != self.colour:
            return False
        return not (self.document and index.data(DocumentRole) != self.document)


class HighlightDelegate(QStyledItemDelegate):
    """A colour bar; where the words are; the words; the note; the tags.

    Every row has the same height (longer text is elided), so that the list lays
    out 10,000 highlights without measuring each one.
    """

    PAD = 6

    def _fonts(self, base: QFont) -> dict[str, QFont]:
        where, quote, tags = QFont(base), QFont(base), QFont(base)
        where.setPointSizeF(base.pointSizeF() * 0.85)
        where.setWeight(QFont.Weight.DemiBold)
        quote.setItalic(True)
        tags.setPointSizeF(base.pointSizeF() * 0.9)
        return {"where": where, "quote": quote, "note": QFont(base), "tags": tags}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.fillRect(QRect(2, 4, 5, option.rect.height() - 8),
                         colour(index.data(ColourRole), 255))
        lines = self.shown_lines(index)
        width = option.rect.width() - 2 * self.PAD - 8
        muted = option.palette.placeholderText().color()
        y = self.PAD
        for kind, font in self._fonts(option.font).items():
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(muted if kind in ("where", "tags") else option.palette.text().color())
            # Where: keep both ends (the state, and the ¶) and shorten the title between.
            mode = Qt.TextElideMode.ElideMiddle if kind == "where" else \
                Qt.TextElideMode.ElideRight
            text = metrics.elidedText(lines[kind], mode, width)
            painter.drawText(QRect(self.PAD + 8, y, width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), text)
            y += metrics.height() + 1
        painter.restore()

    def shown_lines(self, index: Index) -> dict[str, str]:
        """The row's lines as drawn: the person's text with any control or direction
        character shown by name, so that none reorders the quote marks or the row."""
        state = index.data(StateRole)
        return {
            "where": ("" if state == "anchored" else f"{state.capitalize()} · ")
            + index.data(LocationRole),
            "quote": f"“{index.data(Qt.ItemDataRole.DisplayRole)}”",
            "note": " ".join(visible(index.data(NoteRole)).split()),
            "tags": " ".join(f"#{visible(t)}" for t in index.data(TagsRole)),
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = sum(QFontMetrics(f).height() + 1 for f in self._fonts(option.font).values())
        return QSize(200, height + 2 * self.PAD)


def _combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    # Long document titles must not widen the panel (and so the window).
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(3)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    return combo


class HighlightsPanel(QWidget):
    """Review every highlight: filter, sort, go to it, delete it, re-attach an orphan."""

    goTo = Signal(str)
    reattachRequested = Signal(str)

    def __init__(self, marks: Marks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("highlights-panel")
        self.marks = marks
        self.model = HighlightsModel(marks)
        self.proxy = HighlightFilter()
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("highlights-filter")
        self.filter.setPlaceholderText("Filter quotes, notes and tags")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter highlights")
        self.filter.setToolTip("Show only highlights whose words, note or tags hold this text")
        self.tag = _combo("Tag", "Show only highlights with this tag")
        self.colour = _combo("Colour", "Show only highlights of this colour")
        self.document = _combo("Document", "Show only highlights in this document")
        self.sort = _combo("Sort", "Order by place in the text or by date")
        self.sort.addItem("Reading order", OrderRole)
        self.sort.addItem("Newest first", CreatedRole)
        self.colour.addItem("Any colour", "")
        for name in COLOURS:
            self.colour.addItem(COLOUR_LABELS[name], name)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setAccessibleName("Number of highlights shown")
        self.count.setToolTip("How many highlights the filters show")
        self.list = QListView()
        self.list.setObjectName("highlights-list")
        self.list.setAccessibleName("Highlights")
        self.list.setToolTip("Your highlights and notes; click one to go to its words")
        self.list.setUniformItemSizes(True)
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(HighlightDelegate(self.list))
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete highlight")
        self.delete_button.setToolTip("Delete the selected highlight and its note "
                                      "(Ctrl+Z undoes it)")
        self.reattach_button = QPushButton("Re-attach")
        self.reattach_button.setAccessibleName("Re-attach highlight")
        self.reattach_button.setToolTip("Attach the selected highlight to the words selected "
                                        "in the text (for a highlight that was not found)")
        filters = QGridLayout()
        filters.setColumnStretch(0, 1)
        filters.setColumnStretch(1, 1)
        filters.addWidget(self.tag, 0, 0)
        filters.addWidget(self.colour, 0, 1)
        filters.addWidget(self.document, 1, 0)
        filters.addWidget(self.sort, 1, 1)
        for combo in (self.tag, self.colour, self.document, self.sort):
            combo.setMinimumWidth(60)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reattach_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.filter.textChanged.connect(lambda text: self._filter(text=text))
        self.tag.activated.connect(lambda _i: self._filter(tag=self.tag.currentData() or ""))
        self.colour.activated.connect(
            lambda _i: self._filter(colour_name=self.colour.currentData() or ""))
        self.document.activated.connect(
            lambda _i: self._filter(document=self.document.currentData() or ""))
        self.sort.activated.connect(lambda _i: self._sort())
        self.list.clicked.connect(self._go)
        self.list.activated.connect(self._go)
        self.delete_button.clicked.connect(self._delete)
        self.reattach_button.clicked.connect(self._reattach)
        self.list.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        marks.changed.connect(self.apply_change)
        self._stale = True
        self._shown = False
        self._update_buttons()

    def apply_change(self, change: Change) -> None:
        """Highlights changed: redraw their rows from the change's record, or reload if
        they came, went or moved. Bookmarks are not shown here."""
        if not change.about(HIGHLIGHTS):
            return
        if not self._shown:
            self._stale = True
        elif change.everything:
            self.reload()
        elif ADDED in change.fields or DELETED in change.fields:
            current = self.current_id()
            for highlight in change.marks:
                if ADDED in change.fields:
                    self.model.add(highlight)
                else:
                    self.model.remove(highlight.id)
            if current is not None and self.model.row_of(current) < 0:
                # The one chosen went: nothing is chosen in its place, so that a second
                # Delete never removes a highlight the person did not choose.
                self.list.setCurrentIndex(QModelIndex())
                self.list.clearSelection()
            self._fill_choices()
            self._update_count()
            self._update_buttons()
        elif not all(self.model.update_one(h) for h in change.marks):
            self.reload()  # moved (re-attached): its place and order change
        else:
            if "tags" in change.fields:
                self._fill_tags()
            self._update_count()

    def set_shown(self, shown: bool) -> None:
        """The panel's tab came into view (or left it): load what changed meanwhile."""
        self._shown = shown
        if shown and self._stale:
            self.reload()

    def reload(self) -> None:
        """Load the highlights again; while the panel is out of view, only note that it
        must, so that thousands of highlights never slow down what the person sees."""
        if not self._shown:
            self._stale = True
            return
        self._stale = False
        current = self.current_id()
        self.model.reload()
        self._fill_choices()
        self._update_count()
        if current is not None:
            self.select(current)
        self._update_buttons()

    def _fill_choices(self) -> None:
        self._fill_tags()
        self._fill_documents()

    def _fill_tags(self) -> None:
        tag = self.tag.currentData()
        self.tag.clear()
        self.tag.addItem("Any tag", "")
        for name in self.marks.tags():
            self.tag.addItem(f"#{visible(name)}", name)
        self.tag.setCurrentIndex(max(0, self.tag.findData(tag)))

    def _fill_documents(self) -> None:
        document = self.document.currentData()
        self.document.clear()
        self.document.addItem("Any document", "")
        # The documents that have highlights (an archive may hold thousands), from
        # what the model has just loaded.
        ids = self.model.document_ids()
        for doc_id, title in sorted(self.marks.archive.titles(ids).items(),
                                    key=lambda item: item[1].casefold()):
            self.document.addItem(title, doc_id)
        self.document.setCurrentIndex(max(0, self.document.findData(document)))

    def _filter(self, **kw: str) -> None:
        self.proxy.set_filter(**kw)
        self._update_count()

    def _sort(self) -> None:
        self.model.set_newest_first(self.sort.currentData() == CreatedRole)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total == 0:
            self.count.setText("No highlights yet: select words and press Ctrl+H.")
        elif shown == total:
            self.count.setText("1 highlight." if total == 1 else f"{total} highlights.")
        else:
            self.count.setText(f"{shown} of {total} highlights.")

    def _update_buttons(self) -> None:
        index = self.list.currentIndex()
        self.delete_button.setEnabled(index.isValid())
        self.reattach_button.setEnabled(index.isValid())

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select(self, highlight_id: str) -> None:
        row = self.model.row_of(highlight_id)
        if row >= 0:
            self.list.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row)))

    def _go(self, index: QModelIndex) -> None:
        if index.isValid():
            self.goTo.emit(index.data(IdRole))

    def _delete(self) -> None:
        current = self.current_id()
        if current is not None:
            self.marks.delete(current)

    def _reattach(self) -> None:
        current = self.current_id()
        if current is not None:
            self.reattachRequested.emit(current)
