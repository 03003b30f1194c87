"""A record is the exchange format: what the import's parser reads of it, the quick
reader reads the same, and a state comes back from its record as it went in."""

from __future__ import annotations

import contextlib
import copy
import json

import pytest

from desktop.notes.sync import records
from desktop.notes.sync.records import Unreadable, decode, encode
from desktop.notes.sync.state import values_of
from tests.helpers import make_notes
from tests.notes.test_links import end


@pytest.fixture
def every_kind(tmp_path, archive):
    notes = make_notes(tmp_path, archive)
    notes.add_highlight(archive.archive_id, "essay", end(archive, "essay/p8", "had hoped").selector,
                        "purple", "", ["only", "tags"],
                        more=[end(archive, "essay/p9", "Local party").selector])
    notes.add_highlight(archive.archive_id, "essay", end(archive, "essay/p9", "party").selector,
                        "blue")
    notes.add_highlight(archive.archive_id, "essay", end(archive, "essay/p9", "Local").selector,
                        "pink", "a note alone")
    notes.add_link(archive.archive_id, end(archive, "essay/p8", "proprietorial instincts"),
                   end(archive, "minutes/e2", "proprietorial instincts"), "contradicts",
                   "a note\n\nin two paragraphs")
    notes.add_link(archive.archive_id, end(archive, "essay/p8", "had hoped"),
                   end(archive, "essay/p9", "party"), "my own word")
    marks = [*notes.highlights(), *notes.bookmarks(), *notes.links()]
    notes.close()
    return marks


def state_of(mark) -> dict:
    kind = {"Highlight": "highlights", "Bookmark": "bookmarks", "Link": "links"}[
        type(mark).__name__]
    stamp = "1700000000000-0000-" + "a" * 16
    values = values_of(mark)
    state = {"alive": [stamp, True], "created": mark.created,
             "fields": {n: [stamp, v] for n, v in values.items() if n != "note"},
             "modified": [stamp, mark.modified]}
    if "note" in values:
        state["note"] = {"versions": [[stamp, values["note"]]], "seen": {"a" * 16: stamp}}
    return {"kind": kind, "state": state}


def test_every_kind_of_mark_comes_back_from_its_record_as_it_went_in(every_kind):
    for mark in every_kind:
        given = state_of(mark)
        line = encode("communists-dilemma", mark.id, given["kind"], given["state"])
        back = decode(json.loads(line))
        assert (back.mark_id, back.kind, back.state) == (mark.id, given["kind"], given["state"])


def test_the_quick_reader_reads_what_the_parser_reads(every_kind):
    for mark in every_kind:
        given = state_of(mark)
        item = json.loads(encode("communists-dilemma", mark.id, given["kind"], given["state"]))
        quick = records._as_written(item["annotation"], given["kind"])
        assert quick is not None, mark
        assert quick == records._parsed(item["annotation"], given["kind"])


@pytest.mark.parametrize("change", [
    lambda a: a["target"]["selector"].reverse(),  # the position first: not as written
    lambda a: a.update(body=[a["body"], a["body"]]),  # two notes: the parser joins them
    lambda a: a["target"].update(styleClass="archive-browser-mauve"),  # a colour unknown
    lambda a: a.update(motivation=["commenting", "tagging"]),
])
def test_an_annotation_not_as_written_is_read_by_the_parser(every_kind, change):
    highlight = next(m for m in every_kind if type(m).__name__ == "Highlight"
                     and not m.more and m.note and not m.tags)
    given = state_of(highlight)
    item = json.loads(encode("communists-dilemma", highlight.id, "highlights", given["state"]))
    annotation = copy.deepcopy(item["annotation"])
    change(annotation)
    assert records._as_written(annotation, "highlights") is None
    with contextlib.suppress(Unreadable):  # or refused, as the import would refuse it
        records._parsed(annotation, "highlights")


@pytest.mark.parametrize("line, why", [
    ({"format": 2}, "newer"),
    ({"format": "1"}, "format"),
    ({"format": 1, "archive": "a", "mark": "m", "kind": "poem"}, "kind"),
    ({"format": 1, "archive": "a", "mark": "m", "kind": "highlight", "stamp": "yesterday",
      "alive": True}, "stamp"),
    ({"format": 1, "archive": "a", "mark": "m", "kind": "highlight",
      "stamp": "1700000000000-0000-" + "a" * 16, "alive": True}, "annotation"),
])
def test_a_line_that_is_no_record_is_refused_with_a_reason(line, why):
    with pytest.raises(Unreadable) as refused:
        decode(line)
    assert refused.value.newer == (why == "newer")


def _mutations(record: dict):
    """Every way of replacing one value of a record (at any depth) by a value of another
    type, or of dropping it."""
    hostile = [None, True, 7, -1.5, "", "x" * 3, [], ["highlight"], {}, {"a": 1}]

    def walk(value, path):
        yield path
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(inner, (*path, key))
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                yield from walk(inner, (*path, i))

    for path in walk(record, ()):
        if not path:
            continue
        for replacement in [*hostile, "DROP"]:
            changed = copy.deepcopy(record)
            holder = changed
            for step in path[:-1]:
                holder = holder[step]
            if replacement == "DROP":
                if isinstance(holder, dict):
                    del holder[path[-1]]
                else:
                    continue
            else:
                holder[path[-1]] = replacement
            yield changed


def test_a_record_changed_anywhere_into_anything_is_read_or_refused_never_a_crash(every_kind):
    """What junk or another program makes of a line: every value, at every depth, replaced
    by a value of every other type, or dropped. Decoding gives a record or refuses it
    (Unreadable); nothing else escapes to stop the round."""
    checked = 0
    for mark in every_kind:
        item = json.loads(encode("communists-dilemma", mark.id, **state_of(mark)))
        for changed in _mutations(item):
            with contextlib.suppress(Unreadable):
                decode(changed)
            checked += 1
    assert checked > 1000


def test_a_line_nested_too_deep_for_the_parser_is_a_bad_line(tmp_path):
    from desktop.notes.sync import folder as layout

    path = tmp_path / "000001.jsonl"
    path.write_bytes(b"[" * 200_000 + b"\n" + b'{"format": 1}\n')
    chunk = layout.read_from(path, 0)
    assert chunk.bad_lines == 1 and chunk.items == [{"format": 1}]
    (tmp_path / "device.json").write_bytes(b"[" * 200_000)
    assert layout.read_json(tmp_path / "device.json") is None
