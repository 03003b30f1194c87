"""Sync in the window: File → Sync Folder…, a round after changes and when files arrive,
on a worker thread, and what the status bar says."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from desktop.gui import sync as window_sync
from desktop.notes.anchoring import select
from desktop.notes.store import Notes
from desktop.notes.sync import folder as layout
from desktop.notes.sync import round as round_module
from desktop.notes.sync.round import Device
from tests.gui.test_marks import select_words


@pytest.fixture
def quick(monkeypatch):
    """Rounds a moment after a change or an arrival, not seconds."""
    monkeypatch.setattr(window_sync, "AFTER_CHANGE_MS", 50)
    monkeypatch.setattr(window_sync, "AFTER_ARRIVAL_MS", 50)


def choose(window, folder: Path) -> None:
    window.syncing.ask_folder = lambda _start: folder
    window.menus.actions["sync-folder"].trigger()


def own_files(folder: Path) -> list[Path]:
    return sorted(layout.root(folder).glob("*/0*.jsonl"))


def test_choosing_a_folder_remembers_it_and_sends_a_highlight_made_after(
        qtbot, window, tmp_path, data_dir, quick):
    shared = tmp_path / "Sync"
    shared.mkdir()
    assert not window.menus.actions["sync-now"].isEnabled()
    choose(window, shared)
    assert json.loads((data_dir / "sync.json").read_text())["folder"] == str(shared)
    qtbot.waitUntil(lambda: window.syncing.label.text().startswith("Synced"), timeout=10_000)
    assert window.menus.actions["sync-now"].isEnabled()
    select_words(window, "essay/p8", "proprietorial instincts")
    made = window.marking.highlight_selection("green")
    qtbot.waitUntil(lambda: any(made in f.read_text() for f in own_files(shared)),
                    timeout=10_000)


def test_a_highlight_from_another_device_arrives_by_itself(qtbot, window, tmp_path, quick,
                                                           archive):
    shared = tmp_path / "Sync"
    shared.mkdir()
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.label.text().startswith("Synced"), timeout=10_000)
    other = Notes(tmp_path / "laptop", backup_now=False)
    try:
        passage = archive.passage("essay/p9")
        made = other.add_highlight(archive.archive_id, "essay",
                                   select(passage.uri, passage.text, 0, 12), "pink",
                                   "from the laptop")
        round_module.sync_round(other, archive.archive_id, shared, Device("c" * 16, "laptop"))
    finally:
        other.close()
    # The watcher sees the file arrive; the round merges it; the panel shows it.
    qtbot.waitUntil(lambda: window.marks.highlight(made.id) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "received 1 change" in window.statusBar().currentMessage(),
                    timeout=10_000)
    window.toggle_panel("highlights")  # the panel reloads what changed while out of view
    qtbot.waitUntil(lambda: window.highlights.model.row_of(made.id) >= 0)


def test_rounds_run_on_a_worker_thread(qtbot, window, tmp_path, monkeypatch, quick):
    threads: list[str] = []
    real = round_module.sync_round

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(window_sync, "sync_round", recorded)
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: bool(threads) and window.syncing.label.text().startswith("Synced"),
                    timeout=10_000)
    assert threads and threading.main_thread().name not in threads


def test_stopping_forgets_the_folder(qtbot, window, tmp_path, data_dir, quick):
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: window.syncing.label.text().startswith("Synced"), timeout=10_000)
    window.syncing.ask_change = lambda _current: "stop"
    window.menus.actions["sync-folder"].trigger()
    assert json.loads((data_dir / "sync.json").read_text())["folder"] is None
    assert window.syncing.folder is None and window.syncing.label.text() == ""
    assert "no longer sync" in window.statusBar().currentMessage()


def test_a_folder_that_cannot_be_used_is_said_and_not_kept(qtbot, window, tmp_path, data_dir):
    told: list[str] = []
    window.dialogs.tell = told.append
    choose(window, tmp_path / "nowhere")
    assert told and "does not exist" in told[0]
    assert not (data_dir / "sync.json").exists()
