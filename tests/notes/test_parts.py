"""A highlight across passages: one highlight with a part in each, kept, read, restored."""

from __future__ import annotations

import sqlite3

import pytest
from msgspec.structs import replace

from desktop.archive.store import Archive
from desktop.notes import backups
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, Selector, select
from desktop.notes.errors import NotesError
from desktop.notes.marks import MAX_PARTS, Highlight, Part, worst
from desktop.notes.migrations import MIGRATIONS
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import add_highlight, read_value
from tests.notes.test_damage import without_table


@pytest.fixture
def notes(tmp_path):
    notes = Notes(tmp_path)
    yield notes
    notes.close()


def words(archive: Archive, passage_id: str, text: str) -> Selector:
    passage = archive.passage(passage_id)
    start = passage.text.index(text)
    return select(passage.uri, passage.text, start, start + len(text))


def across(notes: Notes, archive: Archive, **kw: object) -> Highlight:
    """A highlight from the end of the essay's ¶ 8 into the start of ¶ 9."""
    return notes.add_highlight(
        archive.archive_id, "essay", words(archive, "essay/p8", "the minute-taker recorded."),
        "blue", note="one note", tags=["one", "set"],
        more=[words(archive, "essay/p9", "Local party leaders replied")], **kw)


def test_a_highlight_across_passages_is_one_highlight_with_its_parts_in_order(
        tmp_path, archive):
    notes = Notes(tmp_path)
    made = across(notes, archive)
    assert [p.selector.exact for p in made.parts] == ["the minute-taker recorded.",
                                                      "Local party leaders replied"]
    assert made.selector == made.parts[0].selector and len(made.more) == 1
    assert made.quote == "the minute-taker recorded. … Local party leaders replied"
    assert (made.note, made.tags, made.state) == ("one note", ("one", "set"), ANCHORED)
    notes.close()
    again = Notes(tmp_path)
    assert again.highlights() == [made] and again.highlight(made.id) == made
    again.close()


def test_a_highlight_of_one_passage_reads_as_it_always_did(notes):
    made = notes.highlight(add_highlight(notes))
    assert made.more == () and made.first_state == "" and made.parts == (Part(made.selector),)
    assert made.quote == made.selector.exact


def test_every_passage_a_highlight_runs_across_finds_it(notes, archive):
    made = across(notes, archive)
    single = notes.add_highlight(archive.archive_id, "essay",
                                 words(archive, "essay/p9", "objective circumstances"),
                                 "pink")
    p8, p9 = archive.passage("essay/p8").uri, archive.passage("essay/p9").uri
    assert [h.id for h in notes.highlights_at(archive.archive_id, p8)] == [made.id]
    assert [h.id for h in notes.highlights_at(archive.archive_id, p9)] == [made.id, single.id]
    assert notes.highlights_at(archive.archive_id, p9)[0] == made
    drawn = notes.marks_in(archive.archive_id, "essay")
    assert [(uri, hid) for uri, _s, _e, hid, _c in drawn] == [
        (p8, made.id), (p9, made.id), (p9, single.id)]
    second = made.more[0].selector
    assert (p9, second.start, second.end, made.id, "blue") in drawn
    # A passage's own: the parts there of highlights that begin elsewhere too.
    assert notes.marks_in(archive.archive_id, "essay", [p9]) == [d for d in drawn if d[0] == p9]
    assert notes.marks_in(archive.archive_id, "essay", []) == []
    assert notes.notes_of([made.id, single.id, "gone"]) == {made.id: "one note", single.id: ""}


def test_an_orphaned_part_is_not_drawn_but_the_others_are(notes, archive):
    made = across(notes, archive)
    lost = made.with_parts((made.parts[0], Part(made.more[0].selector, ORPHANED)))
    assert lost.state == ORPHANED and lost.first_state == ANCHORED
    notes.put_highlight(lost)
    assert notes.highlight(made.id) == lost
    p8, p9 = archive.passage("essay/p8").uri, archive.passage("essay/p9").uri
    assert [d[0] for d in notes.marks_in(archive.archive_id, "essay")] == [p8]
    assert notes.highlights_at(archive.archive_id, p9) == []
    assert notes.highlights_at(archive.archive_id, p8) == [lost]


def test_a_highlight_is_as_lost_as_its_most_lost_part():
    assert worst(ANCHORED, MOVED) == MOVED and worst(MOVED, ORPHANED, ANCHORED) == ORPHANED
    s = Selector("u", 0, 1, "a", "", "")
    h = Highlight("i", "a", "d", s, "yellow")
    moved_first = h.with_parts((Part(s, MOVED), Part(s, ANCHORED)))
    assert (moved_first.state, moved_first.first_state) == (MOVED, "")
    lost_second = h.with_parts((Part(s, MOVED), Part(s, ORPHANED)))
    assert (lost_second.state, lost_second.first_state) == (ORPHANED, MOVED)
    assert [p.state for p in lost_second.parts] == [MOVED, ORPHANED]
    assert h.with_parts((Part(s),)) == h
    with pytest.raises(ValueError):
        h.with_parts(())


def test_deleting_and_putting_back_restores_every_part_exactly(notes, archive):
    made = across(notes, archive)
    odd = made.with_parts((Part(made.selector, MOVED), Part(made.more[0].selector, ORPHANED)))
    notes.put_highlight(odd)
    gone = notes.delete_highlight(made.id)
    assert gone == odd
    assert notes.highlights() == []
    assert notes.conn.execute("SELECT count(*) FROM highlight_parts").fetchone()[0] == 0
    notes.put_highlight(gone)
    assert notes.highlights() == [odd]


def test_putting_a_highlight_back_with_fewer_parts_leaves_none_behind(notes, archive):
    made = across(notes, archive)
    one = made.with_parts(made.parts[:1])
    notes.put_highlight(one)
    assert notes.highlight(made.id) == one
    notes.put_highlight(made)
    assert notes.highlight(made.id) == made


def test_an_import_that_wins_replaces_the_parts_too(notes, archive):
    made = across(notes, archive)
    newer = made.with_parts(made.parts[:1])
    newer = replace(newer, modified="9000-01-01T00:00:00.000Z")
    added, replaced = notes.merge([newer], [])
    assert (added, replaced) == (set(), {made.id})
    assert notes.highlight(made.id).more == ()


def test_editing_a_highlight_keeps_its_parts(notes, archive):
    made = across(notes, archive)
    edited = notes.update_highlight(made.id, note="new", colour="green", tags=["x"])
    assert edited.more == made.more and edited.parts == made.parts
    assert notes.highlight(made.id) == edited


def test_its_parts_can_be_replaced_or_dropped(notes, archive):
    made = across(notes, archive)
    third = Part(words(archive, "essay/p9", "urged Petrzhek to be patient"))
    longer = notes.update_highlight(made.id, more=[*made.more, third])
    assert longer.parts == (*made.parts, third) and notes.highlight(made.id) == longer
    again = notes.update_highlight(made.id, selector=made.more[0].selector, more=())
    assert again.more == () and again.selector == made.more[0].selector
    assert notes.highlight(made.id) == again
    assert notes.conn.execute("SELECT count(*) FROM highlight_parts").fetchone()[0] == 0


def test_a_record_written_back_field_by_field_is_the_same_record(notes, archive):
    """What undo does: the fields of the highlight as it was, written over it."""
    made = across(notes, archive)
    before = made.with_parts((Part(made.selector, MOVED), Part(made.more[0].selector, ORPHANED)))
    notes.put_highlight(before)
    after = notes.update_highlight(made.id, selector=words(archive, "essay/p8", "the minute"),
                                   state=ANCHORED, more=())
    assert after.state == ANCHORED
    back = notes.update_highlight(made.id, selector=before.selector, state=before.state,
                                  more=before.more, first_state=before.first_state)
    assert back.parts == before.parts and back.state == ORPHANED
    assert back.first_state == MOVED


def test_a_state_given_alone_is_the_first_parts(notes, archive):
    made = across(notes, archive)
    lost = notes.update_highlight(made.id, more=[Part(made.more[0].selector, ORPHANED)])
    assert lost.state == ORPHANED
    placed = notes.update_highlight(made.id, state=MOVED)
    assert [p.state for p in placed.parts] == [MOVED, ORPHANED]


def test_too_many_parts_are_refused(notes, archive):
    s = words(archive, "essay/p9", "Local")
    with pytest.raises(NotesError, match=f"at most {MAX_PARTS} passages"):
        notes.add_highlight(archive.archive_id, "essay", s, "yellow", more=[s] * MAX_PARTS)
    assert notes.highlights() == []


# -- the file: a new table, migrated into, checked on opening --------------------------


def test_notes_made_before_parts_existed_are_migrated_and_take_parts(tmp_path, archive):
    old = Notes(tmp_path, migrations=MIGRATIONS[:3])
    kept = add_highlight(old, "made before")
    old.close()
    assert read_value(tmp_path / FILE_NAME, "PRAGMA user_version") == 3
    notes = Notes(tmp_path)
    assert notes.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    (before,) = notes.highlights()
    assert before.id == kept and before.note == "made before" and before.more == ()
    made = across(notes, archive)
    assert notes.highlight(made.id) == made
    notes.close()
    versions = [read_value(b.path, "PRAGMA user_version")
                for b in backups.backups(tmp_path / "backups")]
    assert 3 in versions  # the backup made before migrating: the file as it was


def test_notes_that_lost_the_parts_table_are_restored_from_a_backup(tmp_path, archive):
    notes = Notes(tmp_path)
    made = across(notes, archive)
    notes.backup()
    notes.close()
    again = without_table(tmp_path, "highlight_parts")
    assert "restored from the backup" in again.report.messages[0]
    assert again.highlights() == [made]
    again.close()


def test_a_backup_that_lost_the_parts_table_is_not_sound(tmp_path, archive):
    notes = Notes(tmp_path)
    across(notes, archive)
    backup = notes.backup()
    notes.close()
    assert backups.is_sound(backup.path)
    conn = sqlite3.connect(backup.path)
    conn.execute("DROP TABLE highlight_parts")
    conn.commit()
    conn.close()
    assert backups.problem(backup.path) == backups.DAMAGED


def test_placing_parts_again_never_undoes_an_edit_made_meanwhile(tmp_path, archive):
    notes = Notes(tmp_path)
    made = across(notes, archive)
    other = Notes(tmp_path, backup_now=False)  # a second window
    other.update_highlight(made.id, note="saved by the other window")
    moved = (Part(made.more[0].selector, MOVED),)
    notes.move_marks([], [], parts=[(made, moved)])  # placed from a stale reading
    now = notes.highlight(made.id)
    assert now.note == "saved by the other window" and now.more == made.more
    notes.move_marks([], [], parts=[(now, moved)])
    assert notes.highlight(made.id).more == moved
    other.close()
    notes.close()
