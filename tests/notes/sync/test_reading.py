"""Reading a file of the folder a part at a time: the parts hold what reading it whole
would, however its lines fall across them."""

from __future__ import annotations

import json

import pytest

from desktop.notes.sync import folder as layout
from desktop.notes.sync.reading import Job, Reading, read
from desktop.notes.sync.records import end_line


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(layout, "PART", 64)


def lines_of(count: int, width: int) -> list[bytes]:
    return [json.dumps({"n": n, "text": "x" * width}).encode() + b"\n" for n in range(count)]


@pytest.mark.parametrize("width", [1, 60, 300])  # lines shorter and longer than a part
def test_the_parts_of_a_file_hold_its_lines_once_each_in_order(tmp_path, small_parts, width):
    path = tmp_path / "000001.jsonl"
    lines = lines_of(7, width)
    path.write_bytes(b"".join(lines) + b"not json\n" + end_line("a" * 16, 1, 7).encode()
                     + b"\n" + b'{"n": "a line still being written')
    parts = list(layout.read_parts(path, 0))
    assert len(parts) > 1
    assert [item["n"] for part in parts for item in part.items] == list(range(7))
    assert sum(part.bad_lines for part in parts) == 1
    assert parts[-1].read_to == path.stat().st_size - len(b'{"n": "a line still being written')
    assert parts[-1].whole and [p.read_to for p in parts] == sorted(p.read_to for p in parts)
    whole = layout.read_from(path, 0)
    assert (whole.read_to, whole.whole, whole.bad_lines) == (parts[-1].read_to, True, 1)
    again = list(layout.read_parts(path, parts[-1].read_to))  # nothing whole since
    assert [(p.items, p.read_to, p.bad_lines) for p in again] == [([], parts[-1].read_to, 0)]


def test_lines_that_cannot_be_read_are_reported_once_for_their_file(tmp_path, small_parts):
    path = tmp_path / "d" / "000001.jsonl"
    path.parent.mkdir()
    path.write_bytes(b"[1]\n" + b"".join(lines_of(5, 40)) + b'{"format": 1}\n' + b"[2]\n")
    problems: list[str] = []
    reading = Reading("communists-dilemma", "b" * 16, {}, {}, problems)
    parts = list(read(Job(path, ("d", path.name), 0)))
    assert len(parts) > 2
    for part in parts:
        reading.take(part)
    assert problems == []  # said when the round has read everything
    reading.finish(layout.Listing({}, [], []))
    assert problems == [f"8 lines of {path} could not be read and were skipped "
                        "(a line has no format this version knows)."]
