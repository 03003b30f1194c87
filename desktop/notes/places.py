"""Where marks stand in an archive: their reading order and the passages that hold them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.archive.places import NOT_FOUND, in_document, paragraph_sign, place
from desktop.archive.store import Archive, Passage
from desktop.notes.anchoring import ORPHANED
from desktop.notes.marks import Bookmark, Highlight, Part

# Marks whose words are not in the archive come after every mark that is.
ORPHAN_ORDER = 1 << 60


@dataclass(frozen=True)
class Located:
    order: int  # reading order: the passage's row, then the offset within it
    passage: Passage | None  # None for an orphan
    title: str  # the title of the mark's document
    # The passage of a highlight's last part, when its parts run across passages.
    last: Passage | None = None

    def label(self) -> str:
        """Where it is, as a person reads it: document and ¶ (``¶ 8–9`` for words across
        paragraphs), or that it is lost."""
        if self.passage is None:
            return in_document(self.title, NOT_FOUND)
        first, last = self.passage.paragraph, self.last.paragraph if self.last else None
        if first is not None and last is not None and last != first:
            return in_document(self.title, paragraph_sign(first, last))
        return in_document(self.title, place(self.passage))


def placed_parts(highlight: Highlight,
                 places: dict[str, tuple[int, Passage]]) -> list[tuple[Part, int, Passage]]:
    """A highlight's parts that stand in the archive (not orphaned, in a passage
    ``places`` knows), with their passages' reading-order numbers and passages."""
    found = []
    for part in highlight.parts:
        spot = places.get(part.selector.uri) if part.state != ORPHANED else None
        if spot is not None:
            found.append((part, *spot))
    return found


def locate(archive: Archive, highlights: Sequence[Highlight] = (),
           bookmarks: Sequence[Bookmark] = ()) -> dict[str, Located]:
    """Each mark's place, by id, with two queries however many marks there are. A
    highlight across passages stands where its first part still found stands."""
    uris = [h.selector.uri for h in highlights] + \
        [p.selector.uri for h in highlights for p in h.more] + [b.uri for b in bookmarks]
    places = archive.places(uris)
    titles = archive.titles({h.document_id for h in highlights} |
                            {b.document_id for b in bookmarks})
    found: dict[str, Located] = {}
    for highlight in highlights:
        title = titles.get(highlight.document_id, highlight.document_id)
        if not highlight.more:  # the usual highlight, of one part: as quickly as ever
            spot = places.get(highlight.selector.uri) \
                if highlight.state != ORPHANED else None
            found[highlight.id] = Located(spot[0] * 100_000 + highlight.selector.start,
                                          spot[1], title) if spot \
                else Located(ORPHAN_ORDER, None, title)
            continue
        parts = placed_parts(highlight, places)
        if not parts:
            found[highlight.id] = Located(ORPHAN_ORDER, None, title)
            continue
        (first, number, passage), last = parts[0], parts[-1][2]
        found[highlight.id] = Located(number * 100_000 + first.selector.start, passage, title,
                                      last if last.id != passage.id else None)
    for bookmark in bookmarks:
        title = titles.get(bookmark.document_id, bookmark.document_id)
        spot = places.get(bookmark.uri) if bookmark.state != ORPHANED else None
        found[bookmark.id] = Located(spot[0] * 100_000, spot[1], title) if spot \
            else Located(ORPHAN_ORDER, None, title)
    return found
