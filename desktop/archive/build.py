"""Build ``archive.db`` from ``resources/``: the cleaned text plus the catalogue.

The build is deterministic (the same resources give the same database, row for
row) and atomic (it writes a temporary file beside the target and renames it,
so an interrupted build never leaves a half-written archive).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import operator
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from desktop.archive.catalogue import Catalogue, EntityEntry, Phrase, load_catalogue
from desktop.archive.cleaning import Decision, clean
from desktop.archive.dates import supported
from desktop.archive.errors import BuildError
from desktop.archive.mentions import Finder
from desktop.archive.schema import (
    ARCHIVE_FORMAT,
    SCHEMA_VERSION,
    URI_SCHEME,
    create_schema,
    enable_search,
    index_mentions,
)
from desktop.paths import usual_file_mode
from desktop.tempfiles import remove_leftovers, remove_stale, temporary_beside

_QUOTED = re.compile(r"“([^“”]*)”")
STALE_SECONDS = 3600


@dataclass
class SourcePassage:
    id: str
    document_id: str
    section_id: str | None
    seq: int
    paragraph: int | None
    kind: str
    text: str
    uri: str
    source_line: int | None


@dataclass
class Built:
    """Everything one build produces, before it is written."""

    meta: dict[str, str]
    documents: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    passages: list[SourcePassage] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    source_passages: set[tuple[str, str]] = field(default_factory=set)
    quotations: list[dict[str, Any]] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    excerpts: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    entity_aliases: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[tuple[str, Decision]] = field(default_factory=list)
    # What a folder build could not use from a side file, reported but not fatal.
    warnings: list[str] = field(default_factory=list)


_PREFIX = {"title": "title", "standfirst": "standfirst", "heading": "h", "paragraph": "p",
           "caption": "caption", "dateline": "dateline", "footnote": "fn", "excerpt": "e"}
_NUMBERED = ("heading", "paragraph", "caption", "footnote", "excerpt")


class _Ids:
    """Stable passage ids: the document, the kind, and its number among its kind."""

    def __init__(self, archive_id: str, document_id: str) -> None:
        self.archive_id = archive_id
        self.document_id = document_id
        self.counts: dict[str, int] = {}

    def next(self, kind: str) -> tuple[str, int]:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        n = self.counts[kind]
        local = f"{_PREFIX[kind]}{n}" if kind in _NUMBERED else _PREFIX[kind]
        return f"{self.document_id}/{local}", n

    def uri(self, passage_id: str) -> str:
        return f"{URI_SCHEME}://{self.archive_id}/{passage_id}"


def assemble(resources: Path) -> Built:
    """Clean the source texts and resolve the catalogue into rows."""
    return assemble_catalogue(load_catalogue(resources / "catalogue.toml"), resources)


def finder_of(entities: list[EntityEntry]) -> Finder:
    """The finder of every name and alias of ``entities``."""
    return Finder({name: entity.id for entity in entities for name in entity.names})


def entity_rows(built: Built, entities: list[EntityEntry]) -> None:
    """The rows of ``entities`` and of their names (their mentions are counted when the
    archive is finished)."""
    for entity in entities:
        built.entities.append({"id": entity.id, "kind": entity.kind, "name": entity.name,
                               "description": entity.description or None,
                               "mention_count": 0})
        built.entity_aliases.extend({"entity_id": entity.id, "alias": name}
                                    for name in sorted(entity.names))


def assemble_catalogue(cat: Catalogue, folder: Path, *, every_quote_classified: bool = True,
                       finder: Finder | None = None) -> Built:
    """The rows for the documents a catalogue names, their texts read from ``folder``.

    With ``every_quote_classified`` (the curated archive), a quotation the
    catalogue does not classify stops the build, as does an entity named nowhere or
    an event its words do not date; otherwise the quotation is kept with the kind
    ``unclassified``, and the rest is reported in ``warnings``. The mentions are found
    by ``finder`` when given (a folder's entities, listed once for every text), else
    by the names of the catalogue's own entities, whose rows are added.
    """
    built = Built(meta={
        "format": ARCHIVE_FORMAT,
        "schema_version": str(SCHEMA_VERSION),
        "archive_id": cat.archive_id,
        "title": cat.archive_title,
        "uri_prefix": f"{URI_SCHEME}://{cat.archive_id}/",
    })
    for seq, entry in enumerate(cat.sources, 1):
        row = {k: v for k, v in vars(entry).items() if k != "draws_on"}
        built.sources.append({"seq": seq, **{k: (v or None) for k, v in row.items()}})
    for seq, doc in enumerate(cat.documents, 1):
        title = doc.title
        if doc.source_text:
            first_line = _add_text_document(built, cat, doc.id, folder / doc.source_text,
                                            standfirst=doc.standfirst, dateline=doc.dateline)
            # The catalogue's title, if it gives one; else the text's own first line.
            title = doc.title or first_line
        built.documents.append({
            "id": doc.id, "seq": seq, "kind": doc.kind, "title": title,
            "author": doc.author or None, "date": doc.date or None,
            "description": doc.description or None, "source_id": doc.source or None,
            "source_file": doc.source_text or None,
        })
    text_passages = [p for p in built.passages if p.kind != "excerpt"]
    _add_quotations(built, cat, text_passages, every_quote_classified)
    _add_excerpts(built, cat, text_passages)
    _add_footnotes(built, cat, text_passages, strict=every_quote_classified)
    _add_titles(built, cat)
    if finder is None:
        finder = finder_of(cat.entities)
        entity_rows(built, cat.entities)
    _add_mentions(built, finder)
    if every_quote_classified:
        named = {m["entity_id"] for m in built.mentions}
        for entity in cat.entities:
            if entity.id not in named:
                raise BuildError(f"entity {entity.id}: none of its names "
                                 f"({', '.join(entity.names)}) is in the text.")
    _add_events(built, cat, text_passages, strict=every_quote_classified)
    for entry in cat.sources:
        for phrase in entry.draws_on:
            try:
                passage, _, _ = _locate(text_passages, Phrase(find=phrase),
                                        f"source {entry.id}")
            except BuildError as exc:
                if every_quote_classified:
                    raise
                built.warnings.append(str(exc))
                continue
            built.source_passages.add((entry.id, passage.id))
    return built


def _add_text_document(built: Built, cat: Catalogue, document_id: str, path: Path, *,
                       standfirst: bool, dateline: str) -> str:
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BuildError(f"The source text {path} does not exist.") from exc
    except UnicodeDecodeError as exc:
        raise BuildError(f"The source text {path} is not UTF-8 text.") from exc
    except OSError as exc:
        raise BuildError(f"The source text {path} cannot be read ({exc.strerror}).") from exc
    cleaned = clean(source, standfirst=standfirst, dateline=dateline)
    if not cleaned.blocks:
        raise BuildError(f"The source text {path} has no text in it.")
    built.decisions.extend((document_id, d) for d in cleaned.decisions)
    ids = _Ids(cat.archive_id, document_id)
    section_id: str | None = None
    sections = 0
    # A text without headings is one run of paragraphs: it has no sections to list.
    sectioned = any(block.kind == "heading" for block in cleaned.blocks)
    for seq, block in enumerate(cleaned.blocks, 1):
        if sectioned and (block.kind == "heading" or (
                section_id is None and block.kind in ("paragraph", "caption"))):
            sections += 1
            section_id = f"{document_id}/s{sections}"
            built.sections.append({
                "id": section_id, "document_id": document_id, "seq": sections,
                "heading": block.text if block.kind == "heading" else None,
            })
        passage_id, n = ids.next(block.kind)
        in_section = block.kind in ("heading", "paragraph", "caption")
        built.passages.append(SourcePassage(
            id=passage_id, document_id=document_id,
            section_id=section_id if in_section else None, seq=seq,
            paragraph=n if block.kind == "paragraph" else None, kind=block.kind,
            text=block.text, uri=ids.uri(passage_id), source_line=block.first_line,
        ))
        if block.kind == "footnote":
            built.footnotes.append({"marker": block.marker, "note_passage_id": passage_id,
                                    "note": block.text})
    return cleaned.blocks[0].text


def _add_titles(built: Built, cat: Catalogue) -> None:
    """A title passage for each document without a text of its own (the minutes and the
    letter hold only excerpts), so that its title is searched and read as the essay's is.

    Added after every phrase of the catalogue has been located, so that no phrase can
    be found in a title; its ``seq`` of 0 puts it before the excerpts, whose own rows,
    ids and URIs stay as they were.
    """
    for document in built.documents:
        if document["source_file"]:
            continue  # its text's first line is its title passage already
        ids = _Ids(cat.archive_id, document["id"])
        passage_id, _n = ids.next("title")
        built.passages.append(SourcePassage(
            id=passage_id, document_id=document["id"], section_id=None, seq=0,
            paragraph=None, kind="title", text=document["title"], uri=ids.uri(passage_id),
            source_line=None,
        ))


def _add_mentions(built: Built, finder: Finder) -> None:
    """Every place a name of an entity stands, in every passage."""
    if not finder:
        return
    passages = built.passages
    built.mentions.extend(
        {"entity_id": entity_id, "passage_id": passages[n].id, "start": start, "end": end,
         "text": passages[n].text[start:end]}
        for n, (start, end, entity_id) in finder.find_in([p.text for p in passages]))


def _add_events(built: Built, cat: Catalogue, passages: list[SourcePassage], *,
                strict: bool) -> None:
    """Each event at the words that date it; words that do not give its date stop the
    build (``strict``) or leave the event out, reported."""
    for n, entry in enumerate(cat.events, 1):
        where = f"event {n}"
        try:
            passage, start, end = _locate(passages, entry.where, where)
            date_start, date_end = entry.dates
            if not supported(date_start, date_end, passage.text):
                raise BuildError(f"{where}: the words of {passage.id} do not give its date "
                                 f"{entry.date}.")
        except BuildError as exc:
            if strict:
                raise
            built.warnings.append(str(exc))
            continue
        built.events.append({"date_start": date_start, "date_end": date_end,
                             "label": entry.label, "passage_id": passage.id,
                             "start": start, "end": end, "text": passage.text[start:end]})


def _matches(passages: list[SourcePassage], phrase: Phrase
             ) -> Iterator[tuple[SourcePassage, int, int]]:
    for passage in passages:
        text = passage.text
        needle = phrase.find or phrase.start
        at = text.find(needle)
        while at >= 0:
            if phrase.find:
                yield passage, at, at + len(needle)
            else:
                stop = text.find(phrase.end, at)
                if stop >= 0:
                    yield passage, at, stop + len(phrase.end)
            at = text.find(needle, at + 1)


def _pick(found: list[Any], phrase: Phrase, where: str) -> Any:
    if phrase.occurrence:
        if phrase.occurrence > len(found):
            raise BuildError(f"{where}: {phrase.describe()} occurs {len(found)} times, "
                             f"not {phrase.occurrence}.")
        return found[phrase.occurrence - 1]
    if len(found) != 1:
        raise BuildError(f"{where}: {phrase.describe()} occurs {len(found)} times in the "
                         "text; it must occur exactly once (or give an occurrence).")
    return found[0]


def _locate(passages: list[SourcePassage], phrase: Phrase, where: str
            ) -> tuple[SourcePassage, int, int]:
    return _pick(list(_matches(passages, phrase)), phrase, where)  # type: ignore[no-any-return]


def _add_quotations(built: Built, cat: Catalogue, passages: list[SourcePassage],
                    every_quote_classified: bool = True) -> None:
    """Every span in curly double quotes, classified by the catalogue."""
    spans: list[tuple[SourcePassage, int, int, str]] = []
    for passage in passages:
        if passage.text.count("“") != passage.text.count("”"):
            raise BuildError(f"SourcePassage {passage.id} has unbalanced quotation marks.")
        for m in _QUOTED.finditer(passage.text):
            spans.append((passage, m.start(1), m.end(1), m.group(1)))
    assigned: dict[int, Any] = {}
    for n, entry in enumerate(cat.quotations, 1):
        phrase = entry.where
        if phrase.find:
            found = [i for i, s in enumerate(spans) if s[3] == phrase.find]
        else:
            found = [i for i, s in enumerate(spans)
                     if s[3].startswith(phrase.start) and s[3].endswith(phrase.end)]
        try:
            index = _pick(found, phrase, f"quotation {n}")
        except BuildError as exc:
            if every_quote_classified:
                raise
            built.warnings.append(str(exc))  # a folder of texts: keep the rest
            continue
        if index in assigned:
            raise BuildError(f"quotation {n}: {phrase.describe()} is already classified.")
        assigned[index] = entry
    for index, (passage, start, end, text) in enumerate(spans):
        if index not in assigned and every_quote_classified:
            raise BuildError(f"The quotation “{text}” in {passage.id} is not in the "
                             "catalogue; every quotation needs a kind.")
        entry = assigned.get(index)
        built.quotations.append({
            "id": index + 1, "passage_id": passage.id, "start": start, "end": end,
            "text": text, "kind": entry.kind if entry else "unclassified",
            "source_id": (entry.source or None) if entry else None, "excerpt_id": None,
        })
        if entry and entry.source:
            built.source_passages.add((entry.source, passage.id))


def _add_excerpts(built: Built, cat: Catalogue, passages: list[SourcePassage]) -> None:
    """The minutes and the letter: exactly the words of the essay that quote or report them."""
    located = []
    for n, entry in enumerate(cat.excerpts, 1):
        passage, start, end = _locate(passages, entry.where, f"excerpt {n}")
        located.append((entry, passage, start, end))
    # An excerpt's place in its document follows the order the essay gives them.
    order = {p.id: i for i, p in enumerate(passages)}
    rank = {d.id: i for i, d in enumerate(cat.documents)}
    located.sort(key=lambda item: (rank[item[0].document], order[item[1].id], item[2]))
    counters: dict[str, _Ids] = {}
    sources = {d.id: d.source for d in cat.documents}
    for excerpt_id, (entry, passage, start, end) in enumerate(located, 1):
        ids = counters.setdefault(entry.document, _Ids(cat.archive_id, entry.document))
        passage_id, n = ids.next("excerpt")
        built.passages.append(SourcePassage(
            id=passage_id, document_id=entry.document, section_id=None, seq=n,
            paragraph=n, kind="excerpt", text=passage.text[start:end],
            uri=ids.uri(passage_id), source_line=None,
        ))
        built.excerpts.append({
            "id": excerpt_id, "passage_id": passage_id, "document_id": entry.document,
            "mode": entry.mode, "essay_passage_id": passage.id, "start": start, "end": end,
        })
        source = sources.get(entry.document)
        if source:
            built.source_passages.add((source, passage.id))
            built.source_passages.add((source, passage_id))
        for quotation in built.quotations:
            if (quotation["passage_id"], quotation["start"], quotation["end"]) == (
                    passage.id, start, end):
                quotation["excerpt_id"] = excerpt_id


def _add_footnotes(built: Built, cat: Catalogue, passages: list[SourcePassage], *,
                   strict: bool = True) -> None:
    """Tie each note to the one place in the text where its marker stands.

    Without ``strict`` (a folder of texts), a note whose marker is not found once
    in the text stays a footnote passage, tied to no place.
    """
    body = [p for p in passages if p.kind != "footnote"]
    sources = {f.marker: f.source for f in cat.footnotes}
    markers = [note["marker"] for note in built.footnotes]
    if len(set(markers)) != len(markers) and strict:
        raise BuildError("Two footnotes share a marker; each note needs its own.")
    for marker in set(markers) ^ set(sources) if strict else ():
        raise BuildError(f"The footnote marked {marker} is in the text or the catalogue, "
                         "not both.")
    placed = []
    for note in built.footnotes:
        marker = note["marker"]
        found = list(_matches(body, Phrase(find=marker)))
        if len(found) != 1 and not strict:
            continue
        passage, start, _ = _pick(found, Phrase(find=marker), f"footnote {marker}")
        placed.append(note)
        n = len(placed)
        source = sources.get(marker) or None
        note.update({"id": n, "passage_id": passage.id, "start": start,
                     "end": start + len(marker), "source_id": source})
        if source:
            built.source_passages.add((source, passage.id))
            built.source_passages.add((source, note["note_passage_id"]))
    built.footnotes[:] = placed


_PASSAGE_COLUMNS = ("n", "id", "document_id", "section_id", "seq", "paragraph", "kind", "text",
                    "uri", "source_line")
_MENTION_COLUMNS = ("entity_id", "passage_id", "start", "end", "text")
_EVENT_COLUMNS = ("date_start", "date_end", "label", "passage_id", "start", "end", "text")


class ArchiveWriter:
    """Write an archive document by document into a temporary file, which ``finish``
    puts in place of the archive; made by ``writing``, which removes the temporary
    file if the build stops before that."""

    def __init__(self, output: Path, tmp: Path) -> None:
        self.output = output
        self.tmp = tmp
        self.conn = sqlite3.connect(self.tmp, isolation_level=None)
        self.db = sqlite_utils.Database(self.conn)
        self.db.execute("PRAGMA journal_mode = DELETE")
        # A new file no one else can see: a crash loses only the temporary file, so
        # the build need not wait for the disk after every page.
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")
        create_schema(self.db)
        self.counts = {"documents": 0, "passages": 0, "excerpts": 0, "quotations": 0,
                       "footnotes": 0, "sources": 0, "mentions": 0, "events": 0}
        self.digest = hashlib.sha256()

    def _insert(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert ``rows``, which all have the same keys, the columns they fill.

        SQLite's own executemany: a folder build adds thousands of documents, each a
        handful of rows per table, and sqlite-utils' insert_all would read the schema
        at every call.
        """
        rows = list(rows)
        if not rows:
            return
        columns = tuple(rows[0])
        if any(len(row) != len(columns) for row in rows):
            raise ValueError(f"rows of {table} with different columns")
        get = operator.itemgetter(*columns)
        values = (get(row) for row in rows) if len(columns) > 1 else (
            (get(row),) for row in rows)
        self.conn.executemany(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})", values)

    def add(self, built: Built) -> None:
        """Append one build's documents, numbering their rows after those already written."""
        c = self.counts
        rank = {d["id"]: d["seq"] for d in built.documents}
        self._insert("sources", ({**s, "seq": s["seq"] + c["sources"]} for s in built.sources))
        self._insert("documents",
                     ({**d, "seq": d["seq"] + c["documents"]} for d in built.documents))
        self._insert("sections", built.sections)
        passages = sorted(built.passages, key=lambda p: (rank[p.document_id], p.seq))
        for passage in passages:
            self.digest.update(f"{passage.uri}\x00{passage.text}\x00".encode())
        self.conn.executemany(
            f"INSERT INTO passages ({', '.join(_PASSAGE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_PASSAGE_COLUMNS))})",
            ((c["passages"] + n, p.id, p.document_id, p.section_id, p.seq, p.paragraph,
              p.kind, p.text, p.uri, p.source_line) for n, p in enumerate(passages, 1)))
        self._insert("excerpts", ({**e, "id": e["id"] + c["excerpts"]} for e in built.excerpts))
        self._insert("quotations", (
            {**q, "id": q["id"] + c["quotations"],
             "excerpt_id": q["excerpt_id"] + c["excerpts"] if q["excerpt_id"] else None}
            for q in built.quotations))
        self._insert("footnotes", (
            {k: (f[k] + c["footnotes"] if k == "id" else f[k])
             for k in ("id", "passage_id", "start", "end", "marker", "note",
                       "note_passage_id", "source_id")} for f in built.footnotes))
        self._insert("source_passages", (
            {"source_id": s, "passage_id": p} for s, p in sorted(built.source_passages)))
        self._insert("entities", built.entities)
        self._insert("entity_aliases", built.entity_aliases)
        # Mentions and events are numbered in reading order, across the archive: an
        # entity's mentions read in id order are in reading order, and so are events of
        # the same date. A build of a million passages finds millions of mentions, so
        # they go through SQLite's own executemany, not row by row through sqlite-utils.
        order = {p.id: n for n, p in enumerate(passages)}
        for table, columns in (("mentions", _MENTION_COLUMNS), ("events", _EVENT_COLUMNS)):
            rows = sorted(getattr(built, table),
                          key=lambda r: (order[r["passage_id"]], r["start"]))
            self.conn.executemany(
                f"INSERT INTO {table} (id, {', '.join(f'[{k}]' for k in columns)}) "
                f"VALUES ({', '.join('?' * (len(columns) + 1))})",
                ((c[table] + n, *(r[k] for k in columns)) for n, r in enumerate(rows, 1)))
        for key, rows in (("documents", built.documents), ("passages", built.passages),
                          ("excerpts", built.excerpts), ("quotations", built.quotations),
                          ("footnotes", built.footnotes), ("sources", built.sources),
                          ("mentions", built.mentions), ("events", built.events)):
            c[key] += len(rows)

    def finish(self, meta: dict[str, str]) -> None:
        """Index the text for search, record the metadata, and put the archive in place."""
        meta = {**meta, "content_hash": self.digest.hexdigest()}
        self.db["archive_meta"].insert_all(
            {"key": k, "value": v} for k, v in sorted(meta.items()))
        index_mentions(self.db)
        # Counted once here, so that listing the index never counts mentions.
        self.db.execute("UPDATE entities SET mention_count = (SELECT count(*) FROM mentions "
                        "WHERE mentions.entity_id = entities.id)")
        enable_search(self.db)
        self.db.execute("COMMIT")
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        self.conn.close()
        # Written without waiting for the disk: wait once now, before the rename,
        # so that a power cut cannot leave a renamed but unwritten archive.
        with self.tmp.open("rb+") as written:
            os.fsync(written.fileno())
        os.chmod(self.tmp, usual_file_mode())
        os.replace(self.tmp, self.output)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


@contextlib.contextmanager
def writing(output: Path) -> Iterator[ArchiveWriter]:
    """A writer of the archive at ``output``, on a new temporary file beside it that is
    removed when the block ends, however it ends (an error, Ctrl+C, SIGTERM), unless
    ``finish`` put it in place: an interrupted build leaves the old archive, or none,
    never half of one, and no temporary file."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    # What killed builds left: ours by their lock (a live build's is left alone,
    # however old), and earlier versions' once they are an hour old.
    remove_leftovers(output.parent)
    remove_stale(output.parent, f".{glob.escape(output.name)}.*.tmp*", STALE_SECONDS)
    with temporary_beside(output) as tmp:
        writer = ArchiveWriter(output, tmp)
        try:
            yield writer
        finally:
            writer.close()


def write(built: Built, output: Path) -> None:
    """Write one build's rows to ``output`` atomically, in rollback-journal mode."""
    with writing(output) as writer:
        writer.add(built)
        writer.finish(built.meta)


def build(resources: Path, output: Path) -> Built:
    """Build the archive at ``output`` from ``resources``; return what was built."""
    built = assemble(resources)
    write(built, output)
    return built
