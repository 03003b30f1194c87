"""Import W3C Web Annotations (this application's JSON exports, and others') safely,
and Hypothesis's files of annotations, read as W3C annotations (:mod:`.hypothesis`).

An annotation with several targets is a highlight across passages, a part for each
target in the order given; one whose motivation is ``linking`` with two targets is a
link from the first to the second, its relation the ``classifying`` body (as the
export writes it).

The whole file is read and checked before anything is written: one bad record
stops the import and is named, and nothing changes. Every annotation is placed
on the archive's words by the same rules as re-anchoring; what cannot be placed
is kept as an orphan. An annotation already present (same id) is kept once: the
one with the newer ``modified`` wins, decided inside the transaction that writes, so
an edit saved in another window meanwhile is compared too. A date the file had far in
the future is no date of the mark's, so it never wins over a mark already present.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn

import msgspec
from msgspec import UNSET, UnsetType

from desktop.archive.store import Archive, Passage
from desktop.notes import hypothesis
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, Selector, reanchor, select
from desktop.notes.boundary import at_boundary
from desktop.notes.bulk import without_collecting
from desktop.notes.errors import Cancelled
from desktop.notes.json_file import MAX_BYTES, ImportError_, Lines, read_json, text_field
from desktop.notes.marks import (
    AHEAD,
    COLOURS,
    MAX_PARTS,
    MAX_POSITION,
    Bookmark,
    End,
    Highlight,
    Link,
    Part,
    clean_relation,
    clean_tags,
    now,
)
from desktop.notes.reanchor import DocumentTexts
from desktop.notes.store import Notes

if TYPE_CHECKING:
    from desktop.notes.export import Progress

__all__ = ["MAX_BYTES", "ImportError_", "ImportPlan", "ImportReport", "apply_import",
           "import_file", "plan_import", "read_json"]

MAX_ITEMS = 500_000
_STYLE_PREFIX = "archive-browser-"
_STYLE_COLOURS = {_STYLE_PREFIX + colour: colour for colour in COLOURS}  # a target's class


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
            kept = "an orphan" if self.orphaned == 1 else "orphans"
            text += (f" {self.orphaned} could not be placed on the archive's words and "
                     f"{verb} kept as {kept}.")
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


class Quote(NamedTuple):
    """The words a target names: its source, quote and position (either may be missing)."""

    uri: str
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None


@dataclass(slots=True)
class Parsed:
    id: str
    kind: str  # "highlight", "bookmark" or "link"
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
    # The targets after the first: a highlight's further parts, or a link's second end.
    more: tuple[Quote, ...] = ()
    relation: str = ""  # a link's

    @property
    def quotes(self) -> tuple[Quote, ...]:
        """Every target's words, the first's included, in the file's order."""
        return (Quote(self.uri, self.exact, self.prefix, self.suffix, self.start, self.end),
                *self.more)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _local_id(raw: str) -> str:
    """Our id for an annotation: its own UUID, or one derived from its IRI, so that
    importing the same file twice finds the same records."""
    if raw.startswith("urn:uuid:"):
        own = raw[9:]
        if _UUID.fullmatch(own):
            return own  # as str(uuid.UUID(own)) writes it
        # Fewer than 32 characters, or not 32 digits once uuid.UUID() has taken out
        # what it allows around them: no UUID, as it would say.
        if len(own) >= 32 and len(own.replace("urn:", "").replace("uuid:", "").strip("{}")
                                  .replace("-", "")) == 32:
            try:
                return str(uuid.UUID(own))
            except ValueError:
                pass
    return _uuid5(raw)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(uuid.NAMESPACE_URL, name))``, as its hexadecimal digits: the
    first 32 of the SHA-1 of the namespace and the name, with the version (5) in the
    13th and the variant's two bits (10) at the top of the 17th."""
    h = hashlib.sha1(_URL_NAMESPACE + name.encode("utf-8")).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_OWN_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_latest: tuple[int, str] = (-1, "")


def _latest_own_date() -> str:
    """The latest date that is a mark's own, a day ahead of now, as this application
    writes dates: worked out once a second, not for each of 100,000."""
    global _latest
    second = int(time.monotonic())
    if _latest[0] != second:
        _latest = (second, (datetime.now(UTC) + AHEAD).isoformat(
            timespec="milliseconds").replace("+00:00", "Z"))
    return _latest[1]


def _timestamp(value: Any, where: str, what: str) -> tuple[str, bool]:
    """A W3C date-time as UTC text ('' when absent), so that dates compare as text, and
    whether it lay more than a day ahead and was set to now.

    A date too far ahead is a wrong clock in the tool that wrote it, not a reason to
    refuse every other record: the mark is kept, dated now, and the report says so. A
    date that is no date at all is refused, naming the record.
    """
    text = value if type(value) is str else text_field(value, f"“{what}”", where)
    if not text:
        return "", False
    if _OWN_STAMP.fullmatch(text):  # as this application writes them: already UTC text
        try:
            datetime.fromisoformat(text)  # a day there is (not 30 February)
        except ValueError:
            pass  # said below
        else:
            if text <= _latest_own_date():  # as text: the same form, so the same order
                return text, False
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
    if len(targets) > MAX_PARTS:
        raise ImportError_(f"{where} has more than {MAX_PARTS} targets, the most one "
                           "highlight across passages has.")
    targets = [{"source": t} if isinstance(t, str) else t for t in targets]
    for target in targets:
        if not isinstance(target, dict):
            raise ImportError_(f"{where}: the target must be an IRI or an object.")
    quotes = [_quote(target, where) for target in targets]
    if "bookmarking" in motivations:
        kind = "bookmark"
    elif "linking" in motivations and len(quotes) == 2:
        kind = "link"
    else:
        kind = "highlight"
    note_parts, tags, label, relation = [], [], "", ""
    bodies = _as_list(item.get("body"))
    if "bodyValue" in item:
        bodies.append({"type": "TextualBody", "value": item["bodyValue"]})
    for body in bodies:
        if isinstance(body, str):
            continue  # a body that is only an IRI carries nothing to keep here
        if not isinstance(body, dict):
            raise ImportError_(f"{where}: a body must be an object or an IRI.")
        value = body.get("value")
        if type(value) is not str:
            value = text_field(value, "a body’s “value”", where)
        purposes = _as_list(body.get("purpose")) or motivations[:1]
        if "tagging" in purposes:
            tags.append(value)
        elif "bookmarking" in motivations and "describing" in purposes:
            label = value
        elif kind == "link" and "classifying" in purposes and not relation:
            try:
                relation = clean_relation(value)
            except ValueError as exc:
                raise ImportError_(f"{where}: a link's relation {exc}.") from exc
        elif value:
            note_parts.append(value)
    style = targets[0].get("styleClass")
    colour = _STYLE_COLOURS.get(style, COLOURS[0]) if type(style) is str else COLOURS[0]
    if kind == "highlight" and len(quotes) > 1:
        # Of several targets, those that name words are the parts: a target that is a
        # whole page (another tool's) holds nothing to highlight.
        quotes = [q for q in quotes if q.exact] or quotes[:1]
    first = quotes[0]
    if kind == "highlight" and not first.exact and not (position_alone and
                                                        first.start is not None):
        raise ImportError_(f"{where}: a highlight needs a TextQuoteSelector with the words.")
    if kind == "link" and not (first.exact and quotes[1].exact):
        raise ImportError_(f"{where}: each end of a link needs a TextQuoteSelector with the "
                           "words.")
    created, ahead = _timestamp(item.get("created"), where, "created")
    if item.get("modified") == item.get("created"):  # as for any mark never changed
        modified, later_ahead = created, ahead
    else:
        modified, later_ahead = _timestamp(item.get("modified"), where, modified_name)
    more = tuple(quotes[1:]) if kind != "bookmark" else ()  # a bookmark marks one passage
    return Parsed(_local_id(raw_id), kind, first.uri, first.exact, first.prefix, first.suffix,
                  first.start, first.end, "\n\n".join(note_parts), clean_tags(tags), colour,
                  label, created, modified or created, ahead or later_ahead,
                  later_ahead if modified else ahead, more,
                  relation or ("see also" if kind == "link" else ""))


# What this application's export writes in a highlight of one part, for parse_own().
_HIGHLIGHTING = frozenset({"highlighting", "tagging", "commenting"})


def parse_own(item: Any) -> Parsed | None:
    """:func:`parse` of an annotation laid out as this application's export writes a
    highlight of one part (one target, its quote and position, a note and tags as
    bodies, dates as it writes them), with the checks :func:`parse` makes, each asked as
    directly as it can be; None for any other annotation, and for one that any check
    would refuse: :func:`parse` then decides, and names what is wrong. Nearly every
    annotation of an export of 100,000 is of this kind (read as :class:`Own` records,
    it is :func:`parse_typed` that reads them)."""
    if type(item) is not dict or item.get("type") != "Annotation" or "bodyValue" in item:
        return None
    raw_id, motivation, target = item.get("id"), item.get("motivation"), item.get("target")
    if type(raw_id) is not str or not raw_id or type(motivation) is not str or \
            motivation not in _HIGHLIGHTING or type(target) is not dict:
        return None
    selectors = target.get("selector")
    if type(selectors) is not list or len(selectors) != 2:
        return None
    words, position = selectors
    if type(words) is not dict or type(position) is not dict or \
            words.get("type") != "TextQuoteSelector" or \
            position.get("type") != "TextPositionSelector":
        return None
    body = item.get("body")
    bodies = [] if body is None else body if type(body) is list else [body]
    for each in bodies:
        if type(each) is not dict:
            return None
    return _own(raw_id, target.get("source") or target.get("id"), words.get("exact"),
                words.get("prefix"), words.get("suffix"), position.get("start"),
                position.get("end"), [(each.get("purpose"), each.get("value"))
                                      for each in bodies],
                item.get("created"), item.get("modified"), target.get("styleClass"))


def parse_typed(item: Own) -> Parsed | None:
    """:func:`parse_own` of an annotation read as an :class:`Own` record (the types of
    its fields checked as it was read)."""
    raw_id, target = item.id, item.target
    if item.type != "Annotation" or type(raw_id) is not str or not raw_id or \
            item.motivation not in _HIGHLIGHTING or type(target) is not _OwnTarget:
        return None
    selectors = target.selector
    if type(selectors) is not list or len(selectors) != 2:
        return None
    words, position = selectors
    if type(words) is not _OwnQuote or type(position) is not _OwnPosition:
        return None
    body = item.body
    bodies = () if body is UNSET else body if type(body) is list else (body,)
    return _own(raw_id, target.source or None, words.exact, words.prefix, words.suffix,
                position.start, position.end, [(each.purpose, each.value) for each in bodies],
                item.created, item.modified, target.styleClass)


def _own(raw_id: str, uri: Any, exact: Any, prefix: Any, suffix: Any, start: Any, end: Any,
         bodies: list[tuple[Any, Any]], created: Any, modified: Any,
         style: Any) -> Parsed | None:
    """The highlight :func:`parse_own` reads, from the fields it found where this
    application's export writes them; None when any check would refuse it."""
    if not (type(exact) is type(prefix) is type(suffix) is type(uri) is str) or not exact \
            or type(start) is not int or type(end) is not int \
            or not 0 <= start < end <= MAX_POSITION:
        return None
    notes, tags = [], []
    for purpose, value in bodies:
        if type(value) is not str:
            return None
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "commenting":
            if value:
                notes.append(value)
        else:
            return None
    if modified == created:  # as for any mark never changed: one string kept for both
        modified = created
    for stamp in (created,) if modified is created else (created, modified):
        if type(stamp) is not str or not _OWN_STAMP.fullmatch(stamp) or \
                stamp > _latest_own_date():
            return None
        try:
            datetime.fromisoformat(stamp)  # a day there is (not 30 February)
        except ValueError:
            return None
    colour = _STYLE_COLOURS.get(style, COLOURS[0]) if type(style) is str else COLOURS[0]
    return Parsed(_local_id(raw_id), "highlight", uri, exact, prefix, suffix, start, end,
                  "\n\n".join(notes), clean_tags(tags), colour, "", created, modified)


# -- this application's annotations, read as records ---------------------------------
#
# The layout of the annotations this application exports, as msgspec records: read so,
# an export's lines cost about half what they cost as dictionaries (see
# json_file.Lines.items). Every field may be absent (UNSET), so that any annotation of
# an export is read so, bookmarks and links too; any other key, or a value of another
# type, and the lines are read as dictionaries, by the checking parse's rules.

_Whole = Annotated[int, msgspec.Meta(gt=-10**15, lt=10**15)]  # as the checking parse bounds


class _OwnBody(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    type: str | UnsetType = UNSET
    value: str | UnsetType = UNSET
    format: str | UnsetType = UNSET
    purpose: str | UnsetType = UNSET


class _OwnQuote(msgspec.Struct, tag_field="type", tag="TextQuoteSelector",
                forbid_unknown_fields=True, omit_defaults=True):
    exact: str | UnsetType = UNSET
    prefix: str | UnsetType = UNSET
    suffix: str | UnsetType = UNSET


class _OwnPosition(msgspec.Struct, tag_field="type", tag="TextPositionSelector",
                   forbid_unknown_fields=True, omit_defaults=True):
    start: _Whole | UnsetType = UNSET
    end: _Whole | UnsetType = UNSET


_OwnSelector = _OwnQuote | _OwnPosition


class _OwnTarget(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    source: str | UnsetType = UNSET
    styleClass: str | UnsetType = UNSET  # the model's name
    selector: list[_OwnSelector] | _OwnSelector | UnsetType = UNSET


class _OwnStylesheet(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    type: str | UnsetType = UNSET
    value: str | UnsetType = UNSET


class Own(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """An annotation as this application exports one (a highlight, bookmark or link)."""

    context: str | UnsetType = msgspec.field(name="@context", default=UNSET)
    id: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    motivation: str | UnsetType = UNSET
    created: str | UnsetType = UNSET
    modified: str | UnsetType = UNSET
    body: list[_OwnBody] | _OwnBody | UnsetType = UNSET
    stylesheet: _OwnStylesheet | UnsetType = UNSET
    target: list[_OwnTarget] | _OwnTarget | UnsetType = UNSET


_OWN_LINES = msgspec.json.Decoder(list[Own])


def _parsed_item(item: Any, number: int) -> Parsed:
    """An annotation of the file (a record or as parsed), read quickly when it can be."""
    if type(item) is Own:
        return parse_typed(item) or parse(msgspec.to_builtins(item), number)
    return parse_own(item) or parse(item, number)


def _quote(target: dict[str, Any], where: str) -> Quote:
    """The words one target names; refused, naming the record, when a field is wrong.
    (Text is taken as it is, and anything else checked by text_field(): this is done
    for each of 100,000 annotations.)"""
    uri = target.get("source") or target.get("id")
    if type(uri) is not str:
        uri = text_field(uri, "the target’s “source”", where)
    exact = prefix = suffix = ""
    start = end = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            raise ImportError_(f"{where}: a selector must be an object.")
        kind = selector.get("type")
        if kind == "TextQuoteSelector":
            exact, prefix, suffix = selector.get("exact"), selector.get("prefix"), \
                selector.get("suffix")
            if not (type(exact) is type(prefix) is type(suffix) is str):
                exact = text_field(exact, "the quote’s “exact”", where)
                prefix = text_field(prefix, "the quote’s “prefix”", where)
                suffix = text_field(suffix, "the quote’s “suffix”", where)
        elif kind == "TextPositionSelector":
            start, end = selector.get("start"), selector.get("end")
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
                    or isinstance(end, bool) or not 0 <= start < end <= MAX_POSITION:
                raise ImportError_(f"{where}: the position’s “start” and “end” must be whole "
                                   "numbers, start before end, within a passage.")
    if not uri and not exact:
        raise ImportError_(f"{where}: the target names neither a passage nor the words.")
    return Quote(uri, exact, prefix, suffix, start, end)


def _dates(p: Parsed) -> tuple[str, str]:
    created = p.created or now()
    return created, p.modified or created


# -- placing and merging ---------------------------------------------------------------


def _place(quote: Quote | Parsed, texts: DocumentTexts, places: dict[str, Passage],
           document: str = "") -> tuple[str, str, Selector]:
    """(state, document id, selector) for imported words: looked for in ``document``
    when given (a highlight's further parts, in its first's), else in the document of
    the passage their URI names, else in every document."""
    start = quote.start if quote.start is not None else 0
    end = quote.end if quote.end is not None else start + len(quote.exact)
    selector = Selector(quote.uri, start, end, quote.exact, quote.prefix, quote.suffix)
    home = places.get(quote.uri)
    document = document or (home.document_id if home else "")
    if home is not None and home.document_id == document and \
            home.text[start:end] == quote.exact:
        return ANCHORED, document, selector  # where the file says: as reanchor() finds it
    searched = [document] if document else texts.documents
    for document_id in searched:
        anchor = reanchor(selector, texts.of(document_id))
        if anchor.state != ORPHANED:
            return _state(quote, selector, anchor.selector), document_id, anchor.selector
    return ORPHANED, document, selector


def _highlight(p: Parsed, archive_id: str, texts: DocumentTexts,
               places: dict[str, Passage]) -> Highlight:
    """An imported highlight, each part placed by the rules of re-anchoring: the first
    decides the document (or, found nowhere, the first of the others found), and the
    others are looked for in it, as re-anchoring looks for them."""
    if not p.more:  # words of one passage, as nearly every highlight is
        state, document, selector = _place(p, texts, places)  # as a Quote, its words
        created = p.created or now()
        return Highlight(p.id, archive_id, document, selector, p.colour, p.note, p.tags,
                         state, created, p.modified or created)
    first, more = p.quotes[0], p.more
    state, document, selector = _place(first, texts, places)
    for quote in more if not document else ():
        document = _place(quote, texts, places)[1]
        if document:
            break
    highlight = Highlight(p.id, archive_id, document, selector, p.colour, p.note, p.tags,
                          state, *_dates(p))
    placed = [_place(quote, texts, places, document) for quote in more]
    return highlight.with_parts((Part(selector, state),
                                 *(Part(where, how) for how, _d, where in placed)))


def _link(p: Parsed, archive_id: str, texts: DocumentTexts,
          places: dict[str, Passage]) -> Link:
    """An imported link, each end placed on its own, as re-anchoring places it."""
    first, second = (End(document, selector, state) for state, document, selector in
                     (_place(quote, texts, places) for quote in p.quotes))
    return Link(p.id, archive_id, first, second, p.relation, p.note, *_dates(p))


def _state(quote: Quote | Parsed, asked: Selector, found: Selector) -> str:
    """Imported words are anchored when they are where the file says: at their
    position, or, for a target that gives none, in the passage it names. Found
    anywhere else, or only as similar words, they have moved."""
    if found == asked:
        return ANCHORED
    if quote.start is None and (found.uri, found.exact) == (quote.uri, quote.exact):
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
    links: list[Link] = field(default_factory=list)


@at_boundary
@without_collecting()
def plan_import(notes: Notes, archive: Archive, path: Path, *,
                progress: Progress | None = None) -> ImportPlan:
    """Read, check and place every annotation of a JSON file; write nothing.

    Raises :class:`ImportError_` naming the first bad record, and :class:`Cancelled`
    when ``progress`` returns False.
    """
    data = read_json(path)
    if isinstance(data, Lines):  # this application's export: parsed as it is read
        items: Iterable[Any] = data.items(_OWN_LINES)
        total, data = data.count, data.head
        from_hypothesis = False
    else:
        from_hypothesis = hypothesis.holds_hypothesis(data)
        items = _bounded(hypothesis.annotations_in(data) if from_hypothesis else
                         annotations_in(data))
        total = len(items)
    parsed = []
    skipped: Counter[tuple[str, str]] = Counter()
    each = iter(items)
    try:
        for number, item in enumerate(each, 1):
            if not from_hypothesis:
                parsed.append(_parsed_item(item, number))
            elif isinstance(converted := hypothesis.to_web_annotation(item, number),
                            hypothesis.Skipped):
                skipped[converted.reason] += 1
            else:
                parsed.append(parse(converted, number, modified_name="updated",
                                    position_alone=True))
            if progress is not None and number % 500 == 0 and not progress(number, total * 2):
                _cancel()
    except ImportError_:
        # What is wrong with the file as JSON is said first, as when it is read whole.
        for _rest in each:
            pass
        raise
    uris = {p.uri for p in parsed if p.uri} | {q.uri for p in parsed for q in p.more if q.uri}
    places = {uri: passage for uri, (_n, passage) in archive.places(sorted(uris)).items()}
    texts = DocumentTexts(archive)
    # For the preview; the write decides again, in its transaction (Notes.merge).
    existing = notes.modified_dates()
    plan = ImportPlan(ImportReport(dry_run=True, skipped=skipped,
                                   not_in_file=hypothesis.not_in_file(data)), [], [])
    report = plan.report
    seen: set[str] = set()
    added = 0
    for number, p in enumerate(parsed, 1):
        if progress is not None and number % 500 == 0 and \
                not progress(total + number, total * 2):
            _cancel()
        if p.id in seen:
            continue  # the file repeats itself: keep the first
        seen.add(p.id)
        if p.kind == "highlight" and not p.exact:
            located = _at_position(p, places)
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
            item: Highlight | Bookmark | Link = _bookmark(p, archive, texts, places)
            plan.bookmarks.append(item)
        elif p.kind == "link":
            item = _link(p, archive.archive_id, texts, places)
            plan.links.append(item)
        else:
            item = _highlight(p, archive.archive_id, texts, places)
            plan.highlights.append(item)
        if p.dated_ahead:
            plan.dated_now.add(p.id)
        if p.modified_ahead:
            plan.only_new.add(p.id)
        added += old is None
    made = [*plan.highlights, *plan.bookmarks, *plan.links]
    _count(report, made, len(plan.dated_now), added=added)
    return plan


def _cancel() -> NoReturn:
    raise Cancelled  # the same exception as a cancelled export's, which the windows catch


def _at_position(p: Parsed, places: dict[str, Passage]) -> Parsed | None:
    """A highlight given only by its position, with its words read from its passage;
    None when it names no passage of this archive or reaches past the passage's end: a
    position in another document's text holds no words to look for here."""
    passage = places.get(p.uri)
    text = passage.text if passage is not None else None
    if text is None or p.start is None or p.end is None or p.end > len(text):
        return None
    words = select(p.uri, text, p.start, p.end)
    return replace(p, exact=words.exact, prefix=words.prefix, suffix=words.suffix)


def _count(report: ImportReport, marks: Sequence[Highlight | Bookmark | Link],
           dated_ahead: int, *, added: int) -> None:
    """Count ``marks`` written (or to be): ``dated_ahead`` of them with a date set to
    now, ``added`` of them new, the others updated."""
    states = Counter(mark.state for mark in marks)
    report.states.update(states)
    report.orphaned += states[ORPHANED]
    report.future_dates += dated_ahead
    report.added += added
    report.updated += len(marks) - added


@at_boundary
@without_collecting()
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
    marks = [*plan.highlights, *plan.bookmarks, *plan.links]
    if marks:
        notes.backup()  # what was there before the import can always be had back
        # Written in the order of their ids (Notes.merge sorts the rows it writes).
        with _room_to_write(notes, len(marks)):
            added, updated = notes.merge(plan.highlights, plan.bookmarks, plan.links,
                                         only_new=plan.only_new, tags_clean=True)
    else:
        added = updated = set()
    written = marks if len(added) + len(updated) == len(marks) else \
        [mark for mark in marks if mark.id in added or mark.id in updated]
    _count(report, written, sum(mark.id in plan.dated_now for mark in written)
           if plan.dated_now else 0, added=len(added))
    for mark in marks if written is not marks else ():
        if mark.id not in added and mark.id not in updated:
            report.unchanged += 1
            report.future_kept += mark.id in plan.only_new
    return report


@contextmanager
def _room_to_write(notes: Notes, count: int) -> Iterator[None]:
    """For the transaction that writes ``count`` marks, a page cache that holds what it
    changes (about 1 kB a mark, at most 64 MB), so that SQLite need not spill pages and
    read them back while it writes; as it was after. Nothing of durability changes."""
    if count < 1000:
        yield
        return
    (before,) = notes.conn.execute("PRAGMA cache_size").fetchone()
    notes.conn.execute(f"PRAGMA cache_size = {-min(64 * 1024, count):d}")
    try:
        yield
    finally:
        notes.conn.execute(f"PRAGMA cache_size = {int(before):d}")


@at_boundary
@without_collecting()
def import_file(notes: Notes, archive: Archive, path: Path, *, dry_run: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Import annotations from a JSON file: all of them, or none and a clear error.
    Read-only notes are refused before the file is read, unless it is a dry run.

    The cycle collector stays paused from the reading to the writing: resumed between
    them, its first pass would walk every object the reading made (a tenth of a
    second for 100,000 annotations), all of them still in use and none in a cycle."""
    if not dry_run:
        notes.ensure_writable()
    plan = plan_import(notes, archive, path, progress=progress)
    return plan.report if dry_run else apply_import(notes, plan)


def _bookmark(p: Parsed, archive: Archive, texts: DocumentTexts,
              places: dict[str, Passage]) -> Bookmark:
    passage = places.get(p.uri)
    if passage is not None:
        return Bookmark(p.id, archive.archive_id, passage.document_id, p.uri, p.label, p.exact,
                        ANCHORED, *_dates(p))
    for document_id in texts.documents:
        for passage in texts.of(document_id):
            if p.exact and passage.text.startswith(p.exact):
                return Bookmark(p.id, archive.archive_id, document_id, passage.uri, p.label,
                                p.exact, MOVED, *_dates(p))
    return Bookmark(p.id, archive.archive_id, "", p.uri, p.label, p.exact, ORPHANED,
                    *_dates(p))
