"""Two panes that follow each other. With the essay on one side and the minutes (or the
letter) on the other, bringing a passage into view brings what it quotes or reports, or
the essay's words that quote it, into view opposite; the pointer resting on a quotation
marks its excerpt opposite, and resting on an excerpt marks the essay's words for it.

The links come from the archive's excerpts (each an excerpt passage of the minutes or the
letter, and the words of an essay passage that quote or report it), read once.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator

from msgspec import Struct
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QMouseEvent

from desktop.archive.store import Archive, Excerpt, Passage
from desktop.gui.panes import Pane

Spans = tuple[tuple[int, int], ...]
REST_MS = 250  # how long the pointer rests on a quotation before its excerpt is marked


class ExcerptLinks:
    """Which passages answer each other across documents, from the archive's excerpts."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._by_essay: dict[str, list[Excerpt]] | None = None
        self._by_excerpt: dict[str, list[Excerpt]] = {}
        self._essay_document: dict[str, str] = {}

    def _load(self) -> dict[str, list[Excerpt]]:
        if self._by_essay is None:
            by_essay: dict[str, list[Excerpt]] = defaultdict(list)
            for excerpt in self.archive.excerpts():
                by_essay[excerpt.essay_passage_id].append(excerpt)
                self._by_excerpt.setdefault(excerpt.passage_id, []).append(excerpt)
            for passage_id in by_essay:
                passage = self.archive.passage(passage_id)
                if passage is not None:
                    self._essay_document[passage_id] = passage.document_id
            self._by_essay = dict(by_essay)
        return self._by_essay

    def opposite(self, passage: Passage, document_id: str, offset: int | None = None
                 ) -> tuple[str, Spans] | None:
        """The passage of ``document_id`` that answers ``passage`` (and the words to mark
        there), or None. With ``offset``, only the excerpt whose essay words hold it."""
        by_essay = self._load()
        for excerpt in by_essay.get(passage.id, ()):
            # The quotation marks around the words count as theirs.
            if excerpt.document_id == document_id and (
                    offset is None or excerpt.start - 1 <= offset <= excerpt.end):
                whole = self.archive.passage(excerpt.passage_id)
                return excerpt.passage_id, ((0, len(whole.text)),) if whole else ()
        for excerpt in self._by_excerpt.get(passage.id, ()):
            if self._essay_document.get(excerpt.essay_passage_id) == document_id:
                return excerpt.essay_passage_id, ((excerpt.start, excerpt.end),)
        return None


class Following(QObject):
    """Keeps two panes following each other while ``linked()`` holds. ``others`` gives
    the pane opposite a pane when two are shown, else None."""

    def __init__(self, archive: Archive, others: Callable[[Pane], Pane | None],
                 linked: Callable[[], bool]) -> None:
        super().__init__()
        self.links = ExcerptLinks(archive)
        self.others = others
        self.linked = linked
        self._busy = False  # moving a pane to follow the other: its own move is not followed
        self._top: dict[str, tuple[str, str]] = {}  # each pane's passages in view, last seen
        self._hover: Hover | None = None  # what resting the pointer marked
        self._viewports: dict[int, Pane] = {}
        self._resting: tuple[Pane, QPoint] | None = None
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._rested)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Moves made inside the block are not followed (a pane put back where it was)."""
        busy, self._busy = self._busy, True
        try:
            yield
        finally:
            self._busy = busy

    def attach(self, pane: Pane) -> None:
        pane.reader.verticalScrollBar().valueChanged.connect(lambda _v: self.scrolled(pane))
        pane.reader.viewport().installEventFilter(self)
        self._viewports[id(pane.reader.viewport())] = pane

    # -- scrolling ---------------------------------------------------------------------

    @staticmethod
    def passages_in_view(pane: Pane) -> list[Passage]:
        """The passages in the pane's view, from the one being read at the top (as a jump
        leaves it, below the page's margin) down."""
        reader = pane.reader
        layout = reader.layout_
        if layout is None:
            return []
        top = reader.current_passage()
        first = layout.block_of[top.id] if top is not None and top.id in layout.block_of \
            else reader.block_at(0).blockNumber()
        last = reader.block_at(reader.viewport().height()).blockNumber()
        return [layout.passages[n] for n in range(first, last + 1) if n in layout.passages]

    def scrolled(self, pane: Pane) -> None:
        """``pane`` has scrolled: the first passage now in view that quotes or reports an
        excerpt (or is one) brings its answer opposite into view."""
        in_view = self.passages_in_view(pane)
        seen = (in_view[0].id, in_view[-1].id) if in_view else None
        if seen is None or self._top.get(pane.key) == seen:
            return
        self._top[pane.key] = seen
        if self._busy or pane.reader.reflowing or not self.linked():
            return  # a pane put back, or the text reflowed: not the person's move
        other = self.others(pane)
        if other is None or other.reader.document_id is None:
            return
        for passage in in_view:
            found = self.links.opposite(passage, other.reader.document_id)
            if found is not None:
                if not self.in_view(other, found[0]):
                    with self.held():
                        other.reader.scroll_to(found[0], keep_marks=True)
                return

    @staticmethod
    def in_view(pane: Pane, passage_id: str) -> bool:
        """Whether some of a passage's lines are in the pane's view."""
        reader = pane.reader
        layout = reader.layout_
        if layout is None or passage_id not in layout.block_of:
            return False
        block = reader.document().findBlockByNumber(layout.block_of[passage_id])
        rect = reader.document().documentLayout().blockBoundingRect(block)
        top = reader.verticalScrollBar().value()
        return rect.bottom() > top and rect.top() < top + reader.viewport().height()

    # -- the pointer -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            pane = self._viewports.get(id(watched))
            if pane is not None:
                # Only a pointer that rests counts: passing over the text marks nothing.
                self._resting = (pane, event.position().toPoint())
                self._rest.start()
        elif event.type() == QEvent.Type.Leave:
            self._rest.stop()
            self._resting = None
            self._unmark()
        return False

    def _rested(self) -> None:
        if self._resting is not None:
            pane, point = self._resting
            self.pointed(pane, point)

    def pointed(self, pane: Pane, point: QPoint) -> None:
        """The pointer rests at ``point`` of ``pane``'s viewport: on a quotation, its
        excerpt opposite is marked (and brought into view until the pointer leaves); on
        an excerpt, the essay's words for it."""
        other = self.others(pane) if self.linked() else None
        layout = pane.reader.layout_
        if other is None or layout is None or other.reader.document_id is None:
            self._unmark()
            return
        found = self._answer(pane, point, other.reader.document_id)
        if found is None:
            self._unmark()
            return
        passage_id, spans = found
        if self._hover is not None and self._hover.pane is other and \
                self._hover.passage_id == passage_id:
            return  # marked already
        self._unmark()
        hover = Hover(other, passage_id, other.reader.marked(),
                      other.reader.verticalScrollBar().value())
        other.reader.mark(passage_id, spans)
        hover.marks = other.reader.marked()
        if not self.in_view(other, passage_id):
            with self.held():
                other.reader.scroll_to(passage_id, keep_marks=True)
            hover.scrolled_to = other.reader.verticalScrollBar().value()
        self._hover = hover

    def _answer(self, pane: Pane, point: QPoint, document_id: str
                ) -> tuple[str, Spans] | None:
        reader = pane.reader
        href = reader.anchorAt(point)
        kind, _, ident = href.partition(":")
        if kind == "quote" and ident.isdigit():
            quotation = self.links.archive.quotation(int(ident))
            passage = self.links.archive.passage(quotation.passage_id) if quotation else None
            if passage is not None and quotation is not None:
                return self.links.opposite(passage, document_id, quotation.start)
            return None
        cursor = reader.cursorForPosition(point)
        passage = reader.layout_.passages.get(cursor.block().blockNumber()) \
            if reader.layout_ else None
        if passage is None or passage.kind != "excerpt":
            return None  # the essay's own words answer nothing; its quotations do
        return self.links.opposite(passage, document_id)

    def _unmark(self) -> None:
        """Take away what the pointer marked: the marks it covered come back, and the
        pane it scrolled goes back; unless the person has marked or moved it since."""
        hover, self._hover = self._hover, None
        if hover is None:
            return
        reader = hover.pane.reader
        if reader.still_marked(hover.marks):
            reader.put_back_marks(hover.covered)
        if hover.scrolled_to is not None and \
                reader.verticalScrollBar().value() == hover.scrolled_to:
            with self.held():
                reader.verticalScrollBar().setValue(hover.scroll)


class Hover(Struct):
    """What resting the pointer marked in the pane opposite, and what it covered."""

    pane: Pane
    passage_id: str
    covered: object  # the pane's marks before
    scroll: int  # where the pane was scrolled before
    marks: object = None  # the marks the hover made
    scrolled_to: int | None = None  # where the hover scrolled it, if it did
