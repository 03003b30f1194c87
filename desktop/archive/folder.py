"""Build an archive from a folder of plain-text files, one document each.

Every ``*.txt`` file in the folder (PDF-extracted text like the essay's, or clean
text with a blank line between paragraphs) becomes a document, through the same
cleaning as the essay. A side file with the same name and ``.toml`` gives what the
text cannot: a ``[document]`` table (title, author, date, description, kind,
standfirst, dateline) and, in the same form as ``resources/catalogue.toml``,
``[[sources]]``, ``[[quotations]]``, ``[[footnotes]]``, ``[[entities]]`` and
``[[events]]``. An ``archive.toml`` may name the archive (``[archive]`` id and title);
otherwise the folder's name does. It may list ``[[sources]]`` and ``[[entities]]`` for
every text.

Entities are the archive's, wherever they are listed: every side file's and
archive.toml's are gathered before the first text is read (the same id in two files is
one entity, its aliases together), and their names are found in every text. An event
belongs to its text, located there by its phrase.

A file that cannot be used (not UTF-8, empty, a broken side file) is reported by
name and skipped; with ``strict`` it stops the build. Either way the archive is
written to a temporary file and put in place only when the build succeeds.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.archive.build import Built, assemble_catalogue, entity_rows, writing
from desktop.archive.catalogue import EntityEntry, parse_catalogue, parse_entities
from desktop.archive.errors import ArchiveError, BuildError
from desktop.archive.mentions import Finder
from desktop.archive.schema import ARCHIVE_FORMAT, SCHEMA_VERSION, URI_SCHEME
from desktop.archive.store import Archive
from desktop.archive.suggestions import Suggestions

Report = Callable[[str], None]


@dataclass
class FolderBuild:
    archive_id: str
    documents: int = 0
    passages: int = 0
    entities: int = 0
    mentions: int = 0
    events: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # With explain: names and dates found that no one listed, one line each.
    suggestions: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """An id safe in a URI: lower-case letters, digits and hyphens."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or "document"


def _document_ids(texts: list[Path], previous: dict[str, str]) -> dict[Path, str]:
    """Each file's document id, which marks made on it keep.

    A file the archive being rebuilt already had keeps the id it had there. A new
    file's id is its name made safe for URIs; when that is taken (or two new names come
    out the same, "Letter.txt" and "letter.txt"), a fingerprint of the file's own name
    is added. So an id never passes from one text to another as files come and go.
    """
    ids = {text: previous[text.name] for text in texts if text.name in previous}
    taken = set(ids.values())
    fresh = [text for text in texts if text not in ids]
    counts: dict[str, int] = {}
    for text in fresh:
        counts[slug(text.stem)] = counts.get(slug(text.stem), 0) + 1
    for text in fresh:
        value = slug(text.stem)
        if counts[value] > 1 or value in taken:
            value = f"{value}-{hashlib.sha256(text.name.encode()).hexdigest()[:6]}"
        ids[text] = value
        taken.add(value)
    return ids


def _previous_documents(output: Path) -> dict[str, str]:
    """File name -> document id in the archive this build replaces, if it is one."""
    if not output.is_file():
        return {}
    try:
        with Archive(output) as archive:
            rows = archive.conn.execute(
                "SELECT source_file, id FROM documents WHERE source_file IS NOT NULL")
            return dict(rows.fetchall())
    except (ArchiveError, sqlite3.Error):
        return {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path.name} is not valid TOML ({exc}).") from exc


def _settings(source: Path) -> dict[str, Any]:
    """archive.toml, read once for the build (it may list thousands of entities)."""
    path = source / "archive.toml"
    return _read_toml(path) if path.exists() else {}


def _archive_identity(source: Path, output: Path, settings: dict[str, Any]
                      ) -> tuple[str, str]:
    """The archive's id and title.

    The id is in every passage URI, and marks belong to the archive whose id they
    carry, so two archives must not share one by chance. In order: the id given in
    archive.toml; the id of the archive being rebuilt at ``output``; else the
    folder's name with a short fingerprint of where the folder is.
    """
    found = settings.get("archive", {})
    table: dict[str, Any] = found if isinstance(found, dict) else {}
    title = str(table.get("title") or source.resolve().name)
    if isinstance(table.get("id"), str) and table["id"].strip():
        return slug(table["id"]), title
    previous = _existing_id(output)
    if previous:
        return previous, title
    where = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:8]
    return f"{slug(source.resolve().name)}-{where}", title


def _existing_id(output: Path) -> str:
    if not output.is_file():
        return ""
    try:
        with Archive(output) as archive:
            return archive.archive_id
    except ArchiveError:
        return ""


def _catalogue_for(text: Path, document_id: str, archive_id: str,
                   shared: list[dict[str, Any]]) -> dict[str, Any]:
    """The catalogue of one text: its side file, and the sources that archive.toml
    shares with every text (without their draws_on phrases, which name no one
    text; a quotation of a shared source ties it to its passage)."""
    side = text.with_suffix(".toml")
    data = _read_toml(side) if side.exists() else {}
    document = dict(data.get("document", {})) if isinstance(data.get("document"), dict) else {}
    document.update({"id": document_id, "source_text": text.name})
    document.setdefault("kind", "text")
    own = data.get("sources", [])
    sources = [*([dict(s) for s in own] if isinstance(own, list) else own),
               *({k: v for k, v in s.items() if k != "draws_on"} for s in shared)]
    return {"archive": {"id": archive_id}, "documents": [document], "sources": sources,
            **{key: data[key] for key in ("quotations", "footnotes", "entities", "events")
               if key in data}}


def _shared_sources(settings: dict[str, Any], archive_id: str) -> Built:
    """The [[sources]] of archive.toml, written once for the whole archive."""
    table = settings.get("sources", [])
    if not table:
        return Built(meta={})
    data = {"archive": {"id": archive_id}, "sources": table,
            "documents": [{"id": "x", "kind": "text", "source_text": "x"}]}
    cat = parse_catalogue(data, "archive.toml")
    built = Built(meta={})
    for seq, entry in enumerate(cat.sources, 1):
        row = {k: v for k, v in vars(entry).items() if k != "draws_on"}
        built.sources.append({"seq": seq, **{k: (v or None) for k, v in row.items()}})
    return built


def _listed_entities(settings: dict[str, Any], texts: list[Path]
                     ) -> list[tuple[str, EntityEntry]]:
    """Every entity archive.toml and the side files list, with the file that lists it.

    archive.toml's mistakes stop the build, as its sources' do; a side file whose
    entities cannot be read lists none here, and its text is skipped, saying why, when
    its turn comes.
    """
    try:
        found = [("archive.toml", e) for e in parse_entities(settings)]
    except BuildError as exc:
        raise BuildError(f"archive.toml: {exc}") from exc
    for text in texts:
        side = text.with_suffix(".toml")
        if not side.exists():
            continue
        try:
            found += [(text.name, e) for e in parse_entities(_read_toml(side))]
        except BuildError:
            continue
    return found


def _merged(listed: list[tuple[str, EntityEntry]], result: FolderBuild,
            report: Report | None) -> tuple[list[EntityEntry], dict[str, str]]:
    """One entity per id, with every alias it is given; and which entity each name
    names (the first to claim it: a name names one entity)."""
    merged: dict[str, EntityEntry] = {}
    owner: dict[str, str] = {}

    def warn(where: str, message: str) -> None:
        result.warnings.append((where, message))
        if report:
            report(f"{where}: {message}")

    for where, entity in listed:
        have = merged.get(entity.id)
        if have is not None and have.kind != entity.kind:
            warn(where, f"the entity {entity.id} is listed as a {have.kind} already, not "
                        f"a {entity.kind} (left out)")
            continue
        names = [] if have is None else list(have.names)
        for name in entity.names:
            if owner.setdefault(name, entity.id) != entity.id:
                warn(where, f"the name “{name}” already names {owner[name]}, not "
                            f"{entity.id} too")
            elif name not in names:
                names.append(name)
        base = have or entity
        merged[entity.id] = replace(
            base, aliases=tuple(n for n in names if n != base.name),
            description=base.description or entity.description)
    return list(merged.values()), owner


def build_folder(source: Path, output: Path, *, strict: bool = False,
                 report: Report | None = None, explain: bool = False) -> FolderBuild:
    """Build ``output`` from every ``*.txt`` in ``source``; return what was built.

    With ``explain``, ``suggestions`` lists the names and dates found in the texts that
    no entity or event covers (reported, never added)."""
    source = Path(source)
    if not source.is_dir():
        raise BuildError(f"{source} is not a folder of texts.")
    texts = sorted(p for p in source.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    if not texts:
        raise BuildError(f"{source} holds no .txt files to build an archive from.")
    output = Path(output)
    if output.is_dir():
        raise BuildError(f"{output} is a folder; give the archive file to write, such as "
                         f"{output / 'archive.db'}.")
    settings = _settings(source)
    archive_id, title = _archive_identity(source, output, settings)
    result = FolderBuild(archive_id)
    ids = _document_ids(texts, _previous_documents(output))
    shared = _shared_sources(settings, archive_id)
    shared_ids = {s["id"] for s in shared.sources}
    shared_rows = settings.get("sources", []) if shared_ids else []
    sources: set[str] = set()
    entities, names = _merged(_listed_entities(settings, texts), result, report)
    finder = Finder(names)
    entity_rows(shared, entities)
    named: set[str] = set()
    suggestions = Suggestions() if explain else None
    last_report = time.monotonic()
    with writing(output) as writer:
        writer.add(shared)
        for number, text in enumerate(texts, 1):
            document_id = ids[text]
            try:
                cat = parse_catalogue(
                    _catalogue_for(text, document_id, archive_id, shared_rows),
                    f"The side file of {text.name}")
                own = [s for s in cat.sources if s.id not in shared_ids]
                if len(own) + len(shared_ids) != len(cat.sources):
                    raise BuildError("a source of its side file has an id that archive.toml "
                                     "already gives")
                cat.sources[:] = own  # the shared ones are written once, above
                clash = sources & {s.id for s in cat.sources}
                if clash:
                    raise BuildError(f"the source id “{sorted(clash)[0]}” is also defined "
                                     "by another side file")
                built = assemble_catalogue(cat, source, every_quote_classified=False,
                                           finder=finder)
            except BuildError as exc:
                if strict:
                    raise BuildError(f"{text.name}: {exc}") from exc
                result.skipped.append((text.name, str(exc)))
                if report:
                    report(f"Skipped {text.name}: {exc}")
                continue
            sources |= {s.id for s in cat.sources}
            for warning in built.warnings:
                result.warnings.append((text.name, warning))
                if report:
                    report(f"{text.name}: {warning} (left out)")
            writer.add(built)
            result.documents += 1
            result.passages += len(built.passages)
            result.mentions += len(built.mentions)
            result.events += len(built.events)
            named.update(m["entity_id"] for m in built.mentions)
            if suggestions is not None:
                suggestions.add(built)
            if report and time.monotonic() - last_report > 1:
                last_report = time.monotonic()
                report(f"{number:,} of {len(texts):,} files, {result.passages:,} passages…")
        if not result.documents:
            raise BuildError(f"None of the {len(texts)} files in {source} could be used.")
        result.entities = len(entities)
        for entity in entities:
            if entity.id not in named:
                result.warnings.append(("", f"entity {entity.id}: none of its names is in "
                                            "any text"))
                if report:
                    report(f"The entity {entity.id} is named in no text: none of its names "
                           f"({', '.join(entity.names)}) is there.")
        if suggestions is not None:
            result.suggestions = suggestions.lines()
        if report:
            report(f"Indexing {result.passages:,} passages for search…")
        writer.finish({"format": ARCHIVE_FORMAT, "schema_version": str(SCHEMA_VERSION),
                       "archive_id": archive_id, "title": title,
                       "uri_prefix": f"{URI_SCHEME}://{archive_id}/"})
    return result
