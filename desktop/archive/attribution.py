"""Whose words these are: the one decision behind every citation of the archive.

Copy with Citation, the quotation card, the exports and ``archive-browser cite`` all
ask :func:`attribute` (or its two shorthands) and cite what it answers, so that the
same words are never cited two ways. The rules:

- words wholly inside a quotation the essay attributes to a source (a direct
  quotation, or a term with a ``source_id``) are that source's, quoted in the essay at
  that ¶;
- an excerpt of the minutes or the letter stands for the words of the essay it was
  taken from: a quoted excerpt is the source's words, quoted in the essay, exactly as
  the same words selected in the essay; a reported excerpt is the essay's own words;
- anything else, and a selection that runs across a quotation's edge or across
  passages, is the essay's (the document's) own;
- several passages cite their ¶ range; the whole of a document cites the document.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive, Excerpt, Passage, Quotation

# Characters a selection may take in at its ends without leaving a quotation: the
# quotation marks around it (a quotation's span excludes them) and spaces.
_EDGES = " \t\n“”‘’\"'"
# And after it: the essay's punctuation that follows the closing quotation mark.
_TRAILING = _EDGES + ".,;:!?)"


@dataclass(frozen=True)
class Attribution:
    """Whose words these are, and where the essay has them."""

    words: str  # the words cited, whitespace collapsed; "" for whole passages
    # The source whose words these are (quoted in the essay); None: the essay's own words.
    source_id: str | None
    document_id: str  # the essay (the document cited, or that quotes the source)
    # First and last ¶ of the essay; None for the whole document (or words of a passage
    # with no ¶ number, such as the title: cited, as the document is, with no pinpoint).
    paragraphs: tuple[int, int] | None
    # What to quote: the words as they stand in the text, or the passages' whole text,
    # paragraphs apart with a blank line (``words`` collapses them into one line).
    text: str = ""
    quotation_id: int | None = None  # the quotation these words lie in, when a source's

    @property
    def pinpoint(self) -> str | None:
        """The ¶ or ¶ range as a locator value (``8``, ``8–9``), or None."""
        if self.paragraphs is None:
            return None
        first, last = self.paragraphs
        return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class _Span:
    """Words of one passage, from ``start`` to ``end``, as the citing document has them."""

    passage: Passage
    start: int
    end: int
    through_excerpt: bool


def attribute(archive: Archive, first: Passage, start: int, last: Passage,
              end: int) -> Attribution:
    """THE one function deciding attribution, for words from offset ``start`` of passage
    ``first`` to offset ``end`` of passage ``last`` (the same passage for a selection in
    one). Words wholly inside a quotation (a direct quotation or a term the essay
    attributes to a source: quotations table with a source_id) are that source's, quoted
    in the essay at that ¶; the same words read in the minutes or the letter document (an
    excerpt quoted by the essay) give the SAME attribution as in the essay; a reported
    excerpt is the essay's words; a span across both is the essay's; several passages
    give a ¶ range; the whole document (all its passages) gives paragraphs=None."""
    if first.id == last.id and start == end:
        return attribute_passage(archive, first)
    passages = _run(archive, first, last)
    if passages[0].id != first.id:  # selected backwards: read it forwards
        first, start, last, end = last, end, first, start
    if len(passages) == 1 and start > end:
        start, end = end, start
    selected = [(p, start if p.id == first.id else 0, end if p.id == last.id else len(p.text))
                for p in passages]
    spans = [_in_citing_document(archive, p, s, e) for p, s, e in selected]
    pieces = [p.text[s:e] for p, s, e in selected]
    words = " ".join(" ".join(pieces).split())
    text = "\n\n".join(piece.strip() for piece in pieces if piece.strip())
    document_id = spans[0].passage.document_id
    whole = not any(s.through_excerpt for s in spans) and _whole_document(
        archive, selected)
    paragraphs = None if whole else _paragraphs(spans)
    if len(spans) == 1:
        quotation = _quotation_holding(archive, spans[0])
        if quotation is not None:
            # The source's words alone, as the quotation has them (a question mark
            # included): not the quotation marks and the essay's punctuation around them
            # that the selection took in.
            span = spans[0]
            inner = span.passage.text[max(span.start, quotation.start):
                                      min(span.end, quotation.end)]
            words = " ".join(inner.split())
            return Attribution(words, quotation.source_id, document_id, paragraphs, text,
                               quotation.id)
    return Attribution(words, None, document_id, paragraphs, text)


def attribute_passage(archive: Archive, passage: Passage,
                      last: Passage | None = None) -> Attribution:
    """Whose words a whole passage (or the passages from ``passage`` to ``last``) are:
    :func:`attribute` over all their text, with ``words`` left empty."""
    last = last or passage
    if passage.id == last.id and not passage.text:
        return Attribution("", None, passage.document_id, _paragraphs(
            [_in_citing_document(archive, passage, 0, 0)]), "")
    whole = attribute(archive, passage, 0, last, len(last.text))
    return dataclasses.replace(whole, words="")


def attribute_quotation(archive: Archive, quotation_id: int) -> Attribution:
    """Whose words a quotation of the essay is (what its card cites)."""
    quotation = archive.quotation(quotation_id)
    passage = archive.passage(quotation.passage_id) if quotation else None
    if quotation is None or passage is None:
        raise ArchiveError(f"The archive {archive.path} has no quotation {quotation_id}.")
    return attribute(archive, passage, quotation.start, passage, quotation.end)


class Attributions:
    """What decides whose words a selection is, for the many selections of one export.

    Selections that :func:`attribute` attributes alike but for their words (the same
    source, document and ¶) have the same :meth:`key`, so that an export attributes and
    cites one selection of each key and reuses the answer: 100,000 highlights hold a
    few hundred. Each passage's excerpt and quotations are looked up once."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._passages: dict[str, tuple[Passage, Excerpt | None, tuple[Quotation, ...]]] = {}
        self._whole: dict[str, bool] = {}

    def key(self, first: Passage, start: int, last: Passage, end: int) -> Hashable:
        """A key for the words from offset ``start`` of ``first`` to offset ``end`` of
        ``last``, as :func:`attribute` takes them: equal keys, equal attributions."""
        if first.id != last.id or start == end:
            return (first.id, start, last.id, end)  # across passages, or none: each alone
        if start > end:
            start, end = end, start
        found = self._passages.get(first.id)
        if found is None:
            citing, excerpt = _citing(self._archive, first)
            quotations = tuple(q for q in self._archive.quotations(citing.id) if q.source_id)
            found = self._passages[first.id] = (citing, excerpt, quotations)
        citing, excerpt, quotations = found
        whole = excerpt is None and start <= 0 and end >= len(first.text) and \
            self._whole_document(first)
        if not quotations:
            return (first.id, None, whole)
        if excerpt is not None:  # as _in_citing_document places them
            start, end = (min(excerpt.start + start, excerpt.end),
                          min(excerpt.start + end, excerpt.end))
        quotation = _holding(quotations, citing.text, start, end)
        return (first.id, quotation.id if quotation else None, whole)

    def _whole_document(self, passage: Passage) -> bool:
        if passage.id not in self._whole:
            self._whole[passage.id] = _whole_document(
                self._archive, [(passage, 0, len(passage.text))])
        return self._whole[passage.id]


def find_words(text: str, words: str) -> tuple[int, int] | None:
    """Where ``words`` first stand in ``text`` (start, end), or None: runs of spaces
    match any run of spaces, and straight quotes and apostrophes match curly ones."""
    if not words.split():
        return None
    pattern = r"\s+".join(_loose(word) for word in words.split())
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def _loose(word: str) -> str:
    marks = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]',
             "”": '["“”]'}
    return "".join(marks.get(char, re.escape(char)) for char in word)


def _run(archive: Archive, first: Passage, last: Passage) -> list[Passage]:
    """The passages from ``first`` to ``last`` in reading order (either may come first)."""
    if first.id == last.id:
        return [first]
    if first.document_id != last.document_id:
        # A selection lies in one document; should two be given, the first one rules.
        return [first]
    low, high = sorted((first.seq, last.seq))
    return [p for p in archive.passages(first.document_id) if low <= p.seq <= high]


def _in_citing_document(archive: Archive, passage: Passage, start: int, end: int) -> _Span:
    """Where words of ``passage`` stand in the document that cites them: an excerpt's
    words in the essay's passage it was taken from, any other passage's where they are."""
    citing, excerpt = _citing(archive, passage)
    if excerpt is None:
        return _Span(passage, start, end, through_excerpt=False)
    # An excerpt's text is the essay's words from excerpt.start on, character for character.
    return _Span(citing, min(excerpt.start + start, excerpt.end),
                 min(excerpt.start + end, excerpt.end), through_excerpt=True)


def _citing(archive: Archive, passage: Passage) -> tuple[Passage, Excerpt | None]:
    """The passage of the citing document that holds ``passage``'s words, and the
    excerpt it was taken through (None: ``passage`` itself, which cites its own words)."""
    excerpts = archive.excerpts(passage_id=passage.id)
    if not excerpts:
        return passage, None
    excerpt = excerpts[0]
    essay_passage = archive.passage(excerpt.essay_passage_id)
    if essay_passage is None:
        return passage, None
    return essay_passage, excerpt


def _quotation_holding(archive: Archive, span: _Span) -> Quotation | None:
    """The quotation with a source that holds every word of ``span``, or None."""
    return _holding(archive.quotations(span.passage.id), span.passage.text, span.start,
                    span.end)


def _holding(quotations: Iterable[Quotation], text: str, start: int,
             end: int) -> Quotation | None:
    """Of ``quotations`` (a passage's, in order), the first with a source that holds
    every word of ``text`` from ``start`` to ``end``, or None."""
    while start < end and text[start] in _EDGES:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if start == end:
        return None
    for quotation in quotations:
        if quotation.source_id and quotation.start <= start and end <= quotation.end:
            return quotation
    return None


def _paragraphs(spans: list[_Span]) -> tuple[int, int] | None:
    numbers = [s.passage.paragraph for s in spans if s.passage.paragraph is not None]
    return (min(numbers), max(numbers)) if numbers else None


def _whole_document(archive: Archive, selected: list[tuple[Passage, int, int]]) -> bool:
    """Whether the selection is every word of its document."""
    first, start, _ = selected[0]
    last, _, end = selected[-1]
    if start > 0 or end < len(last.text):
        return False
    passages = archive.passages(first.document_id)
    return passages[0].id == first.id and passages[-1].id == last.id
