"""Pinpoint citations of passages and words of the archive."""

from __future__ import annotations

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


def place(passage: Passage) -> str:
    """Where in its document a passage stands: ``¶ 8``, or its kind."""
    return f"¶ {passage.paragraph}" if passage.paragraph is not None else passage.kind


def _reference(document: Document, passage: Passage) -> str:
    parts = [p for p in (document.author, f"“{document.title}”", human_date(document.date),
                         place(passage)) if p]
    return ", ".join(parts)


def citation(archive: Archive, passage: Passage) -> str:
    """A citation naming author, title, date and ¶ (and, for an excerpt, where it is quoted)."""
    document = archive.document(passage.document_id)
    if document is None:
        return place(passage)
    reference = _reference(document, passage)
    excerpts = archive.excerpts(passage_id=passage.id)
    if excerpts:
        essay_passage = archive.passage(excerpts[0].essay_passage_id)
        essay = archive.document(essay_passage.document_id) if essay_passage else None
        if essay_passage is not None and essay is not None:
            verb = "quoted" if excerpts[0].mode == "quoted" else "reported"
            reference += f"; {verb} in {_reference(essay, essay_passage)}"
    return reference


def cite(archive: Archive, passage: Passage, words: str | None = None) -> str:
    """The text to copy: the words (or the whole passage) and their citation."""
    reference = citation(archive, passage)
    if words:
        return f"“{words.strip()}” ({reference})"
    return f"{passage.text}\n— {reference}"
