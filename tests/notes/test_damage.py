"""Damage of every kind is set aside and restored; what is not damage is named."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.notes import backups
from desktop.notes.errors import NotesError
from desktop.notes.migrations import MIGRATIONS
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import add_highlight, read_value, run_cli_process


def notes_with_a_backup(folder: Path, count: int = 3) -> list[str]:
    """A notes file with marks and a backup holding them; return the marks' ids."""
    notes = Notes(folder)
    kept = [add_highlight(notes, f"note number {n}") for n in range(count)]
    notes.backup()
    notes.close()
    return kept


def replace_byte(path: Path, marker: bytes, offset: int = 2) -> None:
    """Put one byte that is not UTF-8 into the file where ``marker`` is stored."""
    data = bytearray(path.read_bytes())
    data[data.index(marker) + offset] = 0xFF
    rewritten(path, bytes(data))


def rewritten(path: Path, data: bytes) -> None:
    """Write ``path`` as another program would, with a modification time of its own:
    on a file system whose clock is coarse, a write in the same tick as the
    application's last close would otherwise look like no change at all."""
    path.write_bytes(data)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def without_table(folder: Path, table: str) -> Notes:
    """The notes in ``folder`` opened again after another program dropped ``table``."""
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    rewritten(folder / FILE_NAME, (folder / FILE_NAME).read_bytes())
    return Notes(folder)


def ids(notes: Notes) -> list[str]:
    return sorted(h.id for h in notes.highlights())


def test_an_empty_notes_file_is_restored_from_the_newest_backup(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    (tmp_path / FILE_NAME).write_bytes(b"")
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    (message,) = notes.report.messages
    assert message.startswith("Your notes file was empty.")
    assert "restored from the backup made on" in message
    assert notes.report.damaged_kept_at is not None
    assert notes.report.damaged_kept_at.read_bytes() == b""
    notes.close()


def test_a_notes_file_without_its_tables_is_restored(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    (tmp_path / FILE_NAME).unlink()
    other = sqlite3.connect(tmp_path / FILE_NAME)
    other.execute("CREATE TABLE something_else (x)")
    other.commit()
    other.close()
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    assert "restored from the backup" in notes.report.messages[0]
    notes.close()


def test_a_new_data_folder_and_an_empty_file_without_backups_start_quietly(tmp_path):
    notes = Notes(tmp_path / "new")
    assert notes.report.messages == []
    notes.close()
    (tmp_path / "touched").mkdir()
    (tmp_path / "touched" / FILE_NAME).write_bytes(b"")
    notes = Notes(tmp_path / "touched")
    assert notes.report.messages == []
    assert notes.highlights() == []
    notes.close()
    assert not list(tmp_path.glob("*/notes.db.*-*"))


def backup_marks(folder: Path) -> list[object]:
    """How many highlights each backup holds, newest first."""
    return [read_value(found.path, "SELECT count(*) FROM highlights")
            for found in backups.backups(folder / "backups")]


def test_backups_of_an_empty_or_unchanged_file_keep_the_backups_with_marks(tmp_path):
    notes = Notes(tmp_path, keep_backups=3, backup_now=False)
    made = []
    for n in range(3):
        made.append(add_highlight(notes, f"note {n}"))
        notes.backup()
    assert backup_marks(tmp_path) == [3, 2, 1]
    for _ in range(4):
        notes.backup()  # nothing changed
    assert backup_marks(tmp_path) == [3, 2, 1]
    for mark in made:
        notes.delete_highlight(mark)
    for _ in range(4):
        notes.backup()  # of a file with no marks
    assert backup_marks(tmp_path) == [0, 3, 2, 1]
    notes.close()


def test_a_bad_byte_in_the_schema_is_damage_and_restored(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    replace_byte(tmp_path / FILE_NAME, b"CREATE TABLE highlights (")
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    assert notes.report.messages[0].startswith("Your notes file was damaged.")
    assert notes.report.damaged_kept_at is not None
    notes.close()


def test_a_bad_byte_inside_a_note_is_damage_and_restored(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    notes = Notes(tmp_path)
    add_highlight(notes, "written after the backup")
    notes.close()
    replace_byte(tmp_path / FILE_NAME, b"written after the backup")
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    assert "restored from the backup" in notes.report.messages[0]
    notes.close()


def test_a_backup_with_a_bad_byte_is_never_restored(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    notes = Notes(tmp_path)
    add_highlight(notes, "only in the newer backup")
    newer = notes.backup()
    notes.close()
    assert newer is not None
    replace_byte(newer.path, b"only in the newer backup")
    assert not backups.is_sound(newer.path)
    (tmp_path / FILE_NAME).write_bytes(b"")
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    assert notes.report.restored_from is not None
    assert notes.report.restored_from.path != newer.path
    notes.close()


@pytest.mark.parametrize("marker", [b"CREATE TABLE highlights (", b"note number 1"])
def test_the_command_line_restores_a_file_with_a_bad_byte_in_one_sentence(cli, tmp_path,
                                                                            marker):
    notes_with_a_backup(tmp_path)
    replace_byte(tmp_path / FILE_NAME, marker)
    result = cli("export", "--format", "json", data=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("archive-browser: Your notes file was damaged.")
    assert result.stdout.count("note number") == 3


# -- restoring a backup ---------------------------------------------------------------


def test_restoring_an_archive_is_refused_before_anything_is_touched(cli, tmp_path,
                                                                    shipped_archive):
    kept = notes_with_a_backup(tmp_path)
    before = (tmp_path / FILE_NAME).read_bytes()
    result = cli("restore", str(shipped_archive), data=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"archive-browser: {shipped_archive} is not a backup of "
                                     "your notes but another kind of file; `archive-browser "
                                     "backups` lists the backups with their full paths.")
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert not list(tmp_path.glob("notes.db.*"))
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    notes.close()


def test_restoring_a_backup_from_a_newer_version_is_refused(cli, tmp_path):
    notes_with_a_backup(tmp_path)
    newer = tmp_path / "newer.db"
    shutil.copy(backups.backups(tmp_path / "backups")[0].path, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    result = cli("restore", str(newer), data=tmp_path)
    assert result.returncode == 1
    assert "was made by a newer version of Archive Browser" in result.stderr
    assert not list(tmp_path.glob("notes.db.*"))


# -- what is not damage ---------------------------------------------------------------


def test_a_folder_in_place_of_the_notes_file_is_named(cli, tmp_path):
    (tmp_path / FILE_NAME).mkdir()
    with pytest.raises(NotesError, match="is a folder, not a file"):
        Notes(tmp_path)
    result = cli("export", data=tmp_path)
    assert result.returncode == 1
    assert "is a folder, not a file" in result.stderr
    assert "another program" not in result.stderr


def test_a_named_pipe_in_place_of_the_notes_file_is_named_without_waiting(tmp_path):
    os.mkfifo(tmp_path / FILE_NAME)
    # In a process of its own: were the pipe opened, the command would wait for a
    # writer for ever, and only a child's timeout ends that.
    result = run_cli_process("export", data=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"archive-browser: Your notes file {tmp_path / FILE_NAME} "
                                     "is a named pipe; move or rename it and start Archive "
                                     "Browser again.")


def test_a_read_only_data_folder_without_notes_is_named(tmp_path, read_only):
    folder = tmp_path / "data"
    folder.mkdir()
    read_only(folder)
    with pytest.raises(NotesError, match=f"Your data folder {folder} is read-only"):
        Notes(folder)


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_read_only_notes_are_opened_read_only_and_say_so(cli, tmp_path, read_only, locked):
    kept = notes_with_a_backup(tmp_path)
    read_only(tmp_path / FILE_NAME if locked == "file" else tmp_path)
    notes = Notes(tmp_path)
    assert notes.read_only
    assert ids(notes) == sorted(kept)
    (message,) = notes.report.messages
    assert "is read-only, so your marks are shown but cannot be changed" in message
    with pytest.raises(NotesError, match="is read-only, so this change was not saved"):
        add_highlight(notes)
    notes.close()
    result = cli("export", "--format", "json", data=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("note number") == 3


def test_restoring_a_folder_or_a_pipe_is_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    for odd in (tmp_path / "folder", tmp_path / "pipe"):
        # In a process of its own: a restore that opened the pipe would wait for ever.
        result = run_cli_process("restore", str(odd), data=tmp_path)
        assert result.returncode == 1
        assert f"{odd} is not a backup of your notes" in result.stderr


def test_read_only_notes_that_need_updating_are_refused_with_the_reason(tmp_path, read_only):
    notes = Notes(tmp_path, migrations=MIGRATIONS[:1])
    add_highlight(notes)
    notes.close()
    read_only(tmp_path / FILE_NAME)
    with pytest.raises(NotesError, match="needs updating for this version of Archive "
                                         "Browser, but it is read-only"):
        Notes(tmp_path)


def test_a_relative_data_folder_with_odd_characters_opens(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # new, then existing
        notes = Notes(Path("my notes?#%"))
        add_highlight(notes)
        assert notes.report.messages == []
        notes.close()
    assert (tmp_path / "my notes?#%" / FILE_NAME).is_file()


def spoil_an_index(path: Path) -> None:
    """Make an index disagree with its table, damage that SQLite's quick check does not
    look for (it never compares an index with its table) but its integrity check finds."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(tag)', '(highlight_id)') "
                 "WHERE name = 'tags_by_tag'")
    conn.commit()
    conn.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert check.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    check.close()


def test_damage_only_the_whole_check_finds_is_restored_when_the_file_was_touched(tmp_path):
    kept = notes_with_a_backup(tmp_path)
    notes = Notes(tmp_path)
    notes.update_highlight(kept[0], tags=["a tag"])
    notes.backup()
    notes.close()
    spoil_an_index(tmp_path / FILE_NAME)
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept)
    (message,) = notes.report.messages
    assert message.startswith("Your notes file was damaged.")
    assert [h.tags for h in notes.highlights() if h.id == kept[0]] == [("a tag",)]
    assert notes.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    notes.close()


def test_a_file_left_as_it_was_closed_is_not_read_whole_again(tmp_path, monkeypatch):
    from desktop.notes import health

    notes_with_a_backup(tmp_path)
    reads: list[object] = []
    real = health.read_everything
    monkeypatch.setattr(health, "read_everything", lambda conn: reads.append(conn) or
                        real(conn))
    Notes(tmp_path).close()
    assert reads == []  # closed by this application and untouched since
    rewritten(tmp_path / FILE_NAME, (tmp_path / FILE_NAME).read_bytes())  # the same bytes
    Notes(tmp_path).close()
    assert len(reads) == 1


def test_a_file_set_aside_in_the_same_second_never_replaces_another(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from desktop.notes import notes_file as store

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)

    monkeypatch.setattr(store, "datetime", Frozen)
    kept = []
    for content in (b"first", b"second"):
        (tmp_path / FILE_NAME).write_bytes(content)
        kept.append(store._set_aside(tmp_path / FILE_NAME, "replaced"))
    assert [path.read_bytes() for path in kept] == [b"first", b"second"]


def test_a_second_connection_in_an_open_process_never_restores_under_the_first(tmp_path):
    notes_with_a_backup(tmp_path)
    live = Notes(tmp_path, backup_now=False)
    try:
        garbage = b"not a database at all" * 200
        rewritten(tmp_path / "elsewhere.db", garbage)
        os.replace(tmp_path / "elsewhere.db", tmp_path / FILE_NAME)
        with pytest.raises(NotesError, match="has it open elsewhere"):
            Notes(tmp_path, backup_now=False, recover=False)
        assert (tmp_path / FILE_NAME).read_bytes() == garbage
        assert not list(tmp_path.glob("notes.db.*-*"))
    finally:
        live.close()


def hidden_damage_in_an_untouched_file(folder: Path) -> str:
    """Notes whose newest backup lacks the last mark, then damage only the whole check
    sees, in a file recorded as the application left it (as bit rot would be)."""
    from desktop.notes import health

    notes_with_a_backup(folder)
    notes = Notes(folder, backup_now=False)
    newest = add_highlight(notes, "after the backup")
    notes.update_highlight(newest, tags=["a tag"])  # an index entry to spoil
    notes.close()
    spoil_an_index(folder / FILE_NAME)
    health.mark_verified(folder / FILE_NAME)
    return newest


def test_damage_a_backup_copy_reveals_is_restored_at_once(tmp_path):
    newest = hidden_damage_in_an_untouched_file(tmp_path)
    notes = Notes(tmp_path)  # its backup at opening copies the damage, and fails its check
    (message,) = notes.report.messages
    assert message.startswith("Your notes file was damaged.")
    assert notes.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert newest not in ids(notes)  # it is in the file set aside, as the message says
    notes.close()


def test_a_background_backup_that_fails_its_check_has_the_next_start_check_in_full(
        tmp_path):
    hidden_damage_in_an_untouched_file(tmp_path)
    notes = Notes(tmp_path, backup_now=False)
    notes.backup_in_background().join()
    assert isinstance(notes.last_backup_error, backups.CopyFailedCheck)
    notes.close()
    notes = Notes(tmp_path, backup_now=False)
    assert notes.report.messages[0].startswith("Your notes file was damaged.")
    notes.close()


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The names of the threads the notes file is checked on, as it is checked (cleared
    by a test once it has made its notes)."""
    import threading

    from desktop.notes import health

    checked: list[str] = []
    real = health.examine
    monkeypatch.setattr(health, "examine", lambda *a, **k: checked.append(
        threading.current_thread().name) or real(*a, **k))
    return checked


def test_a_check_begun_ahead_is_taken_for_the_file_it_checked(tmp_path, checks):
    # A launch checks the notes file on a thread of its own while the window's modules
    # load (desktop/notes/notes_file.py, check_ahead): the opening does not check again.
    from desktop.notes import notes_file

    kept = notes_with_a_backup(tmp_path)
    checks.clear()  # (those of making the notes)
    notes_file.check_ahead(tmp_path)
    notes_file._AHEAD[tmp_path / FILE_NAME][0].join()
    notes = Notes(tmp_path)
    assert ids(notes) == sorted(kept) and notes.report.messages == []
    assert checks == ["notes-check-ahead"]  # the one begun ahead, and no other
    notes.close()


def test_no_check_is_begun_ahead_while_another_process_opens_or_restores(tmp_path, checks):
    # The opening lock held elsewhere (a launch restoring the file, a restore): the
    # check is left to the opening, under the lock, as it always was.
    from desktop.notes import health, notes_file

    notes_with_a_backup(tmp_path)
    checks.clear()  # (those of making the notes)
    with health.opening_if_free(tmp_path) as held:
        assert held
        notes_file.check_ahead(tmp_path)
        notes_file._AHEAD[tmp_path / FILE_NAME][0].join()
    Notes(tmp_path).close()
    assert checks == ["MainThread"]
    # Nor after a crash (the file not as the application closed it), nor while a window
    # has the notes open: the opening's own check, as before.
    checks.clear()
    (tmp_path / ".notes.db.verified").unlink()
    notes_file.check_ahead(tmp_path)
    assert tmp_path / FILE_NAME not in notes_file._AHEAD
    Notes(tmp_path).close()
    assert checks == ["MainThread"]


@pytest.mark.parametrize("change", ["bad byte", "another program's write"])
def test_a_file_changed_after_the_check_begun_ahead_is_checked_again(tmp_path, change):
    # Damage (or any change) that comes after the check ahead, before the opening, is
    # met as it would be without it: the file is no longer the one checked.
    from desktop.notes import notes_file

    kept = notes_with_a_backup(tmp_path)
    notes = Notes(tmp_path)
    add_highlight(notes, "written after the backup")
    notes.close()
    notes_file.check_ahead(tmp_path)
    thread, _found = notes_file._AHEAD[tmp_path / FILE_NAME]
    thread.join()
    if change == "bad byte":
        replace_byte(tmp_path / FILE_NAME, b"written after the backup")
        notes = Notes(tmp_path)
        assert ids(notes) == sorted(kept)
        assert "restored from the backup" in notes.report.messages[0]
    else:
        conn = sqlite3.connect(tmp_path / FILE_NAME)
        conn.execute("DROP TABLE highlights")
        conn.commit()
        conn.close()
        notes = Notes(tmp_path)
        assert ids(notes) == sorted(kept)
        assert notes.report.messages[0].startswith("Your notes file was damaged.")
    notes.close()


def test_a_check_ahead_of_a_missing_or_odd_notes_file_says_nothing(tmp_path):
    from desktop.notes import notes_file

    notes_file.check_ahead(tmp_path / "nowhere")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / FILE_NAME).mkdir()
    notes_file.check_ahead(tmp_path / "odd")
    assert tmp_path / "nowhere" / FILE_NAME not in notes_file._AHEAD
    assert tmp_path / "odd" / FILE_NAME not in notes_file._AHEAD
    with pytest.raises(NotesError, match="is a folder"):
        Notes(tmp_path / "odd")
