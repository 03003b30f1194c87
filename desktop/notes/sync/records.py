"""One line of a change file: a mark's state, its values as a W3C Web Annotation.

A record is one JSON object on one line::

    {"format": 1, "archive": "communists-dilemma", "mark": "6f1c…", "kind": "highlight",
     "alive": true, "stamp": STAMP, "stamps": {"colour": STAMP},
     "place": {"documents": ["essay"], "states": ["anchored"]},
     "note": {"versions": [[STAMP, "text"], [STAMP, "other text"]], "seen": {…}},
     "annotation": {…the mark as `archive-browser export --format json` writes it…}}

``stamp`` is the stamp of every field that ``stamps`` does not list. ``place`` says what
the annotation cannot: the document and the state (anchored, moved, orphaned) of each
target. ``note`` appears only when the note is more than one version (a conflict) or
replaced another device's; otherwise the annotation's text is the note. A deletion of
a mark whose fields were never written has no ``annotation`` and no ``place``.

The annotation is written by :func:`desktop.notes.export.annotation` and read by
:func:`desktop.notes.importer.parse`, so the folder holds the exchange format. What a
record cannot be read as (a newer ``format``, a malformed line) raises
:class:`Unreadable` and is skipped by the reader, which says so once.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from desktop.notes import export
from desktop.notes.importer import ImportError_, parse
from desktop.notes.marks import (
    COLOURS,
    MAX_PARTS,
    MAX_POSITION,
    STATES,
    Bookmark,
    Highlight,
    Link,
    clean_relation,
    clean_tags,
)
from desktop.notes.sync.clock import DEVICE, STAMP, device_of
from desktop.notes.sync.state import (
    KINDS,
    State,
    compact_json,
    has_fields,
    lww_fields,
    to_mark,
)

FORMAT = 1
# The kind of mark as a record names it, by the notes' table.
RECORD_KIND = {"highlights": "highlight", "bookmarks": "bookmark", "links": "link"}
TABLE_KIND = {v: k for k, v in RECORD_KIND.items()}
END = "end"  # the key of a file's last line, which says the file is whole
_LWW = {kind: lww_fields(kind) for kind in KINDS}


class Unreadable(ValueError):
    """A line that is no record this version can read; the message says why."""

    def __init__(self, why: str, *, newer: bool = False) -> None:
        super().__init__(why)
        self.newer = newer


class Record(NamedTuple):
    """One mark's state as a line of a file gave it (a first sync reads 100,000)."""

    archive_id: str
    mark_id: str
    kind: str  # as the notes' tables: highlights, bookmarks, links
    state: State
    stamp: str = ""  # the latest of its stamps (its device's clock when it was written)


# -- writing -----------------------------------------------------------------------------


def encode(archive_id: str, mark_id: str, kind: str, state: State) -> str:
    """A mark's state as one line of JSON (without the line's end)."""
    stamps = {"alive": state["alive"][0]}
    stamps |= {name: stamp for name, (stamp, _v) in state["fields"].items()}
    if state.get("modified") and has_fields(state):
        stamps["modified"] = state["modified"][0]
    record: dict[str, Any] = {"format": FORMAT, "archive": archive_id, "mark": mark_id,
                              "kind": RECORD_KIND[kind], "alive": bool(state["alive"][1])}
    note = state.get("note")
    if note is not None and has_fields(state):
        versions, seen = note["versions"], note["seen"]
        if len(versions) == 1 and seen == {device_of(versions[0][0]): versions[0][0]}:
            stamps["note"] = versions[0][0]
        else:
            record["note"] = {"versions": versions, "seen": seen}
    common = max(stamps.values())
    record["stamp"] = common
    record["stamps"] = {name: stamp for name, stamp in stamps.items() if stamp != common}
    if has_fields(state):
        mark = to_mark(mark_id, archive_id, kind, state)
        record["place"] = _place(mark)
        record["annotation"] = export.annotation(_exported(mark))
    return compact_json(record)


def end_line(device: str, number: int, records: int) -> str:
    """A file's last line: the file is whole when a reader finds it."""
    return json.dumps({END: True, "format": FORMAT, "device": device, "file": number,
                       "records": records}, separators=(",", ":"))


def _exported(mark: Highlight | Bookmark | Link) -> export.Mark:
    if isinstance(mark, Highlight):
        return export.Mark("highlight", mark, None, None, 0, "", "")
    if isinstance(mark, Link):
        return export.Mark("link", None, None, None, 0, "", "", link=mark)
    return export.Mark("bookmark", None, mark, None, 0, "", "")


def _place(mark: Highlight | Bookmark | Link) -> dict[str, list[str]]:
    if isinstance(mark, Highlight):
        return {"documents": [mark.document_id], "states": [p.state for p in mark.parts]}
    if isinstance(mark, Link):
        return {"documents": [e.document_id for e in mark.ends],
                "states": [e.state for e in mark.ends]}
    return {"documents": [mark.document_id], "states": [mark.state]}


# -- reading -----------------------------------------------------------------------------


def is_end(item: Any) -> bool:
    return isinstance(item, dict) and item.get(END) is True


def decode(item: Any) -> Record:
    """The record a parsed line holds; :class:`Unreadable` when it holds none."""
    if not isinstance(item, dict):
        raise Unreadable("a line is not a JSON object")
    get = item.get
    version = get("format")
    if version != FORMAT:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
            raise Unreadable("it was written by a newer version of Archive Browser",
                             newer=True)
        raise Unreadable("a line has no format this version knows")
    archive_id, mark_id, kind = get("archive"), get("mark"), get("kind")
    kind = TABLE_KIND.get(kind) if isinstance(kind, str) else None
    if not (_text(archive_id) and _text(mark_id) and kind):
        raise Unreadable("a record lacks its archive, mark or kind")
    common = _stamp(get("stamp"))
    stamps = get("stamps", {})
    if not isinstance(stamps, dict):
        raise Unreadable("a record's stamps are not an object")
    if stamps:
        stamps = {name: _stamp(value) for name, value in stamps.items()}
    alive = get("alive")
    if not isinstance(alive, bool):
        raise Unreadable("a record does not say whether the mark is there")
    state: State = {"alive": [stamps.get("alive", common), alive], "created": "",
                    "fields": {}}
    annotation = get("annotation")
    if annotation is None:
        if alive:
            raise Unreadable("a record of a mark has no annotation")
        return Record(archive_id, mark_id, kind, state, common)  # type: ignore[arg-type]
    parsed = _as_written(annotation, kind) or _parsed(annotation, kind)
    documents, states = _documents_and_states(get("place"), kind, parsed.words)
    values = _values(kind, parsed, documents, states)
    state["fields"] = {name: [stamps.get(name, common), values[name]]
                       for name in _LWW[kind]}
    created, modified = annotation.get("created"), annotation.get("modified")
    state["created"] = created if _text(created) and len(created) <= 40 else ""
    if _text(modified) and len(modified) <= 40:
        state["modified"] = [stamps.get("modified", common), modified]
    if kind != "bookmarks":
        state["note"] = _note(get("note"), stamps.get("note", common), parsed.note)
    return Record(archive_id, mark_id, kind, state, common)  # type: ignore[arg-type]


class _Read(NamedTuple):
    """What a record's annotation says, as :func:`desktop.notes.importer.parse` reads it:
    each target's words as ``[uri, start, end, exact, prefix, suffix]`` (a bookmark's
    without a position), lists of the record's own, to be completed into its values."""

    words: list[list[Any]]
    note: str
    tags: tuple[str, ...]
    colour: str
    label: str
    relation: str


def _parsed(annotation: Any, kind: str) -> _Read:
    """The annotation read by the import's own parser: any W3C annotation it accepts."""
    try:
        p = parse(annotation, 1)
    except ImportError_ as exc:
        raise Unreadable(f"its annotation cannot be read ({exc})") from exc
    if TABLE_KIND[p.kind] != kind:
        raise Unreadable("a record's annotation is of another kind of mark")
    return _Read([[q.uri, q.start, q.end, q.exact, q.prefix, q.suffix] for q in p.quotes],
                 p.note, p.tags, p.colour, p.label, p.relation)


_PURPOSES = {"highlights": {"commenting", "tagging"}, "bookmarks": {"describing"},
             "links": {"classifying", "commenting"}}
_MOTIVATIONS = {"highlights": {"commenting", "tagging", "highlighting"},
                "bookmarks": {"bookmarking"}, "links": {"linking"}}
_CLASSES = {f"archive-browser-{colour}": colour for colour in COLOURS}


def _as_written(annotation: Any, kind: str) -> _Read | None:
    """The annotation read quickly, when it is exactly as :func:`export.annotation`
    writes it (a first sync reads 100,000 of them); None for anything else, which the
    import's parser then reads. Both read the same annotation the same way (a test
    holds them to it)."""
    try:
        if annotation["type"] != "Annotation" or \
                annotation["motivation"] not in _MOTIVATIONS[kind] or \
                type(annotation["id"]) is not str:
            return None
        targets = annotation["target"]
        if type(targets) is dict:
            targets = [targets]
        if not 0 < len(targets) <= MAX_PARTS or \
                len(targets) != (2 if kind == "links" else 1 if kind == "bookmarks"
                                 else len(targets)):
            return None
        words = []
        for target in targets:
            uri, selector = target["source"], target["selector"]
            if kind == "bookmarks":
                exact = selector["exact"]
                if selector["type"] != "TextQuoteSelector" or len(selector) != 2 or \
                        type(uri) is not str or type(exact) is not str or not (uri or exact):
                    return None
                words.append([uri, None, None, exact, "", ""])
                continue
            quote, at = selector
            exact, prefix, suffix = quote["exact"], quote["prefix"], quote["suffix"]
            start, end = at["start"], at["end"]
            if quote["type"] != "TextQuoteSelector" or at["type"] != "TextPositionSelector" \
                    or type(start) is not int or type(end) is not int \
                    or not 0 <= start < end <= MAX_POSITION or type(uri) is not str or not uri \
                    or type(exact) is not str or not exact or type(prefix) is not str \
                    or type(suffix) is not str:
                return None
            words.append([uri, start, end, exact, prefix, suffix])
        bodies = annotation.get("body", ())
        if type(bodies) is dict:
            bodies = (bodies,)
        note = label = relation = ""
        tags = []
        allowed = _PURPOSES[kind]
        for body in bodies:
            purpose, value = body["purpose"], body["value"]
            if body["type"] != "TextualBody" or purpose not in allowed or type(value) is not str:
                return None
            if purpose == "tagging":
                tags.append(value)
            elif purpose == "commenting" and not note:
                note = value
            elif purpose == "describing" and not label:
                label = value
            elif purpose == "classifying" and not relation:
                relation = clean_relation(value)
            else:
                return None  # a second note, label or relation: the parser decides
        if kind == "links" and not relation:
            return None
        colour = COLOURS[0]
        if kind == "highlights":
            colour = _CLASSES.get(targets[0]["styleClass"])  # type: ignore[assignment]
            if colour is None:
                return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return _Read(words, note, clean_tags(tags) if tags else (), colour, label, relation)


def _text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _stamp(value: Any) -> str:
    if not isinstance(value, str) or not STAMP.match(value):
        raise Unreadable("a record's stamp is not one")
    return value


_STATES = frozenset(STATES)


def _documents_and_states(place: Any, kind: str, words: list[list[Any]]
                          ) -> tuple[list[str], list[str]]:
    if not isinstance(place, dict):
        raise Unreadable("a record has no place")
    documents, states = place.get("documents"), place.get("states")
    if not (isinstance(documents, list) and isinstance(states, list)
            and len(states) == (1 if kind == "bookmarks" else len(words))
            and len(documents) == (2 if kind == "links" else 1)):
        raise Unreadable("a record's place does not match its annotation")
    for document in documents:
        if not isinstance(document, str):
            raise Unreadable("a record's place does not match its annotation")
    for state in states:
        if not (isinstance(state, str) and state in _STATES):
            raise Unreadable("a record's place does not match its annotation")
    return documents, states


def _values(kind: str, parsed: _Read, documents: list[str], states: list[str]
            ) -> dict[str, Any]:
    words = parsed.words
    if kind != "bookmarks" and any(w[1] is None or w[2] is None for w in words):
        raise Unreadable("a record's annotation has no position")
    if kind == "highlights":
        for w, state in zip(words, states, strict=True):
            w.append(state)  # [uri, start, end, exact, prefix, suffix, state]
        return {"colour": parsed.colour, "tags": list(parsed.tags),
                "place": [documents[0], words]}
    if kind == "links":
        first, second = ([documents[i], *w, states[i]] for i, w in enumerate(words))
        return {"relation": parsed.relation, "first": first, "second": second}
    uri, exact = words[0][0], words[0][3]
    return {"label": parsed.label, "place": [documents[0], uri, exact, states[0]]}


def _note(given: Any, stamp: str, text: str) -> dict[str, Any]:
    if given is None:
        return {"versions": [[stamp, text]], "seen": {stamp[-16:]: stamp}}  # its device's
    versions, seen = (given.get("versions"), given.get("seen")) if isinstance(given, dict) \
        else (None, None)
    if not (isinstance(versions, list) and versions and isinstance(seen, dict)
            and all(isinstance(v, list) and len(v) == 2 and isinstance(v[1], str)
                    for v in versions)
            and all(isinstance(d, str) and DEVICE.match(d) for d in seen)):
        raise Unreadable("a record's note versions are malformed")
    for v in versions:
        _stamp(v[0])
    seen = {d: _stamp(s) for d, s in seen.items()}
    if any(v[0] > seen.get(device_of(v[0]), "") for v in versions):
        raise Unreadable("a record's note versions are malformed")
    by_stamp = {v[0]: v[1] for v in versions}
    return {"versions": [[s, by_stamp[s]] for s in sorted(by_stamp)], "seen": seen}
