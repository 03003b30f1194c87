"""Sync in the window: File → Sync Folder…, a round after changes and when files arrive,
on a worker thread, and what the status bar says."""

from __future__ import annotations

import json
import os
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
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
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
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
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
    qtbot.waitUntil(lambda: "received 1 changed mark" in window.statusBar().currentMessage(),
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
    qtbot.waitUntil(lambda: bool(threads) and window.syncing.line.startswith("Synced"),
                    timeout=10_000)
    assert threads and threading.main_thread().name not in threads


def test_stopping_forgets_the_folder(qtbot, window, tmp_path, data_dir, quick):
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    window.syncing.ask_change = lambda _current: "stop"
    window.menus.actions["sync-folder"].trigger()
    assert json.loads((data_dir / "sync.json").read_text())["folder"] is None
    assert window.syncing.folder is None and window.syncing.line == ""
    assert f"no longer sync through {tmp_path / 'Sync'};" in window.statusBar().currentMessage()


def test_a_folder_that_cannot_be_used_is_said_and_not_kept(qtbot, window, tmp_path, data_dir):
    told: list[str] = []
    window.dialogs.tell = told.append
    choose(window, tmp_path / "nowhere")
    assert told and "does not exist" in told[0]
    assert not (data_dir / "sync.json").exists()


def test_a_round_that_fails_unexpectedly_is_said_logged_and_the_next_one_runs(
        qtbot, window, tmp_path, data_dir, monkeypatch, quick):
    real = round_module.sync_round
    calls: list[int] = []

    def once_broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise TypeError("unhashable type: 'list'")
        return real(*args, **kwargs)

    monkeypatch.setattr(window_sync, "sync_round", once_broken)
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Sync failed"), timeout=10_000)
    said = window.syncing.label.toolTip()
    assert "something unexpected" in said and "TypeError" in said and "Traceback" not in said
    assert "TypeError: unhashable type" in (data_dir / "errors.log").read_text()
    window.menus.actions["sync-now"].trigger()
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)


def test_a_round_asked_for_while_one_ends_follows_it_never_beside_it(
        qtbot, window, tmp_path, monkeypatch, quick):
    inside = 0
    most = 0
    threads: list[threading.Thread] = []
    lock = threading.Lock()
    real = round_module.sync_round

    def counted(*args, **kwargs):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
            threads.append(threading.current_thread())
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(window_sync, "sync_round", counted)
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: window.syncing._worker is not None, timeout=10_000)
    first = window.syncing._worker
    first.join()  # the round has ended; the window has not yet heard of it
    window.syncing.run_now()
    assert window.syncing._worker is first  # not a second round beside the first's end
    qtbot.waitUntil(lambda: len(threads) >= 2 and window.syncing._worker is None,
                    timeout=10_000)
    assert threads[0] is first and threads[1] is not first and most == 1
    assert window.syncing.line.startswith("Synced")


def test_a_folder_that_cannot_be_listed_still_opens_the_window(
        qtbot, open_window, tmp_path, data_dir, monkeypatch):
    shared = tmp_path / "Sync"
    shared.mkdir()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "sync.json").write_text(json.dumps({"folder": str(shared)}))
    real_is_dir = Path.is_dir

    def gone(path):
        if str(path).startswith(str(shared)):
            raise OSError(107, "Transport endpoint is not connected")
        return real_is_dir(path)

    monkeypatch.setattr(Path, "is_dir", gone)
    window = open_window()
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Sync failed"), timeout=10_000)


def test_read_only_notes_do_not_offer_to_sync(qtbot, open_window, tmp_path, data_dir,
                                              monkeypatch):
    from desktop.gui.marks import Marks

    (tmp_path / "Sync").mkdir()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "sync.json").write_text(json.dumps({"folder": str(tmp_path / "Sync")}))
    monkeypatch.setattr(Marks, "read_only", property(lambda self: True))
    window = open_window()
    window.menus.refresh()
    assert not window.menus.actions["sync-now"].isEnabled()
    assert window.syncing.line == "Sync: off" and "read-only" in window.syncing.label.toolTip()


def test_marks_another_program_synced_are_shown_at_the_next_round(
        qtbot, window, tmp_path, data_dir, archive, quick):
    (tmp_path / "Sync").mkdir()
    choose(window, tmp_path / "Sync")
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    # archive-browser sync from cron: another process writes the same notes.
    other = Notes(data_dir, backup_now=False)
    try:
        passage = archive.passage("essay/p9")
        made = other.add_highlight(archive.archive_id, "essay",
                                   select(passage.uri, passage.text, 0, 12), "pink", "")
    finally:
        other.close()
    reloads: list[object] = []
    window.marks.changed.connect(reloads.append)
    window.menus.actions["sync-now"].trigger()
    qtbot.waitUntil(lambda: bool(reloads), timeout=10_000)
    window.toggle_panel("highlights")
    qtbot.waitUntil(lambda: window.highlights.model.row_of(made.id) >= 0)


def test_the_watcher_comes_back_when_the_folder_is_made_again(qtbot, window, tmp_path,
                                                              quick):
    import shutil

    shared = tmp_path / "Sync"
    shared.mkdir()
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    shutil.rmtree(shared)
    window.menus.actions["sync-now"].trigger()
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Sync failed"), timeout=10_000)
    shared.mkdir()
    window.menus.actions["sync-now"].trigger()
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    assert str(shared) in window.syncing.watcher.directories()


def test_what_went_wrong_is_kept_whole_in_the_sync_report(qtbot, window, tmp_path, quick):
    shared = tmp_path / "Sync"
    (layout.root(shared) / "not-a-device").mkdir(parents=True)
    told: list[str] = []
    window.dialogs.tell = told.append
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    assert window.syncing.line.endswith("· 1 to read")
    window.syncing.label.linkActivated.emit("report")
    assert told and "not-a-device" in told[0] and str(shared) in told[0]
    window.menus.actions["sync-now"].trigger()  # said once by the round, kept here
    qtbot.waitUntil(lambda: window.syncing._worker is None
                    and window.syncing.line.startswith("Synced"), timeout=10_000)
    assert window.syncing.problems == window.syncing.problems[:1]


def test_the_computer_can_be_renamed_from_the_window(qtbot, window, tmp_path, data_dir, quick):
    shared = tmp_path / "Sync"
    shared.mkdir()
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    window.syncing.ask_change = lambda _current: "rename"
    window.syncing.ask_name = lambda _current: "  reading room  "
    window.menus.actions["sync-folder"].trigger()
    assert json.loads((data_dir / "sync.json").read_text())["name"] == "reading room"
    device = json.loads((data_dir / "sync.json").read_text())["device"]
    qtbot.waitUntil(lambda: (layout.root(shared) / device / "device.json").exists() and json.loads(
        (layout.root(shared) / device / "device.json").read_text()).get("name")
        == "reading room", timeout=10_000)


def test_a_file_renamed_while_the_folder_is_listed_is_left_out(
        qtbot, window, tmp_path, quick, monkeypatch):
    """A round writes each file under a temporary name and renames it: a listing that
    meets the old name and then finds it gone leaves it out and closes its listing."""
    shared = tmp_path / "Sync"
    shared.mkdir()
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    real = os.scandir
    closed: list[bool] = []

    class Gone:
        name = ".000002.jsonl.tmp"

        def stat(self):
            raise FileNotFoundError(self.name)

    class Listing:
        def __init__(self, path):
            self.inner = real(path)

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            self.inner.close()
            closed.append(True)

        def __iter__(self):
            yield Gone()
            yield from self.inner

    monkeypatch.setattr(os, "scandir", Listing)
    try:
        listed = window.syncing._listing()
    finally:
        monkeypatch.undo()
    assert listed is not None
    names = {name for _folder, name, _size, _time in listed}
    assert Gone.name not in names and "device.json" in names
    assert len(closed) == len(window.syncing._folders())


@pytest.mark.parametrize("theme", ["dark", "sepia", "light"])
def test_the_status_line_is_written_in_the_themes_own_text_colour(
        qtbot, window, tmp_path, quick, theme):
    """It was written in a colour rich text does not know, which came out dark on the
    dark theme's dark status bar: unreadable."""
    from desktop.gui.theme import THEMES

    shared = tmp_path / "Sync"
    shared.mkdir()
    choose(window, shared)
    qtbot.waitUntil(lambda: window.syncing.line.startswith("Synced"), timeout=10_000)
    window.menus.actions["theme-dark" if theme == "light" else "theme-light"].trigger()
    window.menus.actions[f"theme-{theme}"].trigger()
    qtbot.waitUntil(lambda: f"color: {THEMES[theme].text};" in window.syncing.label.text(),
                    timeout=5000)
    assert window.syncing.line in window.syncing.label.text()
