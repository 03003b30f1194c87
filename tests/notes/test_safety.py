"""Crashes, damage, newer files, migrations, backups and two writers at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from desktop.notes import backups
from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.migrations import MIGRATIONS
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import add_highlight, read_value, run_cli_process
from tests.notes import processes


def test_killed_writer_loses_nothing_it_acknowledged(tmp_path):
    """SIGKILL a saving process at random moments; every saved highlight survives."""
    rng = random.Random(8)
    acknowledged: set[str] = set()
    for _round in range(25):
        writer = processes.start("writer.py", str(tmp_path), f"round{_round}")
        assert writer.stdout is not None
        processes.release([writer])
        # Kill it once it has acknowledged some saves: where in its next save the
        # kill lands is chance, but how much was acknowledged is not.
        for _ in range(rng.randint(1, 30)):
            acknowledged.add(writer.stdout.readline().strip())
        os.kill(writer.pid, signal.SIGKILL)
        with writer:
            rest = writer.stdout.read()
        # Only whole lines were acknowledged: a line cut by the kill was not.
        acknowledged.update(line for line in rest.split("\n")[:-1] if line)
        assert read_value(tmp_path / FILE_NAME, "PRAGMA integrity_check") == "ok"
    notes = Notes(tmp_path)
    saved = {h.id for h in notes.highlights()}
    notes.close()
    assert acknowledged <= saved


def test_two_processes_can_write_at_once(tmp_path):
    """A second launch writes safely beside the first: nothing is lost or damaged."""
    writers = [processes.start("writer.py", str(tmp_path), tag, "150")
               for tag in ("first", "second")]
    processes.release(writers)
    results = processes.finish(writers)
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    ids = {line for _, out, _ in results for line in out.split()}
    notes = Notes(tmp_path)
    assert {h.id for h in notes.highlights()} == ids
    assert len(ids) == 300
    notes.close()


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(0, len(data), 512):
        data[offset:offset + 64] = bytes(64)
    path.write_bytes(bytes(data))


def test_damaged_notes_are_set_aside_and_restored_from_the_newest_backup(tmp_path):
    notes = Notes(tmp_path)
    kept = add_highlight(notes, "before the backup")
    notes.backup()
    add_highlight(notes, "after the backup")
    notes.close()
    damage(tmp_path / FILE_NAME)
    reopened = Notes(tmp_path)
    report = reopened.report
    assert report.restored_from is not None
    assert report.damaged_kept_at is not None and report.damaged_kept_at.exists()
    assert "restored from the backup made on" in report.messages[0]
    assert report.restored_from.describe() in report.messages[0]
    assert [h.id for h in reopened.highlights()] == [kept]
    reopened.close()


def test_damage_with_no_sound_backup_starts_afresh_and_keeps_the_file(tmp_path):
    notes = Notes(tmp_path)
    add_highlight(notes)
    notes.close()
    for backup in backups.backups(tmp_path / "backups"):
        damage(backup.path)
    damage(tmp_path / FILE_NAME)
    reopened = Notes(tmp_path)
    assert reopened.highlights() == []
    assert "no sound backup was found" in reopened.report.messages[0]
    assert reopened.report.damaged_kept_at.exists()
    reopened.close()


def test_not_a_database_at_all_is_set_aside(tmp_path):
    (tmp_path / FILE_NAME).write_text("this is not SQLite")
    notes = Notes(tmp_path)
    assert notes.report.damaged_kept_at.read_text() == "this is not SQLite"
    notes.close()


def test_a_file_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    notes = Notes(tmp_path)
    add_highlight(notes)
    notes.close()
    path = tmp_path / FILE_NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotesError, match="newer version of Archive Browser"):
        Notes(tmp_path)
    assert path.read_bytes() == before


def test_migration_backs_up_first_and_runs_in_one_transaction(tmp_path):
    notes = Notes(tmp_path)
    kept = add_highlight(notes)
    notes.close()
    before = {b.path for b in backups.backups(tmp_path / "backups")}

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE highlights ADD COLUMN reviewed INTEGER DEFAULT 0")

    upgraded = Notes(tmp_path, migrations=(*MIGRATIONS, v2))
    assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert [h.id for h in upgraded.highlights()] == [kept]
    upgraded.close()
    made = {b.path for b in backups.backups(tmp_path / "backups")} - before
    assert len(made) == 1  # made before migrating; at start nothing had changed since
    assert read_value(min(made), "PRAGMA user_version") == len(MIGRATIONS)


def test_a_failing_migration_changes_nothing(tmp_path):
    notes = Notes(tmp_path)
    kept = add_highlight(notes)
    notes.close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE highlights ADD COLUMN half_done INTEGER")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        Notes(tmp_path, migrations=(*MIGRATIONS, broken))
    notes = Notes(tmp_path)
    columns = [r[1] for r in notes.conn.execute("PRAGMA table_info(highlights)")]
    assert "half_done" not in columns
    assert notes.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [h.id for h in notes.highlights()] == [kept]
    notes.close()


def test_a_version_1_file_is_migrated_with_its_marks(tmp_path):
    notes = Notes(tmp_path, migrations=MIGRATIONS[:1])
    kept = add_highlight(notes)
    notes.close()
    upgraded = Notes(tmp_path)
    assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [h.id for h in upgraded.highlights()] == [kept]
    assert upgraded.anchored_to("communists-dilemma") is None
    upgraded.close()


def test_backups_are_verified_and_rotated(tmp_path):
    notes = Notes(tmp_path, keep_backups=3)
    for n in range(6):
        add_highlight(notes, f"note {n}")
        notes.backup()
    found = backups.backups(tmp_path / "backups")
    assert len(found) == 3
    assert all(backups.is_sound(b.path) for b in found)
    assert read_value(found[0].path, "SELECT count(*) FROM highlights") == 6
    notes.close()


def test_settings_for_durability(tmp_path):
    notes = Notes(tmp_path)
    pragma = notes.conn.execute
    assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert pragma("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert pragma("PRAGMA busy_timeout").fetchone()[0] >= 5000
    notes.close()


def test_a_backup_can_run_beside_writes(tmp_path):
    notes = Notes(tmp_path, backup_now=False)
    assert backups.backups(tmp_path / "backups") == []
    for n in range(50):
        add_highlight(notes, f"note {n}")
    thread = notes.backup_in_background()
    for n in range(50):
        add_highlight(notes, f"more {n}")
    thread.join()
    assert notes.last_backup_error is None
    (made,) = backups.backups(tmp_path / "backups")
    assert backups.is_sound(made.path)
    notes.close()


def test_backups_are_listed_and_one_can_be_restored_from_the_command_line(cli, tmp_path):
    notes = Notes(tmp_path)
    kept = add_highlight(notes, "kept")
    notes.backup()
    add_highlight(notes, "added later")
    notes.close()
    listing = cli("backups", data=tmp_path)
    assert listing.returncode == 0
    newest = listing.stdout.splitlines()[0].split("  ")[-1]
    result = cli("restore", newest)
    assert result.returncode == 0, result.stderr
    assert "The notes it replaced are kept as" in result.stdout
    notes = Notes(tmp_path)
    assert [h.id for h in notes.highlights()] == [kept]
    notes.close()
    assert list(tmp_path.glob("notes.db.replaced-*"))


def test_the_backups_command_says_when_there_are_none_yet(cli, tmp_path):
    result = cli("backups", data=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"No backups yet in {tmp_path / 'backups'}.\n"


def test_restoring_something_that_is_not_a_backup_is_refused(cli, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("nope")
    result = cli("restore", str(bogus), data=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"archive-browser: {bogus} is not a sound backup of your notes."


def test_restore_is_refused_while_the_application_has_the_notes_open(tmp_path):
    from desktop.notes.notes_file import hold_running_lock

    notes = Notes(tmp_path)
    add_highlight(notes)
    backup = notes.backup()
    lock = hold_running_lock(tmp_path)  # as a window of the application does
    # The restore in a process of its own, as a person's would be: the lock it must see
    # is held by another process.
    result = run_cli_process("restore", str(backup.path), data=tmp_path)
    assert result.returncode == 1
    assert "quit it first" in result.stderr
    lock.release()
    assert run_cli_process("restore", str(backup.path), data=tmp_path).returncode == 0
    notes.close()


def test_launches_without_changes_do_not_push_backups_out(tmp_path):
    Notes(tmp_path).close()
    for _ in range(12):
        Notes(tmp_path).close()
    assert len(backups.backups(tmp_path / "backups")) == 1
    notes = Notes(tmp_path)
    add_highlight(notes)
    notes.close()
    Notes(tmp_path).close()
    assert len(backups.backups(tmp_path / "backups")) == 2


def test_restoring_the_notes_file_onto_itself_is_refused(cli, tmp_path):
    notes = Notes(tmp_path)
    kept = add_highlight(notes)
    notes.close()
    result = cli("restore", str(tmp_path / FILE_NAME), data=tmp_path)
    assert result.returncode == 1
    assert "is your notes file itself" in result.stderr
    notes = Notes(tmp_path)
    assert [h.id for h in notes.highlights()] == [kept]
    notes.close()


def test_a_notes_file_locked_by_another_program_is_not_taken_for_damage(tmp_path,
                                                                      monkeypatch):
    from desktop.notes import notes_file as store

    notes = Notes(tmp_path)
    add_highlight(notes)
    notes.close()
    other = sqlite3.connect(tmp_path / FILE_NAME)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
    with pytest.raises(NotesError, match="cannot be opened"):
        Notes(tmp_path)
    other.rollback()
    other.close()
    assert not list(tmp_path.glob("notes.db.damaged-*"))
    notes = Notes(tmp_path)
    assert len(notes.highlights()) == 1
    notes.close()


def test_re_anchoring_never_undoes_an_edit_made_meanwhile(tmp_path):
    from desktop.notes.anchoring import MOVED

    notes = Notes(tmp_path)
    kept = add_highlight(notes, "first words")
    (stale,) = notes.highlights()
    other = Notes(tmp_path, backup_now=False)  # a second window
    other.update_highlight(kept, note="saved by the other window")
    moved = select("archive-browser://x/essay/p2", "Somewhere else entirely: words.", 0, 9)
    notes.move_marks([(stale, moved, MOVED)], [])
    (now,) = notes.highlights()
    assert now.note == "saved by the other window"
    assert now.selector == stale.selector  # placed from a stale reading: not written
    other.close()
    notes.close()
