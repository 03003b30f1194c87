"""How a place in the archive is named to a person, in one vocabulary.

The reader's margin, search results, a source's passages, the marks panels and
citations all name places with these few functions, so that a paragraph reads
``¶ 8`` everywhere and a place with its document ``The communists’ dilemma, ¶ 8``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.archive.store import Passage

# Where a mark stands whose words are no longer in the archive.
NOT_FOUND = "no longer found"
# Where a mark stands that names no document of this archive (one imported from
# elsewhere): it was never found here, so it cannot be "no longer" found.
NEVER_FOUND = "not found in this archive"


def paragraph_sign(number: int, to: int | None = None) -> str:
    """``¶ 8``; with ``to``, the paragraphs a passage of words runs across: ``¶ 7–8``."""
    return f"¶ {number}" if to is None else f"¶ {number}–{to}"


def where(paragraph: int | None, kind: str, heading: str | None = None) -> str:
    """Where in its document a passage stands: its ``¶``; for a heading whose words are
    given, the section it opens (``section “For the future”``); else its kind
    (``heading``, ``footnote``, ``caption``, ``title``…)."""
    if paragraph is not None:
        return paragraph_sign(paragraph)
    if kind == "heading" and heading is not None:
        return f"section “{heading}”"
    return kind


def place(passage: Passage) -> str:
    """Where a passage stands in its document: ``¶ 8``, a section's heading, or its kind."""
    return where(passage.paragraph, passage.kind, passage.text)


def in_document(title: str, spot: str) -> str:
    """A place named with its document's title: ``The communists’ dilemma, ¶ 8``."""
    return f"{title}, {spot}"


def lost(title: str) -> str:
    """Where a mark stands whose words are not found: in its document,
    ``The communists’ dilemma, no longer found``; a mark with no document of this
    archive (``title`` empty) was never found here: ``not found in this archive``."""
    return in_document(title, NOT_FOUND) if title else NEVER_FOUND
