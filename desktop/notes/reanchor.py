"""Put every mark back on its words after the archive has been rebuilt or corrected."""

from __future__ import annotations

from collections import Counter

from desktop.archive.store import Archive
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, PassageText, reanchor
from desktop.notes.store import Notes


def _document_texts(archive: Archive, document_id: str,
                    cache: dict[str, list[PassageText]]) -> list[PassageText]:
    if document_id not in cache:
        cache[document_id] = [PassageText(p.uri, p.text)
                              for p in archive.passages(document_id)]
    return cache[document_id]


def reanchor_all(notes: Notes, archive: Archive) -> Counter[str]:
    """Re-anchor every highlight and bookmark of this archive; count them by state.

    A mark's words are looked for in its own document. Nothing is deleted: a mark
    whose words cannot be found becomes an orphan and keeps its last place.
    """
    states: Counter[str] = Counter()
    fingerprint = archive.meta.get("content_hash", "")
    if fingerprint and notes.anchored_to(archive.archive_id) == fingerprint:
        return states  # the text has not changed since the marks were last placed
    cache: dict[str, list[PassageText]] = {}
    for highlight in notes.highlights(archive.archive_id):
        texts = _document_texts(archive, highlight.document_id, cache)
        anchor = reanchor(highlight.selector, texts)
        state = anchor.state
        if state == ANCHORED and highlight.state == MOVED:
            state = MOVED  # it stays "moved" until the person has seen it
        if anchor.selector != highlight.selector or state != highlight.state:
            notes.update_highlight(highlight.id, selector=anchor.selector, state=state)
        states[state] += 1
    for bookmark in notes.bookmarks(archive.archive_id):
        texts = _document_texts(archive, bookmark.document_id, cache)
        state, uri = _find_bookmark(bookmark.uri, bookmark.exact, texts)
        if bookmark.state == MOVED and state == ANCHORED:
            state = MOVED
        if uri != bookmark.uri or state != bookmark.state:
            notes.update_bookmark(bookmark.id, uri=uri, state=state)
        states[state] += 1
    if fingerprint:
        notes.set_anchored_to(archive.archive_id, fingerprint)
    return states


def _find_bookmark(uri: str, exact: str, texts: list[PassageText]) -> tuple[str, str]:
    """A bookmark marks a passage; it is found again by the passage's opening words."""
    for passage in texts:
        if passage.uri == uri and passage.text.startswith(exact):
            return ANCHORED, uri
    for passage in texts:
        if exact and passage.text.startswith(exact):
            return MOVED, passage.uri
    return ORPHANED, uri
