"""The former one-line citations, and ``human_date``.

Citations are now decided by :mod:`desktop.archive.attribution` (whose words) and
rendered by :mod:`desktop.archive.styles` (Chicago, MLA, APA through CSL):
``quote_with_citation(archive, attribute(archive, first, start, last, end))`` is what
Copy with Citation should copy. :func:`citation` and :func:`cite` keep their former
output unchanged for the callers not yet moved to those functions (the Markdown and CSV
export, the window's Copy with Citation); they are to be removed once nothing calls them.
"""

from __future__ import annotations

from desktop.archive.places import paragraph_sign, place
from desktop.archive.store import Archive, Document, Passage

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def human_date(date: str | None) -> str:
    """``2008-02`` → ``February 2008``; ``1922`` stays; anything else is returned as is."""
    if not date:
        return ""
    year, _, month = date.partition("-")
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTHS[int(month) - 1]} {year}"
    return date


def _reference(document: Document, where: str) -> str:
    parts = [p for p in (document.author, f"“{document.title}”", human_date(document.date),
                         where) if p]
    return ", ".join(parts)


def citation(archive: Archive, passage: Passage, last: Passage | None = None) -> str:
    """A citation naming author, title, date and ¶ (or ¶ 7–8 for words across two).

    An excerpt of the minutes or the letter is cited where the essay has it: a
    quotation as the source's words quoted in the essay, a report as the essay's.
    """
    document = archive.document(passage.document_id)
    if document is None:
        return place(passage)
    excerpts = archive.excerpts(passage_id=passage.id)
    essay_passage = archive.passage(excerpts[0].essay_passage_id) if excerpts else None
    essay = archive.document(essay_passage.document_id) if essay_passage else None
    if excerpts and essay_passage is not None and essay is not None:
        in_essay = _reference(essay, place(essay_passage))
        if excerpts[0].mode == "quoted":
            source = ", ".join(p for p in (document.author, f"“{document.title}”",
                                           human_date(document.date)) if p)
            return f"{source}, quoted in {in_essay}"
        return f"{in_essay}, reporting “{document.title}”"
    where = place(passage)
    if last is not None and last.id != passage.id and last.paragraph and passage.paragraph:
        where = paragraph_sign(passage.paragraph, last.paragraph)
    return _reference(document, where)


def cite(archive: Archive, passage: Passage, words: str | None = None,
         last: Passage | None = None) -> str:
    """The text to copy: the words (or the whole passage) and their citation."""
    reference = citation(archive, passage, last)
    if words:
        return f"“{' '.join(words.split())}” ({reference})"
    return f"{passage.text}\n— {reference}"
