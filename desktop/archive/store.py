"""Open an archive read-only and answer the questions the application asks of it."""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, NewType, ParamSpec, TypeVar

from msgspec import Struct

from desktop.archive import entities as index
from desktop.archive import search as fts
from desktop.archive.entities import Entity, Event, Mention, MentionHit
from desktop.archive.errors import ArchiveDamaged, ArchiveError, damaged
from desktop.archive.schema import ARCHIVE_FORMAT, SCHEMA_VERSION, tables_of

PassageId = NewType("PassageId", str)
DocumentId = NewType("DocumentId", str)
SourceId = NewType("SourceId", str)


class Document(Struct, frozen=True):
    id: DocumentId
    kind: str
    title: str
    author: str | None
    date: str | None
    description: str | None
    source_id: SourceId | None


class Section(Struct, frozen=True):
    id: str
    document_id: DocumentId
    seq: int
    heading: str | None


class Passage(Struct, frozen=True):
    id: PassageId
    document_id: DocumentId
    section_id: str | None
    seq: int
    paragraph: int | None
    kind: str
    text: str
    uri: str


class Quotation(Struct, frozen=True):
    id: int
    passage_id: PassageId
    start: int
    end: int
    text: str
    kind: str
    source_id: SourceId | None
    excerpt_id: int | None


class Footnote(Struct, frozen=True):
    id: int
    passage_id: PassageId
    start: int
    end: int
    marker: str
    note: str
    note_passage_id: PassageId
    source_id: SourceId | None


class Excerpt(Struct, frozen=True):
    id: int
    passage_id: PassageId
    document_id: DocumentId
    mode: str
    essay_passage_id: PassageId
    start: int
    end: int


class Source(Struct, frozen=True):
    id: SourceId
    kind: str
    title: str
    subtitle: str | None
    author: str | None
    publisher: str | None
    year: str | None
    date: str | None
    url: str | None
    archive: str | None
    description: str | None


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open ``path`` with ``mode=ro``: the archive is never written, even by accident."""
    path = Path(path)
    if not path.exists():
        raise ArchiveError(f"The archive {path} does not exist.")
    if path.is_dir():
        raise ArchiveError(f"The archive {path} is a folder, not an archive file.")
    if not path.is_file():
        raise ArchiveError(f"The archive {path} is not a regular file.")
    if path.stat().st_size == 0:
        raise ArchiveError(f"The archive {path} is an empty file, not an archive.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    try:
        _check_schema_text(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> ArchiveError:
    return ArchiveError(f"The archive {path} cannot be read: it is not an SQLite database, "
                        f"or it is damaged ({exc}).")


def _check_schema_text(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file whose table definitions are not valid text: it is damaged.

    SQLite itself accepts a stray byte in a CREATE statement (or names it in an
    error message that Python then cannot decode), so the check is made here, once,
    before anything else reads the file.
    """
    try:
        # Reading the raw bytes of the schema loads it: SQLite's own complaints come first.
        rows = conn.execute("SELECT CAST(sql AS BLOB) FROM sqlite_master").fetchall()
        for (sql,) in rows:
            (sql or b"").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveDamaged(damaged(path, exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc


def _translated(path: Path, exc: sqlite3.Error) -> ArchiveError:
    """The one sentence a person reads for what SQLite raised while reading ``path``."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == sqlite3.SQLITE_INTERRUPT:
        return ArchiveError(f"Reading the archive {path} was stopped before it finished.")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return ArchiveError(f"The archive {path} is being written by another program; "
                            "try again when it has finished.")
    if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        # A closed archive or a question asked wrongly: the application's doing, so
        # the file is not called damaged (nor is `check` sent to look for damage).
        return ArchiveError(f"The archive {path} could not be read ({exc}).")
    return ArchiveDamaged(damaged(path, exc))


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn any SQLite error raised inside into the archive layer's own error."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _translated(path, exc) from exc


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Archive, P], R]) -> Callable[Concatenate[Archive, P], R]:
    @functools.wraps(method)
    def guarded(self: Archive, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with _reading(self.path):
            return method(self, *args, **kwargs)
    return guarded


def _errors_translated(cls: type[Archive]) -> type[Archive]:
    """Guard every public method of the class, present and future, with :func:`_reading`:
    callers of the archive never see ``sqlite3`` (the GUI does not import it)."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _guarded(member))
    return cls


@_errors_translated
class Archive:
    """A read-only archive. Each thread that reads needs its own ``Archive``.

    Every public method raises :class:`ArchiveError`, never an ``sqlite3`` error.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.conn = connect_read_only(self.path)
        try:
            with _reading(self.path):
                self.meta = self._validate()
        except BaseException:
            self.conn.close()
            raise

    def _validate(self) -> dict[str, str]:
        names = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        missing = [t for t in tables_of(1) if t not in names]
        if missing:
            raise ArchiveError(f"The file {self.path} is not an Archive Browser archive "
                               f"(it has no {missing[0]} table).")
        meta = dict(self.conn.execute("SELECT key, value FROM archive_meta"))
        if meta.get("format") != ARCHIVE_FORMAT or not meta.get("archive_id"):
            raise ArchiveError(f"The file {self.path} is not an Archive Browser archive.")
        if self.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0:
            raise ArchiveError(f"The archive {self.path} holds no documents.")
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise ArchiveError(f"The file {self.path} is not a valid Archive Browser archive "
                               "(its schema version is missing).")
        if int(version) > SCHEMA_VERSION:
            raise ArchiveError(f"The archive {self.path} was made by a newer version of "
                               "Archive Browser; please update the application.")
        missing = [t for t in tables_of(int(version)) if t not in names]
        if missing:
            raise ArchiveError(f"The file {self.path} is not a valid Archive Browser archive "
                               f"(it has no {missing[0]} table).")
        return meta

    @property
    def schema_version(self) -> int:
        """The version of the schema the archive was built with."""
        return int(self.meta["schema_version"])

    @property
    def has_index(self) -> bool:
        """Whether the archive has the index of entities and the timeline: one built
        before them (schema version 1) answers every question of them with nothing."""
        return self.schema_version >= 2

    def close(self) -> None:
        """Close the archive's connection; closing twice does nothing."""
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def archive_id(self) -> str:
        """The archive's own id, which its passages' URIs carry."""
        return self.meta["archive_id"]

    # -- documents and their structure -------------------------------------

    def documents(self, offset: int = 0, limit: int = -1) -> list[Document]:
        """The documents in the archive's order (the essay first), all or a page of them."""
        rows = self.conn.execute(
            "SELECT id, kind, title, author, date, description, source_id "
            "FROM documents ORDER BY seq LIMIT ? OFFSET ?", (limit, offset))
        return [Document(*r) for r in rows]

    def titles(self, document_ids: list[str] | set[str]) -> dict[str, str]:
        """The titles of some documents, without reading every document of a large archive."""
        rows = self.conn.execute(
            "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(document_ids)),))
        return dict(rows.fetchall())

    def headings(self, section_ids: list[str] | set[str]) -> dict[str, str | None]:
        """The headings of some sections (None for an untitled one), by section id."""
        rows = self.conn.execute(
            "SELECT id, heading FROM sections WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(section_ids)),))
        return dict(rows.fetchall())

    def document_count(self) -> int:
        """How many documents the archive holds."""
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def document(self, document_id: str) -> Document | None:
        """One document by its id, or None."""
        row = self.conn.execute(
            "SELECT id, kind, title, author, date, description, source_id "
            "FROM documents WHERE id = ?", (document_id,)).fetchone()
        return Document(*row) if row else None

    def sections(self, document_id: str) -> list[Section]:
        """The sections of a document in order; an untitled one has heading None."""
        rows = self.conn.execute(
            "SELECT id, document_id, seq, heading FROM sections "
            "WHERE document_id = ? ORDER BY seq", (document_id,))
        return [Section(*r) for r in rows]

    def section_starts(self, document_id: str) -> dict[str, str]:
        """Each section's first passage (its heading, or its first paragraph)."""
        rows = self.conn.execute(
            "SELECT section_id, id, min(seq) FROM passages WHERE document_id = ? "
            "AND section_id IS NOT NULL GROUP BY section_id", (document_id,))
        return {section: passage for section, passage, _seq in rows}

    _PASSAGE = "SELECT id, document_id, section_id, seq, paragraph, kind, text, uri FROM passages"

    def passages(self, document_id: str) -> list[Passage]:
        """A document's passages in reading order."""
        rows = self.conn.execute(f"{self._PASSAGE} WHERE document_id = ? ORDER BY seq",
                                 (document_id,))
        return [Passage(*r) for r in rows]

    def passage(self, passage_id: str) -> Passage | None:
        """One passage by its id, or None."""
        row = self.conn.execute(f"{self._PASSAGE} WHERE id = ?", (passage_id,)).fetchone()
        return Passage(*row) if row else None

    def places(self, uris: list[str]) -> dict[str, tuple[int, Passage]]:
        """For each URI that names a passage: its reading-order number and the passage."""
        if not uris:
            return {}
        rows = self.conn.execute(
            "SELECT n, id, document_id, section_id, seq, paragraph, kind, text, uri "
            "FROM passages WHERE uri IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(uris))),))
        return {r[8]: (r[0], Passage(*r[1:])) for r in rows}

    def passage_by_uri(self, uri: str) -> Passage | None:
        """The passage a URI names (what marks and exports point at), or None."""
        row = self.conn.execute(f"{self._PASSAGE} WHERE uri = ?", (uri,)).fetchone()
        return Passage(*row) if row else None

    # -- quotations, notes and sources -------------------------------------

    _QUOTATION = ('SELECT id, passage_id, start, "end", text, kind, source_id, excerpt_id '
                  "FROM quotations")

    def quotations(self, passage_id: str | None = None) -> list[Quotation]:
        """Every quotation of the archive, or those of one passage in the order they stand."""
        if passage_id is None:
            return [Quotation(*r) for r in self.conn.execute(f"{self._QUOTATION} ORDER BY id")]
        rows = self.conn.execute(f"{self._QUOTATION} WHERE passage_id = ? ORDER BY start",
                                 (passage_id,))
        return [Quotation(*r) for r in rows]

    def quotation(self, quotation_id: int) -> Quotation | None:
        """One quotation by its id (what a ``quote:ID`` link names), or None."""
        row = self.conn.execute(f"{self._QUOTATION} WHERE id = ?", (quotation_id,)).fetchone()
        return Quotation(*row) if row else None

    def quotations_in(self, document_id: str) -> list[Quotation]:
        """Every quotation in a document's passages, in reading order."""
        rows = self.conn.execute(
            'SELECT q.id, q.passage_id, q.start, q."end", q.text, q.kind, q.source_id, '
            "q.excerpt_id FROM quotations q JOIN passages p ON p.id = q.passage_id "
            "WHERE p.document_id = ? ORDER BY p.seq, q.start", (document_id,))
        return [Quotation(*r) for r in rows]

    def footnotes_in(self, document_id: str) -> list[Footnote]:
        """Every footnote whose marker stands in a document, in reading order."""
        rows = self.conn.execute(
            'SELECT f.id, f.passage_id, f.start, f."end", f.marker, f.note, f.note_passage_id, '
            "f.source_id FROM footnotes f JOIN passages p ON p.id = f.passage_id "
            "WHERE p.document_id = ? ORDER BY p.seq, f.start", (document_id,))
        return [Footnote(*r) for r in rows]

    _FOOTNOTE = ('SELECT id, passage_id, start, "end", marker, note, note_passage_id, '
                 "source_id FROM footnotes")

    def footnotes(self) -> list[Footnote]:
        """Every footnote of the archive, in order (one by id: :meth:`footnote`)."""
        return [Footnote(*r) for r in self.conn.execute(f"{self._FOOTNOTE} ORDER BY id")]

    def footnote(self, footnote_id: int) -> Footnote | None:
        """One footnote by its id (what a ``note:ID`` link names), or None."""
        row = self.conn.execute(f"{self._FOOTNOTE} WHERE id = ?", (footnote_id,)).fetchone()
        return Footnote(*row) if row else None

    def note_markers(self, document_id: str) -> dict[PassageId, str]:
        """The marker (``*``) of each note whose own passage is in a document, by that
        passage's id: what the reader's margin shows beside a note."""
        rows = self.conn.execute(
            "SELECT f.note_passage_id, f.marker FROM passages p "
            "JOIN footnotes f ON f.note_passage_id = p.id "
            "WHERE p.document_id = ?", (document_id,))
        return {PassageId(passage): marker for passage, marker in rows}

    _EXCERPT = ('SELECT id, passage_id, document_id, mode, essay_passage_id, start, "end" '
                "FROM excerpts")

    def excerpts(self, *, document_id: str | None = None, essay_passage_id: str | None = None,
                 passage_id: str | None = None) -> list[Excerpt]:
        """Excerpts of the minutes and the letter, filtered by any of the given ids."""
        filters = {"document_id": document_id, "essay_passage_id": essay_passage_id,
                   "passage_id": passage_id}
        where = [f"{column} = ?" for column, value in filters.items() if value is not None]
        params = [value for value in filters.values() if value is not None]
        sql = (self._EXCERPT + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id")
        return [Excerpt(*r) for r in self.conn.execute(sql, params)]

    def excerpt(self, excerpt_id: int) -> Excerpt | None:
        """One excerpt by its id (what a ``back:ID`` link names), or None."""
        row = self.conn.execute(f"{self._EXCERPT} WHERE id = ?", (excerpt_id,)).fetchone()
        return Excerpt(*row) if row else None

    _SOURCE = ("SELECT id, kind, title, subtitle, author, publisher, year, date, url, archive, "
               "description FROM sources")

    def sources(self) -> list[Source]:
        """Every source, in the catalogue's order."""
        return [Source(*r) for r in self.conn.execute(f"{self._SOURCE} ORDER BY seq")]

    def source(self, source_id: str) -> Source | None:
        """One source by its id, or None."""
        row = self.conn.execute(f"{self._SOURCE} WHERE id = ?", (source_id,)).fetchone()
        return Source(*row) if row else None

    def passages_drawing_on(self, source_id: str) -> list[Passage]:
        """The passages that draw on a source, in reading order."""
        rows = self.conn.execute(
            f"{self._PASSAGE} WHERE id IN (SELECT passage_id FROM source_passages "
            "WHERE source_id = ?) ORDER BY n", (source_id,))
        return [Passage(*r) for r in rows]

    # -- who, where, when: entities and events (desktop.archive.entities) ---------

    def entities(self, kind: str | None = None, *, order: str = "name", offset: int = 0,
                 limit: int = -1) -> list[Entity]:
        """The people, places, organisations and events (of one ``kind``), with their
        numbers of mentions, by ``name`` or by ``count`` (most first), a page of them."""
        if not self.has_index:
            return []
        return index.entities(self.conn, kind, order=order, offset=offset, limit=limit)

    def entity_count(self, kind: str | None = None) -> int:
        """How many entities the index has (of one kind)."""
        return index.entity_count(self.conn, kind) if self.has_index else 0

    def entity(self, entity_id: str) -> Entity | None:
        """One entity by its id, or None."""
        return index.entity(self.conn, entity_id) if self.has_index else None

    def entity_names(self, entity_id: str) -> list[str]:
        """Every name and alias the text may call an entity by."""
        return index.names(self.conn, entity_id) if self.has_index else []

    def entities_named(self, name: str) -> list[Entity]:
        """The entities a name or alias names, as written."""
        return index.entities_named(self.conn, name) if self.has_index else []

    def mentions(self, entity_id: str, *, offset: int = 0,
                 limit: int = index.PAGE) -> list[MentionHit]:
        """A page of an entity's mentions across the archive, in reading order, each with
        its place and the words around it."""
        if not self.has_index:
            return []
        return index.mentions_of(self.conn, entity_id, offset=offset, limit=limit)

    def mentions_in(self, passage_id: str) -> list[Mention]:
        """The mentions in one passage, in the order they stand."""
        return index.mentions_in(self.conn, passage_id) if self.has_index else []

    def mentions_in_document(self, document_id: str) -> list[Mention]:
        """Every mention in a document, in reading order."""
        return index.mentions_in_document(self.conn, document_id) if self.has_index else []

    def entities_in(self, passage_id: str, start: int | None = None,
                    end: int | None = None) -> list[Entity]:
        """The entities a passage mentions, or (with ``start`` and ``end``) those its words
        from ``start`` to ``end`` mention: each once, in the order first named."""
        if not self.has_index:
            return []
        if start is None and end is None:
            return index.entities_in(self.conn, passage_id)
        return index.entities_in_span(self.conn, passage_id, start or 0,
                                      2 ** 62 if end is None else end)

    def events(self, *, offset: int = 0, limit: int = -1) -> list[Event]:
        """The timeline: events by date (``1921`` before ``1921-03``, a range by its
        start), then in reading order; all, or a page."""
        return index.events(self.conn, offset=offset, limit=limit) if self.has_index else []

    def event_count(self) -> int:
        """How many events the timeline has."""
        return index.event_count(self.conn) if self.has_index else 0

    def event(self, event_id: int) -> Event | None:
        """One event by its id, or None."""
        return index.event(self.conn, event_id) if self.has_index else None

    def events_in(self, passage_id: str) -> list[Event]:
        """The events the words of one passage date, in the order they stand."""
        return index.events_in(self.conn, passage_id) if self.has_index else []

    # -- full-text search ----------------------------------------------------

    def search(self, text: str, offset: int = 0, *,
               cancelled: Callable[[], bool] | None = None, limit: int = fts.PAGE,
               seconds: float = fts.MAX_SECONDS, steps: int | None = None,
               count: bool = True) -> fts.Results:
        """A page of the passages that match what a person typed, in reading order.

        As :func:`desktop.archive.search.search`: whatever is typed is safe; a search
        past its budget, called off by ``cancelled()`` or stopped by :meth:`interrupt`
        returns no hits and is marked ``stopped``. Without ``count``, a full first page
        comes back not ``counted``: :meth:`count` counts it afterwards.
        """
        return fts.search(self.conn, text, limit=limit, offset=offset, seconds=seconds,
                          steps=steps, cancelled=cancelled, count=count)

    def count(self, text: str, *, cancelled: Callable[[], bool] | None = None) -> int | None:
        """How many passages match, up to ``COUNT_LIMIT``; None if stopped."""
        return fts.count(self.conn, text, cancelled=cancelled)

    def matched_spans(self, query: str, n: int) -> tuple[tuple[int, int], ...]:
        """Where the words of ``query`` stand in the passage of row ``n`` (a hit's ``n``)."""
        return fts.matched_spans(self.conn, query, n)

    def interrupt(self) -> None:
        """Stop what this archive is reading now; safe to call from another thread.

        A search so stopped returns as ``stopped``; nothing else is left changed.
        """
        self.conn.interrupt()
