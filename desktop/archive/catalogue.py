"""Read the curated catalogue: the facts about the archive that the text cannot give.

The catalogue (``resources/catalogue.toml``) says what each document and source
is, what kind each quotation is and where it comes from, which words of the
essay quote or report the minutes and the letter, who and what the essay names
(people, places, organisations, events, by their names and aliases) and the dated
events it reports. It never holds archive text: it names phrases, and the builder
finds them in the essay.
"""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any

from desktop.archive.dates import parse_date
from desktop.archive.entities import KINDS, entity_id
from desktop.archive.errors import BuildError

QUOTATION_KINDS = ("direct", "term", "scare")
EXCERPT_MODES = ("quoted", "reported")
# Organisations are parties, groups, factories, armies; events are named happenings.
ENTITY_KINDS = KINDS  # what an entity may be, as the index shows them


@dataclass(frozen=True)
class Phrase:
    """Where a span of the essay is: one phrase, or from one phrase to another."""

    find: str = ""
    start: str = ""
    end: str = ""
    occurrence: int = 0  # 0: the phrase must be unique; n: the n-th match

    def describe(self) -> str:
        return f"“{self.find}”" if self.find else f"“{self.start} … {self.end}”"


@dataclass(frozen=True)
class DocumentEntry:
    id: str
    kind: str
    title: str = ""
    author: str = ""
    date: str = ""
    description: str = ""
    source: str = ""
    source_text: str = ""
    standfirst: bool = False
    dateline: str = ""


@dataclass(frozen=True)
class SourceEntry:
    id: str
    kind: str
    title: str
    subtitle: str = ""
    author: str = ""
    publisher: str = ""
    year: str = ""
    date: str = ""
    url: str = ""
    archive: str = ""
    description: str = ""
    draws_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExcerptEntry:
    document: str
    mode: str
    where: Phrase


@dataclass(frozen=True)
class QuotationEntry:
    kind: str
    where: Phrase
    source: str = ""


@dataclass(frozen=True)
class FootnoteEntry:
    marker: str
    source: str = ""


@dataclass(frozen=True)
class EntityEntry:
    """A person, place, organisation or event, found in the text by its names."""

    name: str
    kind: str
    id: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the text may call it by, its own first."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))


@dataclass(frozen=True)
class EventEntry:
    """A dated happening, located by the words of the text that date it."""

    date: str
    label: str
    where: Phrase

    @property
    def dates(self) -> tuple[str, str]:
        return parse_date(self.date)


@dataclass
class Catalogue:
    archive_id: str
    archive_title: str
    documents: list[DocumentEntry] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    excerpts: list[ExcerptEntry] = field(default_factory=list)
    quotations: list[QuotationEntry] = field(default_factory=list)
    footnotes: list[FootnoteEntry] = field(default_factory=list)
    entities: list[EntityEntry] = field(default_factory=list)
    events: list[EventEntry] = field(default_factory=list)


def _fields(entry: dict[str, Any], cls: type, where: str) -> dict[str, Any]:
    """Keep the keys a dataclass knows; refuse unknown keys and wrong types."""
    known = cls.__dataclass_fields__
    out: dict[str, Any] = {}
    for key, value in entry.items():
        name = key.replace("-", "_")
        if name not in known:
            raise BuildError(f"{where}: unknown key “{key}”.")
        if name in ("draws_on", "aliases"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                what = "phrases" if name == "draws_on" else "names"
                raise BuildError(f"{where}: “{key}” must be a list of {what}.")
            value = tuple(value)
        elif name == "standfirst":
            if not isinstance(value, bool):
                raise BuildError(f"{where}: “standfirst” must be true or false.")
        elif not isinstance(value, str):
            raise BuildError(f"{where}: “{key}” must be text.")
        out[name] = value
    required = [name for name, f in known.items()
                if f.default is MISSING and f.default_factory is MISSING and name != "where"]
    for name in required:
        if name not in out:
            raise BuildError(f"{where}: “{name}” is missing.")
    return out


def _phrase(entry: dict[str, Any], where: str) -> Phrase:
    find = entry.pop("find", "")
    start = entry.pop("from", "")
    end = entry.pop("to", "")
    occurrence = entry.pop("occurrence", 0)
    if not isinstance(occurrence, int) or occurrence < 0:
        raise BuildError(f"{where}: “occurrence” must be a positive whole number.")
    if bool(find) == bool(start or end) or (start and not end) or (end and not start):
        raise BuildError(f"{where}: give either “find”, or both “from” and “to”.")
    return Phrase(find=find, start=start, end=end, occurrence=occurrence)


def _table_list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BuildError(f"catalogue: “{key}” must be a list of tables ([[{key}]]).")
    return [dict(v) for v in value]


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file; a :class:`BuildError` says what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildError(f"The catalogue {path} does not exist.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"The catalogue {path} is not valid TOML: {exc}.") from exc
    except OSError as exc:
        raise BuildError(f"The catalogue {path} cannot be read ({exc.strerror}).") from exc
    return parse_catalogue(data, f"The catalogue {path}")


def parse_catalogue(data: dict[str, Any], name: str) -> Catalogue:
    """Validate catalogue data (from catalogue.toml, or a document's side file)."""
    archive = data.get("archive", {})
    if not isinstance(archive, dict) or not isinstance(archive.get("id"), str):
        raise BuildError(f"{name} needs an [archive] table with an id.")
    cat = Catalogue(archive_id=archive["id"], archive_title=str(archive.get("title", "")))
    for n, entry in enumerate(_table_list(data, "documents"), 1):
        cat.documents.append(DocumentEntry(**_fields(entry, DocumentEntry, f"document {n}")))
    for n, entry in enumerate(_table_list(data, "sources"), 1):
        cat.sources.append(SourceEntry(**_fields(entry, SourceEntry, f"source {n}")))
    for n, entry in enumerate(_table_list(data, "excerpts"), 1):
        where = f"excerpt {n}"
        phrase = _phrase(entry, where)
        fields = _fields(entry, ExcerptEntry, where)
        if fields.get("mode") not in EXCERPT_MODES:
            raise BuildError(f"{where}: “mode” must be one of {', '.join(EXCERPT_MODES)}.")
        cat.excerpts.append(ExcerptEntry(where=phrase, **fields))
    for n, entry in enumerate(_table_list(data, "quotations"), 1):
        where = f"quotation {n}"
        phrase = _phrase(entry, where)
        fields = _fields(entry, QuotationEntry, where)
        if fields.get("kind") not in QUOTATION_KINDS:
            raise BuildError(f"{where}: “kind” must be one of {', '.join(QUOTATION_KINDS)}.")
        cat.quotations.append(QuotationEntry(where=phrase, **fields))
    for n, entry in enumerate(_table_list(data, "footnotes"), 1):
        cat.footnotes.append(FootnoteEntry(**_fields(entry, FootnoteEntry, f"footnote {n}")))
    cat.entities.extend(parse_entities(data))
    for n, entry in enumerate(_table_list(data, "events"), 1):
        where = f"event {n}"
        phrase = _phrase(entry, where)
        event = EventEntry(where=phrase, **_fields(entry, EventEntry, where))
        try:
            parse_date(event.date)
        except ValueError as exc:
            raise BuildError(f"{where}: {exc}.") from exc
        if not event.label.strip():
            raise BuildError(f"{where}: “label” is empty.")
        cat.events.append(event)
    if not any(d.source_text for d in cat.documents):
        raise BuildError(f"{name} names no document with a source text.")
    _check_references(cat)
    return cat


def parse_entities(data: dict[str, Any]) -> list[EntityEntry]:
    """The ``[[entities]]`` of catalogue data, each with its id (given, or from its name),
    checked: a known kind, a name, no id or name given twice."""
    entities: list[EntityEntry] = []
    for n, entry in enumerate(_table_list(data, "entities"), 1):
        where = f"entity {n}"
        fields = _fields(entry, EntityEntry, where)
        if fields.get("kind") not in ENTITY_KINDS:
            raise BuildError(f"{where}: “kind” must be one of {', '.join(ENTITY_KINDS)}.")
        fields["name"] = fields["name"].strip()
        fields["aliases"] = tuple(a.strip() for a in fields.get("aliases", ()) if a.strip())
        if not fields["name"]:
            raise BuildError(f"{where}: “name” is empty.")
        fields["id"] = fields.get("id", "").strip() or entity_id(fields["name"])
        entities.append(EntityEntry(**fields))
    ids: set[str] = set()
    names: dict[str, str] = {}
    for entity in entities:
        if entity.id in ids:
            raise BuildError(f"catalogue: two entities share the id “{entity.id}”.")
        ids.add(entity.id)
        for name in entity.names:
            if names.setdefault(name, entity.id) != entity.id:
                raise BuildError(f"catalogue: the name “{name}” is given to both "
                                 f"{names[name]} and {entity.id}; a name must name one "
                                 "entity.")
    return entities


def _check_references(cat: Catalogue) -> None:
    documents = {d.id for d in cat.documents}
    sources = {s.id for s in cat.sources}
    if len(documents) != len(cat.documents) or len(sources) != len(cat.sources):
        raise BuildError("catalogue: two documents or two sources share an id.")
    for d in cat.documents:
        if d.source and d.source not in sources:
            raise BuildError(f"document {d.id}: unknown source “{d.source}”.")
        if not d.source_text and not d.title:
            raise BuildError(f"document {d.id}: needs a title or a source text.")
    for item in [*cat.quotations, *cat.footnotes]:
        if item.source and item.source not in sources:
            raise BuildError(f"catalogue: unknown source “{item.source}”.")
    for e in cat.excerpts:
        if e.document not in documents:
            raise BuildError(f"excerpt {e.where.describe()}: unknown document “{e.document}”.")
