"""Where marks stand in an archive: their reading order and the passages that hold them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from msgspec import Struct

from desktop.archive.places import NOT_FOUND, in_document, lost, paragraph_sign, place
from desktop.archive.store import Archive, Passage
from desktop.notes.anchoring import ORPHANED
from desktop.notes.marks import Bookmark, Highlight, Link, Part

# Marks whose words are not in the archive come after every mark that is.
ORPHAN_ORDER = 1 << 60


class Located(Struct, frozen=True):
    order: int  # reading order: the passage's row, then the offset within it
    passage: Passage | None  # None for an orphan
    title: str  # the title of the mark's document
    # What an Across has: none of it for the usual mark, one passage's, whose record is
    # made for 10,000 marks at once (each field is stored in each record).
    last: ClassVar[Passage | None] = None
    span: ClassVar[tuple[int, int] | None] = None

    def label(self) -> str:
        """Where it is, as a person reads it: document and ¶ (``¶ 8–9`` for words across
        paragraphs), or that it is lost."""
        if self.passage is None:
            return in_document(self.title, NOT_FOUND)
        first, last = self.passage.paragraph, self.last.paragraph if self.last else None
        if first is not None and last is not None and last != first:
            return in_document(self.title, paragraph_sign(first, last))
        return in_document(self.title, place(self.passage))


def where(located: Located) -> str:
    """Where a mark's row says it stands: document and ¶; for one whose words are not
    found, that they are no longer found in its document, or, for one that names no
    document of this archive (imported from elsewhere), that it is not in this archive."""
    return located.label() if located.passage is not None else lost(located.title)


class Across(Located, frozen=True):
    """Where words stand that may run across passages: a highlight's of several parts,
    or a link's end."""

    # The passage of the last part, when the parts run across passages.
    last: Passage | None = None
    # The words' start in ``passage`` and end in ``last`` (or ``passage``), for citing.
    span: tuple[int, int] | None = None


def _words(parts: Sequence[Part], places: dict[str, tuple[int, Passage]],
           title: str) -> Located:
    """Where words in ``parts`` stand: from the first part still found to the last."""
    found = [(part, *spot) for part in parts if part.state != ORPHANED
             and (spot := places.get(part.selector.uri)) is not None]
    if not found:
        return Located(ORPHAN_ORDER, None, title)
    (first, number, passage), (final, _n, last) = found[0], found[-1]
    return Across(number * 100_000 + first.selector.start, passage, title,
                  last if last.id != passage.id else None,
                  (first.selector.start, final.selector.end))


def locate(archive: Archive, highlights: Sequence[Highlight] = (),
           bookmarks: Sequence[Bookmark] = ()) -> dict[str, Located]:
    """Each mark's place, by id, with two queries however many marks there are. A
    highlight across passages stands where its first part still found stands, and runs
    to its last."""
    uris = [h.selector.uri for h in highlights] + [b.uri for b in bookmarks]
    uris += [p.selector.uri for h in highlights if h.more for p in h.more]
    places = archive.places(uris)
    titles = archive.titles({h.document_id for h in highlights} |
                            {b.document_id for b in bookmarks})
    found: dict[str, Located] = {}
    for highlight in highlights:
        title = titles.get(highlight.document_id, highlight.document_id)
        s = highlight.selector
        if highlight.more:
            found[highlight.id] = _words(highlight.parts, places, title)
            continue
        # The usual highlight, of one part: as quickly as ever (a panel of 10,000).
        spot = places.get(s.uri) if highlight.state != ORPHANED else None
        found[highlight.id] = Located(spot[0] * 100_000 + s.start, spot[1], title) if spot \
            else Located(ORPHAN_ORDER, None, title)
    for bookmark in bookmarks:
        title = titles.get(bookmark.document_id, bookmark.document_id)
        spot = places.get(bookmark.uri) if bookmark.state != ORPHANED else None
        found[bookmark.id] = Located(spot[0] * 100_000, spot[1], title) if spot \
            else Located(ORPHAN_ORDER, None, title)
    return found


def locate_links(archive: Archive, links: Sequence[Link]) -> dict[str, tuple[Located, Located]]:
    """Where both ends of each link stand, by id (first, second), with two queries
    however many links there are; an end no longer found is an orphan's place."""
    places = archive.places([end.selector.uri for link in links for end in link.ends])
    titles = archive.titles({end.document_id for link in links for end in link.ends})
    return {link.id: (
        _words([Part(link.first.selector, link.first.state)], places,
               titles.get(link.first.document_id, link.first.document_id)),
        _words([Part(link.second.selector, link.second.state)], places,
               titles.get(link.second.document_id, link.second.document_id)))
        for link in links}
