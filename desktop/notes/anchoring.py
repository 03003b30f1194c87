"""Anchor a person's marks to the archive's words, and find them again after a change.

A highlight is stored the way the W3C Web Annotation model describes a text
target: the passage's URI, a TextQuoteSelector (``exact`` with ``prefix`` and
``suffix`` of up to :data:`CONTEXT` characters) and a TextPositionSelector
(``start``, ``end``, code points into the passage's text).

:func:`reanchor` finds the words again, in this order:

1. by position: the passage still has ``exact`` at ``start``;
2. by quote and context: ``exact`` occurs in the passage, or elsewhere in the same
   document, and the occurrence whose surroundings best match ``prefix`` and
   ``suffix`` is taken;
3. by a tolerant match: the closest span in the document whose similarity to
   ``exact`` is at least :data:`TOLERANCE` percent (rapidfuzz's alignment).

A mark found by 1 is *anchored*; by 2 or 3 at another place, *moved*; by none,
*orphaned*: it keeps its last known place and words and is never deleted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from msgspec import Struct
from msgspec.structs import replace

CONTEXT = 32
TOLERANCE = 85.0
_SHORT = 32  # quotes shorter than this are aligned at once, as cheaply as bounded
_PIECE = 256  # the least text compared at once: shorter pieces cost more calls than they save
ANCHORED, MOVED, ORPHANED = "anchored", "moved", "orphaned"


class Selector(Struct, frozen=True):
    """Where some words are: the passage's URI, quote with context, and position."""

    uri: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class PassageText(Struct, frozen=True):
    """What re-anchoring needs to know of a passage."""

    uri: str
    text: str


class Anchor(Struct, frozen=True):
    state: str
    selector: Selector


def select(uri: str, text: str, start: int, end: int) -> Selector:
    """The selector for ``text[start:end]`` of the passage at ``uri``."""
    if not 0 <= start < end <= len(text):
        raise ValueError("The selection is outside the passage.")
    return Selector(uri, start, end, text[start:end], text[max(0, start - CONTEXT):start],
                    text[end:end + CONTEXT])


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection ``text[start:end]`` that starts or ends inside a word to the
    whole word, and leave out spaces at its ends: a highlight is of words, as a reader
    means it. A selection of only spaces comes back empty (``start == end``)."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _context_score(text: str, start: int, end: int, selector: Selector) -> float:
    from rapidfuzz import fuzz  # loaded only when marks need placing again
    before = text[max(0, start - len(selector.prefix)):start]
    after = text[end:end + len(selector.suffix)]
    score = 0.0
    if selector.prefix:
        score += fuzz.ratio(before, selector.prefix)
    if selector.suffix:
        score += fuzz.ratio(after, selector.suffix)
    return score


def _occurrences(text: str, selector: Selector) -> list[int]:
    """Where the quote stands in ``text`` as whole words, as it did where it was made.

    A quote that began at the start of a word must begin at the start of one here
    too: "the" is not found inside "their". What the known context says decides;
    with no context, whole words are assumed.
    """
    exact = selector.exact
    starts_word, ends_word = exact[:1].isalnum(), exact[-1:].isalnum()
    joined_before = selector.prefix[-1:].isalnum()
    joined_after = selector.suffix[:1].isalnum()
    found, at = [], text.find(exact)
    while at >= 0:
        end = at + len(exact)
        fits = (not starts_word or text[at - 1:at].isalnum() == joined_before) and \
            (not ends_word or text[end:end + 1].isalnum() == joined_after)
        if fits:
            found.append(at)
        at = text.find(exact, at + 1)
    return found


def _refine(exact: str, text: str, start: int, end: int, reach: int = 4) -> tuple[int, int]:
    """Nudge a fuzzy alignment's ends to the span most like ``exact`` (case aside)."""
    from rapidfuzz import fuzz
    wanted = exact.lower()
    best = (fuzz.ratio(wanted, text[start:end].lower()), start, end)
    for s in range(max(0, start - reach), min(len(text), start + reach) + 1):
        for e in range(max(s + 1, end - reach), min(len(text), end + reach) + 1):
            score = fuzz.ratio(wanted, text[s:e].lower())
            if score > best[0]:
                best = (score, s, e)
    return best[1], best[2]


def _may_match(exact: str, text: str) -> bool:
    """False only when no span of ``text`` can pass step 3, known cheaply.

    The alignment costs up to a millisecond per passage for a long quote, and a mark
    that cannot be placed tries every passage. Two bounds skip most of them without
    changing any result: a span shorter than 0.8 of the quote is refused anyway; and
    a span's similarity is ``200·c / (m + c)`` at most, where ``m`` is the shorter
    string's length and ``c`` the longest subsequence the quote shares with the text
    around that span: the whole text first, then overlapping pieces that each hold
    every span of at most ``len(exact)`` characters starting in them.
    """
    from rapidfuzz.distance import LCSseq

    length = len(exact)
    if len(text) / max(1, length) < 0.8:
        return False
    if length < _SHORT:
        return True  # the alignment of a short quote costs no more than the bound
    shorter = min(length, len(text))

    def could(piece: str) -> bool:
        common = LCSseq.similarity(exact, piece)
        # A hair below the tolerance: the bound must never lose a match to rounding.
        return 200 * common / (shorter + common) >= TOLERANCE - 0.01

    if not could(text):
        return False
    size = max(2 * length, _PIECE)
    if len(text) <= size:
        return True
    return any(could(text[at:at + size])
               for at in range(0, len(text) - length, size - length))


# Typographic variants of one character, each folded to its plain form (one character for
# one, so that offsets in the folded text are offsets in the text).
_FOLD = str.maketrans("‘’‚‛′“”„‟″–—―−", "\'\'\'\'\'\"\"\"\"\"----")


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """A passage's text folded (:data:`_FOLD`), once: placing 10,000 marks from elsewhere
    looks for each in every passage of its document."""
    return text.translate(_FOLD)


def _by_quote(selector: Selector, passages: Sequence[PassageText], *, fold: bool
              ) -> tuple[str, int] | None:
    """Where the quote stands with the context most like the mark's: (uri, offset)."""
    if fold:
        selector = replace(selector, exact=selector.exact.translate(_FOLD),
                           prefix=selector.prefix.translate(_FOLD),
                           suffix=selector.suffix.translate(_FOLD))
    candidates: list[tuple[float, int, str, int]] = []
    for order, passage in enumerate(passages):
        text = _folded(passage.text) if fold else passage.text
        for at in _occurrences(text, selector):
            score = _context_score(text, at, at + len(selector.exact), selector)
            same = passage.uri == selector.uri
            candidates.append((score + (50 if same else 0), -order, passage.uri, at))
    if not candidates:
        return None
    _score, _order, uri, at = max(candidates)
    return uri, at


def reanchor(selector: Selector, passages: Sequence[PassageText]) -> Anchor:
    """Find a mark's words again in ``passages`` (its document, in reading order)."""
    by_uri = {p.uri: p for p in passages}
    home = by_uri.get(selector.uri)
    if home is not None and home.text[selector.start:selector.end] == selector.exact:
        return Anchor(ANCHORED, selector)

    # 2. The quote with its context: in the same passage first, then the document; then
    # the same with quotation marks, apostrophes and dashes taken as alike (a copy of the
    # essay on the web writes "ranks and tops" where the archive has “ranks and tops”).
    for fold in (False, True):
        found = _by_quote(selector, passages, fold=fold)
        if found is not None:
            uri, at = found
            return Anchor(MOVED, select(uri, by_uri[uri].text, at, at + len(selector.exact)))

    # 3. A tolerant match, for words that were corrected rather than moved.
    from rapidfuzz import fuzz
    best: tuple[float, str, int, int] | None = None
    for passage in ([home] if home is not None else []) + [p for p in passages if p is not home]:
        if not passage.text or not _may_match(selector.exact, passage.text):
            continue
        alignment = fuzz.partial_ratio_alignment(selector.exact, passage.text,
                                                 score_cutoff=TOLERANCE)
        if alignment is None:
            continue
        start, end = _refine(selector.exact, passage.text, alignment.dest_start,
                             alignment.dest_end)
        length_ratio = (end - start) / max(1, len(selector.exact))
        if not 0.8 <= length_ratio <= 1.25:
            continue
        if best is None or alignment.score > best[0]:
            best = (alignment.score, passage.uri, start, end)
    if best is not None:
        _score, uri, start, end = best
        return Anchor(MOVED, select(uri, by_uri[uri].text, start, end))
    return Anchor(ORPHANED, selector)
