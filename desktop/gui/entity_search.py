"""Searching by an entry of the index: ``entity:zinoviev`` in the search field.

The token finds the passages that name the entity, by whichever of its names (the index
knows them: ``Zinoviev``, ``Grigorii Zinoviev``), in reading order; words typed beside
it narrow them to the passages that hold the words too, as any search does
(``entity:kronshtadt revolt``). The token names the entity by its id (what the Index
panel's Search for This types), or by one of its names in quotes
(``entity:"Workers Truth group"``).

The passages are the index's, not the full-text search's: a name is found as it is
written, as the Index panel counts it. Gathered once for each search (a page after the
first is cut from what was gathered), off the GUI thread with the rest of the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from msgspec import Struct

from desktop.archive.entities import Entity, entity_id
from desktop.archive.search import PAGE, Hit, Results
from desktop.archive.store import Archive

TOKEN = "entity:"
_TOKEN = re.compile(r'(?<!\S)entity:(?:"([^"]*)"?|“([^”]*)”?|(\S*))', re.IGNORECASE)
Spans = tuple[tuple[int, int], ...]


class EntityQuery(Struct, frozen=True):
    """What was typed: the entity named (as typed) and the other words."""

    name: str
    words: str


def parse(text: str) -> EntityQuery | None:
    """The entity a search names with ``entity:``, and its other words; None when it
    names none (the search is a full-text one)."""
    found = _TOKEN.search(text)
    if found is None:
        return None
    name = next((g for g in found.groups() if g is not None), "").strip()
    words = (text[:found.start()] + " " + text[found.end():]).strip()
    return EntityQuery(name, " ".join(words.split()))


def token_for(entity: Entity) -> str:
    """What the search field is given to search for an entity: ``entity:zinoviev``."""
    return f"{TOKEN}{entity.id}" if not re.search(r'[\s"“”]', entity.id) \
        else f"{TOKEN}“{entity.name}”"


def resolve(archive: Archive, name: str) -> Entity | None:
    """The entity a token names: by id as typed, by the id its words would make
    (``Workers Truth group`` is ``workers-truth-group``), then by a name or alias."""
    if not name:
        return None
    for candidate in dict.fromkeys((name, name.lower(), entity_id(name))):
        entity = archive.entity(candidate)
        if entity is not None:
            return entity
    named = archive.entities_named(name)
    return named[0] if named else None


def passages_naming(archive: Archive, entity: Entity,
                    cancelled: Callable[[], bool] = lambda: False) -> list[Hit]:
    """Every passage that names ``entity``, once each, in reading order, with the words
    around its first mention there."""
    hits: list[Hit] = []
    offset, page = 0, 1000
    while not cancelled():
        mentions = archive.mentions(entity.id, offset=offset, limit=page)
        for m in mentions:
            if hits and hits[-1].passage_id == m.mention.passage_id:
                continue  # one row a passage, as a search lists them
            hits.append(Hit(m.mention.passage_id, m.document_id, m.document_title,
                            m.paragraph, m.kind, m.snippet, m.n))
        if len(mentions) < page:
            break
        offset += page
    return hits


class EntitySearch:
    """Answers searches that name an entity, keeping what the last one gathered so that
    its later pages cost nothing. One for each thread that searches."""

    def __init__(self) -> None:
        self._gathered: tuple[str, str, list[Hit]] | None = None  # (archive, query, hits)

    def search(self, archive: Archive, text: str, offset: int = 0, *,
               cancelled: Callable[[], bool] = lambda: False, limit: int = PAGE) -> Results:
        """A page of the passages that name the entity of ``text`` (and hold its words)."""
        key = (str(archive.path), text)
        if self._gathered is None or self._gathered[:2] != key:
            hits = self._gather(archive, text, cancelled)
            if hits is None:
                return Results(text, 0, [], stopped=True)
            self._gathered = (*key, hits)
        hits = self._gathered[2]
        return Results(text, len(hits), hits[offset:offset + limit])

    @staticmethod
    def _gather(archive: Archive, text: str, cancelled: Callable[[], bool]) -> list[Hit] | None:
        query = parse(text)
        entity = resolve(archive, query.name) if query is not None else None
        if query is None or entity is None:
            return []
        hits = passages_naming(archive, entity, cancelled)
        if query.words:
            hits = [hit for hit in hits
                    if not cancelled() and archive.matched_spans(query.words, hit.n)]
        return None if cancelled() else hits


def spans_in(archive: Archive, text: str, passage_id: str, n: int) -> Spans:
    """What to mark in a passage opened from such a search: the entity's names there,
    and the other words searched for."""
    query = parse(text)
    if query is None:
        return archive.matched_spans(text, n)
    entity = resolve(archive, query.name)
    names = tuple((m.start, m.end) for m in archive.mentions_in(passage_id)
                  if entity is not None and m.entity_id == entity.id)
    words = archive.matched_spans(query.words, n) if query.words else ()
    return tuple(sorted(names + tuple(words)))
