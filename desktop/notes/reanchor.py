"""Put every mark back on its words after the archive has been rebuilt or corrected."""

from __future__ import annotations

from collections import Counter

from desktop.archive.store import Archive
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, PassageText, Selector, reanchor
from desktop.notes.boundary import at_boundary
from desktop.notes.marks import Bookmark, End, Highlight, Link, Part, worst
from desktop.notes.store import Notes


class DocumentTexts:
    """Passages of an archive by document, each document read once."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._cache: dict[str, list[PassageText]] = {}
        self._documents: list[str] | None = None

    @property
    def documents(self) -> list[str]:
        """Every document's id, in the archive's order (read when first needed)."""
        if self._documents is None:
            self._documents = [d.id for d in self.archive.documents()]
        return self._documents

    def of(self, document_id: str) -> list[PassageText]:
        if document_id not in self._cache:
            self._cache[document_id] = [PassageText(p.uri, p.text)
                                        for p in self.archive.passages(document_id)]
        return self._cache[document_id]


@at_boundary
def reanchor_all(notes: Notes, archive: Archive) -> Counter[str]:
    """Re-anchor every highlight, bookmark and link of this archive; count them by state.

    A mark's words are looked for in its own document. Nothing is deleted: a mark
    whose words cannot be found becomes an orphan and keeps its last place. Each part
    of a highlight across passages is placed so, on its own; the highlight is counted
    by the worst of its parts' states (one part lost, it is an orphan), which is its
    state. Each end of a link is placed so in its own document, and the link counted
    by the worse of the two. Every new place is worked out first, then all are written
    in one transaction.
    """
    states: Counter[str] = Counter()
    fingerprint = archive.meta.get("content_hash", "")
    if fingerprint and notes.anchored_to(archive.archive_id) == fingerprint:
        return states  # the text has not changed since the marks were last placed
    texts = DocumentTexts(archive)
    highlights: list[tuple[Highlight, Selector, str]] = []
    further: list[tuple[Highlight, tuple[Part, ...]]] = []
    for highlight in notes.highlights(archive.archive_id):
        was = highlight.parts
        first, *more = placed = [_place(part, texts.of(highlight.document_id)) for part in was]
        if first != was[0]:
            highlights.append((highlight, first.selector, first.state))
        if tuple(more) != highlight.more:
            further.append((highlight, tuple(more)))
        states[worst(*(part.state for part in placed))] += 1
    bookmarks: list[tuple[Bookmark, str, str]] = []
    for bookmark in notes.bookmarks(archive.archive_id):
        state, uri = _find_bookmark(bookmark.uri, bookmark.exact,
                                    texts.of(bookmark.document_id))
        if bookmark.state == MOVED and state == ANCHORED:
            state = MOVED
        if uri != bookmark.uri or state != bookmark.state:
            bookmarks.append((bookmark, uri, state))
        states[state] += 1
    links: list[tuple[Link, End, End]] = []
    for link in notes.links(archive.archive_id):
        first, second = (_place_end(end, texts) for end in link.ends)
        if (first, second) != link.ends:
            links.append((link, first, second))
        states[worst(first.state, second.state)] += 1
    if notes.read_only:
        return states  # shown where they were last placed: nothing can be written
    if highlights or bookmarks or further or links:
        notes.move_marks(highlights, bookmarks, links, parts=further)
    if fingerprint:
        notes.set_anchored_to(archive.archive_id, fingerprint)
    return states


def _place(part: Part, texts: list[PassageText]) -> Part:
    """A highlight's part (or a link's end) placed again on the words of its document."""
    anchor = reanchor(part.selector, texts)
    state = anchor.state
    if state == ANCHORED and part.state == MOVED:
        state = MOVED  # it stays "moved" until the person has seen it
    return Part(anchor.selector, state)


def _place_end(end: End, texts: DocumentTexts) -> End:
    """A link's end placed again, in its own document, by the rules of a highlight."""
    placed = _place(Part(end.selector, end.state), texts.of(end.document_id))
    return End(end.document_id, placed.selector, placed.state)


def _find_bookmark(uri: str, exact: str, texts: list[PassageText]) -> tuple[str, str]:
    """A bookmark marks a passage; it is found again by the passage's opening words."""
    for passage in texts:
        if passage.uri == uri and passage.text.startswith(exact):
            return ANCHORED, uri
    for passage in texts:
        if exact and passage.text.startswith(exact):
            return MOVED, passage.uri
    return ORPHANED, uri
