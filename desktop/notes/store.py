"""The person's own marks: bookmarks, highlights, links, notes and tags, never lost.

One SQLite file per person (``notes.db`` in the data folder), written only through
this module. Every write is one short ``BEGIN IMMEDIATE`` transaction in WAL mode
with ``synchronous=FULL``: when a method returns, what it wrote survives a crash or
a power cut. Several processes may write at once; SQLite serialises them, waiting
up to :data:`BUSY_TIMEOUT_MS` for a lock.

How the file is found, examined, restored and opened is :mod:`desktop.notes.notes_file`,
the open connection :mod:`desktop.notes.connection`, and the marks themselves
:mod:`desktop.notes.marks`; the names other modules have always imported from this one
are re-exported here.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter

from msgspec import to_builtins
from msgspec.structs import replace

from desktop.notes.anchoring import ANCHORED, Selector
from desktop.notes.boundary import public_methods_at_boundary, translate
from desktop.notes.connection import NotesConnection
from desktop.notes.errors import NotesDamaged, NotesError
from desktop.notes.marks import (
    AHEAD,
    COLOUR_HEX,
    COLOURS,
    MAX_PARTS,
    Bookmark,
    End,
    Highlight,
    Link,
    Part,
    clean_relation,
    clean_tags,
    later_than,
    now,
)
from desktop.notes.migrations import BULK_FROM, indexes_made_after, missing_indexes
from desktop.notes.notes_file import (
    BUSY_TIMEOUT_MS,
    FILE_NAME,
    OpenReport,
    application_running,
    connect,
    connect_read_only,
    hold_running_lock,
    restore_backup,
)
from desktop.notes.places import ORPHAN_ORDER

# What other modules import from here; their homes are marks.py and notes_file.py.
__all__ = ["AHEAD", "BUSY_TIMEOUT_MS", "COLOURS", "COLOUR_HEX", "FILE_NAME", "Bookmark",
           "Highlight", "Notes", "OpenReport", "application_running", "clean_tags",
           "connect", "connect_read_only", "hold_running_lock", "later_than", "now",
           "restore_backup"]


# What a sync (desktop.notes.sync) tells apart in each kind of mark: a field changed on
# one device and another field on another both survive. ``place`` is where the mark's
# words are (document, selectors, states), ``first``/``second`` a link's ends.
SYNC_FIELDS = {"highlights": ("colour", "note", "tags", "place"),
               "bookmarks": ("label", "place"),
               "links": ("relation", "note", "first", "second")}
WHOLE = "*"  # in the sync's outbox: the whole mark was written (new, restored, imported)
GONE = "-"  # in the sync's outbox: the mark was deleted

_IDS_A_QUERY = 500  # ids in one IN (…) list, well below SQLite's limit on variables
_LINK_COLUMNS = ("id", "archive_id", *(f"{end}_{c}" for end in ("first", "second") for c in (
    "document", "uri", "start", "end", "exact", "prefix", "suffix", "state")),
    "relation", "note", "created", "modified")


@public_methods_at_boundary
class Notes(NotesConnection):
    """The facade of the notes layer: open it, then read and write marks through it.

    Opening, backups, another connection and closing are :class:`NotesConnection`'s.
    No SQLite error leaves a public method: each raises :class:`NotesError` instead
    (:class:`~desktop.notes.errors.NotesDamaged` for damage), see
    :mod:`desktop.notes.boundary`.
    """

    # -- highlights -----------------------------------------------------------

    _HIGHLIGHT = ('SELECT id, archive_id, document_id, uri, start, "end", exact, prefix, '
                  "suffix, colour, note, state, created, modified FROM highlights")

    def _highlights(self, rows: list[tuple],  # type: ignore[type-arg]
                    ids: Sequence[str] = (), *, across: bool = False) -> list[Highlight]:
        # Tags come in one grouped query (of the highlights ``ids``, when the rows are
        # theirs), joined by a control character that clean_tags() never lets into a tag.
        # ``across``: the rows are highlights of several parts, whose tags alone are read.
        if len(rows) == 1 and not ids:
            ids = [rows[0][0]]
        if rows and ids:
            found = self.conn.execute(
                "SELECT highlight_id, group_concat(tag, char(31)) FROM highlight_tags "
                f"WHERE highlight_id IN ({', '.join('?' * len(ids))}) GROUP BY highlight_id",
                ids).fetchall()
        elif rows:
            found = self.conn.execute(
                "SELECT highlight_id, group_concat(tag, char(31)) FROM highlight_tags "
                + ("WHERE highlight_id IN (SELECT highlight_id FROM highlight_parts) "
                   if across else "") + "GROUP BY highlight_id").fetchall()
        else:
            found = []
        # Tags were cleaned when written; here they only need their order.
        tags = {i: tuple(sorted(t.split("\x1f"), key=str.casefold)) for i, t in found}
        more = self._further_parts(rows, ids)
        # Unpacked into names, and the names looked up once: 10,000 highlights are read
        # at start-up, and this is most of the time it takes.
        make, where, tags_of = Highlight, Selector, tags.get
        made = [make(i, a, d, where(u, s, e, x, p, q), c, n, tags_of(i, ()), st, cr, mo)
                for i, a, d, u, s, e, x, p, q, c, n, st, cr, mo in rows]
        if more:  # the few highlights of several parts; the row's state is the first's
            made = [h.with_parts((Part(h.selector, h.state), *more[h.id])) if h.id in more
                    else h for h in made]
        return made

    def _further_parts(self, rows: list[tuple],  # type: ignore[type-arg]
                       ids: Sequence[str]) -> dict[str, list[Part]]:
        """The parts after the first of the highlights in ``rows``, by highlight, in
        order: one query, like the tags (an empty table costs next to nothing)."""
        columns = 'highlight_id, uri, start, "end", exact, prefix, suffix, state'
        if rows and ids:
            found = self.conn.execute(f"SELECT {columns} FROM highlight_parts WHERE "
                                      f"highlight_id IN ({', '.join('?' * len(ids))}) "
                                      "ORDER BY highlight_id, part", ids)
        elif rows:
            found = self.conn.execute(f"SELECT {columns} FROM highlight_parts "
                                      "ORDER BY highlight_id, part")
        else:
            return {}
        parts: dict[str, list[Part]] = {}
        for r in found:
            parts.setdefault(r[0], []).append(Part(Selector(*r[1:7]), r[7]))
        return parts

    def highlights(self, archive_id: str | None = None) -> list[Highlight]:
        """Every highlight (of one archive, if given), oldest first."""
        if archive_id is None:
            rows = self.conn.execute(f"{self._HIGHLIGHT} ORDER BY created, id").fetchall()
        else:
            rows = self.conn.execute(f"{self._HIGHLIGHT} WHERE archive_id = ? "
                                     "ORDER BY created, id", (archive_id,)).fetchall()
        return self._highlights(rows)

    def highlight_list(self, archive_id: str
                       ) -> list[tuple[str, str, str, int, str, str, str, int]]:
        """What a list of every highlight needs to order them, without their words:
        (id, document_id, uri, start, state, created, colour, 1 if it has several parts)
        for each, the first part's uri, start and state."""
        return self.conn.execute(
            # Read from the highlights_drawn index alone, not the table's rows.
            # The parts' ids are listed once, not looked up for each highlight.
            'SELECT id, document_id, uri, start, state, created, colour, '
            "id IN (SELECT highlight_id FROM highlight_parts) "
            "FROM highlights WHERE archive_id = ?", (archive_id,)).fetchall()

    _PLACE = ("CASE WHEN h.state = 'orphaned' OR p.at IS NULL THEN ? "
              "ELSE p.at * 100000 + h.start END")

    def highlights_in_order(self, archive_id: str, passage_order: Mapping[str, int],
                            others: Sequence[tuple[str, int, str]] = ()) -> list[str]:
        """The ids of every highlight of an archive of one part, and of ``others`` (marks
        placed apart: (id, place, created) of each), in reading order: by place, date
        made and id. A highlight's place is its passage's number in ``passage_order``
        (by URI) times 100,000 plus where its words start there;
        :data:`~desktop.notes.places.ORPHAN_ORDER`, after every other, for one whose
        words are not found or whose passage is not listed. Ordered by SQLite from the
        ``highlights_drawn`` index alone: 10,000 highlights are never sorted in Python,
        nor more than their ids read."""
        return [i for (i,) in self.conn.execute(
            "WITH p (uri, at) AS (SELECT key, value FROM json_each(?)), "
            "o (id, place, created) AS (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]'), json_extract(value, '$[2]') "
            "FROM json_each(?)) "
            f"SELECT id FROM (SELECT h.id AS id, {self._PLACE} AS place, h.created AS created "
            "FROM highlights AS h LEFT JOIN p ON p.uri = h.uri WHERE h.archive_id = ? "
            "AND h.id NOT IN (SELECT highlight_id FROM highlight_parts) "
            "UNION ALL SELECT id, place, created FROM o) ORDER BY place, created, id",
            (json.dumps(dict(passage_order)), json.dumps(list(others)), ORPHAN_ORDER,
             archive_id)).fetchall()]

    def highlight_places(self, archive_id: str, passage_order: Mapping[str, int]
                         ) -> list[tuple[str, int, str]]:
        """(id, place, created) of every highlight of an archive, its place worked out as
        :meth:`highlights_in_order` does (from the first part), in no order."""
        return self.conn.execute(
            "WITH p (uri, at) AS (SELECT key, value FROM json_each(?)) "
            f"SELECT h.id, {self._PLACE}, h.created FROM highlights AS h "
            "LEFT JOIN p ON p.uri = h.uri WHERE h.archive_id = ?",
            (json.dumps(dict(passage_order)), ORPHAN_ORDER, archive_id)).fetchall()

    def documents_of_highlights(self, archive_id: str) -> set[str]:
        """The documents that hold a highlight (its first part): found by stepping from
        one document to the next in the ``highlights_drawn`` index, not by reading an
        entry for each highlight. Without the index (while a first sync of many marks
        writes them), each step would read every highlight: they are read once."""
        if missing_indexes(self.conn):
            return {d for (d,) in self.conn.execute(
                "SELECT DISTINCT document_id FROM highlights WHERE archive_id = ?",
                (archive_id,))}
        return {d for (d,) in self.conn.execute(
            "WITH RECURSIVE d (document) AS ("
            "SELECT min(document_id) FROM highlights WHERE archive_id = ?1 "
            "UNION ALL SELECT (SELECT min(document_id) FROM highlights "
            "WHERE archive_id = ?1 AND document_id > d.document) FROM d "
            "WHERE d.document IS NOT NULL) "
            "SELECT document FROM d WHERE document IS NOT NULL", (archive_id,))}

    def ids_across(self) -> list[str]:
        """The ids of the highlights of several parts."""
        return [i for (i,) in self.conn.execute(
            "SELECT DISTINCT highlight_id FROM highlight_parts")]

    def highlight_words(self, archive_id: str) -> dict[str, str]:
        """What a text filter of every highlight reads of each, by id: its first part's
        words and its note, joined by a space and casefolded (its tags are apart:
        :meth:`tags_as_written`, :meth:`highlights_tagged`).

        SQLite joins them all into one text, split again at once (10,000 rows made one
        by one took as long as reading them), and each casefolded: most are ASCII,
        which Python casefolds at once, where the whole text casefolded would be
        casefolded a character at a time. Should a text hold the separator (NUL), they
        are read row by row instead."""
        count, named, ids, texts = self.conn.execute(
            "SELECT count(*), count(h.id), group_concat(h.id, char(0)), "
            "group_concat(ifnull(h.exact, '') || ' ' || ifnull(h.note, ''), char(0)) "
            f"FROM highlights AS h {self._scanned(archive_id)} WHERE h.archive_id = ?",
            (archive_id,)).fetchone()
        if not count:
            return {}
        ids, texts = ids.split("\0") if ids else [], texts.split("\0")
        if len(ids) == len(texts) == named == count:  # no separator within one
            return dict(zip(ids, map(str.casefold, texts), strict=True))
        return {i: f"{exact} {note}".casefold() for i, exact, note in self.conn.execute(
            "SELECT id, exact, note FROM highlights WHERE archive_id = ?", (archive_id,))}

    def tags_as_written(self) -> set[str]:
        """Every tag in use, as each highlight has it (the same tag may be written in
        more than one case)."""
        return {t for (t,) in self.conn.execute("SELECT DISTINCT tag FROM highlight_tags")}

    def highlights_tagged(self, tags: Collection[str]) -> dict[str, set[str]]:
        """The ids of the highlights (of any archive) with each of ``tags`` (as written),
        by tag; each tag's joined into one text by SQLite and split at once."""
        found: dict[str, set[str]] = {tag: set() for tag in tags}
        for tag, count, ids in self.conn.execute(
                "SELECT tag, count(*), group_concat(highlight_id, char(0)) FROM highlight_tags "
                "WHERE tag IN (SELECT value FROM json_each(?)) GROUP BY tag",
                (json.dumps(list(found)),)):
            split = ids.split("\0")
            found[tag] = set(split) if len(split) == count else {  # else an id holds NUL
                i for (i,) in self.conn.execute(
                    "SELECT highlight_id FROM highlight_tags WHERE tag = ?", (tag,))}
        return found

    def highlights_with_ids(self, ids: Sequence[str]) -> list[Highlight]:
        """The highlights of ``ids`` that exist, whole (a page of a list)."""
        if not ids:
            return []
        rows = self.conn.execute(f"{self._HIGHLIGHT} WHERE id IN "
                                 "(SELECT value FROM json_each(?))",
                                 (json.dumps(list(ids)),)).fetchall()
        return self._highlights(rows, [r[0] for r in rows])

    # -- every highlight of an export, read as it is written -----------------------

    # A highlight of one part as a row: these columns. Its tags are given apart, joined
    # by U+001F, which clean_tags() never lets into a tag.
    PLAIN_COLUMNS = ("id", "document_id", "uri", "start", "end", "exact", "prefix", "suffix",
                     "colour", "note", "state", "created", "modified")

    def plain_highlights(self, archive_id: str, places: Mapping[str, int], *,
                         document: str = "", colour: str = "",
                         tags: Collection[str] | None = None, unread: Collection[str] = ()
                         ) -> tuple[Iterator[list[tuple]], Mapping[str, str]]:  # type: ignore[type-arg]
        """The highlights of one part that a selection holds, as rows
        (:data:`PLAIN_COLUMNS`), a page of them at a time, read as they are used: an
        export of 100,000 needs neither a record of each nor all of them in memory; and
        the tags of every highlight, by id (joined by U+001F; none for a highlight that
        has none), read from the same state of the notes as the rows.

        The rows come in reading order: those placed (not orphaned, in a passage whose
        position ``places`` gives) by that position plus their start, then the others;
        each group by id. The selection: of ``document``, of ``colour``, with one of
        ``tags`` (None: with any tags or none). Columns ``unread`` (of prefix, suffix,
        created and modified, which a format may not write) are given empty: every text
        read costs, 100,000 times."""
        if not set(unread) <= set(_OPTIONAL):
            raise ValueError(f"Only {', '.join(_OPTIONAL)} may be left unread.")
        where, params = self._selected(archive_id, document, colour, tags)
        columns = ", ".join("''" if column in unread else f"h.{column}" for column in (
            "prefix", "suffix", "colour", "note", "state", "created", "modified"))
        # SQLite may sort with a helper thread beside this one: 100,000 rows then take
        # about 50 ms less. The sort takes the setting as it starts, in execute().
        (threads,) = self.conn.execute("PRAGMA threads").fetchone()
        self.conn.execute("PRAGMA threads = 1")
        rows = self.conn.execute(
            # The positions as a table, which SQLite makes and indexes for the join.
            "WITH p (uri, at) AS (SELECT key, value FROM json_each(?)) "
            f"SELECT h.id, h.document_id, h.uri, h.start, h.\"end\", h.exact, {columns} "
            f"FROM highlights AS h {self._scanned(archive_id)} "
            f"LEFT JOIN p ON p.uri = h.uri WHERE {where} "
            "ORDER BY p.at IS NULL OR h.state = 'orphaned', "
            "CASE WHEN h.state != 'orphaned' THEN p.at + h.start END, h.id",
            (json.dumps(places), *params))
        self.conn.execute(f"PRAGMA threads = {int(threads):d}")
        # The tags of every highlight, read at once while the rows' statement holds its
        # read transaction (so from the same state of the notes): looked up in the
        # table's index for each of 100,000 highlights, they cost twice as long, and
        # put into each row, a tenth of an export's time more.
        tagged = dict(self.conn.execute(
            "SELECT highlight_id, group_concat(tag, char(31)) FROM highlight_tags "
            "GROUP BY highlight_id"))
        return self._guarded(rows), tagged

    def _scanned(self, archive_id: str) -> str:
        """``NOT INDEXED`` when most highlights are of ``archive_id`` (as in notes on one
        archive): the table read in its own order then takes half the time of its rows
        looked up one by one from an index (100,000 of them: 0.5 s against 0.75 to 1.2
        s). SQLite, without statistics, takes any index for the better."""
        ours, total = self.conn.execute(
            "SELECT count(*), (SELECT count(*) FROM highlights) FROM highlights "
            "WHERE archive_id = ?", (archive_id,)).fetchone()
        return "NOT INDEXED" if ours * 2 > total else ""

    def count_plain_highlights(self, archive_id: str, *, document: str = "",
                               colour: str = "", tags: Collection[str] | None = None) -> int:
        """How many highlights :meth:`plain_highlights` gives."""
        where, params = self._selected(archive_id, document, colour, tags)
        return int(self.conn.execute(f"SELECT count(*) FROM highlights AS h WHERE {where}",
                                     params).fetchone()[0])

    def uris_of_highlights(self, archive_id: str) -> list[str]:
        """Every passage URI a highlight (its first part) of one archive names, once."""
        return [uri for (uri,) in self.conn.execute(
            "SELECT DISTINCT uri FROM highlights WHERE archive_id = ?", (archive_id,))]

    def _guarded(self, rows: sqlite3.Cursor) -> Iterator[list[tuple]]:  # type: ignore[type-arg]
        """``rows`` a page at a time, with what SQLite raises while they are read
        translated, as every public method's errors are (the reading goes on after the
        method returned)."""
        try:
            while page := rows.fetchmany(1000):
                yield page
        except sqlite3.Error as exc:
            error = translate(exc, self.folder)
            if isinstance(error, NotesDamaged):
                self.distrust()
            raise error from exc

    def highlights_across(self, archive_id: str) -> list[Highlight]:
        """The highlights of several parts (of one archive), oldest first."""
        # From the parts to their highlights (CROSS JOIN keeps that order): there are
        # few, and looking for each of 100,000 highlights among them cost an export 0.25 s.
        columns = self._HIGHLIGHT.removeprefix("SELECT ").removesuffix(" FROM highlights")
        rows = self.conn.execute(
            f"SELECT {columns} FROM (SELECT DISTINCT highlight_id FROM highlight_parts) "
            "AS p CROSS JOIN highlights ON highlights.id = p.highlight_id "
            "WHERE archive_id = ? ORDER BY created, id", (archive_id,)).fetchall()
        return self._highlights(rows, across=True)

    def tags_of_highlights(self, archive_id: str, *, document: str = "", colour: str = "",
                           tags: Collection[str] | None = None) -> list[str]:
        """Every tag of the highlights a selection holds (as :meth:`plain_highlights`
        selects them, of one part or several), each once."""
        where, params = self._selected(archive_id, document, colour, tags, of_one_part=False)
        # Each tag once from its index, then whether a highlight selected has it: a few
        # hundred tags looked up, not every tag of every highlight.
        return [tag for (tag,) in self.conn.execute(
            "SELECT d.tag FROM (SELECT DISTINCT tag FROM highlight_tags) AS d WHERE EXISTS "
            "(SELECT 1 FROM highlight_tags AS t CROSS JOIN highlights AS h ON h.id = "
            f"t.highlight_id WHERE t.tag = d.tag AND {where})", params)]

    @staticmethod
    def _selected(archive_id: str, document: str, colour: str, tags: Collection[str] | None,
                  *, of_one_part: bool = True) -> tuple[str, list[str]]:
        """The highlights a selection holds (see :meth:`plain_highlights`)."""
        where, params = ["h.archive_id = ?"], [archive_id]
        if of_one_part:
            where.append("NOT EXISTS (SELECT 1 FROM highlight_parts WHERE highlight_id = h.id)")
        if document:
            where.append("h.document_id = ?")
            params.append(document)
        if colour:
            where.append("h.colour = ?")
            params.append(colour)
        if tags is not None:
            where.append("EXISTS (SELECT 1 FROM highlight_tags WHERE highlight_id = h.id AND "
                         "tag IN (SELECT value FROM json_each(?)))")
            params.append(json.dumps(sorted(tags)))
        return " AND ".join(where), params

    def marks_with_ids(self, kind: str, ids: Collection[str]
                       ) -> list[Highlight] | list[Bookmark] | list[Link]:
        """The marks of ``kind`` (highlights, bookmarks or links) that have these ids, in
        no particular order: read a few hundred a query, with their tags and parts (a
        sync reads thousands of the marks it stamps or merges, and reading them one by
        one, or every mark, would take far longer)."""
        if kind not in _COLUMNS:
            raise ValueError(kind)
        found: list = []  # type: ignore[type-arg]
        listed = list(ids)
        for start in range(0, len(listed), _IDS_A_QUERY):
            part = listed[start:start + _IDS_A_QUERY]
            where = f" WHERE id IN ({', '.join('?' * len(part))})"
            if kind == "highlights":
                found += self._highlights(
                    self.conn.execute(self._HIGHLIGHT + where, part).fetchall(), part)
            elif kind == "links":
                found += [self._link(r) for r in self.conn.execute(self._LINK + where, part)]
            else:
                found += [Bookmark(*r) for r in self.conn.execute(self._BOOKMARK + where, part)]
        return found

    def highlight(self, highlight_id: str) -> Highlight | None:
        rows = self.conn.execute(f"{self._HIGHLIGHT} WHERE id = ?", (highlight_id,)).fetchall()
        found = self._highlights(rows)
        return found[0] if found else None

    def highlights_at(self, archive_id: str, uri: str) -> list[Highlight]:
        """The highlights with a part in the passage ``uri`` that is not orphaned, in
        the order of those parts (a highlight across passages is in each of them)."""
        columns = ", ".join(f"h.{c}" for c in _COLUMNS["highlights"])
        rows = self.conn.execute(
            f"SELECT {columns}, h.start AS here FROM highlights AS h "
            "WHERE h.archive_id = ? AND h.uri = ? AND h.state != 'orphaned' "
            f"UNION ALL SELECT {columns}, p.start FROM highlight_parts AS p "
            "CROSS JOIN highlights AS h ON h.id = p.highlight_id "
            "WHERE h.archive_id = ? AND p.uri = ? AND p.state != 'orphaned' "
            "ORDER BY here, created", (archive_id, uri, archive_id, uri)).fetchall()
        seen: set[str] = set()  # two parts in one passage (moved there) show it once
        return self._highlights([r[:-1] for r in rows if r[0] not in seen and not seen.add(r[0])])

    def add_highlight(self, archive_id: str, document_id: str, selector: Selector,
                      colour: str, note: str = "", tags: Iterable[str] = (), *,
                      more: Sequence[Selector] = ()) -> Highlight:
        """Save a new highlight; when this returns, it is on disk. Words selected across
        passages make one highlight: ``selector`` is the first passage's words, ``more``
        those of the passages after it, in reading order (all in ``document_id``)."""
        if colour not in COLOURS:
            raise NotesError(f"“{colour}” is not one of the highlight colours.")
        if len(more) >= MAX_PARTS:
            raise NotesError(f"A highlight runs across at most {MAX_PARTS} passages.")
        stamp = now()
        highlight = Highlight(str(uuid.uuid4()), archive_id, document_id, selector, colour,
                              note, clean_tags(tags), ANCHORED, stamp, stamp,
                              tuple(Part(s) for s in more))
        self.put_highlight(highlight)
        return highlight

    def move_marks(self, highlights: Sequence[tuple[Highlight, Selector, str]],
                   bookmarks: Sequence[tuple[Bookmark, str, str]],
                   links: Sequence[tuple[Link, End, End]] = (), *,
                   parts: Sequence[tuple[Highlight, Sequence[Part]]] = ()) -> None:
        """Give marks new places and states (re-anchoring), in one transaction:
        ``highlights`` their first parts' (the state is that part's own), ``parts`` the
        further parts of highlights of several (each highlight as read, with every part
        after the first, as many as it has), ``links`` both ends (each link as read).

        Only the place and the state are written, and only where the mark is as it
        was read (same ``modified``): a note another window saved meanwhile is never
        undone by it.
        """
        with self._write() as conn:
            conn.executemany(
                'UPDATE highlights SET uri = ?, start = ?, "end" = ?, exact = ?, prefix = ?, '
                "suffix = ?, state = ? WHERE id = ? AND modified = ?",
                [(s.uri, s.start, s.end, s.exact, s.prefix, s.suffix, state, h.id, h.modified)
                 for h, s, state in highlights])
            if parts:
                conn.executemany(
                    'UPDATE highlight_parts SET uri = ?, start = ?, "end" = ?, exact = ?, '
                    "prefix = ?, suffix = ?, state = ? WHERE highlight_id = ? AND part = ? "
                    "AND EXISTS (SELECT 1 FROM highlights WHERE id = ? AND modified = ?)",
                    [(p.selector.uri, p.selector.start, p.selector.end, p.selector.exact,
                      p.selector.prefix, p.selector.suffix, p.state, h.id, number, h.id,
                      h.modified)
                     for h, placed in parts for number, p in enumerate(placed, 1)])
            conn.executemany(
                "UPDATE bookmarks SET uri = ?, state = ? WHERE id = ? AND modified = ?",
                [(uri, state, b.id, b.modified) for b, uri, state in bookmarks])
            if links:
                ends = ", ".join(f"{c} = ?" for c in _LINK_COLUMNS[2:18])
                conn.executemany(
                    f"UPDATE links SET {ends} WHERE id = ? AND modified = ?",
                    [(*_end_row(first), *_end_row(second), link.id, link.modified)
                     for link, first, second in links])

    def put_highlight(self, highlight: Highlight) -> None:
        """Write a highlight as it is, new or replacing one with its id (undo uses this)."""
        self.put_many([highlight], [])

    def put_many(self, highlights: Sequence[Highlight], bookmarks: Sequence[Bookmark],
                 links: Sequence[Link] = ()) -> None:
        """Write many marks in one transaction: all of them, or (on any error) none."""
        with self._write() as conn:
            _put(conn, highlights, bookmarks, links)
            self._capture(conn, _whole(highlights, bookmarks, links))

    def merge(self, highlights: Sequence[Highlight], bookmarks: Sequence[Bookmark],
              links: Sequence[Link] = (), *,
              only_new: Collection[str] = (), tags_clean: bool = False
              ) -> tuple[set[str], set[str]]:
        """Write marks from elsewhere (an import) in one transaction, all or none: a new
        mark is added, a stored one replaced only by a later ``modified`` (never when
        its id is in ``only_new``); return the ids added and the ids replaced.
        ``tags_clean``: the highlights' tags are as :func:`clean_tags` makes them (an
        import's are, as it reads them).

        The rows are written in the order of their ids, the order of the tables' keys:
        100,000 new rows then go into the indexes' pages one after another rather than
        anywhere. The marks are taken in any order (in the order they were made, they
        are read from memory one after another too).

        What is stored is read inside the transaction, so an edit another window saved
        a moment before is compared, never overwritten by an older version.
        """
        with self._write() as conn:
            stored = self.modified_dates()

            def wins(mark: Highlight | Bookmark | Link) -> bool:
                old = stored.get(mark.id)
                return old is None or (mark.id not in only_new and old < mark.modified)

            if stored:  # into empty notes (100,000 marks imported) every mark wins
                highlights = [h for h in highlights if wins(h)]
                bookmarks = [b for b in bookmarks if wins(b)]
                links = [link for link in links if wins(link)]
            new = sum(h.id not in stored for h in highlights) if stored else len(highlights)
            with indexes_made_after(conn, new >= max(BULK_FROM, len(stored))):
                _put_apart(conn, (highlights, bookmarks, links), stored, later_only=True,
                           tags_clean=tags_clean, by_id=True)
            self._capture(conn, _whole(highlights, bookmarks, links))
        written = {m.id for m in [*highlights, *bookmarks, *links]}
        added = written - stored.keys()
        return added, written - added

    def modified_dates(self) -> dict[str, str]:
        """Every mark's id and the time of its last change."""
        return dict(self.conn.execute("SELECT id, modified FROM highlights UNION ALL "
                                      "SELECT id, modified FROM bookmarks UNION ALL "
                                      "SELECT id, modified FROM links"))

    def update_highlight(self, highlight_id: str, *, note: str | None = None,
                         colour: str | None = None, tags: Iterable[str] | None = None,
                         selector: Selector | None = None, state: str | None = None,
                         document_id: str | None = None, more: Sequence[Part] | None = None,
                         first_state: str | None = None) -> Highlight:
        """Change a highlight's note, colour, tags or place; return it as saved.

        ``selector`` and ``state`` are the first part's (for a highlight of one part,
        the highlight's); ``more`` replaces the parts after it (``()`` leaves only the
        first). ``first_state``, as the record has it, lets a record's fields be
        written back exactly: given, it is the first part's state. The highlight's
        state is then the worst of its parts'.

        It is read and written in one transaction, and only what changed is written:
        another process saving another field of the same highlight keeps its change.
        """
        if colour is not None and colour not in COLOURS:
            raise NotesError(f"“{colour}” is not one of the highlight colours.")
        if more is not None and len(more) >= MAX_PARTS:
            raise NotesError(f"A highlight runs across at most {MAX_PARTS} passages.")
        with self._write() as conn:
            old = self.highlight(highlight_id)
            if old is None:
                raise NotesError("That highlight no longer exists.")
            own = first_state or (old.parts[0].state if state is None else state)
            new = replace(
                old, note=old.note if note is None else note,
                colour=old.colour if colour is None else colour,
                tags=old.tags if tags is None else clean_tags(tags),
                document_id=old.document_id if document_id is None else document_id,
            ).with_parts((Part(old.selector if selector is None else selector, own),
                          *(old.more if more is None else more)))
            if new == old:
                return old
            new = replace(new, modified=later_than(old.modified))
            _update_row(conn, "highlights", highlight_id, _highlight_row(old),
                        _highlight_row(new))
            conn.executemany("DELETE FROM highlight_tags WHERE highlight_id = ? AND tag = ?",
                             [(highlight_id, t) for t in set(old.tags) - set(new.tags)])
            conn.executemany("INSERT INTO highlight_tags (highlight_id, tag) VALUES (?, ?)",
                             [(highlight_id, t) for t in set(new.tags) - set(old.tags)])
            if new.more != old.more:
                _put_parts(conn, [new], replaced=False)
            self._capture(conn, [("highlights", highlight_id, _changed(old, new))])
        return new

    def delete_highlight(self, highlight_id: str) -> Highlight | None:
        """Delete a highlight; return it as it was, so that it can be put back."""
        with self._write() as conn:
            old = self.highlight(highlight_id)
            conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))
            if old is not None:
                self._capture(conn, [("highlights", highlight_id, GONE)], gone=old)
        return old

    def marks_in(self, archive_id: str, document_id: str, uris: Collection[str] | None = None
                 ) -> list[tuple[str, int, int, str, str]]:
        """What the reader draws of a document's highlights (of its passages ``uris`` only,
        if given): (uri, start, end, id, colour) for each part that is not orphaned (a
        highlight across passages gives one for each), by passage and place in it. Read
        from the ``highlights_drawn`` index alone, without the notes: the text needs only
        place and colour to draw, and a note is read when it is shown (:meth:`notes_of`)."""
        among = "" if uris is None else " AND {} IN (SELECT value FROM json_each(?))"
        listed = () if uris is None else (json.dumps(list(uris)),)
        return self.conn.execute(
            'SELECT uri, start, "end", id, colour FROM highlights '
            "WHERE archive_id = ? AND document_id = ? AND state != 'orphaned'"
            + among.format("uri") +
            # From the parts to their highlights (CROSS JOIN keeps that order): the few
            # parts there are, not every highlight of the document looked up in them.
            ' UNION ALL SELECT p.uri, p.start, p."end", h.id, h.colour '
            "FROM highlight_parts AS p CROSS JOIN highlights AS h ON h.id = p.highlight_id "
            "WHERE h.archive_id = ? AND h.document_id = ? AND p.state != 'orphaned'"
            + among.format("p.uri") + " ORDER BY 1, 2, 3, 4",
            (archive_id, document_id, *listed, archive_id, document_id, *listed)).fetchall()

    def notes_of(self, ids: Collection[str]) -> dict[str, str]:
        """The notes of the highlights ``ids`` (those that exist), by id."""
        if not ids:
            return {}
        return dict(self.conn.execute("SELECT id, note FROM highlights WHERE id IN "
                                      "(SELECT value FROM json_each(?))",
                                      (json.dumps(list(ids)),)))

    def anchored_to(self, archive_id: str) -> str | None:
        """The fingerprint of the archive text the marks were last placed on."""
        row = self.conn.execute("SELECT content_hash FROM anchored_to WHERE archive_id = ?",
                                (archive_id,)).fetchone()
        return row[0] if row else None

    def set_anchored_to(self, archive_id: str, content_hash: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO anchored_to (archive_id, content_hash) "
                         "VALUES (?, ?)", (archive_id, content_hash))

    def tags(self) -> list[str]:
        """Every tag in use, for completion."""
        rows = self.conn.execute("SELECT DISTINCT tag FROM highlight_tags").fetchall()
        return list(clean_tags(r[0] for r in rows))

    # -- links ------------------------------------------------------------------

    _LINK = f"SELECT {', '.join(_LINK_COLUMNS)} FROM links"

    @staticmethod
    def _link(r: tuple) -> Link:  # type: ignore[type-arg]
        return Link(r[0], r[1], End(r[2], Selector(*r[3:9]), r[9]),
                    End(r[10], Selector(*r[11:17]), r[17]), *r[18:])

    def links(self, archive_id: str | None = None) -> list[Link]:
        """Every link (of one archive, if given), oldest first."""
        if archive_id is None:
            rows = self.conn.execute(f"{self._LINK} ORDER BY created, id")
        else:
            rows = self.conn.execute(f"{self._LINK} WHERE archive_id = ? ORDER BY created, id",
                                     (archive_id,))
        return [self._link(r) for r in rows]

    def link(self, link_id: str) -> Link | None:
        row = self.conn.execute(f"{self._LINK} WHERE id = ?", (link_id,)).fetchone()
        return self._link(row) if row else None

    def links_in(self, archive_id: str, document_id: str) -> list[Link]:
        """The links with an end in a document (either end, or both), oldest first: what
        its margin marks. Orphaned ends are included; their state says so."""
        rows = self.conn.execute(
            f"{self._LINK} WHERE archive_id = ? AND (first_document = ? OR "
            "second_document = ?) ORDER BY created, id", (archive_id, document_id, document_id))
        return [self._link(r) for r in rows]

    def add_link(self, archive_id: str, first: End, second: End, relation: str,
                 note: str = "") -> Link:
        """Save a new link from ``first`` to ``second`` (each end's state is taken to be
        anchored); when this returns, it is on disk. ``relation``: one of
        :data:`~desktop.notes.marks.RELATIONS` or the person's own word."""
        stamp = now()
        link = Link(str(uuid.uuid4()), archive_id, replace(first, state=ANCHORED),
                    replace(second, state=ANCHORED), _relation(relation), note, stamp, stamp)
        self.put_link(link)
        return link

    def put_link(self, link: Link) -> None:
        """Write a link as it is, new or replacing one with its id (undo uses this)."""
        self.put_many([], [], [link])

    def update_link(self, link_id: str, *, relation: str | None = None,
                    note: str | None = None, first: End | None = None,
                    second: End | None = None) -> Link:
        """Change a link's relation or note (or re-attach an end); return it as saved.
        Only what changed is written, in one transaction, as :meth:`update_highlight`."""
        with self._write() as conn:
            old = self.link(link_id)
            if old is None:
                raise NotesError("That link no longer exists.")
            new = replace(old, relation=old.relation if relation is None else _relation(relation),
                          note=old.note if note is None else note,
                          first=old.first if first is None else first,
                          second=old.second if second is None else second)
            if new == old:
                return old
            new = replace(new, modified=later_than(old.modified))
            _update_row(conn, "links", link_id, _link_row(old), _link_row(new))
            self._capture(conn, [("links", link_id, _changed(old, new))])
        return new

    def delete_link(self, link_id: str) -> Link | None:
        """Delete a link; return it as it was, so that it can be put back."""
        with self._write() as conn:
            old = self.link(link_id)
            conn.execute("DELETE FROM links WHERE id = ?", (link_id,))
            if old is not None:
                self._capture(conn, [("links", link_id, GONE)], gone=old)
        return old

    # -- bookmarks -------------------------------------------------------------

    _BOOKMARK = ("SELECT id, archive_id, document_id, uri, label, exact, state, created, "
                 "modified FROM bookmarks")

    def bookmarks(self, archive_id: str | None = None) -> list[Bookmark]:
        if archive_id is None:
            rows = self.conn.execute(f"{self._BOOKMARK} ORDER BY created, id")
        else:
            rows = self.conn.execute(f"{self._BOOKMARK} WHERE archive_id = ? "
                                     "ORDER BY created, id", (archive_id,))
        return [Bookmark(*r) for r in rows]

    def bookmark_at(self, archive_id: str, uri: str) -> Bookmark | None:
        """The bookmark on a passage (the oldest, if an import or a rebuilt archive put
        two there)."""
        row = self.conn.execute(f"{self._BOOKMARK} WHERE archive_id = ? AND uri = ? "
                                "ORDER BY created, id", (archive_id, uri)).fetchone()
        return Bookmark(*row) if row else None

    def bookmark(self, bookmark_id: str) -> Bookmark | None:
        row = self.conn.execute(f"{self._BOOKMARK} WHERE id = ?", (bookmark_id,)).fetchone()
        return Bookmark(*row) if row else None

    def add_bookmark(self, archive_id: str, document_id: str, uri: str, exact: str,
                     label: str = "") -> Bookmark:
        stamp = now()
        bookmark = Bookmark(str(uuid.uuid4()), archive_id, document_id, uri, label.strip(),
                            exact, ANCHORED, stamp, stamp)
        self.put_bookmark(bookmark)
        return bookmark

    def put_bookmark(self, bookmark: Bookmark) -> None:
        self.put_many([], [bookmark])

    def update_bookmark(self, bookmark_id: str, *, label: str | None = None,
                        uri: str | None = None, document_id: str | None = None,
                        state: str | None = None) -> Bookmark:
        """Rename or move a bookmark, as :meth:`update_highlight` changes a highlight."""
        with self._write() as conn:
            old = self.bookmark(bookmark_id)
            if old is None:
                raise NotesError("That bookmark no longer exists.")
            new = replace(old, label=old.label if label is None else label.strip(),
                          uri=old.uri if uri is None else uri,
                          document_id=old.document_id if document_id is None else document_id,
                          state=old.state if state is None else state)
            if new == old:
                return old
            new = replace(new, modified=later_than(old.modified))
            _update_row(conn, "bookmarks", bookmark_id, _bookmark_row(old), _bookmark_row(new))
            self._capture(conn, [("bookmarks", bookmark_id, _changed(old, new))])
        return new

    def delete_bookmark(self, bookmark_id: str) -> Bookmark | None:
        with self._write() as conn:
            old = self.bookmark(bookmark_id)
            conn.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))
            if old is not None:
                self._capture(conn, [("bookmarks", bookmark_id, GONE)], gone=old)
        return old

    # -- what a sync sends ------------------------------------------------------------

    _syncing: bool | None = None  # whether this file has the sync's tables (schema 6)

    def _capture(self, conn: sqlite3.Connection, changes: Iterable[tuple[str, str, str]], *,
                 gone: Highlight | Bookmark | Link | None = None) -> None:
        """Record, in the write's own transaction, which marks a write changed and which
        of their fields (``kind, id, fields``), and a deleted mark as it was (``gone``):
        only while this installation syncs (``sync_device`` has its row). The sync reads
        these rows later; a crash between this write and the sync folder loses nothing,
        for the two commit together. A mark changed and then deleted before the sync
        read its changes is sent as it was when deleted: a change made here is never
        dropped unsent, even one the deletion then hid.

        Re-anchoring (:meth:`move_marks`) is not recorded: every device places the
        marks on its own copy of the archive, and a place worked out for one version of
        the text would be wrong on a device that has another."""
        if self._syncing is None:
            self._syncing = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                         "AND name = 'sync_device'").fetchone() is not None
        if not self._syncing or conn.execute("SELECT 1 FROM sync_device").fetchone() is None:
            return
        wall = now()
        was = json.dumps(to_builtins(gone), ensure_ascii=False) if gone is not None else None
        conn.executemany("INSERT INTO sync_outbox (mark_id, kind, fields, wall, gone) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [(mark_id, kind, fields, wall, was) for kind, mark_id, fields in changes
                          if fields])


# The columns of a highlight an export may leave unread (see Notes.plain_highlights).
_OPTIONAL = ("prefix", "suffix", "created", "modified")

_COLUMNS = {
    "highlights": ("id", "archive_id", "document_id", "uri", "start", '"end"', "exact",
                   "prefix", "suffix", "colour", "note", "state", "created", "modified"),
    "bookmarks": ("id", "archive_id", "document_id", "uri", "label", "exact", "state",
                  "created", "modified"),
    "links": _LINK_COLUMNS,
}


# -- what a sync writes (desktop.notes.sync), in its own transaction ---------------------


def put_synced(conn: sqlite3.Connection, highlights: Sequence[Highlight],
               bookmarks: Sequence[Bookmark], links: Sequence[Link]) -> None:
    """Write whole marks that a sync merged, new or replacing those with their ids, on
    ``conn`` in the sync's transaction: they came from the folder, so they are not
    recorded to be sent back to it. Their tags are clean already (as the sync read them
    from the folder, or as these notes hold them). Those with no row yet (all of a first
    sync's) are written with a plain INSERT, which costs half what a replacing one does."""
    given = (highlights, bookmarks, links)
    stored = set().union(*(_present(conn, table, [m.id for m in marks])
                           for table, marks in zip(_COLUMNS, given, strict=True)))
    _put_apart(conn, given, stored, tags_clean=True)


def _present(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` have a row in ``table``."""
    found: set[str] = set()
    for start in range(0, len(ids), _IDS_A_QUERY):
        part = ids[start:start + _IDS_A_QUERY]
        found.update(i for (i,) in conn.execute(
            f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(part))})", part))
    return found


def _put_apart(conn: sqlite3.Connection, marks: tuple[Sequence[Highlight], Sequence[Bookmark],
                                                      Sequence[Link]],
               stored: Collection[str], *, later_only: bool = False,
               tags_clean: bool = False, by_id: bool = False) -> None:
    """:func:`_put` of marks, those whose ids are not ``stored`` (as the caller read in
    its transaction) apart, as new: a plain INSERT costs half what a replacing one does,
    and a new mark has no tags or parts to delete (a first sync or an import into empty
    notes writes 100,000 of them)."""
    if not stored:  # into empty notes: every mark is new
        _put(conn, *marks, new=True, tags_clean=tags_clean, by_id=by_id)
        return
    _put(conn, *([m for m in kind if m.id not in stored] for kind in marks), new=True,
         tags_clean=tags_clean, by_id=by_id)
    _put(conn, *([m for m in kind if m.id in stored] for kind in marks),
         later_only=later_only, tags_clean=tags_clean, by_id=by_id)


def delete_synced(conn: sqlite3.Connection, kind: str, ids: Collection[str]) -> None:
    """Delete marks of ``kind`` (highlights, bookmarks or links) that a sync merged as
    deleted, on ``conn`` in the sync's transaction (their parts and tags go with them)."""
    if kind not in _COLUMNS:
        raise ValueError(kind)
    conn.executemany(f"DELETE FROM {kind} WHERE id = ?", [(i,) for i in ids])


def _whole(highlights: Sequence[Highlight], bookmarks: Sequence[Bookmark],
           links: Sequence[Link]) -> Iterator[tuple[str, str, str]]:
    """The changes of marks written whole, made as they are read: only while this
    installation syncs are they read at all."""
    yield from (("highlights", h.id, WHOLE) for h in highlights)
    yield from (("bookmarks", b.id, WHOLE) for b in bookmarks)
    yield from (("links", link.id, WHOLE) for link in links)


def _changed(old: Highlight | Bookmark | Link, new: Highlight | Bookmark | Link) -> str:
    """The sync's fields (:data:`SYNC_FIELDS`) in which ``new`` differs from ``old``,
    space-separated ("" when none)."""
    if isinstance(old, Highlight) and isinstance(new, Highlight):
        place = (old.document_id, old.parts) != (new.document_id, new.parts)
        differ = {"colour": old.colour != new.colour, "note": old.note != new.note,
                  "tags": old.tags != new.tags, "place": place}
    elif isinstance(old, Link) and isinstance(new, Link):
        differ = {"relation": old.relation != new.relation, "note": old.note != new.note,
                  "first": old.first != new.first, "second": old.second != new.second}
    else:
        assert isinstance(old, Bookmark) and isinstance(new, Bookmark)
        differ = {"label": old.label != new.label,
                  "place": (old.document_id, old.uri, old.exact, old.state)
                  != (new.document_id, new.uri, new.exact, new.state)}
    return " ".join(name for name, changed in differ.items() if changed)


def _relation(relation: str) -> str:
    try:
        return clean_relation(relation)
    except ValueError as exc:
        raise NotesError(f"A link's relation {exc}.") from exc


def _end_row(end: End) -> tuple[object, ...]:
    s = end.selector
    return (end.document_id, s.uri, s.start, s.end, s.exact, s.prefix, s.suffix, end.state)


def _link_row(link: Link) -> dict[str, object]:
    """A link's changeable columns (what ``update_link`` may write)."""
    values = (*_end_row(link.first), *_end_row(link.second), link.relation, link.note,
              link.modified)
    return dict(zip((*_LINK_COLUMNS[2:20], "modified"), values, strict=True))


def _put(conn: sqlite3.Connection, highlights: Sequence[Highlight],
         bookmarks: Sequence[Bookmark], links: Sequence[Link] = (), *,
         later_only: bool = False, tags_clean: bool = False, new: bool = False,
         by_id: bool = False) -> None:
    """Write whole marks and their tags, replacing any stored with the same id; with
    ``later_only``, a stored mark only by a later ``modified``. Every highlight given
    gets its tags rewritten, so callers pass only marks that are to be written: the
    guard states the rule in the statement itself. ``tags_clean``: the highlights' tags
    are as :func:`clean_tags` makes them already (a sync writes 100,000 at once).
    ``new``: none of the marks is stored (as the caller read in this transaction), so
    each is a plain INSERT, which costs half what INSERT OR REPLACE does, and there is
    nothing of theirs to delete (not with ``later_only``). ``by_id``: each table's rows
    are written in the order of their ids (a highlight's tags and parts in their own
    order after it), whatever the order of the marks given."""
    if by_id:  # the highlights in order once: their tags and parts are then in order too
        highlights = sorted(highlights, key=_ID)
    for table, rows in (("highlights", [
            (h.id, h.archive_id, h.document_id, s.uri, s.start, s.end, s.exact, s.prefix,
             s.suffix, h.colour, h.note, h.first_state or h.state, h.created, h.modified)
            for h in highlights for s in (h.selector,)]),
            ("bookmarks", [(b.id, b.archive_id, b.document_id, b.uri, b.label, b.exact,
                            b.state, b.created, b.modified) for b in bookmarks]),
            ("links", [(link.id, link.archive_id, *_end_row(link.first),
                        *_end_row(link.second), link.relation, link.note, link.created,
                        link.modified) for link in links])):
        if not rows:
            continue  # nothing of this kind: no statement (nor table) needed
        if by_id and table != "highlights":
            rows.sort(key=_FIRST)
        columns = _COLUMNS[table]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        if later_only:
            sql += (f" ON CONFLICT(id) DO UPDATE SET ({', '.join(columns[1:])}) = "
                    f"({', '.join(f'excluded.{c}' for c in columns[1:])}) "
                    f"WHERE excluded.modified > {table}.modified")
        elif not new:
            sql = sql.replace("INSERT", "INSERT OR REPLACE", 1)
        conn.executemany(sql, rows)
    if later_only:  # else INSERT OR REPLACE took a stored row's tags with it (as parts)
        conn.executemany("DELETE FROM highlight_tags WHERE highlight_id = ?",
                         [(h.id,) for h in highlights])
    tags = [(h.id, t) for h in highlights for t in (h.tags if tags_clean else clean_tags(h.tags))]
    conn.executemany("INSERT INTO highlight_tags (highlight_id, tag) VALUES (?, ?)", tags)
    _put_parts(conn, highlights, replaced=not later_only)


_FIRST = itemgetter(0)
_ID = attrgetter("id")


def _put_parts(conn: sqlite3.Connection, highlights: Sequence[Highlight], *,
               replaced: bool) -> None:
    """Write the parts after the first of ``highlights``, replacing any stored, in the
    order given.

    ``replaced``: the highlights' rows were written with INSERT OR REPLACE, whose
    deletion of a stored row takes its parts with it (ON DELETE CASCADE; the writing
    connection has foreign keys on), so only new parts are written: saving a highlight
    of one part costs no statement here at all, as before parts existed.
    """
    if not replaced:
        conn.executemany("DELETE FROM highlight_parts WHERE highlight_id = ?",
                         [(h.id,) for h in highlights])
    rows = [(h.id, number, p.selector.uri, p.selector.start, p.selector.end,
             p.selector.exact, p.selector.prefix, p.selector.suffix, p.state)
            for h in highlights if h.more for number, p in enumerate(h.more, 1)]
    if rows:
        conn.executemany(
            'INSERT INTO highlight_parts (highlight_id, part, uri, start, "end", exact, '
            "prefix, suffix, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _highlight_row(h: Highlight) -> dict[str, object]:
    """A highlight's changeable columns (what ``update_highlight`` may write); its
    ``state`` column holds the first part's own state."""
    s = h.selector
    return {"document_id": h.document_id, "uri": s.uri, "start": s.start, '"end"': s.end,
            "exact": s.exact, "prefix": s.prefix, "suffix": s.suffix, "colour": h.colour,
            "note": h.note, "state": h.first_state or h.state, "modified": h.modified}


def _bookmark_row(b: Bookmark) -> dict[str, object]:
    return {"document_id": b.document_id, "uri": b.uri, "label": b.label, "state": b.state,
            "modified": b.modified}


def _update_row(conn: sqlite3.Connection, table: str, row_id: str, old: dict[str, object],
                new: dict[str, object]) -> None:
    """Write only the columns that differ: a column nobody changed is never rewritten
    with a value read earlier."""
    changed = {column: value for column, value in new.items() if old[column] != value}
    assignments = ", ".join(f"{column} = ?" for column in changed)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                 (*changed.values(), row_id))
