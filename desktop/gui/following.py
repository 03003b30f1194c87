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

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QMouseEvent

from desktop.archive.store import Archive, Excerpt, Passage
from desktop.gui.panes import Pane

Spans = tuple[tuple[int, int], ...]


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
        self._top: dict[str, str] = {}  # each pane's passage at the top, last seen
        self._hover: tuple[Pane, str, object] | None = None  # what a hover marked, and
        self._viewports: dict[int, Pane] = {}  # the marks it covered

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

    def scrolled(self, pane: Pane) -> None:
        """``pane`` has scrolled: when a new passage reaches its top, bring its answer
        opposite into view."""
        passage = pane.reader.current_passage()
        if passage is None or self._top.get(pane.key) == passage.id:
            return
        self._top[pane.key] = passage.id
        if self._busy or not self.linked():
            return
        other = self.others(pane)
        if other is None or other.reader.document_id is None:
            return
        found = self.links.opposite(passage, other.reader.document_id)
        if found is not None and not self.in_view(other, found[0]):
            with self.held():
                other.reader.scroll_to(found[0], keep_marks=True)

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
                self.pointed(pane, pane.reader.cursorForPosition(event.position().toPoint()))
        elif event.type() == QEvent.Type.Leave:
            self._unmark()
        return False

    def pointed(self, pane: Pane, cursor) -> None:  # type: ignore[no-untyped-def]
        """The pointer rests at a text position of ``pane``: mark what answers it opposite."""
        other = self.others(pane) if self.linked() else None
        layout = pane.reader.layout_
        if other is None or layout is None or other.reader.document_id is None:
            self._unmark()
            return
        passage = layout.passages.get(cursor.block().blockNumber())
        offset = cursor.position() - cursor.block().position()
        found = None
        if passage is not None:
            found = self.links.opposite(passage, other.reader.document_id, offset)
        if found is None:
            self._unmark()
            return
        passage_id, spans = found
        if self._hover is not None and self._hover[0] is other and self._hover[1] == passage_id:
            return  # marked already
        self._unmark()
        self._hover = (other, passage_id, other.reader.marked())
        other.reader.mark(passage_id, spans)
        if not self.in_view(other, passage_id):
            with self.held():
                other.reader.scroll_to(passage_id, keep_marks=True)

    def _unmark(self) -> None:
        if self._hover is not None:
            other, _passage, covered = self._hover
            self._hover = None
            other.reader.put_back_marks(covered)  # the search's marks it covered
