"""Links between passages: made, read by document, edited, deleted and put back, kept
safe in the file like every other mark."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from desktop.archive.store import Archive
from desktop.notes import backups, changes
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, select
from desktop.notes.errors import NotesError
from desktop.notes.marks import MAX_RELATION, RELATIONS, End, Link, clean_relation
from desktop.notes.migrations import MIGRATIONS
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.notes.test_damage import without_table


@pytest.fixture
def notes(tmp_path):
    notes = Notes(tmp_path)
    yield notes
    notes.close()


def end(archive: Archive, passage_id: str, words: str) -> End:
    passage = archive.passage(passage_id)
    start = passage.text.index(words)
    return End(passage.document_id, select(passage.uri, passage.text, start, start + len(words)))


def link(notes: Notes, archive: Archive, relation: str = "supports", note: str = "") -> Link:
    """The essay's ¶ 8 quoting the minutes: a link from the essay to the minutes."""
    return notes.add_link(archive.archive_id,
                          end(archive, "essay/p8", "private proprietorial instincts"),
                          end(archive, "minutes/e2", "private proprietorial instincts"),
                          relation, note)


def test_a_link_is_kept_with_both_ends_its_relation_and_note(tmp_path, archive):
    notes = Notes(tmp_path)
    made = link(notes, archive, "contradicts", "The minutes say it first.")
    assert (made.first.document_id, made.second.document_id) == ("essay", "minutes")
    assert made.relation == "contradicts" and made.note == "The minutes say it first."
    assert made.state == ANCHORED and made.created == made.modified
    notes.close()
    again = Notes(tmp_path)
    assert again.links() == [made] and again.link(made.id) == made
    assert again.links(archive.archive_id) == [made] and again.links("another") == []
    again.close()


def test_a_link_is_found_from_the_documents_of_both_its_ends(notes, archive):
    made = link(notes, archive)
    within = notes.add_link(archive.archive_id, end(archive, "essay/p3", "joined the party"),
                            end(archive, "essay/p20", "Workers Truth"), "see also")
    assert sorted(notes.links_in(archive.archive_id, "essay"), key=lambda x: x.id) == \
        sorted([made, within], key=lambda x: x.id)  # made in one millisecond, maybe
    assert notes.links_in(archive.archive_id, "minutes") == [made]
    assert notes.links_in(archive.archive_id, "letter") == []


@pytest.mark.parametrize(("given", "kept"), [
    ("supports", "supports"), ("  Same   Event ", "same event"), ("SEE ALSO", "see also"),
    ("  prefigures\n", "prefigures"), ("is answered by", "is answered by"),
    ("\u202eechoes\u200b\x07", "echoes"), ("x" * MAX_RELATION, "x" * MAX_RELATION)])
def test_relations_are_kept_as_a_person_means_them(given, kept):
    assert clean_relation(given) == kept


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "x" * (MAX_RELATION + 1)])
def test_an_empty_or_long_relation_is_refused_and_nothing_is_written(notes, archive, bad):
    with pytest.raises(NotesError, match=f"^A link's relation must be a word or a few, at "
                                         f"most {MAX_RELATION} characters.$"):
        link(notes, archive, bad)
    assert notes.links() == []
    made = link(notes, archive)
    with pytest.raises(NotesError, match="relation must be"):
        notes.update_link(made.id, relation=bad)
    assert notes.links() == [made]


def test_the_offered_relations():
    assert RELATIONS == ("supports", "contradicts", "same event", "see also")


def test_editing_a_link_changes_its_relation_and_note_and_its_date(notes, archive):
    made = link(notes, archive)
    edited = notes.update_link(made.id, relation="same event", note="Both tell the meeting.")
    assert (edited.relation, edited.note) == ("same event", "Both tell the meeting.")
    assert edited.created == made.created and edited.modified > made.modified
    assert edited.ends == made.ends and notes.link(made.id) == edited
    assert notes.update_link(made.id, relation="Same event") == edited  # no change, no write
    with pytest.raises(NotesError, match="no longer exists"):
        notes.update_link("no-such-link", note="x")


def test_an_end_can_be_attached_again(notes, archive):
    made = link(notes, archive)
    lost = replace(made.second, state=ORPHANED)
    notes.put_link(replace(made, second=lost))
    again = notes.update_link(made.id, second=end(archive, "minutes/e2", "communism"))
    assert again.second.selector.exact == "communism" and again.state == ANCHORED


def test_deleting_and_putting_back_restores_a_link_exactly(notes, archive):
    made = link(notes, archive, note="kept")
    odd = replace(made, first=replace(made.first, state=MOVED),
                  second=replace(made.second, state=ORPHANED))
    assert odd.state == ORPHANED
    notes.put_link(odd)
    gone = notes.delete_link(made.id)
    assert gone == odd and notes.links() == [] and notes.delete_link(made.id) is None
    notes.put_link(gone)
    assert notes.links() == [odd]


def test_changes_to_links_are_announced_as_links(notes, archive):
    made = link(notes, archive)
    for change in (changes.added(made), changes.deleted(made),
                   changes.edited(made, ["relation"])):
        assert change.kind == changes.LINKS and change.about(changes.LINKS)
        assert not change.about(changes.HIGHLIGHTS) and change.mark(made.id) == made
    assert changes.added(made).rows and changes.edited(made, ["note"]).touches("note")
    assert changes.everything().about(changes.LINKS)


def test_an_import_replaces_a_link_only_with_a_newer_one(notes, archive):
    made = link(notes, archive)
    older = replace(made, note="older", modified="2000-01-01T00:00:00.000Z")
    assert notes.merge([], [], [older]) == (set(), set())
    newer = replace(made, note="newer", modified="9000-01-01T00:00:00.000Z")
    assert notes.merge([], [], [newer]) == (set(), {made.id})
    other = replace(made, id="another")
    assert notes.merge([], [], [other]) == ({"another"}, set())
    assert {x.id: x.note for x in notes.links()} == {made.id: "newer", "another": ""}
    assert notes.modified_dates()[made.id] == "9000-01-01T00:00:00.000Z"


def test_placing_a_link_again_never_undoes_an_edit_made_meanwhile(tmp_path, archive):
    notes = Notes(tmp_path)
    made = link(notes, archive)
    other = Notes(tmp_path, backup_now=False)  # a second window
    other.update_link(made.id, note="saved by the other window")
    notes.move_marks([], [], [(made, replace(made.first, state=MOVED), made.second)])
    (now,) = notes.links()
    assert now.note == "saved by the other window" and now.first.state == ANCHORED
    notes.move_marks([], [], [(now, replace(now.first, state=MOVED), now.second)])
    assert notes.link(made.id).first.state == MOVED
    other.close()
    notes.close()


# -- the file: a new table, migrated into, checked on opening, backed up ---------------


def test_notes_of_the_version_before_links_are_migrated(tmp_path, archive):
    old = Notes(tmp_path, migrations=MIGRATIONS[:4])
    kept = old.add_highlight(archive.archive_id, "essay",
                             end(archive, "essay/p8", "the minute-taker").selector, "yellow",
                             more=[end(archive, "essay/p9", "Local party").selector])
    old.close()
    notes = Notes(tmp_path)
    assert notes.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 5
    assert notes.highlights() == [kept] and notes.links() == []
    made = link(notes, archive)
    assert notes.links() == [made]
    notes.close()


def test_notes_that_lost_the_links_table_are_restored_from_a_backup(tmp_path, archive):
    notes = Notes(tmp_path)
    made = link(notes, archive)
    notes.backup()
    notes.close()
    again = without_table(tmp_path, "links")
    assert "restored from the backup" in again.report.messages[0]
    assert again.links() == [made]
    again.close()


def test_notes_holding_only_a_link_hold_marks(tmp_path, archive):
    notes = Notes(tmp_path)
    made = link(notes, archive)
    backup = notes.backup()
    assert backups.fingerprint_of(backup.path) is not None
    notes.close()
    (tmp_path / FILE_NAME).write_bytes(b"")  # emptied: the backup's link is brought back
    again = Notes(tmp_path)
    assert again.links() == [made]
    assert again.report.messages[0].startswith("Your notes file was empty.")
    again.close()


def test_a_new_or_edited_link_is_a_change_worth_a_backup(tmp_path, archive):
    notes = Notes(tmp_path)
    made = link(notes, archive)
    first = notes.backup(if_changed=True)
    assert first is not None and notes.backup(if_changed=True) is None
    notes.update_link(made.id, note="changed")
    assert notes.backup(if_changed=True) is not None
    notes.close()
