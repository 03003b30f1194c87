"""No SQLite error leaves the notes layer: each becomes a NotesError a person can act on."""

from __future__ import annotations

import inspect
import sqlite3
from pathlib import Path

import pytest

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.notes import health, notes_file
from desktop.notes.anchoring import select
from desktop.notes.errors import NotesDamaged, NotesError
from desktop.notes.export import collect
from desktop.notes.importer import ImportPlan, ImportReport, apply_import, plan_import
from desktop.notes.marks import Highlight
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.reanchor import reanchor_all
from desktop.notes.store import Notes
from tests.helpers import add_highlight
from tests.notes.test_damage import hidden_damage_in_an_untouched_file, notes_with_a_backup


def test_every_public_method_of_the_notes_is_guarded():
    public = [(cls, name) for cls in Notes.__mro__ for name, member in vars(cls).items()
              if inspect.isfunction(member) and (name == "__init__" or not name.startswith("_"))]
    assert {"__init__", "highlights", "add_highlight", "merge", "backup", "close",
            "another_connection"} <= {name for _cls, name in public}
    assert [(cls.__name__, name) for cls, name in public
            if not hasattr(vars(cls)[name], "__wrapped__")] == []


def a_mark() -> Highlight:
    text = "The words of a passage that someone highlighted."
    return Highlight("h1", "communists-dilemma", "essay",
                     select("archive-browser://x/essay/p1", text, 4, 9), "green")


def closed_notes(folder: Path) -> tuple[Notes, str]:
    notes = Notes(folder)
    kept = add_highlight(notes)
    notes.close()
    return notes, kept


@pytest.mark.parametrize("use", [
    lambda notes, kept: notes.highlights(),
    lambda notes, kept: notes.highlight(kept),
    lambda notes, kept: notes.bookmarks(),
    lambda notes, kept: notes.tags(),
    lambda notes, kept: notes.marks_in("communists-dilemma", "essay"),
    lambda notes, kept: notes.modified_dates(),
    lambda notes, kept: notes.update_highlight(kept, note="changed"),
    lambda notes, kept: notes.delete_highlight(kept),
    lambda notes, kept: notes.add_bookmark("communists-dilemma", "essay", "u", "words"),
    lambda notes, kept: notes.backup(),
], ids=["highlights", "highlight", "bookmarks", "tags", "marks_in", "modified_dates",
        "update_highlight", "delete_highlight", "add_bookmark", "backup"])
def test_closed_notes_give_a_notes_error(tmp_path, use):
    notes, kept = closed_notes(tmp_path)
    with pytest.raises(NotesError, match=f"Your notes in {tmp_path} are no longer open") \
            as raised:
        use(notes, kept)
    assert not isinstance(raised.value, NotesDamaged)
    assert isinstance(raised.value.__cause__, sqlite3.ProgrammingError)


def test_closed_notes_give_a_notes_error_from_the_functions_on_marks(tmp_path,
                                                                     shipped_archive):
    notes, _kept = closed_notes(tmp_path)
    file = tmp_path / "marks.json"
    file.write_text("[]")
    with Archive(shipped_archive) as archive:
        for work in (lambda: reanchor_all(notes, archive), lambda: collect(notes, archive),
                     lambda: plan_import(notes, archive, file),
                     lambda: apply_import(notes, ImportPlan(ImportReport(), [a_mark()], []))):
            with pytest.raises(NotesError, match=f"Your notes in {tmp_path} are no longer "
                                                 "open"):
                work()


def test_closing_closed_notes_again_is_harmless(tmp_path):
    notes, _kept = closed_notes(tmp_path)
    notes.close()


def with_a_note_that_is_not_utf8(folder: Path) -> str:
    """Notes with a backup, then a note that does not decode: damage the quick check
    at opening does not see, in a file recorded as this application left it."""
    (kept,) = notes_with_a_backup(folder, count=1)
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.execute("UPDATE highlights SET note = CAST(x'61ff62' AS TEXT)")
    conn.commit()
    conn.close()
    health.mark_verified(folder / FILE_NAME)
    return kept


def test_damage_met_while_reading_is_notes_damaged_and_restored_at_the_next_start(tmp_path):
    kept = with_a_note_that_is_not_utf8(tmp_path)
    notes = Notes(tmp_path, backup_now=False)  # the quick check passes
    assert notes.report.messages == []
    with pytest.raises(NotesDamaged, match="not valid UTF-8") as raised:
        notes.highlights()
    assert str(tmp_path) in str(raised.value)
    assert raised.value.path == tmp_path / FILE_NAME
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    notes.close()  # closing does not vouch for the file again
    assert not health.unchanged_since_verified(tmp_path / FILE_NAME)
    notes = Notes(tmp_path)
    assert notes.report.messages[0].startswith("Your notes file was damaged.")
    assert [(h.id, h.note) for h in notes.highlights()] == [(kept, "note number 0")]
    notes.close()


def test_damage_a_backup_reveals_is_notes_damaged(tmp_path):
    hidden_damage_in_an_untouched_file(tmp_path)
    notes = Notes(tmp_path, backup_now=False)
    with pytest.raises(NotesDamaged, match="failed its check") as raised:
        notes.backup()
    assert isinstance(raised.value.__cause__, sqlite3.DatabaseError)
    notes.close()
    notes = Notes(tmp_path, backup_now=False)
    assert notes.report.messages[0].startswith("Your notes file was damaged.")
    notes.close()


def test_notes_whose_tables_another_program_removed_give_a_notes_error(tmp_path):
    notes = Notes(tmp_path)
    add_highlight(notes)
    other = sqlite3.connect(tmp_path / FILE_NAME)
    other.execute("DROP TABLE highlight_tags")
    other.commit()
    other.close()
    with pytest.raises(NotesError, match=f"Your notes in {tmp_path} could not be read"):
        notes.highlights()
    with pytest.raises(NotesError, match="no such table"):
        notes.update_highlight(notes.modified_dates().popitem()[0], tags=["a tag"])
    notes.close()


def test_notes_another_program_keeps_locked_give_a_notes_error(tmp_path, monkeypatch):
    monkeypatch.setattr(notes_file, "BUSY_TIMEOUT_MS", 100)  # its wait, not a test's
    notes = Notes(tmp_path)
    other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(NotesError, match="kept busy by another program") as raised:
            add_highlight(notes)
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(notes.highlights()) == 0  # and the notes work again once it lets go
    add_highlight(notes)
    notes.close()


def test_a_damaged_file_that_cannot_be_restored_now_is_notes_damaged(tmp_path):
    notes_with_a_backup(tmp_path)
    live = Notes(tmp_path, backup_now=False)
    try:
        (tmp_path / FILE_NAME).write_bytes(b"not a database at all" * 200)
        with pytest.raises(NotesDamaged, match="has it open elsewhere"):
            Notes(tmp_path, backup_now=False, recover=False)
    finally:
        live.close()


def test_an_archive_that_cannot_be_read_is_the_archive_s_error_and_the_marks_stay(
        tmp_path, shipped_archive):
    notes = Notes(tmp_path)
    notes.put_highlight(a_mark())
    archive = Archive(shipped_archive)
    archive.close()  # every read of it now fails in SQLite
    for work in (lambda: reanchor_all(notes, archive), lambda: collect(notes, archive)):
        # The archive layer says it in its own words; the notes are not blamed.
        with pytest.raises(ArchiveError, match=str(shipped_archive)):
            work()
    assert [h.id for h in notes.highlights()] == ["h1"]
    notes.close()
