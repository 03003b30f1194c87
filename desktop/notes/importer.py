"""Import W3C Web Annotations (this application's JSON exports, and others') safely,
and Hypothesis's files of annotations, read as W3C annotations (:mod:`.hypothesis`).

The whole file is read and checked before anything is written: one bad record
stops the import and is named, and nothing changes. Every annotation is placed
on the archive's words by the same rules as re-anchoring; what cannot be placed
is kept as an orphan. An annotation already present (same id) is kept once: the
one with the newer ``modified`` wins, decided inside the transaction that writes, so
an edit saved in another window meanwhile is compared too. A date the file had far in
the future is no date of the mark's, so it never wins over a mark already present.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.archive.store import Archive
from desktop.notes import hypothesis
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, Selector, reanchor, select
from desktop.notes.boundary import at_boundary
from desktop.notes.export import Cancelled, Progress
from desktop.notes.json_file import MAX_BYTES, ImportError_, read_json
from desktop.notes.marks import AHEAD, COLOURS, Bookmark, Highlight, clean_tags, now
from desktop.notes.reanchor import DocumentTexts
from desktop.notes.store import Notes

__all__ = ["MAX_BYTES", "ImportError_", "ImportPlan", "ImportReport", "apply_import",
           "import_file", "plan_import", "read_json"]

MAX_ITEMS = 500_000
_STYLE_PREFIX = "archive-browser-"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    future_dates: int = 0
    future_kept: int = 0  # present already, so the file's date, set to now, did not win
    states: Counter[str] = field(default_factory=Counter)
    # What marks no words (a Hypothesis reply or page note), by reason: (one, several).
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Found by a Hypothesis search but not in its file (one page of a longer search).
    not_in_file: int = 0
    dry_run: bool = False

    def describe(self) -> str:
        if self.dry_run:
            text = (f"Would add {self.added} and update {self.updated}; "
                    f"{self.unchanged} already present.")
        else:
            text = (f"Added {self.added} and updated {self.updated}; "
                    f"{self.unchanged} already present.")
        if self.orphaned:
            verb = "would be" if self.dry_run else ("was" if self.orphaned == 1 else "were")
            text += (f" {self.orphaned} could not be placed on the archive's words and "
                     f"{verb} kept as orphans.")
        if self.future_dates:
            had, was = (("1 had a date", "was") if self.future_dates == 1 else
                        (f"{self.future_dates} had dates", "were"))
            text += f" {had} in the future, which {was} set to the time of the import."
        if self.future_kept:
            had, yours = (("had a date", "your version") if self.future_kept == 1 else
                          ("had dates", "your versions"))
            verb = "would be" if self.dry_run else ("was" if self.future_kept == 1 else "were")
            text += (f" {self.future_kept} already present {had} in the future in the file, "
                     f"so {yours} {verb} kept.")
        if self.skipped:
            kinds = [f"{n} {one if n == 1 else several}"
                     for (one, several), n in sorted(self.skipped.items())]
            listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
            verb = "Would skip" if self.dry_run else "Skipped"
            quote = "quotes" if sum(self.skipped.values()) == 1 else "quote"
            text += f" {verb} {listed}, which {quote} no words to highlight."
        if self.not_in_file:
            found = self.not_in_file
            text += (f" The Hypothesis search found {found:,} more annotation"
                     f"{'' if found == 1 else 's'} than this file holds: fetch the other "
                     "pages (“search_after”) and import them too.")
        return text


def annotations_in(data: Any) -> list[Any]:
    """The annotations of a collection, a page, a list, or a single annotation."""
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        items = []
        page = data.get("first")
        pages = 0
        while page is not None:
            if not isinstance(page, dict) or not isinstance(page.get("items", []), list):
                raise ImportError_("The collection's pages are not lists of annotations.")
            items.extend(page.get("items", []))
            page = page.get("next") if isinstance(page.get("next"), dict) else None
            pages += 1
            if pages > 10_000:
                raise ImportError_("The collection has too many pages.")
    elif isinstance(data, dict) and data.get("type") == "AnnotationPage":
        items = data.get("items")
        if not isinstance(items, list):
            raise ImportError_("The page's “items” is not a list of annotations.")
    elif isinstance(data, dict) and data.get("type") == "Annotation":
        items = [data]
    else:
        raise ImportError_("The file is not a W3C Web Annotation, AnnotationPage, "
                           "AnnotationCollection or list of annotations, nor a Hypothesis "
                           "export or search response.")
    return items


def _bounded(items: list[Any]) -> list[Any]:
    if len(items) > MAX_ITEMS:
        raise ImportError_(f"The file holds more than {MAX_ITEMS:,} annotations.")
    return items


# -- understanding one annotation ------------------------------------------------------


@dataclass
class Parsed:
    id: str
    kind: str  # "highlight" or "bookmark"
    uri: str
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    note: str
    tags: tuple[str, ...]
    colour: str
    label: str
    created: str
    modified: str
    dated_ahead: bool = False  # a date was too far in the future and was set to now
    modified_ahead: bool = False  # so was the date of its last change: it is not its own


def _text(value: Any, what: str, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportError_(f"{where}: {what} must be text.")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _local_id(raw: str) -> str:
    """Our id for an annotation: its own UUID, or one derived from its IRI, so that
    importing the same file twice finds the same records."""
    if raw.startswith("urn:uuid:"):
        try:
            return str(uuid.UUID(raw[9:]))
        except ValueError:
            pass
    return str(uuid.uuid5(uuid.NAMESPACE_URL, raw))


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _timestamp(value: Any, where: str, what: str) -> tuple[str, bool]:
    """A W3C date-time as UTC text ('' when absent), so that dates compare as text, and
    whether it lay more than a day ahead and was set to now.

    A date too far ahead is a wrong clock in the tool that wrote it, not a reason to
    refuse every other record: the mark is kept, dated now, and the report says so. A
    date that is no date at all is refused, naming the record.
    """
    text = _text(value, f"“{what}”", where)
    if not text:
        return "", False
    if not _DATETIME.match(text):
        raise ImportError_(f"{where}: “{what}” is not a date and time such as "
                           "2026-11-26T15:47:00Z.")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # 30 February; or beyond year 1 to 9999 in UTC
        raise ImportError_(f"{where}: “{what}” is not a real date and time.") from exc
    if moment > datetime.now(UTC) + AHEAD:
        return now(), True
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), False


def parse(item: Any, number: int, *, modified_name: str = "modified",
          position_alone: bool = False) -> Parsed:
    """Check one annotation's shape and types; name it and the problem if wrong.

    ``modified_name`` is what the file calls the date of the last change (Hypothesis
    says ``updated``); with ``position_alone`` a highlight may have a position and no
    quote, its words to be read from the passage its position is in.
    """
    where = f"Record {number}"
    if not isinstance(item, dict):
        raise ImportError_(f"{where} is not an annotation object.")
    raw_id = item.get("id")
    if isinstance(raw_id, str) and raw_id:
        where = f"Record {number} ({raw_id[:60]})"
    elif "id" in item:
        raise ImportError_(f"{where}: its “id” must be an IRI, as text.")
    else:
        raise ImportError_(f"{where} has no “id”.")
    types = _as_list(item.get("type"))
    if "Annotation" not in types:
        raise ImportError_(f"{where} is not of type “Annotation”.")
    motivations = [m for m in _as_list(item.get("motivation")) if isinstance(m, str)]
    targets = _as_list(item.get("target"))
    if not targets:
        raise ImportError_(f"{where} has no “target”.")
    target = targets[0]
    if isinstance(target, str):
        target = {"source": target}
    if not isinstance(target, dict):
        raise ImportError_(f"{where}: the target must be an IRI or an object.")
    uri = _text(target.get("source") or target.get("id"), "the target’s “source”", where)
    exact = prefix = suffix = ""
    start = end = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            raise ImportError_(f"{where}: a selector must be an object.")
        kind = selector.get("type")
        if kind == "TextQuoteSelector":
            exact = _text(selector.get("exact"), "the quote’s “exact”", where)
            prefix = _text(selector.get("prefix"), "the quote’s “prefix”", where)
            suffix = _text(selector.get("suffix"), "the quote’s “suffix”", where)
        elif kind == "TextPositionSelector":
            start, end = selector.get("start"), selector.get("end")
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
                    or isinstance(end, bool) or not 0 <= start < end:
                raise ImportError_(f"{where}: the position’s “start” and “end” must be whole "
                                   "numbers, start before end.")
    if not uri and not exact:
        raise ImportError_(f"{where}: the target names neither a passage nor the words.")
    note_parts, tags, label = [], [], ""
    bodies = _as_list(item.get("body"))
    if "bodyValue" in item:
        bodies.append({"type": "TextualBody", "value": item["bodyValue"]})
    for body in bodies:
        if isinstance(body, str):
            continue  # a body that is only an IRI carries nothing to keep here
        if not isinstance(body, dict):
            raise ImportError_(f"{where}: a body must be an object or an IRI.")
        value = _text(body.get("value"), "a body’s “value”", where)
        purposes = _as_list(body.get("purpose")) or motivations[:1]
        if "tagging" in purposes:
            tags.append(value)
        elif "bookmarking" in motivations and "describing" in purposes:
            label = value
        elif value:
            note_parts.append(value)
    colour = COLOURS[0]
    style = target.get("styleClass")
    if isinstance(style, str) and style.startswith(_STYLE_PREFIX) and \
            style[len(_STYLE_PREFIX):] in COLOURS:
        colour = style[len(_STYLE_PREFIX):]
    kind = "bookmark" if "bookmarking" in motivations else "highlight"
    if kind == "highlight" and not exact and not (position_alone and start is not None):
        raise ImportError_(f"{where}: a highlight needs a TextQuoteSelector with the words.")
    created, ahead = _timestamp(item.get("created"), where, "created")
    modified, later_ahead = _timestamp(item.get("modified"), where, modified_name)
    return Parsed(_local_id(raw_id), kind, uri, exact, prefix, suffix, start, end,
                  "\n\n".join(note_parts), clean_tags(tags), colour, label, created,
                  modified or created, ahead or later_ahead,
                  later_ahead if modified else ahead)


def _dates(p: Parsed) -> tuple[str, str]:
    created = p.created or now()
    return created, p.modified or created


# -- placing and merging ---------------------------------------------------------------


def _place(parsed: Parsed, texts: DocumentTexts, uri_documents: dict[str, str]
           ) -> tuple[str, str, Selector]:
    """(state, document id, selector) for an imported highlight."""
    start = parsed.start if parsed.start is not None else 0
    end = parsed.end if parsed.end is not None else start + len(parsed.exact)
    selector = Selector(parsed.uri, start, end, parsed.exact, parsed.prefix, parsed.suffix)
    document = uri_documents.get(parsed.uri)
    searched = [document] if document else texts.documents
    for document_id in searched:
        anchor = reanchor(selector, texts.of(document_id))
        if anchor.state != ORPHANED:
            return _state(parsed, selector, anchor.selector), document_id, anchor.selector
    return ORPHANED, document or "", selector


def _state(parsed: Parsed, asked: Selector, found: Selector) -> str:
    """An imported highlight is anchored when its words are where the file says: at
    its position, or, for a file that gives none, in the passage it names. Found
    anywhere else, or only as similar words, it has moved."""
    if found == asked:
        return ANCHORED
    if parsed.start is None and (found.uri, found.exact) == (parsed.uri, parsed.exact):
        return ANCHORED
    return MOVED


@dataclass
class ImportPlan:
    """What importing a file would do, worked out once: shown as a preview, then written."""

    report: ImportReport
    highlights: list[Highlight]
    bookmarks: list[Bookmark]
    # Marks with a date far ahead, set to now; those whose last change was so dated
    # come in only as new marks.
    dated_now: set[str] = field(default_factory=set)
    only_new: set[str] = field(default_factory=set)


@at_boundary
def plan_import(notes: Notes, archive: Archive, path: Path, *,
                progress: Progress | None = None) -> ImportPlan:
    """Read, check and place every annotation of a JSON file; write nothing.

    Raises :class:`ImportError_` naming the first bad record, and :class:`Cancelled`
    when ``progress`` returns False.
    """
    data = read_json(path)
    from_hypothesis = hypothesis.holds_hypothesis(data)
    items = _bounded(hypothesis.annotations_in(data) if from_hypothesis else
                     annotations_in(data))
    parsed = []
    skipped: Counter[tuple[str, str]] = Counter()
    for number, item in enumerate(items, 1):
        if not from_hypothesis:
            parsed.append(parse(item, number))
        elif isinstance(converted := hypothesis.to_web_annotation(item, number),
                        hypothesis.Skipped):
            skipped[converted.reason] += 1
        else:
            parsed.append(parse(converted, number, modified_name="updated",
                                position_alone=True))
        if progress is not None and number % 500 == 0 and not progress(number, len(items) * 2):
            raise Cancelled
    uris = {p.uri for p in parsed if p.uri}
    places = {uri: passage for uri, (_n, passage) in archive.places(sorted(uris)).items()}
    uri_documents = {uri: passage.document_id for uri, passage in places.items()}
    uri_texts = {uri: passage.text for uri, passage in places.items()}
    texts = DocumentTexts(archive)
    # For the preview; the write decides again, in its transaction (Notes.merge).
    existing = notes.modified_dates()
    plan = ImportPlan(ImportReport(dry_run=True, skipped=skipped,
                                   not_in_file=hypothesis.not_in_file(data)), [], [])
    report = plan.report
    seen: set[str] = set()
    for number, p in enumerate(parsed, 1):
        if progress is not None and number % 500 == 0 and \
                not progress(len(items) + number, len(items) * 2):
            raise Cancelled
        if p.id in seen:
            continue  # the file repeats itself: keep the first
        seen.add(p.id)
        if p.kind == "highlight" and not p.exact:
            located = _at_position(p, uri_texts)
            if located is None:
                report.skipped[hypothesis.NO_QUOTE] += 1
                continue
            p = located
        old = existing.get(p.id)
        if old is not None and (p.modified_ahead or old >= p.modified):
            report.unchanged += 1
            report.future_kept += p.modified_ahead
            continue
        if p.kind == "bookmark":
            item: Highlight | Bookmark = _bookmark(p, archive, texts, uri_documents)
            plan.bookmarks.append(item)
        else:
            state, document_id, selector = _place(p, texts, uri_documents)
            item = Highlight(p.id, archive.archive_id, document_id, selector, p.colour,
                             p.note, p.tags, state, *_dates(p))
            plan.highlights.append(item)
        if p.dated_ahead:
            plan.dated_now.add(p.id)
        if p.modified_ahead:
            plan.only_new.add(p.id)
        _count(report, item, p.dated_ahead, added=old is None)
    return plan


def _at_position(p: Parsed, passages: dict[str, str]) -> Parsed | None:
    """A highlight given only by its position, with its words read from its passage;
    None when it names no passage of this archive or reaches past the passage's end: a
    position in another document's text holds no words to look for here."""
    text = passages.get(p.uri)
    if text is None or p.start is None or p.end is None or p.end > len(text):
        return None
    words = select(p.uri, text, p.start, p.end)
    return replace(p, exact=words.exact, prefix=words.prefix, suffix=words.suffix)


def _count(report: ImportReport, mark: Highlight | Bookmark, dated_ahead: bool, *,
           added: bool) -> None:
    report.states[mark.state] += 1
    report.orphaned += mark.state == ORPHANED
    report.future_dates += dated_ahead
    report.added += added
    report.updated += not added


@at_boundary
def apply_import(notes: Notes, plan: ImportPlan) -> ImportReport:
    """Write what :func:`plan_import` worked out, after a backup, in one transaction,
    and report what that transaction wrote.

    Whether an imported mark is newer than the stored one is decided inside the
    transaction: a mark changed since the plan was made (in another window, say, while
    the backup ran) and now at least as new as the imported one is left as it is, and
    counted as already present. Read-only notes are refused before anything is done.
    """
    notes.ensure_writable()
    report = replace(plan.report, dry_run=False, added=0, updated=0, orphaned=0,
                     future_dates=0, states=Counter())
    marks = [*plan.highlights, *plan.bookmarks]
    if marks:
        notes.backup()  # what was there before the import can always be had back
        added, updated = notes.merge(plan.highlights, plan.bookmarks, only_new=plan.only_new)
    else:
        added = updated = set()
    for mark in marks:
        if mark.id in added or mark.id in updated:
            _count(report, mark, mark.id in plan.dated_now, added=mark.id in added)
        else:
            report.unchanged += 1
            report.future_kept += mark.id in plan.only_new
    return report


@at_boundary
def import_file(notes: Notes, archive: Archive, path: Path, *, dry_run: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Import annotations from a JSON file: all of them, or none and a clear error.
    Read-only notes are refused before the file is read, unless it is a dry run."""
    if not dry_run:
        notes.ensure_writable()
    plan = plan_import(notes, archive, path, progress=progress)
    return plan.report if dry_run else apply_import(notes, plan)


def _bookmark(p: Parsed, archive: Archive, texts: DocumentTexts,
              uri_documents: dict[str, str]) -> Bookmark:
    document = uri_documents.get(p.uri)
    if document is not None:
        return Bookmark(p.id, archive.archive_id, document, p.uri, p.label, p.exact, ANCHORED,
                        *_dates(p))
    for document_id in texts.documents:
        for passage in texts.of(document_id):
            if p.exact and passage.text.startswith(p.exact):
                return Bookmark(p.id, archive.archive_id, document_id, passage.uri, p.label,
                                p.exact, MOVED, *_dates(p))
    return Bookmark(p.id, archive.archive_id, "", p.uri, p.label, p.exact, ORPHANED,
                    *_dates(p))
