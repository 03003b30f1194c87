"""This application's own exports are read a line at a time: the same annotations, the
same refusals, word for word, as when a file is read whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.archive.store import Archive
from desktop.notes import json_file
from desktop.notes.errors import NotesError
from desktop.notes.export import collect, render
from desktop.notes.importer import import_file
from desktop.notes.json_file import Lines, read_json
from desktop.notes.store import Notes
from tests.helpers import make_notes

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def exported(tmp_path: Path, archive: Archive) -> Path:
    """This application's export of six marks: its head, then one annotation a line."""
    notes = make_notes(tmp_path / "data", archive)
    path = tmp_path / "export.json"
    path.write_text(render("json", collect(notes, archive), archive, when=WHEN),
                    encoding="utf-8")
    notes.close()
    return path


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def with_line(path: Path, number: int, line: bytes) -> Path:
    """The export with its line ``number`` (1: the first annotation) replaced."""
    lines = lines_of(path)
    lines[number] = line
    changed = path.with_name(f"changed-{number}.json")
    changed.write_bytes(b"\n".join(lines))
    return changed


def whole(path: Path) -> dict:
    """The file as read whole, without the line-by-line reading."""
    return json_file._whole(path)


def read_lines(path: Path) -> dict:
    lines = read_json(path)
    assert isinstance(lines, Lines)
    head = json.loads(json.dumps(lines.head))
    head["first"]["items"] = list(lines.items())
    return head


def test_an_export_is_read_a_line_at_a_time_as_it_would_be_whole(exported):
    assert read_lines(exported) == whole(exported)
    assert read_json(exported).count == 6


def test_a_file_laid_out_otherwise_is_read_whole(tmp_path, exported):
    data = whole(exported)
    for text in (json.dumps(data), json.dumps(data, indent=2), json.dumps([data])):
        other = tmp_path / "other.json"
        other.write_text(text, encoding="utf-8")
        assert not isinstance(read_json(other), Lines)


def test_an_annotation_over_two_lines_is_read_as_in_a_whole_file(tmp_path, archive,
                                                                  exported):
    line = lines_of(exported)[3]
    split = with_line(exported, 3, line.replace(b'"target":', b'\n"target":', 1))
    assert read_lines(split) == whole(split) == whole(exported)
    fresh = Notes(tmp_path / "fresh")
    assert import_file(fresh, archive, split).added == 6
    fresh.close()


# A line spoilt in each way a whole file is refused for, and the refusal.
SPOILT = {
    "duplicate-key": (b'{"id": "a", "id": "b", "type": "Annotation"},', "repeats the key"),
    "not-json": (b'{"id": "a", "type": "Annot,', "is not valid JSON"),
    "bad-utf8": (b'{"id": "\xff\xfe", "type": "Annotation"},', "is not UTF-8 text"),
    "lone-surrogate": (b'{"id": "\\ud800", "type": "Annotation"},', "lone surrogate"),
    "nan": (b'{"id": "a", "type": "Annotation", "x": NaN},', "not a number JSON allows"),
    "huge-int": (b'{"id": "a", "type": "Annotation", "x": ' + b"9" * 5000 + b"},",
                 "too large"),
    "deep": (b"[" * 100_000 + b"]" * 100_000 + b",", "nested too deeply"),
    "two-in-a-line": (b'{"id": "a", "type": "Annotation"}, 5,', "Record 4"),
    # Repeated keys that a count of colons must see: the dropped value holds colons,
    # the repeat is deep inside, a colon is written as an escape to make up for one.
    "duplicate-with-colons": (b'{"id": "a:b", "type": "Annotation", "id": "c"},',
                              "repeats the key"),
    "duplicate-deep": (b'{"id": "a", "type": "Annotation", "target": {"source": "x", '
                       b'"selector": [{"type": "T", "type": "U"}]}},', "repeats the key"),
    "duplicate-and-escaped-colon": (b'{"id": "a\\u003ab", "type": "Annotation", '
                                    b'"id": "c"},', "repeats the key"),
    "sixteen-digits": (b'{"id": "a", "type": "Annotation", "x": 1234567890123456},',
                       "too large"),
}


@pytest.mark.parametrize("case", sorted(SPOILT))
def test_a_spoilt_line_is_refused_as_the_whole_file_would_be(tmp_path, archive, exported,
                                                             case):
    line, message = SPOILT[case]
    spoilt = with_line(exported, 4, line)
    try:
        whole(spoilt)
        said = None  # sound JSON, laid out otherwise: a record is refused, as it would be
    except NotesError as exc:
        said = str(exc)
    notes = Notes(tmp_path / "fresh")
    with pytest.raises(NotesError, match=message) as refused:
        import_file(notes, archive, spoilt)
    assert said in (str(refused.value), None)
    assert notes.highlights() == [] and notes.bookmarks() == []
    notes.close()


def test_what_is_wrong_as_json_is_said_before_a_record_that_is_wrong(tmp_path, archive,
                                                                     exported):
    spoilt = with_line(exported, 2, b'{"id": "a", "type": "Note"},')
    lines = lines_of(spoilt)
    lines[5] = b'{"id": "b", "id": "c"},'
    spoilt.write_bytes(b"\n".join(lines))
    notes = Notes(tmp_path / "fresh")
    with pytest.raises(NotesError, match="repeats the key “id”"):
        import_file(notes, archive, spoilt)
    lines[5] = lines_of(exported)[5]
    spoilt.write_bytes(b"\n".join(lines))
    with pytest.raises(NotesError, match=r"Record 2 .* is not of type “Annotation”"):
        import_file(notes, archive, spoilt)
    notes.close()


def test_too_many_values_are_refused_before_any_line_is_parsed(archive, exported,
                                                               monkeypatch):
    monkeypatch.setattr(json_file, "MAX_VALUES", 50)
    monkeypatch.setattr(json_file, "_DECODER", None)  # any parse would fail
    with pytest.raises(NotesError, match="holds more values than any export"):
        read_json(exported)


# Sound lines with what the quick parse must read exactly as the checking one does.
AWKWARD = [
    b'{"id": "urn:uuid:1", "a:b": "c:d::", "n": 123456789012345, "f": -1.5e-7}',
    b'{"id": "x", "note": "He said \\"no\\": twice: \\\\", "z": [{"q": ":"}, []]}',
    b'{"id": "\xe2\x80\x9cquoted\xe2\x80\x9d \xf0\x9f\x93\x9c", "k": {"": ""}, "t": true}',
    b'{"id": "\\u00e9\\u2019", "empty": {}, "null": null, "big": 1e300}',
]


def test_lines_read_quickly_are_read_as_the_checking_parse_reads_them():
    lines = b",\n".join(AWKWARD)
    quick = json_file._quickly(lines)
    assert quick is not None and len(quick) == len(AWKWARD)
    assert quick == json_file._DECODER.decode("[" + lines.decode() + "]")
    for line in AWKWARD:
        assert [json_file._DECODER.decode(line.decode())] == json_file._quickly(line)


def test_the_cycle_collector_is_not_resumed_between_the_reading_and_the_writing(
        tmp_path, archive, exported, monkeypatch):
    """Resumed between them, its first pass would walk every object the reading made
    (all still in use): the import keeps it paused from one to the other."""
    import gc

    from desktop.notes import importer

    seen: list[bool] = []
    real = importer.apply_import
    monkeypatch.setattr(importer, "apply_import", lambda *a, **k: seen.append(gc.isenabled())
                        or real(*a, **k))
    notes = Notes(tmp_path / "fresh")
    try:
        assert import_file(notes, archive, exported).added == 6
        assert seen == [False] and gc.isenabled()
    finally:
        notes.close()


def test_an_import_pauses_the_cycle_collector_and_gives_it_back(tmp_path, archive, exported,
                                                                 monkeypatch):
    """100,000 annotations make millions of objects, none in a cycle: the collector
    would walk them again and again. It is paused while the file is read and written,
    and running again after, also after a refusal."""
    import gc

    from desktop.notes import importer

    seen: list[bool] = []
    real = importer._parsed_item  # which every record of the file meets first
    monkeypatch.setattr(importer, "_parsed_item", lambda *a, **k: seen.append(gc.isenabled())
                        or real(*a, **k))
    notes = Notes(tmp_path / "fresh")
    try:
        assert import_file(notes, archive, exported).added == 6
        assert seen == [False] * 6 and gc.isenabled()
        with pytest.raises(NotesError):
            import_file(notes, archive, with_line(exported, 4, b'{"id": "a", "id": "b"},'))
        assert gc.isenabled()
    finally:
        notes.close()


@pytest.mark.parametrize("depth", [300, 1000])
def test_a_value_nested_deeper_than_the_quick_parse_writes_is_left_to_the_checks(
        tmp_path, archive, exported, depth):
    """orjson reads 1,024 levels but writes back only about 254: deeper, the checking
    parse decides, as it would for the whole file (300 levels: read; 1,000: refused)."""
    line = lines_of(exported)[2]
    deep = with_line(exported, 2, line[:-2] + b', "x": ' + b"[" * depth + b"]" * depth
                     + b"},")
    assert json_file._quickly(line[:-2] + b', "x": ' + b"[" * depth + b"]" * depth
                              + b"}") is None
    notes = Notes(tmp_path / "fresh")
    try:
        if depth == 300:
            assert read_lines(deep) == whole(deep)
            assert import_file(notes, archive, deep).added == 6
        else:
            with pytest.raises(NotesError, match="nested too deeply"):
                import_file(notes, archive, deep)
    finally:
        notes.close()


@pytest.mark.parametrize("block", [1, 100, 700, 10**6])
def test_blocks_of_any_size_give_the_annotations_whole(exported, monkeypatch, block):
    """The lines are read a block at a time, a block ending where a line ends, however
    long the line (here, blocks shorter than any line, and longer than the file)."""
    monkeypatch.setattr(json_file, "_BLOCK", block)
    assert read_lines(exported) == whole(exported)


def test_a_line_longer_than_a_block_is_read_whole(exported, monkeypatch):
    monkeypatch.setattr(json_file, "_BLOCK", 64)
    item = json.loads(lines_of(exported)[2].rstrip(b","))
    item["body"][0]["value"] = "a long note " * 20_000
    longer = with_line(exported, 2, json.dumps(item).encode() + b",")
    read = read_lines(longer)
    assert read == whole(longer)
    assert read["first"]["items"][1]["body"][0]["value"].startswith("a long note")
