"""The person's marks drawn in the text: highlights, bookmark ribbons and link markers in
the margin.

Kept in step with the marks door: a change updates the marks it names, from the
record, without reading the notes again; only a new document, or a change in bulk,
reads the marks of the document shown. A document's highlights are read a passage at
a time, as the reader comes to draw them (:class:`ShownHighlights`): with 10,000 of
them, the first paint waits only for those of the passages in view.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtGui import QColor

from desktop.archive.places import place
from desktop.gui.accessibility import colour_name, link_phrase
from desktop.gui.marks import Marks
from desktop.gui.reader import ReaderView
from desktop.gui.theme import colour
from desktop.notes.anchoring import ORPHANED
from desktop.notes.changes import BOOKMARKS, DELETED, HIGHLIGHTS, LINKS, Change
from desktop.notes.marks import Highlight, Link
from desktop.notes.places import Located, locate_links
from desktop.notes.visible import visible

# What the text shows of a highlight; a change of its tags alone is not drawn. Its
# parts are ``selector`` and ``more``, each drawn unless it is orphaned.
DRAWN = ("note", "colour", "selector", "state", "document_id", "more", "first_state")
TIP_WORDS = 120  # of the other end's words, in a marker's tooltip


def other_place(spot: Located, here: str) -> str:
    """Where a link's other end is, said from a document (``here``): ``¶ 2 of Minutes…``,
    or ``¶ 20`` in the same document; where its words are no longer found, that."""
    if spot.passage is None:
        return f"words no longer found in {spot.title}" if spot.title \
            else "words not found in this archive"
    if spot.passage.document_id == here:
        return place(spot.passage)
    return f"{place(spot.passage)} of {spot.title}"


def link_ends_in(document_id: str, links: list[Link],
                 places: dict[str, tuple[Located, Located]]) -> list[tuple[str, str, str, str]]:
    """What the margin marks of ``links`` in a document: (uri, link id, what the marker
    says, its tooltip) for each end there that is found, once per passage."""
    shown = []
    for link in links:
        seen: set[str] = set()
        for outgoing, here, there, spot in ((True, link.first, link.second, places[link.id][1]),
                                            (False, link.second, link.first,
                                             places[link.id][0])):
            uri = here.selector.uri
            if here.document_id != document_id or here.state == ORPHANED or uri in seen:
                continue
            seen.add(uri)
            said = link_phrase(link.relation, other_place(spot, document_id), outgoing=outgoing)
            words = visible(there.selector.exact)
            if len(words) > TIP_WORDS:
                words = words[:TIP_WORDS - 1] + "…"
            tip = f"{said[:1].upper()}{said[1:]}\n“{words}”\n(click to show the other end)"
            shown.append((uri, link.id, said, tip))
    return shown


class ShownHighlights:
    """The highlights of the document shown, by block, read a passage at a time as the
    reader asks for them (to draw the passages in view, or to say what is at a place)
    and kept. Notes are not read to draw: the note of a highlight is read when it is
    shown (a hover, the cursor's description) and kept too."""

    def __init__(self, marks: Marks, document_id: str, block_of_uri: Mapping[str, int]
                 ) -> None:
        self.marks = marks
        self.document_id = document_id
        self._block_of_uri = block_of_uri
        self._uri_of_block = {n: uri for uri, n in block_of_uri.items()}
        # block -> (start, end, id, colour) of its highlights, in the order drawn, for
        # the blocks read so far
        self._blocks: dict[int, list[tuple[int, int, str, str]]] = {}
        self._notes: dict[str, str] = {}  # the notes read so far, by highlight
        self._painted: dict[str, QColor] = {}  # one QColor for each colour, not each mark
        self._said: dict[str, str] = {}  # a colour's name as painted ("coloured" if unknown)

    def _read(self, numbers: Iterable[int]) -> None:
        unread = [n for n in numbers if n not in self._blocks]
        uris = [self._uri_of_block[n] for n in unread if n in self._uri_of_block]
        for n in unread:
            self._blocks[n] = []
        if uris:
            blocks, block_of = self._blocks, self._block_of_uri
            for uri, start, end, highlight_id, name in self.marks.shown_in(self.document_id,
                                                                          uris):
                blocks[block_of[uri]].append((start, end, highlight_id, name))

    def passages_read(self) -> set[str]:
        """The passages (URIs) whose highlights have been read so far."""
        return {self._uri_of_block[n] for n in self._blocks if n in self._uri_of_block}

    def _paint(self, name: str) -> QColor:
        painted = self._painted.get(name)
        if painted is None:
            painted = self._painted[name] = colour(name)
            self._said[name] = colour_name(painted)
        return painted

    def in_blocks(self, first: int, last: int) -> list[tuple[int, int, int, QColor]]:
        """What to draw in blocks ``first`` to ``last``: (block, start, end, colour)."""
        numbers = range(first, last + 1)
        self._read(numbers)
        paint = self._paint
        return [(n, start, end, paint(name)) for n in numbers
                for start, end, _id, name in self._blocks[n]]

    def at(self, number: int, offset: int) -> list[tuple[str, str, str]]:
        """(id, note, colour's name) of the highlights over an offset of a block, in the
        order they are drawn."""
        self._read([number])
        found = [(hid, name) for start, end, hid, name in self._blocks[number]
                 if start <= offset < end]
        unread = [hid for hid, _name in found if hid not in self._notes]
        if unread:
            self._notes.update(self.marks.notes_of(unread))
        for _hid, name in found:
            self._paint(name)
        return [(hid, self._notes.get(hid, ""), self._said[name]) for hid, name in found]

    def replace(self, highlight_id: str, note: str,
                parts: Sequence[tuple[str, int, int, str]]) -> None:
        """Change, add or remove one highlight: ``parts`` are what to draw of it, (uri,
        start, end, colour) for each passage it runs across (none to remove it). Blocks
        not read yet are left to be read as they are."""
        for marks in self._blocks.values():
            if any(m[2] == highlight_id for m in marks):
                marks[:] = [m for m in marks if m[2] != highlight_id]
        self._notes.pop(highlight_id, None)
        if parts:
            self._notes[highlight_id] = note
        for uri, start, end, name in parts:
            marks = self._blocks.get(self._block_of_uri.get(uri, -1))
            if marks is not None:
                insort(marks, (start, end, highlight_id, name))


class MarksInText:
    def __init__(self, reader: ReaderView, marks: Marks) -> None:
        self.reader = reader
        self.marks = marks
        self._bookmarks: dict[str, str] = {}  # bookmark id -> uri, in the document shown
        self._links: dict[str, Link] = {}  # the links with an end in the document shown
        self.highlights: ShownHighlights | None = None  # those of the document shown
        reader.rendered.connect(self.refresh)
        marks.changed.connect(self.apply_change)

    def refresh(self) -> None:
        """Draw every mark of the document shown."""
        if self.reader.layout_ is None:
            return
        document_id = self.reader.document_id or ""
        self.highlights = ShownHighlights(self.marks, document_id,
                                          self.reader.layout_.block_of_uri)
        self.reader.show_highlights(self.highlights)
        self._bookmarks = {b.id: b.uri for b in self.marks.bookmarks()
                           if b.document_id == document_id}
        self.reader.show_bookmarks(set(self._bookmarks.values()))
        self._links = {link.id: link for link in self.marks.links_in(document_id)}
        self._show_links()

    def apply_change(self, change: Change) -> None:
        if change.everything:
            self.refresh()
        elif change.kind == HIGHLIGHTS and change.touches(*DRAWN):
            for mark_id in change.ids:
                self._update_highlight(change, mark_id)
        elif change.kind == BOOKMARKS and change.touches("uri", "document_id", "state"):
            self._update_bookmarks(change)
        elif change.kind == LINKS:
            self._update_links(change)

    def _update_highlight(self, change: Change, mark_id: str) -> None:
        if self.highlights is None:
            return
        highlight = change.mark(mark_id)
        shown, note = [], ""
        if isinstance(highlight, Highlight) and DELETED not in change.fields \
                and highlight.document_id == self.highlights.document_id:
            note = highlight.note
            shown = [(part.selector.uri, part.selector.start, part.selector.end,
                      highlight.colour)
                     for part in highlight.parts if part.state != ORPHANED]
        self.highlights.replace(mark_id, note, shown)
        self.reader.show_highlights(self.highlights)

    def _update_bookmarks(self, change: Change) -> None:
        for bookmark in change.marks:
            self._bookmarks.pop(bookmark.id, None)
            if DELETED not in change.fields \
                    and bookmark.document_id == self.reader.document_id:
                self._bookmarks[bookmark.id] = bookmark.uri
        self.reader.show_bookmarks(set(self._bookmarks.values()))

    def _update_links(self, change: Change) -> None:
        for link in change.marks:
            self._links.pop(link.id, None)
            if isinstance(link, Link) and DELETED not in change.fields and \
                    self.reader.document_id in (link.first.document_id, link.second.document_id):
                self._links[link.id] = link
        self._show_links()

    def _show_links(self) -> None:
        links = sorted(self._links.values(), key=lambda link: (link.created, link.id))
        places = locate_links(self.marks.archive, links) if links else {}
        self.reader.show_links(link_ends_in(self.reader.document_id or "", links, places))
