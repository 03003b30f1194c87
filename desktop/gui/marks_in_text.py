"""The person's marks drawn in the text: highlights, bookmark ribbons and link markers in
the margin.

Kept in step with the marks door: a change updates the marks it names, from the
record, without reading the notes again; only a new document, or a change in bulk,
reads the marks of the document shown.
"""

from __future__ import annotations

from desktop.archive.places import place
from desktop.gui.accessibility import link_phrase
from desktop.gui.marks import Marks
from desktop.gui.reader import ReaderView
from desktop.gui.theme import colour
from desktop.notes.anchoring import ORPHANED
from desktop.notes.changes import BOOKMARKS, DELETED, HIGHLIGHTS, LINKS, Change
from desktop.notes.marks import COLOURS, Highlight, Link
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


class MarksInText:
    def __init__(self, reader: ReaderView, marks: Marks) -> None:
        self.reader = reader
        self.marks = marks
        self._bookmarks: dict[str, str] = {}  # bookmark id -> uri, in the document shown
        self._links: dict[str, Link] = {}  # the links with an end in the document shown
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
