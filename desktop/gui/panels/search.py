"""The search panel: a field, a count, and the results as the person types."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPainter, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.search import (
    COUNT_LIMIT,
    HIT_END,
    HIT_START,
    NOTHING_TO_SEARCH,
    Results,
)
from desktop.archive.store import Archive
from desktop.gui import entity_search
from desktop.gui.models import (
    DocumentIdRole,
    LocationRole,
    PassageIdRole,
    SearchResultsModel,
    SnippetRole,
    SpansRole,
)
from desktop.gui.panels.rows import RowDelegate
from desktop.gui.searcher import Searcher

# Searches run on their own thread: search at the next turn of the event loop, which
# still folds keys typed faster than it into one search.
SEARCH_DELAY_MS = 0
SEARCH_HINT = "Type words, “a phrase” or a prefix*; Enter goes to the first result."
SEARCH_STOPPED = "This search took too long and was stopped; try rarer words or a shorter " \
                 "phrase."



class SnippetDelegate(RowDelegate):
    """Draws a search result: where it is, then the snippet with matches in bold.

    The snippet is inserted as plain text with formats, never parsed as markup.
    """

    def _document(self, index: QModelIndex | QPersistentModelIndex, width: int,
                  font: QFont) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setTextWidth(width)
        doc.setDocumentMargin(4)
        cursor = QTextCursor(doc)
        muted = QTextCharFormat()
        muted.setFontPointSize(font.pointSizeF() * 0.9)
        muted.setFontWeight(QFont.Weight.DemiBold)
        cursor.insertText(f"{index.data(LocationRole)}\n", muted)
        plain, bold = QTextCharFormat(), QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setFontUnderline(True)
        snippet = index.data(SnippetRole) or ""
        inside = False
        part = ""
        for char in snippet + HIT_START:
            if char in (HIT_START, HIT_END):
                cursor.insertText(part, bold if inside else plain)
                part = ""
                inside = char == HIT_START
            else:
                part += char
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        QStyledItemDelegate.paint(self, painter, option, index)  # the row, without words
        doc = self._document(index, option.rect.width(), option.font)
        painter.save()
        painter.translate(option.rect.topLeft())
        doc.drawContents(painter, QRectF(0, 0, option.rect.width(), option.rect.height()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = option.rect.width() if option.rect.width() > 0 else 300
        doc = self._document(index, width, option.font)
        return QSize(width, int(doc.size().height()) + 4)


class _SearchField(QLineEdit):
    """A search field where Down moves into the results and Enter opens the first."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """A search field, a count, and the results as the person types.

    Searching happens on a :class:`Searcher` thread; ``finished`` is emitted when the
    results of what the field holds are shown. ``queryChanged`` is emitted as soon as
    the person changes the query: the words the last search marked in the text are
    then no longer those searched for, and the window clears them.
    """

    goTo = Signal(str, str, object)
    finished = Signal()
    queryChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search-panel")
        self.archive: Archive | None = None
        self.field = _SearchField()
        self.field.setObjectName("search-field")
        self.field.setPlaceholderText("Search the archive (Ctrl+F)")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search")
        self.field.setToolTip("Search the whole archive as you type: words, “phrases” in "
                              "quotes, prefix* with a star, entity:name for the passages "
                              "that name someone or something of the index; Enter goes to "
                              "the first result")
        self.count = QLabel(SEARCH_HINT)
        self.count.setWordWrap(True)
        self.count.setObjectName("search-count")
        self.count.setAccessibleName("Number of search results")
        self.count.setToolTip("How many passages match the search")
        self.model = SearchResultsModel()
        self.results = QListView()
        self.results.setObjectName("search-results")
        self.results.setAccessibleName("Search results")
        self.results.setToolTip("Passages that match; click or press Enter to go there")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.field)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        layout.addStretch(0)
        self.results.hide()
        self.searcher = Searcher(self)
        self.searcher.found.connect(self._show)
        self.searcher.counted.connect(self._counted)
        self._asked = -1  # the number of the search whose results the field waits for
        self._notice = ""  # what the search could not search as typed
        self._open_when_found = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.field.textChanged.connect(self.queryChanged)
        self.field.returnPressed.connect(self._open_first)
        self.field.down.connect(self._enter_results)
        self.results.activated.connect(self._open)
        self.results.clicked.connect(self._open)

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self.searcher.open(archive.path)
        self.run_search()

    def run_search(self) -> None:
        """Search for what the field holds; the results are shown when they arrive."""
        self._timer.stop()
        text = self.field.text()
        if self.archive is None or not text.strip():
            self.searcher.cancel()
            self._asked = -1
            self.model.set_results(Results(text, 0, []))
            self.count.setText(SEARCH_HINT)
            self.results.hide()
            self._found_all()
            return
        self._asked = self.searcher.ask(text)

    def _show(self, number: int, offset: int, results: Results) -> None:
        if number != self._asked or results.query != self.field.text():
            return  # the field has changed since: a stale result
        if offset:
            self.model.add_page(offset, results)
            return
        self.results.show()
        self.model.set_results(results, lambda at: self.searcher.ask(results.query, at,
                                                                     newer=False))
        self._notice = results.notice
        if results.stopped:
            self.count.setText(SEARCH_STOPPED)
        elif entity_search.parse(results.query) is not None:
            self.count.setText(self._entity_count(results))
        elif not results.counted:
            # A full page, shown before the matches are counted: the count follows.
            self._say(f"At least {results.total:,} passages match; counting…")
            self._open_if_asked()
            return
        elif results.notice == NOTHING_TO_SEARCH:
            self.count.setText(NOTHING_TO_SEARCH)
        else:
            self._say(self._how_many(results.total))
        self._found_all()

    def _counted(self, number: int, total: int | None) -> None:
        """The count of the page shown, once it is known."""
        if number != self._asked or self.model.query != self.field.text() \
                or self.model.counted:
            return
        if total is None:  # stopped: the page stays, and says how much is known
            self._say(f"At least {self.model.total:,} passages match.")
        else:
            self.model.set_total(total)
            self._say(self._how_many(total))
        self._found_all()

    @staticmethod
    def _how_many(total: int) -> str:
        if total == 0:
            return "No passages match."
        if total >= COUNT_LIMIT:
            return f"More than {total:,} passages match."
        return "1 passage matches." if total == 1 else f"{total:,} passages match."

    def _say(self, count: str) -> None:
        """Show the count, and what of the query was not searched as typed."""
        self.count.setText(f"{count} {self._notice}".strip())

    def _entity_count(self, results: Results) -> str:
        """What the count says of a search for an entity of the index."""
        query = entity_search.parse(results.query)
        assert query is not None and self.archive is not None
        entity = entity_search.resolve(self.archive, query.name)
        if entity is None:
            return (f"Nothing in the index is called “{query.name}”." if query.name
                    else "Type the name of someone or something of the index after entity:.")
        one = results.total <= 1
        words = f" and hold{'s' if one else ''} the other words" if query.words else ""
        some = ("No passage" if results.total == 0 else "1 passage") if one \
            else f"{results.total:,} passages"
        return f"{some} name{'s' if one else ''} {entity.name}{words}."

    def search_for(self, text: str) -> None:
        """Search for ``text`` as if typed (the Index panel's Search for This)."""
        self.field.setText(text)
        self.run_search()

    def _found_all(self) -> None:
        self._open_if_asked()
        self.finished.emit()

    def _open_if_asked(self) -> None:
        if self._open_when_found:
            self._open_when_found = False
            current = self.results.currentIndex()
            self._open(current if current.isValid() else self.model.index(0))

    @property
    def searching(self) -> bool:
        """Whether the results shown are not yet those of what the field holds."""
        return self._timer.isActive() or self.model.query != self.field.text()

    def _enter_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0))

    def _open_first(self) -> None:
        """Enter opens the first result, or the one chosen, once the results are in."""
        if self.searching:
            self._open_when_found = True
            if self._timer.isActive():
                self.run_search()
            return
        current = self.results.currentIndex()
        self._open(current if current.isValid() else self.model.index(0))

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            spans = entity_search.spans_in(self.archive, self.model.query,
                                           index.data(PassageIdRole), index.data(SpansRole)) \
                if self.archive is not None else ()
            self.goTo.emit(index.data(DocumentIdRole), index.data(PassageIdRole), spans)
