"""A mark's state as the sync merges it: every field with the stamp of its last change.

The state of one mark is a plain JSON-able dict, stored in the notes (``sync_marks``)
and written to the folder (:mod:`.records`)::

    {"alive": [STAMP, true],             # created or restored (true), deleted (false)
     "created": "2026-11-26T15:47:00.123Z",
     "fields": {"colour": [STAMP, "yellow"], "tags": [STAMP, ["a"]], "place": [...]},
     "note": {"versions": [[STAMP, "text"]], "seen": {DEVICE: STAMP}},
     "modified": [STAMP, "2026-11-26T15:48:10.456Z"]}  # as the latest change set it

:func:`join` merges two states of a mark into one. It is commutative, associative and
idempotent, so any order, repetition or delay of delivery gives the same state:

- every field but the note, and ``alive``, is last-writer-wins by stamp. A deletion is
  ``alive`` false, so it wins over every older change, and a change made before it,
  however late it arrives, never brings the mark back: only a later restore (an undo,
  which writes ``alive`` true) does. When two stamps are equal (one change read twice)
  the values are too; were they not, the larger value wins, and a deletion;
- the note keeps every version written without knowledge of the others: ``seen`` says,
  for each device, the latest of its versions the writer had seen, and a version is
  dropped only when another state has seen it (it was replaced knowingly). Two devices
  that change the note at once both keep their text: the note shown is both texts, in
  the order of their stamps, joined by :data:`CONFLICT_MARKER`. Editing that note
  replaces both versions with the text written;
- ``created`` is the earliest known; ``modified`` is the latest change's (each change
  made here stamps it with its own stamp, as the notes wrote it).

A state with no ``fields`` is a deletion of a mark whose fields never reached the
folder (made and deleted between two syncs).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson

from desktop.notes.anchoring import Selector
from desktop.notes.marks import Bookmark, End, Highlight, Link, Part
from desktop.notes.store import GONE, SYNC_FIELDS, WHOLE
from desktop.notes.sync.clock import Clock, device_of, iso, wall_ms

State = dict[str, Any]
Mark = Highlight | Bookmark | Link

KINDS = tuple(SYNC_FIELDS)  # highlights, bookmarks, links: as the notes' tables
NOTED = ("highlights", "links")  # the kinds with a note
# What the note of a mark changed on two devices at once shows between the two texts.
CONFLICT_MARKER = "\n\n——— written at the same time on another device ———\n\n"


def kind_of(mark: Mark) -> str:
    if isinstance(mark, Highlight):
        return "highlights"
    return "links" if isinstance(mark, Link) else "bookmarks"


def lww_fields(kind: str) -> tuple[str, ...]:
    """The fields of ``kind`` merged by last-writer-wins (all but the note)."""
    return tuple(f for f in SYNC_FIELDS[kind] if f != "note")


# -- the values of a mark, as the state holds them --------------------------------------


def _selector(s: Selector) -> list[Any]:
    return [s.uri, s.start, s.end, s.exact, s.prefix, s.suffix]


def _end(end: End) -> list[Any]:
    return [end.document_id, *_selector(end.selector), end.state]


def values_of(mark: Mark) -> dict[str, Any]:
    """A mark's fields as the state holds them (lists, as JSON reads them back)."""
    if isinstance(mark, Highlight):
        return {"colour": mark.colour, "tags": list(mark.tags), "note": mark.note,
                "place": [mark.document_id,
                          [[*_selector(p.selector), p.state] for p in mark.parts]]}
    if isinstance(mark, Link):
        return {"relation": mark.relation, "note": mark.note, "first": _end(mark.first),
                "second": _end(mark.second)}
    return {"label": mark.label, "place": [mark.document_id, mark.uri, mark.exact, mark.state]}


def to_mark(mark_id: str, archive_id: str, kind: str, state: State) -> Mark:
    """The mark a state with fields stands for, as the notes store it."""
    fields = state["fields"]
    created = state.get("created", "")
    modified = state.get("modified")
    modified = str(modified[1]) if modified else modified_of(state)
    if kind == "highlights":
        document, parts = fields["place"][1]
        first = parts[0]
        made = Highlight(mark_id, archive_id, document, Selector(*first[:6]),
                         fields["colour"][1], note_of(state), tuple(fields["tags"][1]),
                         first[6], created, modified)
        if len(parts) == 1:
            return made  # as with_parts would make it, without its cost (a first sync)
        return made.with_parts([Part(Selector(*p[:6]), p[6]) for p in parts])
    if kind == "links":
        first, second = (End(e[0], Selector(*e[1:7]), e[7])
                         for e in (fields["first"][1], fields["second"][1]))
        return Link(mark_id, archive_id, first, second, fields["relation"][1],
                    note_of(state), created, modified)
    document, uri, exact, where = fields["place"][1]
    return Bookmark(mark_id, archive_id, document, uri, fields["label"][1], exact, where,
                    created, modified)


# -- reading a state ---------------------------------------------------------------------


def alive(state: State) -> bool:
    return bool(state["alive"][1])


def has_fields(state: State) -> bool:
    return bool(state["fields"])


def stamps_of(state: State) -> list[str]:
    """Every stamp in the state."""
    found = [state["alive"][0], *(s for s, _v in state["fields"].values())]
    note = state.get("note")
    if note:
        found += [s for s, _t in note["versions"]] + list(note["seen"].values())
    return found


def modified_of(state: State) -> str:
    """When the mark last changed, as the device that made its latest change said (the
    wall time of its latest stamp, for a state that does not say)."""
    if state.get("modified"):
        return str(state["modified"][1])
    return iso(wall_ms(max(stamps_of(state))))


def note_texts(state: State) -> list[str]:
    """The note's distinct texts, oldest stamp first (more than one: a conflict)."""
    note = state.get("note")
    if not note:
        return []
    versions = note["versions"]
    if len(versions) == 1:
        return [versions[0][1]]
    return list(dict.fromkeys(text for _stamp, text in versions))


def note_of(state: State) -> str:
    """The note as the person sees it: its text, or every text of a conflict joined by
    :data:`CONFLICT_MARKER`."""
    note = state.get("note")
    if note and len(note["versions"]) == 1:
        return str(note["versions"][0][1])
    return CONFLICT_MARKER.join(note_texts(state))


def in_conflict(state: State) -> bool:
    return len(note_texts(state)) > 1


# -- merging -----------------------------------------------------------------------------


def _later(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    """The later of two ``[stamp, value]``; at equal stamps, the larger value."""
    if a is None or b is None:
        return a if b is None else b
    if a[0] != b[0]:
        return a if a[0] > b[0] else b
    if a[1] == b[1]:
        return a
    return a if _order(a[1]) > _order(b[1]) else b


def compact_json(value: Any) -> str:
    """A state or a record as one line of compact JSON (orjson: a first sync writes and
    stores 100,000 of them)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # a whole number beyond 64 bits, which orjson does not write
        return _json_line(value)


# States and records are plain lists, dicts and text: no need to look for cycles.
_json_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                              check_circular=False).encode


def _order(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _covered(version: str, seen: dict[str, str]) -> bool:
    return version <= seen.get(device_of(version), "")


def join_note(x: dict[str, Any] | None, y: dict[str, Any] | None) -> dict[str, Any] | None:
    """Two states of a note merged: the versions neither replaced knowingly."""
    if x is None or y is None:
        return x if y is None else y
    vx, vy = dict(map(tuple, x["versions"])), dict(map(tuple, y["versions"]))
    sx, sy = x["seen"], y["seen"]
    kept = {s: t for s, t in vx.items() if s in vy or not _covered(s, sy)}
    for s, t in vy.items():
        if s not in vx and not _covered(s, sx):
            kept[s] = t
        elif s in vx and t != vx[s] and _order(t) > _order(vx[s]):
            kept[s] = t  # one stamp, two texts: never made by this application
    seen = {d: max(sx.get(d, ""), sy.get(d, "")) for d in sx.keys() | sy.keys()}
    return {"versions": [[s, kept[s]] for s in sorted(kept)], "seen": seen}


def join(a: State | None, b: State | None) -> State | None:
    """Two states of one mark merged into one (see the module's description)."""
    if a is None or b is None:
        return a if b is None else b
    alive_a, alive_b = a["alive"], b["alive"]
    if alive_a[0] == alive_b[0] and alive_a[1] != alive_b[1]:
        alive = [alive_a[0], False]  # a deletion wins a tie
    else:
        alive = _later(alive_a, alive_b)
    created = min((c for c in (a.get("created", ""), b.get("created", "")) if c), default="")
    fields = {name: _later(a["fields"].get(name), b["fields"].get(name))
              for name in a["fields"].keys() | b["fields"].keys()}
    joined: State = {"alive": alive, "created": created, "fields": fields}
    modified = _later(a.get("modified"), b.get("modified"))
    if modified is not None:
        joined["modified"] = modified
    note = join_note(a.get("note"), b.get("note"))
    if note is not None:
        joined["note"] = note
    return joined


# -- a change made here ------------------------------------------------------------------


def tombstone(stamp: str) -> State:
    return {"alive": [stamp, False], "created": "", "fields": {}}


def changed_here(state: State | None, kind: str, mark: Mark | None, fields: str, wall: int,
                 clock: Clock) -> State | None:
    """The state after a change made on this device at ``wall`` (ms): ``fields`` as the
    outbox has them (names, :data:`~desktop.notes.store.WHOLE` or
    :data:`~desktop.notes.store.GONE`), ``mark`` with the values the change left (None
    when it is gone for good). Only what changed gets a new stamp, one for the whole
    change, later than the stamps of the values it replaces. None when there is nothing
    to record."""
    if fields == GONE:
        if state is None:
            return tombstone(clock.tick(wall))
        if not alive(state):
            return state
        new = copy.deepcopy(state)
        new["alive"] = [clock.tick(wall, after=state["alive"][0]), False]
        return new
    if mark is None:
        return state  # changed, then deleted before this sync: the deletion says it all
    values = values_of(mark)
    new = copy.deepcopy(state) if state is not None else tombstone("")
    revive = not alive(new)
    if not has_fields(new):
        names = list(SYNC_FIELDS[kind])
    elif revive and fields == WHOLE:
        # A deleted mark put back (an undo): it comes back as the sync knows it, with
        # what other devices changed in it meanwhile, rather than undoing their changes.
        names = []
    elif fields == WHOLE:
        names = [n for n in SYNC_FIELDS[kind]
                 if (note_of(new) if n == "note" else new["fields"][n][1]) != values[n]]
    else:
        names = [n for n in fields.split() if n in SYNC_FIELDS[kind]]
    if not names and not revive:
        return state if state is not None else None
    replaced = [new["alive"][0]] if revive else []
    for name in names:
        if name == "note":
            replaced += list(new.get("note", {}).get("seen", {}).values())
        elif name in new["fields"]:
            replaced.append(new["fields"][name][0])
    stamp = clock.tick(wall, after=max(replaced, default=""))
    if revive:
        new["alive"] = [stamp, True]
    for name in names:
        if name == "note":
            seen = dict(new.get("note", {}).get("seen", {}))
            seen[clock.device] = stamp
            new["note"] = {"versions": [[stamp, values["note"]]], "seen": seen}
        else:
            new["fields"][name] = [stamp, values[name]]
    if mark.created and (not new["created"] or mark.created < new["created"]):
        new["created"] = mark.created
    new["modified"] = [stamp, mark.modified]
    return new
