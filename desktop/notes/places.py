"""Where marks stand in an archive: their reading order and the passages that hold them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.archive.places import NOT_FOUND, in_document, place
from desktop.archive.store import Archive, Passage
from desktop.notes.anchoring import ORPHANED
from desktop.notes.marks import Bookmark, Highlight

# Marks whose words are not in the archive come after every mark that is.
ORPHAN_ORDER = 1 << 60


@dataclass(frozen=True)
class Located:
    order: int  # reading order: the passage's row, then the offset within it
    passage: Passage | None  # None for an orphan
    title: str  # the title of the mark's document

    def label(self) -> str:
        """Where it is, as a person reads it: document and ¶, or that it is lost."""
        return in_document(self.title,
                           NOT_FOUND if self.passage is None else place(self.passage))


def locate(archive: Archive, highlights: Sequence[Highlight] = (),
           bookmarks: Sequence[Bookmark] = ()) -> dict[str, Located]:
    """Each mark's place, by id, with two queries however many marks there are."""
    uris = [h.selector.uri for h in highlights] + [b.uri for b in bookmarks]
    places = archive.places(uris)
    titles = archive.titles({h.document_id for h in highlights} |
                            {b.document_id for b in bookmarks})
    found: dict[str, Located] = {}
    for item in [*highlights, *bookmarks]:
        uri, start = (item.selector.uri, item.selector.start) if isinstance(item, Highlight) \
            else (item.uri, 0)
        title = titles.get(item.document_id, item.document_id)
        spot = places.get(uri) if item.state != ORPHANED else None
        found[item.id] = Located(spot[0] * 100_000 + start, spot[1], title) if spot \
            else Located(ORPHAN_ORDER, None, title)
    return found
