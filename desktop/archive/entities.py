"""Who, where, when: the index of people, places, organisations and events, and the
timeline of dated events; the questions the panels and the command line ask of them.

:class:`~desktop.archive.store.Archive` asks these through its methods of the same
names (which answer with nothing for an archive built before the index existed). Each
reads through an index, never a whole table, so that an archive of a million passages
and ten thousand entities answers a page as fast as the essay does: the list of entities
is ordered by an index on kind, name or mention count (the count is kept in the row at
the build), an entity's mentions come in reading order from the index on their entity,
and the timeline from the index on the events' dates.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NewType

from msgspec import Struct

from desktop.archive.dates import human, written
from desktop.archive.search import HIT_END, HIT_START

EntityId = NewType("EntityId", str)
KINDS = ("person", "place", "organisation", "event")  # what an entity may be
ORDERS = ("name", "count")
PAGE = 50
SNIPPET_CHARS = 60  # of context on each side of a mention


def entity_id(name: str) -> str:
    """The id an entity gets from its name when none is given: ``vladimir-petrzhek``."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or "entity"


class Entity(Struct, frozen=True):
    """A person, place, organisation or event, and how many times the archive names it."""

    id: EntityId
    kind: str
    name: str
    description: str | None
    mention_count: int


class Mention(Struct, frozen=True):
    """One place where an entity is named: the words ``text`` from ``start`` to ``end``
    of a passage's text (Unicode code points, ``end`` exclusive)."""

    id: int
    entity_id: EntityId
    passage_id: str
    start: int
    end: int
    text: str


class MentionHit(Struct, frozen=True):
    """A mention with where it stands and the words around it, for a list of mentions."""

    mention: Mention
    document_id: str
    document_title: str
    paragraph: int | None
    kind: str  # the passage's kind: paragraph, caption, excerpt…
    uri: str
    n: int  # the passage's row, its place in reading order
    snippet: str  # the words around it, the name between HIT_START and HIT_END


class Event(Struct, frozen=True):
    """A dated happening, and the words of a passage that date it."""

    id: int
    date_start: str
    date_end: str
    label: str
    passage_id: str
    start: int
    end: int
    text: str

    @property
    def date(self) -> str:
        """The date as a catalogue writes it: ``1922-06``, ``1922/1923``."""
        return written(self.date_start, self.date_end)

    @property
    def when(self) -> str:
        """The date as a person reads it: ``June 1922``, ``1922–1923``."""
        return human(self.date_start, self.date_end)


_ENTITY = "SELECT id, kind, name, description, mention_count FROM entities"
_ORDER = {"name": "name COLLATE NOCASE, id",
          "count": "mention_count DESC, name COLLATE NOCASE, id"}
_MENTION = 'SELECT id, entity_id, passage_id, start, "end", text FROM mentions'
_EVENT = 'SELECT id, date_start, date_end, label, passage_id, start, "end", text FROM events'


def entities(conn: sqlite3.Connection, kind: str | None = None, *, order: str = "name",
             offset: int = 0, limit: int = -1) -> list[Entity]:
    """The entities (of one kind, or all), by name or by mentions (most first), a page."""
    if order not in _ORDER:
        raise ValueError(f"There is no order “{order}”; the orders are {', '.join(ORDERS)}.")
    where, params = ("WHERE kind = ? ", [kind]) if kind is not None else ("", [])
    rows = conn.execute(f"{_ENTITY} {where}ORDER BY {_ORDER[order]} LIMIT ? OFFSET ?",
                        [*params, limit, offset])
    return [Entity(*r) for r in rows]


def entity_count(conn: sqlite3.Connection, kind: str | None = None) -> int:
    """How many entities there are (of one kind)."""
    if kind is None:
        return int(conn.execute("SELECT count(*) FROM entities").fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM entities WHERE kind = ?",
                            (kind,)).fetchone()[0])


def entity(conn: sqlite3.Connection, entity_id: str) -> Entity | None:
    """One entity by its id, or None."""
    row = conn.execute(f"{_ENTITY} WHERE id = ?", (entity_id,)).fetchone()
    return Entity(*row) if row else None


def names(conn: sqlite3.Connection, entity_id: str) -> list[str]:
    """Every name the text may call an entity by, its own name among them."""
    rows = conn.execute("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias",
                        (entity_id,))
    return [alias for (alias,) in rows]


def entities_named(conn: sqlite3.Connection, name: str) -> list[Entity]:
    """The entities that a name or alias names (exactly as written)."""
    rows = conn.execute(f"{_ENTITY} WHERE id IN (SELECT entity_id FROM entity_aliases "
                        "WHERE alias = ?) ORDER BY id", (name,))
    return [Entity(*r) for r in rows]


def _snippet(text: str, start: int, end: int, chars: int = SNIPPET_CHARS) -> str:
    """The words around ``text[start:end]``, cut at spaces, the words marked."""
    left = max(0, start - chars)
    if left:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(text), end + chars)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return ("…" if left else "") + text[left:start] + HIT_START + text[start:end] + HIT_END \
        + text[end:right] + ("…" if right < len(text) else "")


def mentions_of(conn: sqlite3.Connection, entity_id: str, *, offset: int = 0,
                limit: int = PAGE) -> list[MentionHit]:
    """An entity's mentions across the archive in reading order, a page, with snippets."""
    rows = conn.execute(
        'SELECT m.id, m.entity_id, m.passage_id, m.start, m."end", m.text, p.document_id, '
        "d.title, p.paragraph, p.kind, p.uri, p.n, p.text FROM mentions m "
        "JOIN passages p ON p.id = m.passage_id JOIN documents d ON d.id = p.document_id "
        "WHERE m.entity_id = ? ORDER BY m.id LIMIT ? OFFSET ?", (entity_id, limit, offset))
    return [MentionHit(Mention(*r[:6]), *r[6:12], _snippet(r[12], r[3], r[4]))
            for r in rows]


def mentions_in(conn: sqlite3.Connection, passage_id: str) -> list[Mention]:
    """The mentions in one passage, in the order they stand."""
    rows = conn.execute(f"{_MENTION} WHERE passage_id = ? ORDER BY start", (passage_id,))
    return [Mention(*r) for r in rows]


def mentions_in_document(conn: sqlite3.Connection, document_id: str) -> list[Mention]:
    """Every mention in a document's passages, in reading order (for marking names in
    the reader)."""
    rows = conn.execute(
        'SELECT m.id, m.entity_id, m.passage_id, m.start, m."end", m.text FROM passages p '
        "JOIN mentions m ON m.passage_id = p.id WHERE p.document_id = ? "
        "ORDER BY p.seq, m.start", (document_id,))
    return [Mention(*r) for r in rows]


def entities_in_span(conn: sqlite3.Connection, passage_id: str, start: int,
                     end: int) -> list[Entity]:
    """The entities the words from ``start`` to ``end`` of a passage mention, each once,
    in the order they are first named there; a name cut by the span counts."""
    rows = conn.execute(
        "SELECT e.id, e.kind, e.name, e.description, e.mention_count FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id "
        'WHERE m.passage_id = ? AND m.start < ? AND m."end" > ? '
        "GROUP BY e.id ORDER BY min(m.start), e.id", (passage_id, end, start))
    return [Entity(*r) for r in rows]


def entities_in(conn: sqlite3.Connection, passage_id: str) -> list[Entity]:
    """The entities a passage mentions, each once, in the order they are first named."""
    return entities_in_span(conn, passage_id, 0, 2 ** 62)


def events(conn: sqlite3.Connection, *, offset: int = 0, limit: int = -1) -> list[Event]:
    """The events in timeline order, a page: by date (a vague ``1921`` before
    ``1921-03``, a range by its start), then in reading order."""
    rows = conn.execute(f"{_EVENT} ORDER BY date_start, id LIMIT ? OFFSET ?",
                        (limit, offset))
    return [Event(*r) for r in rows]


def event_count(conn: sqlite3.Connection) -> int:
    """How many events the timeline has."""
    return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def event(conn: sqlite3.Connection, event_id: int) -> Event | None:
    """One event by its id, or None."""
    row = conn.execute(f"{_EVENT} WHERE id = ?", (event_id,)).fetchone()
    return Event(*row) if row else None


def events_in(conn: sqlite3.Connection, passage_id: str) -> list[Event]:
    """The events dated by the words of one passage, in the order they stand."""
    rows = conn.execute(f"{_EVENT} WHERE passage_id = ? ORDER BY start", (passage_id,))
    return [Event(*r) for r in rows]
