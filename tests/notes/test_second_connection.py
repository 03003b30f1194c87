"""Another connection to open notes, for another thread: light, and as safe as the first."""

from __future__ import annotations

import queue
import threading

import pytest

from desktop.notes import backups, health
from desktop.notes.errors import NotesDamaged, NotesError
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import add_highlight
from tests.notes.test_damage import notes_with_a_backup
from tests.notes.test_errors import with_a_note_that_is_not_utf8

MARKS = 40
DONE = ""


def test_one_thread_writes_through_another_connection_while_another_reads(tmp_path):
    notes = Notes(tmp_path)
    written: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    failures: list[BaseException] = []

    def write() -> None:
        # Made on the thread that uses it, as the import's worker does.
        other = notes.another_connection()
        try:
            for number in range(MARKS):
                written.put(add_highlight(other, f"note {number}"))
        except BaseException as exc:
            failures.append(exc)
        finally:
            other.close()
            written.put(DONE)

    def read() -> None:
        reader = notes.another_connection()
        try:
            # Each mark is read after its write returned: it is there, whole.
            while (mark_id := written.get(timeout=60)) != DONE:
                highlight = reader.highlight(mark_id)
                assert highlight is not None
                seen.append(highlight.note)
        except BaseException as exc:
            failures.append(exc)
        finally:
            reader.close()

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert seen == [f"note {n}" for n in range(MARKS)]
    assert len(notes.highlights()) == MARKS  # the first connection sees them too
    notes.close()


def test_another_connection_neither_examines_nor_backs_up(tmp_path, monkeypatch):
    notes = Notes(tmp_path)
    add_highlight(notes)
    made = backups.backups(tmp_path / "backups")
    monkeypatch.setattr(health, "examine", lambda *args, **kwargs: pytest.fail("examined"))
    monkeypatch.setattr(health, "opening", lambda folder: pytest.fail("restore lock taken"))
    other = notes.another_connection()
    assert other.folder == notes.folder and not other.read_only
    assert other.report.messages == []
    assert len(other.highlights()) == 1
    add_highlight(other)
    other.close()
    assert backups.backups(tmp_path / "backups") == made
    assert len(notes.highlights()) == 2
    notes.close()


def test_closing_another_connection_leaves_the_first_open_and_in_charge(tmp_path):
    notes = Notes(tmp_path)
    other = notes.another_connection()
    other.close()
    assert not health.unchanged_since_verified(tmp_path / FILE_NAME)  # not vouched yet
    add_highlight(notes)
    notes.close()
    assert health.unchanged_since_verified(tmp_path / FILE_NAME)
    with pytest.raises(NotesError, match="no longer open"):
        other.highlights()


def test_no_other_connection_once_the_notes_are_closed(tmp_path):
    notes = Notes(tmp_path)
    notes.close()
    with pytest.raises(NotesError, match=f"Your notes in {tmp_path} are no longer open"):
        notes.another_connection()


def test_damage_another_connection_meets_has_the_next_start_check_in_full(tmp_path):
    with_a_note_that_is_not_utf8(tmp_path)
    notes = Notes(tmp_path, backup_now=False)
    other = notes.another_connection()
    with pytest.raises(NotesDamaged):
        other.highlights()
    other.close()
    notes.close()  # does not vouch for the file the other connection found damaged
    notes = Notes(tmp_path, backup_now=False)
    assert notes.report.messages[0].startswith("Your notes file was damaged.")
    notes.close()


def test_another_connection_to_read_only_notes_is_read_only(tmp_path, read_only):
    notes_with_a_backup(tmp_path)
    read_only(tmp_path / FILE_NAME)
    notes = Notes(tmp_path)
    other = notes.another_connection()
    assert other.read_only
    assert len(other.highlights()) == 3
    with pytest.raises(NotesError, match="is read-only, so this change was not saved"):
        add_highlight(other)
    other.close()
    notes.close()
