"""Going places in the archive, and back and forward through where the person has been."""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct
from PySide6.QtCore import QObject, Signal

from desktop.archive.store import Archive
from desktop.gui.dialogs import Dialogs
from desktop.gui.reader import ReaderView

Status = Callable[[str, int], None]


class Visit(Struct, frozen=True):
    """A place the person has been: a document, and the passage at the top of the view."""

    document_id: str
    passage_id: str


class Navigator(QObject):
    """Shows documents in the reader and keeps the back and forward history."""

    moved = Signal()  # the reader shows another document or place
    arrived = Signal()  # a navigation ended: where the person now is is worth keeping
    historyChanged = Signal()

    def __init__(self, archive: Archive, reader: ReaderView, status: Status,
                 dialogs: Dialogs) -> None:
        super().__init__()
        self.archive = archive
        self.reader = reader
        self.status = status
        self.dialogs = dialogs
        self.back_stack: list[Visit] = []
        self.forward_stack: list[Visit] = []
        self._reading: str | None = None
        # Where the last navigation went, and the place it left the view at: going there
        # again from there (a list that reports one click twice) is no new step back.
        self._arrived: tuple[str, str | None, Visit | None] | None = None
        reader.cursorPositionChanged.connect(self._cursor_moved)

    def _cursor_moved(self) -> None:
        """The status bar names the passage being read (``ReaderView.reading_passage``):
        the cursor moved into another one, by a click or the arrow keys, is a move."""
        passage = self.reader.reading_passage()
        reading = passage.id if passage is not None else None
        if reading != self._reading:
            self._reading = reading
            self.moved.emit()

    def here(self) -> Visit | None:
        passage = self.reader.current_passage()
        if self.reader.document_id is None or passage is None:
            return None
        return Visit(self.reader.document_id, passage.id)

    def show_document(self, document_id: str) -> None:
        if self.reader.document_id != document_id:
            self.reader.show_document(self.archive, document_id)
        self.moved.emit()

    def navigate(self, document_id: str, passage_id: str | None = None,
                 spans: tuple[tuple[int, int], ...] = (), *, record: bool = True) -> None:
        """Go to a passage (or a document's start), remembering where we were."""
        if self.archive.document(document_id) is None:
            return
        current = self.here()
        if record and current is not None and \
                self._arrived != (document_id, passage_id, current):
            self.back_stack.append(current)
            self.forward_stack.clear()
        self.show_document(document_id)
        if passage_id:
            self.reader.scroll_to(passage_id, tuple(spans or ()))
        else:
            self.reader.verticalScrollBar().setValue(0)
            self.reader.mark(None, ())
        self.reader.setFocus()
        self._arrived = (document_id, passage_id, self.here())
        self.historyChanged.emit()
        self.moved.emit()
        self.arrived.emit()

    def can_go_back(self) -> bool:
        return bool(self.back_stack)

    def can_go_forward(self) -> bool:
        return bool(self.forward_stack)

    def go_back(self) -> None:
        self._step(self.back_stack, self.forward_stack)

    def go_forward(self) -> None:
        self._step(self.forward_stack, self.back_stack)

    def _step(self, towards: list[Visit], away: list[Visit]) -> None:
        if not towards:
            return
        current = self.here()
        if current is not None:
            away.append(current)
        target = towards.pop()
        self.navigate(target.document_id, target.passage_id, record=False)

    def go_to_paragraph(self) -> None:
        if self.reader.document_id is None:
            return
        numbered = {p.paragraph: p.id for p in self.archive.passages(self.reader.document_id)
                    if p.paragraph is not None}
        if not numbered:
            self.status("This document has no numbered paragraphs.", 4000)
            return
        number = self.dialogs.ask_paragraph(max(numbered))
        if number is not None and number in numbered:
            self.navigate(self.reader.document_id, numbered[number])

    def go_to_end(self, *, first: bool) -> None:
        if self.reader.document_id is None:
            return
        passages = self.archive.passages(self.reader.document_id)
        if passages:
            self.navigate(self.reader.document_id, (passages[0] if first else passages[-1]).id)

    def open_link(self, uri: str) -> bool:
        """Go to the passage an ``archive-browser://`` link names (from an export, or
        another application); say so if this archive has no such passage."""
        passage = self.archive.passage_by_uri(uri)
        if passage is None:
            self.status(f"The link {uri} names no passage of this archive.", 8000)
            return False
        self.navigate(passage.document_id, passage.id, ((0, len(passage.text)),))
        return True

    def go_to_passage(self, passage_id: str, spans: tuple[tuple[int, int], ...] = (),
                      *, whole: bool = False) -> None:
        """Go to a passage by its id alone; ``whole`` marks all of its words."""
        passage = self.archive.passage(passage_id)
        if passage is not None:
            if whole:
                spans = ((0, len(passage.text)),)
            self.navigate(passage.document_id, passage.id, spans)
