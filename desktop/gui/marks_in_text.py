"""The person's marks drawn in the text: highlights, and bookmark ribbons in the margin.

Kept in step with the marks door: a change updates the marks it names, from the
record, without reading the notes again; only a new document, or a change in bulk,
reads the marks of the document shown.
"""

from __future__ import annotations

from desktop.gui.marks import Marks
from desktop.gui.reader import ReaderView
from desktop.gui.theme import colour
from desktop.notes.anchoring import ORPHANED
from desktop.notes.changes import BOOKMARKS, DELETED, HIGHLIGHTS, Change
from desktop.notes.marks import COLOURS, Highlight

# What the text shows of a highlight; a change of its tags alone is not drawn. Its
# parts are ``selector`` and ``more``, each drawn unless it is orphaned.
DRAWN = ("note", "colour", "selector", "state", "document_id", "more", "first_state")


class MarksInText:
    def __init__(self, reader: ReaderView, marks: Marks) -> None:
        self.reader = reader
        self.marks = marks
        self._bookmarks: dict[str, str] = {}  # bookmark id -> uri, in the document shown
        reader.rendered.connect(self.refresh)
        marks.changed.connect(self.apply_change)

    def refresh(self) -> None:
        """Draw every mark of the document shown."""
        if self.reader.layout_ is None:
            return
        uris = self.reader.layout_.block_of_uri
        document_id = self.reader.document_id or ""
        colours = {name: colour(name) for name in COLOURS}  # one QColor each, not one per mark
        self.reader.show_highlights([
            (uri, start, end, highlight_id, colours.get(name) or colour(name), note)
            for uri, start, end, highlight_id, name, note in self.marks.shown_in(document_id)
            if uri in uris])
        self._bookmarks = {b.id: b.uri for b in self.marks.bookmarks()
                           if b.document_id == document_id}
        self.reader.show_bookmarks(set(self._bookmarks.values()))

    def apply_change(self, change: Change) -> None:
        if change.everything:
            self.refresh()
        elif change.kind == HIGHLIGHTS and change.touches(*DRAWN):
            for mark_id in change.ids:
                self._update_highlight(change, mark_id)
        elif change.kind == BOOKMARKS and change.touches("uri", "document_id", "state"):
            self._update_bookmarks(change)

    def _update_highlight(self, change: Change, mark_id: str) -> None:
        highlight = change.mark(mark_id)
        shown = []
        if isinstance(highlight, Highlight) and DELETED not in change.fields:
            painted = colour(highlight.colour)
            shown = [(part.selector.uri, part.selector.start, part.selector.end, highlight.id,
                      painted, highlight.note)
                     for part in highlight.parts if part.state != ORPHANED]
        self.reader.replace_highlight(mark_id, shown)

    def _update_bookmarks(self, change: Change) -> None:
        for bookmark in change.marks:
            self._bookmarks.pop(bookmark.id, None)
            if DELETED not in change.fields \
                    and bookmark.document_id == self.reader.document_id:
                self._bookmarks[bookmark.id] = bookmark.uri
        self.reader.show_bookmarks(set(self._bookmarks.values()))
