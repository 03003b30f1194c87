"""A killed backup, export or build leaves its temporary file; the next one removes it,
and never one that a living writer is still writing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import tempfiles
from desktop.archive.folder import build_folder
from desktop.notes.backups import backups, make_backup
from desktop.notes.export import write_atomically
from desktop.notes.store import Notes
from tests.helpers import ROOT

KINDS = ["backup", "export", "build"]


class Held:
    """A writer process stopped with its temporary file made (see held_writer.py)."""

    def __init__(self, kind: str, folder: Path, at: str = "created") -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
               "ARCHIVE_BROWSER_DATA_DIR": str(folder / "data")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.held_writer", kind, at, str(folder)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env, cwd=ROOT)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        line = self.proc.stdout.readline()
        if not line.startswith("held "):
            _returncode, errors = self.stop(signal.SIGKILL)
            raise AssertionError(f"the writer never held a temporary file: {errors}")
        self.path = Path(line.removeprefix("held ").strip())

    def stop(self, signum: int | None = None) -> tuple[int, str]:
        """Kill the writer with ``signum``, or let it finish; its exit status and errors."""
        assert self.proc.stdin is not None and self.proc.stderr is not None
        if signum is not None:
            self.proc.send_signal(signum)
        self.proc.stdin.close()
        returncode = self.proc.wait(timeout=120)
        errors = self.proc.stderr.read()
        self.proc.stderr.close()
        self.proc.stdout.close()  # type: ignore[union-attr]
        return returncode, errors


def prepare(kind: str, folder: Path) -> None:
    Notes(folder, backup_now=False).close()  # a notes file with its tables, to back up
    (folder / "out").mkdir()
    texts = folder / "texts"
    texts.mkdir()
    (texts / "one.txt").write_text("One\n\nA paragraph of words.\n")


def run_next(kind: str, folder: Path) -> None:
    """The next backup, export or build, in this process."""
    if kind == "backup":
        conn = sqlite3.connect(folder / "notes.db")
        make_backup(conn, folder / "backups")
        conn.close()
    elif kind == "export":
        write_atomically(folder / "out" / "export.md", "# Annotations\n", overwrite=True)
    else:
        build_folder(folder / "texts", folder / "out" / "built.db")


def written(kind: str, folder: Path) -> list[str]:
    where = folder / "backups" if kind == "backup" else folder / "out"
    return sorted(p.name for p in where.iterdir())


@pytest.mark.parametrize("kind", KINDS)
def test_what_a_killed_writer_left_is_removed_by_the_next(tmp_path, kind):
    prepare(kind, tmp_path)
    held = Held(kind, tmp_path)
    assert held.path.exists()
    returncode, _errors = held.stop(signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    assert held.path.exists()  # nothing can clean up after SIGKILL: the next run must
    run_next(kind, tmp_path)
    assert not held.path.exists()
    expected = [b.path.name for b in backups(tmp_path / "backups")] if kind == "backup" \
        else ["built.db"] if kind == "build" else ["export.md"]
    assert written(kind, tmp_path) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_a_living_writers_temporary_file_is_left_alone(tmp_path, kind):
    prepare(kind, tmp_path)
    held = Held(kind, tmp_path)
    run_next(kind, tmp_path)  # starts while the other is writing
    assert held.path.exists()
    returncode, errors = held.stop()
    assert returncode == 0, errors
    assert not held.path.exists()
    assert not [name for name in written(kind, tmp_path) if tempfiles.MARK in name]


def test_opening_the_notes_removes_what_a_killed_backup_left(tmp_path):
    Notes(tmp_path).close()  # the notes, and their first backup
    held = Held("backup", tmp_path)
    held.stop(signal.SIGKILL)
    assert held.path.exists()
    Notes(tmp_path).close()  # nothing changed, so no backup is made; the leftover goes
    assert not held.path.exists()
    assert len(backups(tmp_path / "backups")) == 1


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError])
def test_a_temporary_file_is_removed_however_its_block_ends(tmp_path, stop):
    with pytest.raises(stop), tempfiles.temporary_beside(tmp_path / "file.db") as tmp:
        tmp.with_name(tmp.name + "-journal").write_text("journal")
        raise stop
    assert list(tmp_path.iterdir()) == []


def test_only_our_own_files_are_taken_for_leftovers(tmp_path):
    theirs = [tmp_path / name for name in (".notes.db.abc123.tmp", "notes.tmp",
                                           ".x.archive-browser-zz.tmp")]
    for path in theirs:
        path.write_text("someone else's")
    ours = tempfiles.temporary_name(tmp_path / "x.db")
    ours.write_text("left by a dead writer")
    assert tempfiles.remove_leftovers(tmp_path) == [ours]
    assert all(path.exists() for path in theirs)


def test_partial_backups_of_earlier_versions_go_once_an_hour_old(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent = folder / "notes-20260101T000000000000Z.partial", \
        folder / "notes-20260101T000001000000Z.partial"
    for path in (old, recent):
        path.write_bytes(b"half a copy")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    prepare("backup", tmp_path)
    run_next("backup", tmp_path)
    assert not old.exists() and recent.exists()
