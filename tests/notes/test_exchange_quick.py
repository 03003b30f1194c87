"""The quick ways of the exchange of many annotations give what the general ways give:
the quick reading of an annotation as the export writes it, the indexes made again
after an import of many, the quick look for what Markdown must escape, and the export
written by a thread of its own."""

from __future__ import annotations

import copy
import random
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import orjson
import pytest

from desktop.archive.store import Archive
from desktop.notes import export, importer, store
from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.export import collect, render
from desktop.notes.importer import Own, import_file, parse, parse_own, parse_typed
from desktop.notes.json_file import _DECODER, ImportError_, _as_layout
from desktop.notes.marks import Highlight
from desktop.notes.store import Notes
from tests.helpers import make_notes

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def annotations(tmp_path: Path, archive: Archive) -> list[dict]:
    """The annotations of this application's export of six marks (four highlights with
    awkward words, notes and tags; two bookmarks), and one more highlight, never
    changed, with no note or tags."""
    notes = make_notes(tmp_path / "data", archive)
    passage = archive.passage("essay/p9")
    notes.add_highlight(archive.archive_id, "essay", select(passage.uri, passage.text, 0, 20),
                        "green")
    text = render("json", collect(notes, archive), archive, when=WHEN)
    notes.close()
    return orjson.loads(text)["first"]["items"]


def _parsed(item: object) -> object:
    try:
        return parse(item, 1)
    except ImportError_ as exc:
        return exc


def test_an_exported_highlight_is_read_quickly_as_parse_reads_it(annotations):
    highlights = [a for a in annotations if a["motivation"] != "bookmarking"]
    assert len(highlights) == 5
    for item in highlights:
        quick = parse_own(item)
        assert quick is not None and quick == parse(item, 1)
    # A bookmark is left to parse().
    assert [parse_own(a) for a in annotations if a["motivation"] == "bookmarking"] == [None] * 2


_VALUES = [None, "", "x", 0, 1, -1, True, 1.5, [], {}, ["Annotation"], "Annotation", "tagging",
           "commenting", "describing", "bookmarking", "linking", "highlighting",
           "2026-01-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "9999-01-01T00:00:00.000Z",
           "2026-01-01T00:00:00Z", "urn:uuid:123", "TextQuoteSelector", "TextPositionSelector",
           "archive-browser-yellow", "archive-browser-none", 2**31, 5, [1],
           {"type": "TextualBody", "value": "v"}, {"value": "n", "purpose": "commenting"},
           "  #Tag  "]


def _places(value: object, path: tuple = ()):  # type: ignore[no-untyped-def]
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _places(inner, (*path, index))


def _changed(item: dict, rng: random.Random) -> dict:
    """The annotation with one to three of its fields changed, taken out or added."""
    item = copy.deepcopy(item)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(list(_places(item))[1:])
        parent = item
        for key in path[:-1]:
            parent = parent[key]
        roll = rng.random()
        if roll < 0.6:
            parent[path[-1]] = copy.deepcopy(rng.choice(_VALUES))
        elif roll < 0.8:
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["bodyValue", "purpose", "type", "source", "id"])] = \
                copy.deepcopy(rng.choice(_VALUES))
        else:
            parent.append(copy.deepcopy(rng.choice(_VALUES)))
    return item


def test_anything_else_is_left_to_parse_or_read_alike(annotations):
    """Changed in every way a file could change them, annotations are either read
    quickly, and then as parse() reads them, or left to parse(), which refuses those
    that are wrong: the quick reading never accepts what parse() refuses."""
    rng = random.Random(1922)
    quick = 0
    for _ in range(4000):
        item = _changed(rng.choice(annotations), rng)
        read = parse_own(item)
        if read is not None:
            quick += 1
            assert read == _parsed(item), item
    assert 200 < quick < 3800  # both ways were taken


def _as_record(item: object) -> Own | None:
    """The annotation written as a line of an export and read as a record, if it is one."""
    read = _as_layout(orjson.dumps(item) + b",\n", 2, importer._OWN_LINES)
    return read[0] if read is not None else None


def test_an_export_is_read_as_records_and_as_parse_reads_it(annotations):
    """Every annotation of an export (bookmarks too) is read as a record; a highlight is
    then read as parse() reads it, and anything else is given to parse() as it was."""
    for item in annotations:
        record = _as_record(item)
        assert record is not None and msgspec.to_builtins(record) == item
        assert parse_typed(record) == parse_own(item)
        assert importer._parsed_item(record, 1) == parse(item, 1)


def test_anything_else_read_as_a_record_is_read_alike(annotations, monkeypatch):
    """Changed as in the test above, an annotation is read as a record only when the
    checking parse reads it so (as the same values), and read from that record as
    parse() reads it: accepted alike, or refused alike."""
    # A date far ahead is set to now: the same now for both readings.
    monkeypatch.setattr(importer, "now", lambda: "2026-11-26T12:00:00.000Z")
    rng = random.Random(1917)
    records = 0
    for _ in range(4000):
        item = _changed(rng.choice(annotations), rng)
        record = _as_record(item)
        if record is None:
            continue
        records += 1
        checked = _DECODER.decode(orjson.dumps(item).decode())
        assert msgspec.to_builtins(record) == checked, item
        assert parse_typed(record) == parse_own(checked), item
        try:
            read: object = importer._parsed_item(record, 1)
        except ImportError_ as exc:
            read = exc
        expected = _parsed(checked)
        assert type(read) is type(expected) and \
            (read == expected if isinstance(read, importer.Parsed) else
             str(read) == str(expected)), item
    assert 200 < records < 3800  # both ways were taken


@pytest.mark.parametrize("line", [
    # a key twice, a whole number the checking parse refuses, a lone surrogate, a key
    # the records lack, a value of another type, and a key twice with a colon written
    # as an escape in the value kept (written back, the colon count would match)
    b'{"id": "urn:uuid:a", "id": "urn:uuid:b"}',
    b'{"target": {"selector": [{"type": "TextPositionSelector", "start": 1000000000000000}]}}',
    b'{"id": "\\ud800"}',
    b'{"id": "x", "bodyValue": "note"}',
    b'{"id": 5}',
    b'{"id": "a", "id": "b\\u003a"}',
])
def test_lines_that_are_not_records_as_the_checks_read_them_are_left_to_them(line):
    assert _as_layout(line + b",\n", 2, importer._OWN_LINES) is None


def test_a_date_ahead_or_a_repeated_date_is_read_as_parse_reads_it(annotations):
    item = next(a for a in annotations if a["motivation"] == "highlighting")
    ahead = dict(item, modified="2999-01-01T00:00:00.000Z")
    assert parse_own(ahead) is None and parse(ahead, 1).modified_ahead
    same = parse_own(item)
    assert same is not None and same.modified is same.created  # one string for both


def _indexes(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                            "ORDER BY name").fetchall()
    finally:
        conn.close()


def test_an_import_of_many_makes_the_indexes_again_as_they_were(tmp_path, archive,
                                                                 monkeypatch):
    source = make_notes(tmp_path / "source", archive)
    exported = tmp_path / "export.json"
    exported.write_text(render("json", collect(source, archive), archive, when=WHEN),
                        encoding="utf-8")
    source.close()
    monkeypatch.setattr(store, "BULK_FROM", 1)  # four highlights are "many" here
    notes = Notes(tmp_path / "fresh")
    before = _indexes(notes.path)
    dropped: list[str] = []
    real = store.indexes_made_after

    def watched(conn, many):  # type: ignore[no-untyped-def]
        dropped.append(many)
        return real(conn, many)

    monkeypatch.setattr(store, "indexes_made_after", watched)
    try:
        assert import_file(notes, archive, exported).added == 6
        assert dropped == [True]
        assert notes.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert len(notes.highlights(archive.archive_id)) == 4
    finally:
        notes.close()
    assert _indexes(tmp_path / "fresh" / "notes.db") == before


def test_a_failed_write_of_many_keeps_the_indexes(tmp_path, archive, monkeypatch):
    monkeypatch.setattr(store, "BULK_FROM", 1)
    notes = Notes(tmp_path / "fresh")
    before = _indexes(notes.path)
    passage = archive.passage("essay/p8")
    h = Highlight("a-highlight", archive.archive_id, "essay",
                  select(passage.uri, passage.text, 0, 10), "yellow")
    try:
        with pytest.raises(NotesError):
            notes.merge([h, h], [])  # the same id twice: the second INSERT fails
        assert notes.highlights() == []
    finally:
        notes.close()
    assert _indexes(tmp_path / "fresh" / "notes.db") == before


def test_an_import_of_a_few_into_notes_keeps_the_indexes(tmp_path, archive, monkeypatch):
    seen: list[bool] = []
    real = store.indexes_made_after
    monkeypatch.setattr(store, "indexes_made_after",
                        lambda conn, many: seen.append(many) or real(conn, many))
    notes = make_notes(tmp_path / "data", archive)
    exported = tmp_path / "export.json"
    exported.write_text(render("json", collect(notes, archive), archive, when=WHEN),
                        encoding="utf-8")
    try:
        import_file(notes, archive, exported)
    finally:
        notes.close()
    assert seen == [False] or seen == []


def test_the_quick_look_for_markdown_signs_finds_what_the_whole_pattern_finds():
    """md_escape() returns a text as it is only when nothing in it would be escaped: its
    quick look (signs, the start, every line's start) agrees with the whole pattern."""
    rng = random.Random(8)
    letters = "ab \t\n\r+-=1.)2#%^@\\`*_[]<>&|~$\u200e\u202e\x00\uff19)"
    for _ in range(20000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))
        quick = bool(export._MD_SIGNS.search(text) or export._MD_START.match(text)
                     or ("\n" in text and export._MD_ANYTHING.search(text)))
        assert quick == bool(export._MD_ANYTHING.search(text)), repr(text)


def test_the_import_reads_each_exported_highlight_quickly(tmp_path, archive, monkeypatch):
    """Every highlight of an export is read by parse_own(); parse() reads the rest."""
    source = make_notes(tmp_path / "source", archive)
    exported = tmp_path / "export.json"
    exported.write_text(render("json", collect(source, archive), archive, when=WHEN),
                        encoding="utf-8")
    source.close()
    general: list[str] = []
    real = importer.parse
    monkeypatch.setattr(importer, "parse", lambda item, *a, **k: general.append(
        item["motivation"]) or real(item, *a, **k))
    notes = Notes(tmp_path / "fresh")
    try:
        assert import_file(notes, archive, exported).added == 6
    finally:
        notes.close()
    assert general == ["bookmarking", "bookmarking"]


class _Refusing:
    """A file that takes ``room`` writes, then says the disk is full."""

    def __init__(self, room: int) -> None:
        self.room, self.written = room, []

    def write(self, data: bytes) -> int:
        if len(self.written) >= self.room:
            raise OSError(28, "No space left on device")
        self.written.append(data)
        return len(data)


def test_the_writer_stops_the_export_when_the_disk_is_full():
    made: list[int] = []

    def chunks():  # type: ignore[no-untyped-def]
        for number in range(1000):
            made.append(number)
            yield f"chunk {number}\n"

    out = _Refusing(3)
    with pytest.raises(OSError, match="No space"):
        export._write_chunks(out, chunks())  # type: ignore[arg-type]
    assert out.written == [b"chunk 0\n", b"chunk 1\n", b"chunk 2\n"]
    assert len(made) < 20  # it stopped making chunks soon after
    assert not any(t.name == "export-writer" and t.is_alive()
                   for t in threading.enumerate())


def test_an_export_cancelled_while_written_leaves_no_file(tmp_path, archive):

    notes = make_notes(tmp_path / "data", archive)
    target = tmp_path / "out.json"
    try:
        with pytest.raises(export.Cancelled):
            export.write_atomically(target, export.render_chunks(
                "json", collect(notes, archive), archive, lambda done, total: done < 3),
                overwrite=False)
    finally:
        notes.close()
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["data"]
    assert not any(t.name == "export-writer" for t in threading.enumerate())


def test_the_writer_writes_every_chunk_in_order(tmp_path):
    target = tmp_path / "out.txt"
    export.write_atomically(target, (f"{n}\n" for n in range(5000)), overwrite=False)
    assert target.read_text() == "".join(f"{n}\n" for n in range(5000))
