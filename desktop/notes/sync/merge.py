"""Changes made here, and changes from the folder, brought into the notes.

Both run inside one write transaction of the notes (the caller's), changes made here
first: a mark edited in the window a moment before other devices' changes are merged
is stamped before they are compared, so the merge never writes over an edit it has not
seen.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from msgspec.structs import replace

import desktop.notes.sync.tables as tables
from desktop.notes import migrations
from desktop.notes.anchoring import Selector
from desktop.notes.marks import Bookmark, End, Highlight, Link, Part
from desktop.notes.store import GONE, Notes, delete_synced, put_synced
from desktop.notes.sync.clock import Clock, ms_of
from desktop.notes.sync.records import Record
from desktop.notes.sync.state import (
    KINDS,
    Mark,
    State,
    alive,
    changed_here,
    has_fields,
    in_conflict,
    join,
    kind_of,
    note_of,
    to_mark,
)


def _local(notes: Notes, kinds: dict[str, set[str]], archive_id: str | None = None
           ) -> dict[str, Mark]:
    """The marks with these ids (of ``archive_id``, if given), as the notes hold them
    now, by id."""
    found: dict[str, Mark] = {}
    for kind, ids in kinds.items():
        if ids:
            found |= {m.id: m for m in notes.marks_with_ids(kind, ids)
                      if archive_id is None or m.archive_id == archive_id}
    return found


def fold(notes: Notes, conn: sqlite3.Connection, clock: Clock, *,
         limit: int | None = None) -> int:
    """Stamp the changes made here since the last sync (the outbox), or the oldest
    ``limit`` of them, into the marks' states, and queue those marks to be written to
    the folder; how many of the outbox's changes were stamped."""
    rows = tables.outbox(conn, limit)
    if not rows:
        return 0
    kinds: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for row in rows:
        kinds.setdefault(row[2], set()).add(row[1])
    local = _local(notes, kinds)
    stored = tables.states(conn, {r[1] for r in rows})
    # A mark deleted after the changes stamped now: each is stamped with the values the
    # deletion took, as if the whole outbox were stamped at once.
    later = {mark_id: _from_json(kind, gone) if gone else None
             for mark_id, kind, gone in tables.first_deletions_after(conn, rows[-1][0])
             if mark_id in kinds.get(kind, ())} if limit is not None else {}
    changed: dict[str, tuple[str, str, State]] = {}
    revived: set[str] = set()
    for (_seq, mark_id, kind, fields, wall, gone), mark in zip(
            rows, _as_it_was(rows, local, later), strict=True):
        if kind not in KINDS:
            continue
        archive_id, _kind, state = changed.get(mark_id) or stored.get(mark_id) or ("", kind,
                                                                                  None)
        was = _from_json(kind, gone) if gone else None
        source = mark or was
        archive_id = archive_id or (source.archive_id if source is not None else "")
        if not archive_id:
            continue  # a deletion of a mark never seen, and gone with no trace
        new = changed_here(state, kind, mark, fields, ms_of(wall), clock)
        if new is not None and new is not state:
            changed[mark_id] = (archive_id, kind, new)
            if state is not None and not alive(state) and alive(new):
                revived.add(mark_id)
    tables.save_states(conn, [(i, a, k, s) for i, (a, k, s) in changed.items()])
    tables.mark_unsent(conn, changed)
    tables.clear_outbox(conn, rows[-1][0])
    # A mark put back shows what other devices changed in it while it was deleted here.
    back = [to_mark(i, a, k, s) for i, (a, k, s) in changed.items()
            if i in revived and i in local and alive(s)]
    put_synced(conn, *([m for m in back if kind_of(m) == kind] for kind in KINDS))  # type: ignore[arg-type]
    return len(rows)


def _as_it_was(rows: list[tuple[int, str, str, str, str, str | None]],
               local: dict[str, Mark], deleted_after: dict[str, Mark | None]
               ) -> list[Mark | None]:
    """For each outbox row, the mark whose values it sends: as the notes hold it now, or,
    for a mark deleted since, as it was when the next deletion took it (None for the
    deletions themselves); ``deleted_after``: the marks deleted after the last row, as
    their first deletion then took them."""
    found: list[Mark | None] = []
    # The mark at the next deletion, reading backwards.
    later: dict[str, Mark | None] = dict(deleted_after)
    for _seq, mark_id, kind, fields, _wall, gone in reversed(rows):
        if fields == GONE:
            found.append(None)
            later[mark_id] = _from_json(kind, gone) if gone else None
        else:
            found.append(local[mark_id] if mark_id in local and mark_id not in later
                         else later.get(mark_id))
    found.reverse()
    return found


def _from_json(kind: str, text: str) -> Mark | None:
    """A mark as the outbox keeps a deleted one (its fields, as JSON)."""
    try:
        d = json.loads(text)
        if kind == "highlights":
            return Highlight(**{**d, "selector": Selector(**d["selector"]),
                                "tags": tuple(d["tags"]),
                                "more": tuple(Part(Selector(**p["selector"]), p["state"])
                                              for p in d["more"])})
        if kind == "links":
            ends = {name: End(d[name]["document_id"], Selector(**d[name]["selector"]),
                              d[name]["state"]) for name in ("first", "second")}
            return Link(**{**d, **ends})
        return Bookmark(**d)
    except (ValueError, TypeError, KeyError):
        return None


@dataclass
class Bulk:
    """Whether a round dropped the indexes that it makes again when it ends."""

    dropped: bool = False


@dataclass
class Merged:
    """What merging other devices' changes did here."""

    received: set[str] = field(default_factory=set)  # marks added, changed or deleted here
    conflicts: set[str] = field(default_factory=set)  # notes now holding two devices' texts


def merge(notes: Notes, conn: sqlite3.Connection, archive_id: str,
          incoming: dict[str, Record], bulk: Bulk | None = None) -> Merged:
    """Merge other devices' states of marks (each already joined, one a mark) into the
    notes: only those of ``archive_id``, and only what changed is written. With
    ``bulk``, :data:`~desktop.notes.migrations.BULK_FROM` new highlights or more drop
    the bulk indexes first (the caller makes them again)."""
    result = Merged()
    stored = tables.states(conn, incoming)
    joined: dict[str, tuple[str, State, State | None]] = {}
    for mark_id, record in incoming.items():
        if record.archive_id != archive_id:
            continue
        old = stored.get(mark_id)
        if old is None:
            joined[mark_id] = (record.kind, record.state, None)  # new here: nothing to join
            continue
        if old[0] != archive_id or old[1] != record.kind:
            continue  # another mark by that id: a damaged or hand-made record
        before = old[2]
        after = join(before, record.state)
        if after != before:
            assert after is not None
            joined[mark_id] = (record.kind, after, before)
    if not joined:
        return result
    if bulk is not None and not bulk.dropped and \
            sum(before is None and kind == "highlights"
                for kind, _s, before in joined.values()) >= migrations.BULK_FROM:
        migrations.drop_for_bulk(conn)
        bulk.dropped = True
    tables.save_states(conn, [(i, archive_id, k, s) for i, (k, s, _b) in joined.items()])
    # A mark the sync has no state of is not here either (every mark here was stamped
    # when this device began to sync): only the others are read, and a first sync of
    # 100,000 marks reads none.
    kinds: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for mark_id, (kind, _s, before) in joined.items():
        if before is not None:
            kinds[kind].add(mark_id)
    local = _local(notes, kinds, archive_id)
    put: dict[str, list[Mark]] = {kind: [] for kind in KINDS}
    gone: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for mark_id, (kind, after, before) in joined.items():
        here = local.get(mark_id)
        if not (alive(after) and has_fields(after)):
            if here is not None:
                gone[kind].append(mark_id)
            continue
        wanted = to_mark(mark_id, archive_id, kind, after)
        if here is not None and before is not None and has_fields(before) and alive(before):
            wanted = _overlay(here, wanted, _changed_fields(before, after))
        if wanted != here:
            put[kind].append(wanted)
        if in_conflict(after) and not (before is not None and in_conflict(before)):
            result.conflicts.add(mark_id)
    put_synced(conn, put["highlights"], put["bookmarks"], put["links"])  # type: ignore[arg-type]
    for kind, ids in gone.items():
        delete_synced(conn, kind, ids)
    result.received = {m.id for marks in put.values() for m in marks} | \
        {i for ids in gone.values() for i in ids}
    return result


def _changed_fields(before: State, after: State) -> set[str]:
    changed = {name for name, value in after["fields"].items()
               if before["fields"].get(name) != value}
    if note_of(before) != note_of(after):
        changed.add("note")
    return changed


def _overlay(here: Mark, wanted: Mark, fields: set[str]) -> Mark:
    """The mark as it is here, with the fields that the merge changed as merged: a field
    no other device changed keeps this device's value (a place re-anchored here, say)."""
    same = {"created": wanted.created, "modified": wanted.modified}
    if isinstance(here, Highlight) and isinstance(wanted, Highlight):
        new = replace(here, **same)
        for name in fields & {"colour", "note", "tags"}:
            new = replace(new, **{name: getattr(wanted, name)})
        if "place" in fields:
            new = replace(new, document_id=wanted.document_id).with_parts(wanted.parts)
        return new
    if isinstance(here, Link) and isinstance(wanted, Link):
        return replace(here, **same, **{name: getattr(wanted, name) for name in fields})
    assert isinstance(here, Bookmark) and isinstance(wanted, Bookmark)
    new = replace(here, **same)
    if "label" in fields:
        new = replace(new, label=wanted.label)
    if "place" in fields:
        new = replace(new, document_id=wanted.document_id, uri=wanted.uri, exact=wanted.exact,
                      state=wanted.state)
    return new
