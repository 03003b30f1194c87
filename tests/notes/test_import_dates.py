"""Dates in imported files: a far-future or impossible date never makes a mark uneditable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.importer import import_file
from desktop.notes.marks import later_than, now
from desktop.notes.store import Notes

FAR_FUTURE = "9999-12-31T23:59:59.999Z"
P25 = "archive-browser://communists-dilemma/essay/p25"


def annotation(**dates: str) -> dict:
    return {"id": "urn:x:future", "type": "Annotation", "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "from a clock far ahead"},
            "target": {"source": P25, "selector": [
                {"type": "TextQuoteSelector", "exact": "the security police to decide"}]},
            **dates}


@pytest.fixture
def notes(tmp_path):
    notes = Notes(tmp_path / "data")
    yield notes
    notes.close()


def test_a_far_future_date_is_set_to_the_import_and_the_mark_stays_editable(
        tmp_path, archive, notes):
    path = tmp_path / "future.json"
    path.write_text(json.dumps([annotation(created=FAR_FUTURE, modified=FAR_FUTURE)]))
    report = import_file(notes, archive, path)
    assert report.added == 1
    assert "1 had a date in the future, which was set to the time of the import." in \
        report.describe()
    (mark,) = notes.highlights()
    assert mark.modified <= now() and mark.created <= now()
    notes.update_highlight(mark.id, note="typed after the import")
    assert notes.highlight(mark.id).note == "typed after the import"


def test_a_date_within_a_day_ahead_is_kept_as_written(tmp_path, archive, notes):
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="milliseconds")
    soon = soon.replace("+00:00", "Z")
    path = tmp_path / "soon.json"
    path.write_text(json.dumps([annotation(modified=soon)]))
    report = import_file(notes, archive, path)
    assert "future" not in report.describe()
    (mark,) = notes.highlights()
    assert mark.modified == soon
    edited = notes.update_highlight(mark.id, note="later still")
    assert edited.modified > soon  # each change stays later than the one before


@pytest.mark.parametrize(("written", "why"), [
    ("2026-02-30T10:00:00Z", "is not a real date and time"),
    ("0001-01-01T00:00:00+01:00", "is not a real date and time"),
    ("9999-12-31T23:59:59-01:00", "is not a real date and time"),
    ("next tuesday", "is not a date and time such as"),
])
def test_an_impossible_date_is_refused_naming_the_record(tmp_path, archive, notes, written,
                                                         why):
    path = tmp_path / "bad-date.json"
    path.write_text(json.dumps([annotation(modified=written)]))
    with pytest.raises(NotesError) as caught:
        import_file(notes, archive, path)
    message = str(caught.value)
    assert message.startswith("Record 1 (urn:x:future): “modified” ") and why in message
    assert "\n" not in message
    assert notes.highlights() == []


@pytest.mark.parametrize("stored", [FAR_FUTURE, "garbage", "", "2026-13-45T99:00:00Z",
                                    "0001-01-01T00:00:00+01:00", "2026-11-26T15:47:00"])
def test_later_than_never_fails_whatever_is_stored(stored):
    before = now()
    stamp = later_than(stored)
    assert before <= stamp <= now()


def test_a_mark_with_a_hand_edited_date_can_still_be_edited(tmp_path, archive, notes):
    passage = archive.passage("essay/p8")
    start = passage.text.index("had hoped")
    made = notes.add_highlight(archive.archive_id, "essay",
                               select(passage.uri, passage.text, start, start + 9), "yellow")
    notes.conn.execute("UPDATE highlights SET modified = ? WHERE id = ?", (FAR_FUTURE, made.id))
    notes.update_highlight(made.id, note="still mine to edit")
    assert notes.highlight(made.id).note == "still mine to edit"


def test_the_command_line_says_which_dates_were_set_to_the_import(cli, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps([annotation(modified=FAR_FUTURE)]))
    result = cli("import", str(path), data=tmp_path / "cli-data")
    assert result.returncode == 0
    assert result.stdout.strip().endswith(
        "1 had a date in the future, which was set to the time of the import.")


@pytest.mark.parametrize("dates", [{"created": FAR_FUTURE, "modified": FAR_FUTURE},
                                   {"created": FAR_FUTURE}])
def test_importing_a_far_future_file_again_keeps_what_was_typed_since(tmp_path, archive,
                                                                      notes, dates):
    path = tmp_path / "future.json"
    path.write_text(json.dumps([annotation(**dates)]))
    import_file(notes, archive, path)
    (mark,) = notes.highlights()
    notes.update_highlight(mark.id, note="my own words, typed after the import")
    assert import_file(notes, archive, path, dry_run=True).describe().endswith(
        "so your version would be kept.")
    again = import_file(notes, archive, path)
    assert notes.highlight(mark.id).note == "my own words, typed after the import"
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert again.describe() == (
        "Added 0 and updated 0; 1 already present. 1 already present had a date in the "
        "future in the file, so your version was kept.")
