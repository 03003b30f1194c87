"""The reading view: one document at a time, ¶ numbers in the margin, links live."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser, QTextEdit, QToolTip, QWidget

from desktop.archive.store import Archive, Passage
from desktop.gui.accessibility import CursorDescription, describe_place
from desktop.gui.render import Layout, fit_titles, render
from desktop.gui.theme import THEMES, Theme, point_size
from desktop.gui.viewport import own_viewport
from desktop.notes.visible import visible

if TYPE_CHECKING:  # a link's address, made by Qt when one is clicked
    from PySide6.QtCore import QUrl

_CARET_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
               Qt.Key.Key_Home, Qt.Key.Key_End}
# A comfortable measure: about 70 characters of the reading font per line.
MEASURE_CHARS = 70
# What the reader is, said by screen readers where nothing is painted at the cursor.
READER_HINT = "The text being read; links follow quotations and notes, Tab moves between them"
# Drawn in the margin beside a passage that holds an end of a link between passages.
LINK_MARK = "⇄"


class NamesInText(Protocol):
    """The names of the archive's index in a reader's text (``names.py``): where they
    are, and what the pointer, a click, Tab and Enter do with them. The names are not
    links of the text, so that a document of thousands is laid out as quickly as one of
    none; the reader asks this of them."""

    def pointed(self, point: QPoint) -> bool:
        """The pointer is at ``point`` of the viewport; whether a name is there."""

    def clicked(self, point: QPoint) -> bool:
        """A click at ``point``: whether it was on a name (whose card then opens)."""

    def next_from(self, origin: int, forward: bool) -> tuple[int, int] | None:
        """The first name after (before) a position of the text: where it starts, ends."""

    def follow_selection(self) -> bool:
        """Enter: whether the words selected are a name (whose card then opens)."""

    def said(self) -> str:
        """What a screen reader is told of a name chosen with Tab ("" if none is)."""


class HighlightsInText(Protocol):
    """The person's highlights in the document shown (see marks_in_text.py), read as
    the reader asks for them: those of the passages in view to draw them, those at a
    place to say what is there."""

    def in_blocks(self, first: int, last: int) -> list[tuple[int, int, int, QColor]]:
        """What to draw in blocks ``first`` to ``last``: (block, start, end, colour)."""
        ...

    def at(self, number: int, offset: int) -> list[tuple[str, str, str]]:
        """(id, note, colour's name) of the highlights over an offset of a block, in
        the order they are drawn (the innermost last)."""
        ...


class ReaderView(QTextBrowser):
    """Shows a document of the archive; emits what the person follows."""

    linkFollowed = Signal(str, str)
    rendered = Signal()
    highlightClicked = Signal(str, QPoint)
    # A link's marker in the margin was clicked: the link's id, the uri of the passage it
    # stands beside (which end is here), and where (global coordinates).
    linkMarkerClicked = Signal(str, str, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        own_viewport(self)  # asked for before the first paint (see viewport.py)
        # Whether the view has had its size from a layout (its first resize, when it is
        # shown): till then its width is Qt's default, and its titles are not fitted to it.
        self._sized = False
        self.setObjectName("reader")
        self.setAccessibleName("Reader")
        # No tooltip: one would pop up wherever the mouse rests on the text. The
        # description serves screen readers, and says what is painted at the cursor
        # (see accessibility.py); highlights show their notes on hover.
        self.spoken = CursorDescription(self, self.describe_cursor, READER_HINT)
        self.cursorPositionChanged.connect(self.spoken.update)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        # Words can be selected from the keyboard too (Shift with the arrow keys),
        # so that highlighting never needs a mouse.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.anchorClicked.connect(self._on_anchor)
        self.archive: Archive | None = None
        self.document_id: str | None = None
        self.layout_: Layout | None = None
        self._block_hint = 0  # where block_at() starts looking: its last answer
        self.theme: Theme = THEMES["light"]
        self.zoom = 0
        self.setMouseTracking(True)
        self._caret = 0  # a reader, not an editor: the caret shows only when used
        self.setCursorWidth(self._caret)
        self.last_click: QPoint | None = None  # where a link was clicked, for its card
        self._search_marks: list[QTextEdit.ExtraSelection] = []
        self._highlight_marks: list[QTextEdit.ExtraSelection] = []
        self._name_marks: list[QTextEdit.ExtraSelection] = []  # the name under the pointer
        self.highlights: HighlightsInText | None = None  # of the document shown
        self._drawn_blocks = (0, -1)  # the range of blocks whose highlights are drawn
        self.bookmarked: set[int] = set()  # blocks of bookmarked passages
        # blocks of passages holding a link's end -> (link id, what its marker says to a
        # screen reader, its tooltip), each drawn as a marker in the margin
        self.linked: dict[int, list[tuple[str, str, str]]] = {}
        # The text's own menu, made by the window from its commands (actions.py); Qt's
        # would offer "Copy Link Location" of links that mean nothing outside.
        self.context_menu: QMenu | None = None
        self.names: NamesInText | None = None  # the names of the index in the text

    # -- showing ------------------------------------------------------------

    def show_document(self, archive: Archive, document_id: str) -> None:
        self.archive = archive
        self.document_id = document_id
        self._render()

    def set_style(self, theme: Theme, zoom: int) -> None:
        """Change theme or zoom, keeping the passage being read in view."""
        keep = self.current_passage() if self.verticalScrollBar().value() else None
        self.theme, self.zoom = theme, zoom
        if self.archive is not None and self.document_id is not None:
            self._render()
            if keep is not None:
                self.scroll_to(keep.id)

    def _render(self) -> None:
        assert self.archive is not None and self.document_id is not None
        self.layout_ = render(self.archive, self.document_id, self.theme,
                              point_size(self.zoom))
        # Lay the text out at the view's width before showing it, so that a scroll
        # right after this lands where the text will really be.
        self.layout_.document.setTextWidth(self.viewport().width())
        self._update_margins()
        self._block_hint = 0
        self.setDocument(self.layout_.document)
        self.setCursorWidth(self._caret)  # a new document brings Qt's own caret back
        # The page's colour is the viewport's palette: a style sheet there would keep the
        # reader's scroll bar in the colours of the theme it was first set in.
        page = QPalette()
        page.setColor(QPalette.ColorRole.Base, QColor(self.theme.base))
        self.viewport().setPalette(page)
        self._search_marks = []
        self._highlight_marks = []
        self._name_marks = []
        self.highlights = None
        self.spoken.update()
        self.rendered.emit()

    # -- geometry -------------------------------------------------------------

    def _update_margins(self) -> None:
        """Centre a column of a comfortable measure; ¶ numbers stand in its left margin."""
        if self.layout_ is None:
            return
        size = point_size(self.zoom)
        width = self.viewport().width()
        measure = int(size * 0.52 * MEASURE_CHARS * self.logicalDpiX() / 72)
        # Room for "¶ 000" beside the text, but never more than a fifth of a narrow view.
        gutter = min(int(size * 5 * self.logicalDpiX() / 72), width // 5)
        side = max(gutter, (width - measure) // 2)
        right = max(gutter // 3, side - gutter // 2)
        root = self.layout_.document.rootFrame()
        fmt = root.frameFormat()
        if (int(fmt.leftMargin()), int(fmt.rightMargin())) != (side, right):
            fmt.setLeftMargin(side)
            fmt.setRightMargin(right)
            root.setFrameFormat(fmt)
        if self._sized:  # (fitted at a width not yet the view's, each would be again)
            fit_titles(self.layout_)  # a narrow column must not break a title's words

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Reflowing the text moves it; keep the passage being read at the top. The moves
        # made meanwhile are not the person's (``reflowing`` says so to who follows them).
        keep = self.current_passage() if self.verticalScrollBar().value() else None
        self.reflowing = True
        try:
            super().resizeEvent(event)
            self._sized = True
            self._update_margins()
            if keep is not None:
                self.scroll_to(keep.id, keep_marks=True)
            if self.highlights is not None:
                self._draw_highlights()  # a taller view shows passages not drawn yet
        finally:
            self.reflowing = False

    def sizeHint(self) -> QSize:
        return QSize(900, 700)

    # Panels give way before the text does: a column narrower than this is unreadable.
    # Side by side, two columns share the width, and each may be narrower.
    minimum_width = 300
    reflowing = False  # in a resize: the text moves without the person moving it

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimum_width, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.layout_ is not None:
            self._paint_margin(event.rect())

    def _margin_font(self) -> QFont:
        font = QFont(self.document().defaultFont())
        font.setPointSizeF(font.pointSizeF() * 0.75)
        return font

    def _margin_right(self, font: QFont) -> int:
        """Where the margin's labels end, a little before the text."""
        return int(self.document().rootFrame().frameFormat().leftMargin()
                   - font.pointSizeF() * 1.5)

    def _paint_margin(self, area: QRect) -> None:
        """Draw ¶ numbers and note markers beside their blocks, outside the text."""
        assert self.layout_ is not None
        painter = QPainter(self.viewport())
        font = self._margin_font()
        painter.setFont(font)
        painter.setPen(QColor(self.theme.muted))
        offset = self.verticalScrollBar().value()
        doc_layout = self.document().documentLayout()
        right = self._margin_right(font)
        # Only the blocks in the area being painted: a document may have thousands.
        block = self.block_at(area.top())
        while block.isValid():
            rect = doc_layout.blockBoundingRect(block)
            top = int(rect.top()) - offset
            if top > area.bottom():
                break
            label = self.layout_.labels.get(block.blockNumber())
            block = block.next()
            if label is None or top + rect.height() < area.top():
                continue
            first_block = block.previous()
            first_line = first_block.layout().lineAt(0)
            baseline = top + int(first_line.y() + first_line.ascent()) if first_line.isValid() \
                else top + painter.fontMetrics().ascent()
            text_width = painter.fontMetrics().horizontalAdvance(label)
            painter.drawText(QPoint(right - text_width, baseline), label)
            if first_block.blockNumber() in self.bookmarked:
                # A ribbon before the number: this passage is bookmarked.
                size = painter.fontMetrics().ascent()
                ribbon = QRect(right - text_width - size, baseline - size, size // 2, size)
                painter.fillRect(ribbon, QColor(self.theme.link))
        painter.setPen(QColor(self.theme.link))
        font.setBold(True)
        painter.setFont(font)
        for rect, _link, _uri, _tip in self.link_markers():
            if rect.intersects(area):
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), LINK_MARK)
        painter.end()

    def link_markers(self) -> list[tuple[QRect, str, str, str]]:
        """The link markers in view, as drawn: where (viewport coordinates), the link's
        id, the uri of the passage beside it, its tooltip. Below the passage's ¶ number,
        beside its second line (a narrow pane has no room beside the number), one for
        each link, leftwards, as many as the margin has room for (one at least)."""
        if self.layout_ is None or not self.linked:
            return []
        metrics = QFontMetrics(self._margin_font())
        right = self._margin_right(self._margin_font())
        offset = self.verticalScrollBar().value()
        doc = self.document()
        size = metrics.height()
        found = []
        for number, links in sorted(self.linked.items()):
            block = doc.findBlockByNumber(number)
            bounds = doc.documentLayout().blockBoundingRect(block)
            top = int(bounds.top()) - offset
            if top > self.viewport().height() or top + bounds.height() < 0:
                continue
            layout = block.layout()
            line = layout.lineAt(1) if layout.lineCount() > 1 else layout.lineAt(0)
            baseline = top + int(line.y() + line.ascent()) if line.isValid() \
                else top + 2 * metrics.ascent()
            if layout.lineCount() <= 1:
                baseline += metrics.height()
            uri = self.layout_.passages[number].uri if number in self.layout_.passages else ""
            for i, (link_id, _said, tip) in enumerate(links):
                x = right - size * (i + 1)
                if x < 0 and i:
                    break  # no room left: the rest are in the panel, and Show Link cycles
                found.append((QRect(max(0, x), baseline - metrics.ascent(), size, size),
                              link_id, uri, tip))
        return found

    def _marker_at(self, point: QPoint) -> tuple[QRect, str, str, str] | None:
        return next((m for m in self.link_markers() if m[0].contains(point)), None)

    # -- where the reader is ------------------------------------------------

    def passage_at_block(self, block_number: int) -> Passage | None:
        """The passage of a block, or the nearest passage before it."""
        if self.layout_ is None:
            return None
        for number in range(block_number, -1, -1):
            if number in self.layout_.passages:
                return self.layout_.passages[number]
        return next(iter(self.layout_.passages.values()), None)

    def current_passage(self) -> Passage | None:
        """The passage at the top of the view: the reading position."""
        if self.layout_ is None:
            return None
        # Passages are scrolled to a margin's width below the top edge (see scroll_to).
        y = int(self.document().documentMargin()) + 2
        return self.passage_at_block(self.block_at(y).blockNumber())

    def passage_under_cursor(self) -> Passage | None:
        return self.passage_at_block(self.textCursor().block().blockNumber())

    def selected_words(self) -> tuple[Passage, int, int, str] | None:
        """The selection, if it lies within one passage: passage, start, end, words."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.layout_ is None:
            return None
        doc = self.document()
        start_block = doc.findBlock(cursor.selectionStart())
        end_block = doc.findBlock(cursor.selectionEnd())
        passage = self.layout_.passages.get(start_block.blockNumber())
        if passage is None or start_block != end_block:
            return None
        start = cursor.selectionStart() - start_block.position()
        end = cursor.selectionEnd() - start_block.position()
        return passage, start, end, passage.text[start:end]

    def selection_across(self) -> tuple[Passage, int, Passage, int, str] | None:
        """The selection, even across passages: the first passage and the offset in it
        where the selection starts, the last passage and the offset where it ends, and
        the words. Blocks that are not passages (a document's title, a label) at either
        end count as the start of the passage after, or the end of the one before."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.layout_ is None:
            return None
        doc = self.document()
        first = self._passage_from(doc.findBlock(cursor.selectionStart()),
                                   cursor.selectionStart(), forward=True)
        last = self._passage_from(doc.findBlock(cursor.selectionEnd()),
                                  cursor.selectionEnd(), forward=False)
        if first is None or last is None:
            return None
        blocks = self.layout_.block_of
        if blocks[first[0].id] > blocks[last[0].id] or \
                (first[0].id == last[0].id and first[1] >= last[1]):
            return None  # only what the reader adds (a title, a label): no archive words
        # Qt separates paragraphs of a selection with U+2029.
        words = cursor.selectedText().replace("\u2029", " ")
        return first[0], first[1], last[0], last[1], words

    def _passage_from(self, block: QTextBlock, position: int, *, forward: bool
                      ) -> tuple[Passage, int] | None:
        """The passage of ``block`` and the offset of ``position`` in it; for a block that
        is no passage, the next passage's start (``forward``) or the previous one's end."""
        assert self.layout_ is not None
        while block.isValid():
            passage = self.layout_.passages.get(block.blockNumber())
            if passage is not None:
                return passage, min(max(0, position - block.position()), len(passage.text))
            block = block.next() if forward else block.previous()
            position = block.position() if forward else block.position() + block.length()
        return None

    def cursor_in_view(self) -> bool:
        return self.viewport().rect().contains(self.cursorRect().center())

    def reading_passage(self) -> Passage | None:
        """The passage a command acts on: at the text cursor if it is in view, else the
        passage at the top of the view."""
        if self.cursor_in_view():
            return self.passage_under_cursor()
        return self.current_passage()

    def view_edge(self, *, top: bool) -> int:
        """The first position of the first line wholly in view, or the last position of
        the last line wholly in view."""
        height = self.viewport().height()
        block = self.block_at(0 if top else height)
        view_top = self.verticalScrollBar().value()
        view_bottom = view_top + height
        edge = block.position() if top else max(0, block.position() - 1)
        layout = block.layout()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            line_top = layout.position().y() + line.y()
            if top and line_top >= view_top:
                return block.position() + line.textStart()
            if not top and line_top + line.height() <= view_bottom:
                edge = block.position() + line.textStart() + line.textLength()
        if top:
            following = block.next()
            return following.position() if following.isValid() else edge
        return edge

    def scroll_to(self, passage_id: str, spans: tuple[tuple[int, int], ...] = (),
                  *, select: bool = False, keep_marks: bool = False) -> bool:
        """Bring a passage to the top of the view and mark ``spans`` of its text."""
        if self.layout_ is None or passage_id not in self.layout_.block_of:
            return False
        block = self.document().findBlockByNumber(self.layout_.block_of[passage_id])
        rect = self.document().documentLayout().blockBoundingRect(block)
        # Leave the page's margin above the passage, as at the top of the document.
        margin = self.document().documentMargin()
        self.verticalScrollBar().setValue(max(0, int(rect.top() - margin)))
        cursor = QTextCursor(block)
        if select and spans:
            cursor.setPosition(block.position() + spans[0][0])
            cursor.setPosition(block.position() + spans[0][1], QTextCursor.MoveMode.KeepAnchor)
        if keep_marks:
            return True
        self.setTextCursor(cursor)
        self.mark(passage_id, spans)
        return True

    def _selection(self, block_number: int, start: int, end: int,
                   background: QColor) -> QTextEdit.ExtraSelection:
        block = self.document().findBlockByNumber(block_number)
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + start)
        cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor  # type: ignore[attr-defined]
        fmt = selection.format  # type: ignore[attr-defined]
        fmt.setBackground(background)
        selection.format = fmt  # type: ignore[attr-defined]
        return selection

    def show_highlights(self, highlights: HighlightsInText | None) -> None:
        """Draw the highlights of the document shown, from ``highlights`` (again when
        they change); overlaps blend."""
        self.highlights = highlights
        self._draw_highlights(force=True)
        self.spoken.update()

    def block_at(self, y: int) -> QTextBlock:
        """The last block that starts at or above a height of the view.

        Found by galloping out from the block last found, then bisecting: Qt's hit
        test, asked about a point in a margin or above the first block, can answer with
        a block far away; and asking where a block stands lays the text out down to it,
        so a search that began in the middle of a long document would lay out half of
        it before its first screen is painted.
        """
        doc = self.document()
        layout = doc.documentLayout()
        target = y + self.verticalScrollBar().value()
        last = doc.blockCount() - 1

        def above(number: int) -> bool:  # whether the block starts at or above target
            return layout.blockBoundingRect(doc.findBlockByNumber(number)).top() <= target

        start = min(self._block_hint, last)
        if above(start):  # the answer is here or below: gallop down
            low, step = start, 1
            while low + step <= last and above(low + step):
                low, step = low + step, step * 2
            high = min(low + step - 1, last)
        else:  # above: gallop up
            high, step = start - 1, 1
            while high - step >= 0 and not above(high - step + 1):
                high, step = high - step, step * 2
            low = max(0, high - step + 1)
            high = max(low, high)
        while low < high:
            middle = (low + high + 1) // 2
            if above(middle):
                low = middle
            else:
                high = middle - 1
        self._block_hint = low
        return doc.findBlockByNumber(low)

    def show_bookmarks(self, uris: set[str]) -> None:
        """Mark bookmarked passages in the margin."""
        if self.layout_ is None:
            return
        self.bookmarked = {n for uri, n in self.layout_.block_of_uri.items() if uri in uris}
        self.viewport().update()
        self.spoken.update()

    def show_links(self, ends: Sequence[tuple[str, str, str, str]]) -> None:
        """Mark in the margin the passages holding links' ends: (uri, link id, what the
        marker says to a screen reader, its tooltip)."""
        self.linked = {}
        if self.layout_ is not None:
            for uri, link_id, said, tip in ends:
                number = self.layout_.block_of_uri.get(uri)
                if number is not None:
                    self.linked.setdefault(number, []).append((link_id, said, tip))
        self.viewport().update()
        self.spoken.update()

    def _visible_blocks(self) -> tuple[int, int]:
        top = self.block_at(0).blockNumber()
        return top, self.block_at(self.viewport().height()).blockNumber()

    def _draw_highlights(self, *, force: bool = False) -> None:
        """Draw the highlights of the blocks in view and three blocks around them.

        A document can carry thousands of highlights; making a selection for each
        costs time at every change, so only those near the view are drawn, and
        scrolling draws more.
        """
        top, bottom = self._visible_blocks()
        drawn_top, drawn_bottom = self._drawn_blocks
        if not force and drawn_top <= top and bottom <= drawn_bottom:
            return
        span = 3  # blocks beyond each edge: scrolling past them draws more
        first, last = max(0, top - span), bottom + span
        self._drawn_blocks = (first, last)
        shown = self.highlights.in_blocks(first, last) if self.highlights is not None else []
        # Hundreds of selections: each block looked up once, one format for each colour.
        doc, keep = self.document(), QTextCursor.MoveMode.KeepAnchor
        starts: dict[int, int] = {}
        formats: dict[int, QTextCharFormat] = {}
        marks = []
        for n, start, end, background in shown:
            at = starts.get(n)
            if at is None:
                at = starts[n] = doc.findBlockByNumber(n).position()
            fmt = formats.get(background.rgba())
            if fmt is None:
                fmt = formats[background.rgba()] = QTextCharFormat()
                fmt.setBackground(background)
            cursor = QTextCursor(doc)
            cursor.setPosition(at + start)
            cursor.setPosition(at + end, keep)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = fmt  # type: ignore[attr-defined]
            marks.append(selection)
        self._highlight_marks = marks
        self._show_marks()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.highlights is not None:
            self._draw_highlights()

    def highlights_at(self, point: QPoint) -> list[tuple[str, str]]:
        """The highlights under a point of the viewport: (id, note), innermost last."""
        cursor = self.cursorForPosition(point)
        number = cursor.block().blockNumber()
        offset = cursor.position() - cursor.block().position()
        return [(hid, note) for hid, note, _name in self._highlights_in(number, offset)]

    def _highlights_in(self, number: int, offset: int) -> list[tuple[str, str, str]]:
        """(id, note, colour's name) of the highlights over an offset of a block, in
        the order they are drawn."""
        return self.highlights.at(number, offset) if self.highlights is not None else []

    def describe_cursor(self) -> str:
        """What is painted where the text cursor is (where a selection starts, as the
        commands on "the highlight at the cursor" take it): the margin's ¶ number,
        the bookmark ribbon, the link markers, and the highlights there. Empty where
        nothing is."""
        if self.layout_ is None:
            return ""
        position = self.textCursor().selectionStart()
        block = self.document().findBlock(position)
        number = block.blockNumber()
        said = describe_place(
            self.layout_.labels.get(number), number in self.bookmarked,
            [(name, note) for _id, note, name
             in self._highlights_in(number, position - block.position())],
            [said for _id, said, _tip in self.linked.get(number, [])])
        name = self.names.said() if self.names is not None else ""
        return f"{said}; {name}" if said and name else said or name[:1].upper() + name[1:]

    def mark(self, passage_id: str | None, spans: tuple[tuple[int, int], ...]) -> None:
        """Mark search matches (or a quotation's words) in the text."""
        selections = []
        if passage_id and self.layout_ and passage_id in self.layout_.block_of:
            block = self.document().findBlockByNumber(self.layout_.block_of[passage_id])
            for start, end in spans:
                selection = self._selection(block.blockNumber(), start, end,
                                            QColor(self.theme.search_hit))
                # Underlined too: found words must not be taken for one's own highlights.
                fmt = selection.format  # type: ignore[attr-defined]
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(QColor(self.theme.link))
                selection.format = fmt  # type: ignore[attr-defined]
                selections.append(selection)
        self._search_marks = selections
        self._show_marks()

    def mark_name(self, block_number: int | None, start: int = 0, end: int = 0) -> None:
        """Underline, faintly and dotted, the name of the index under the pointer (a
        quiet link, drawn only there); None takes the underline away."""
        if block_number is None:
            if self._name_marks:
                self._name_marks = []
                self._show_marks()
            return
        selection = QTextEdit.ExtraSelection()
        block = self.document().findBlockByNumber(block_number)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + start)
        cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor  # type: ignore[attr-defined]
        fmt = QTextCharFormat()
        quiet = QColor(self.theme.link)
        quiet.setAlpha(160)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(quiet)
        selection.format = fmt  # type: ignore[attr-defined]
        self._name_marks = [selection]
        self._show_marks()

    def _show_marks(self) -> None:
        self.setExtraSelections(self._highlight_marks + self._search_marks + self._name_marks)

    def marked(self) -> object:
        """The marks shown now (search matches, a quotation's words), to put back later;
        :meth:`mark` replaces them whole, so this also tells whether they changed."""
        return (self.document(), self._search_marks)

    def still_marked(self, marked: object) -> bool:
        """Whether the marks shown are still those :meth:`marked` gave."""
        document, marks = marked  # type: ignore[misc]
        return document is self.document() and marks is self._search_marks

    def put_back_marks(self, marked: object) -> None:
        """Show again the marks :meth:`marked` gave, if the same document is still shown."""
        document, marks = marked  # type: ignore[misc]
        if document is self.document():
            self._search_marks = marks
            self._show_marks()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self.names is not None and self.names.pointed(event.position().toPoint()):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # as over a link
        marker = self._marker_at(event.position().toPoint())
        if marker is not None:
            QToolTip.showText(event.globalPosition().toPoint(), marker[3], self.viewport())
            return
        notes = [note for _id, note in self.highlights_at(event.position().toPoint()) if note]
        if notes:
            # A note is plain text: escape it so that the tooltip never reads it as markup.
            # Direction controls are shown by name, as everywhere a note is displayed.
            text = "<hr>".join(html.escape(visible(n)).replace("\n", "<br>") for n in notes)
            QToolTip.showText(event.globalPosition().toPoint(), text, self.viewport())
        elif not self.anchorAt(event.position().toPoint()):
            QToolTip.hideText()

    # -- links ----------------------------------------------------------------

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go to the next and previous link from where the person
        reads: the cursor when it is in view, else the edge of the view they move from.
        (Qt goes on from a selected link, but from the document's first link otherwise.)"""
        cursor = self.textCursor()
        start = None
        if not self.cursor_in_view():
            start = self.view_edge(top=next)
        elif not cursor.hasSelection():
            start = cursor.position()
        probed = start is not None
        if start is not None:
            # From inside a link (cut by the view's edge, or clicked), the search goes
            # from its far end: it is the link the person leaves, not one to go to.
            around = self.link_around(start)
            if around is not None:
                start = around[1] if next else around[0]
        else:
            start = cursor.selectionEnd() if next else cursor.selectionStart()
        # Backwards, Qt's search finds no link in an earlier paragraph when it starts in
        # the middle of one: with no link in this paragraph before the start, it starts
        # from the paragraph's beginning.
        searched = start
        if not next:
            first = self.document().findBlock(start).position()
            if start > first and not self._link_between(start, first, forward=False):
                searched = first
        if probed or searched != start:
            # Qt searches on from the far side of a selection: a selection of the one
            # character behind the start makes it search from there. (At the document's
            # edge, with nothing selected, Qt starts from there itself.)
            probe = QTextCursor(self.document())
            end = self.document().characterCount() - 1
            behind = searched - 1 if next else searched + 1
            probe.setPosition(behind if 0 <= behind <= end else searched)
            probe.setPosition(searched, QTextCursor.MoveMode.KeepAnchor)
            scrolled = self.verticalScrollBar().value()
            self.setTextCursor(probe)
            self.verticalScrollBar().setValue(scrolled)  # only the link found scrolls
        # A name of the index is a stop too, when it comes before the next link.
        name = self.names.next_from(start, next) if self.names is not None else None
        if name is not None and not self._link_between(start, name[0] if next else name[1],
                                                       forward=next):
            found = QTextCursor(self.document())
            found.setPosition(name[0])
            found.setPosition(name[1], QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(found)
            self.ensureCursorVisible()
            return True
        return super().focusNextPrevChild(next)

    def _link_between(self, origin: int, limit: int, *, forward: bool) -> bool:
        """Whether a link starts from ``origin`` up to ``limit`` (ends from ``limit`` up to
        ``origin``, backwards): the one Tab (Shift+Tab) would go to before a name there."""
        doc = self.document()
        block = doc.findBlock(min(origin, limit))
        last = doc.findBlock(max(origin, limit))
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                it += 1
                if not fragment.charFormat().anchorHref():
                    continue
                start, end = fragment.position(), fragment.position() + fragment.length()
                if (forward and origin <= start < limit) or \
                        (not forward and limit < end <= origin):
                    return True
            if block == last:
                break
            block = block.next()
        return False

    def link_around(self, position: int) -> tuple[int, int] | None:
        """Where the link around a position starts and ends (its words may be drawn in
        several formats), or None if the position is not inside a link."""
        runs: list[tuple[int, int, str]] = []  # (start, end, href) of runs of fragments
        it = self.document().findBlock(position).begin()
        while not it.atEnd():
            fragment = it.fragment()
            it += 1
            href = fragment.charFormat().anchorHref()
            start, end = fragment.position(), fragment.position() + fragment.length()
            if runs and runs[-1][2] == href:
                start = runs.pop()[0]
            runs.append((start, end, href))
        return next(((s, e) for s, e, href in runs if href and s < position < e), None)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.context_menu is None:
            super().contextMenuEvent(event)
            return
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            # The commands act at the cursor (the note of the highlight there, the
            # passage to bookmark): a right click outside the selection puts it there.
            # The event of a mouse comes through the viewport, in its coordinates.
            clicked = self.cursorForPosition(event.pos())
            selection = self.textCursor()
            if not (selection.hasSelection() and selection.selectionStart()
                    <= clicked.position() <= selection.selectionEnd()):
                self.setTextCursor(clicked)
            where = event.globalPos()
        else:
            # The Menu key: at the cursor, or over the text when it is out of view.
            rect = self.cursorRect()
            point = rect.bottomLeft() if self.cursor_in_view() else \
                self.viewport().rect().center()
            where = self.viewport().mapToGlobal(point)
        self.context_menu.popup(where)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.last_click = None  # a link followed from the keyboard opens its card at the link
        if event.key() == Qt.Key.Key_F10 and \
                event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
            # Shift+F10 opens the text's menu as the Menu key does (laptops have no Menu key).
            QApplication.sendEvent(self, QContextMenuEvent(
                QContextMenuEvent.Reason.Keyboard, self.cursorRect().center(),
                self.viewport().mapToGlobal(self.cursorRect().center())))
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.names is not None \
                and self.names.follow_selection():
            event.accept()  # a name chosen with Tab: its card opens, as a link's does
            return
        if event.key() in _CARET_KEYS:
            self._caret = 1  # moving through the text by keyboard: show where
            self.setCursorWidth(self._caret)
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton \
                and self._marker_at(event.position().toPoint()) is not None:
            event.accept()  # a link's marker, not the text: the cursor stays where it is
            return
        self._caret = 0  # reading with the mouse: no caret in the text
        self.setCursorWidth(self._caret)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        marker = self._marker_at(point) if event.button() == Qt.MouseButton.LeftButton \
            else None
        if marker is not None:
            event.accept()
            self.linkMarkerClicked.emit(marker[1], marker[2], event.globalPosition().toPoint())
            return
        self.last_click = point
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.anchorAt(point) \
                and not self.textCursor().hasSelection():
            under = self.highlights_at(point)
            if under:
                self.highlightClicked.emit(under[-1][0], event.globalPosition().toPoint())
            elif self.names is not None:
                self.names.clicked(point)  # a name's card

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme().lower() in ("http", "https"):
            from desktop.gui.popup import open_web_address

            open_web_address(url.toString())  # a note's web address, in the browser
            return
        kind, _, ident = url.toString().partition(":")
        if kind in ("quote", "note", "back") and ident:
            # Let the click finish in this document before another may replace it.
            QTimer.singleShot(0, lambda: self.linkFollowed.emit(kind, ident))

    def link_rect(self, href: str) -> QRect:
        """Where a link is drawn, in viewport coordinates (for popups and tests)."""
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().anchorHref() == href:
                    cursor = QTextCursor(self.document())
                    cursor.setPosition(fragment.position())
                    rect = self.cursorRect(cursor)
                    rect.setWidth(max(1, rect.width()))  # the caret may be hidden
                    return rect
                it += 1
            block = block.next()
        return QRect()
