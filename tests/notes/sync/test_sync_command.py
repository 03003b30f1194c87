"""`archive-browser sync`: one round from the shell, the folder remembered, one sentence
and status 1 when it cannot run."""

from __future__ import annotations

import json

from desktop.notes.store import Notes
from desktop.notes.sync import folder as layout
from desktop.notes.sync import settings as sync_settings
from tests.helpers import make_notes


def test_the_first_sync_remembers_the_folder_and_the_next_needs_none(tmp_path, cli, archive):
    shared = tmp_path / "Sync"
    shared.mkdir()
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    make_notes(laptop, archive).close()
    first = cli("sync", "--folder", str(shared), "--name", "laptop", data=laptop)
    assert first.returncode == 0, first.stderr
    assert (f"Synced with {shared} as “laptop”: Sent 6 changed marks and received nothing."
            in first.stdout)
    kept = json.loads((laptop / "sync.json").read_text())
    assert kept["folder"] == str(shared) and kept["name"] == "laptop"
    assert len(kept["device"]) == 16
    other = cli("sync", "--folder", str(shared), data=desktop)
    assert "received 6 changed marks" in other.stdout
    again = cli("sync", data=laptop)
    assert again.returncode == 0 and "Nothing new to send or receive." in again.stdout
    assert json.loads((laptop / "sync.json").read_text()) == kept
    notes = Notes(desktop, backup_now=False)
    try:
        assert len(notes.highlights()) == 4 and len(notes.bookmarks()) == 2
    finally:
        notes.close()


def test_without_a_folder_or_with_a_missing_one_it_says_so_in_one_sentence(tmp_path, cli):
    none = cli("sync", data=tmp_path / "data")
    assert none.returncode == 1
    assert none.stderr == ("archive-browser: No sync folder is set yet; give one with --folder "
                           "PATH (it is remembered for next time).\n")
    missing = cli("sync", "--folder", str(tmp_path / "nowhere"), data=tmp_path / "data")
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data" / "sync.json").exists()  # nothing worth remembering


def test_settings_that_cannot_be_read_are_named(tmp_path, cli):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / sync_settings.FILE).write_text("{not json")
    done = cli("sync", data=tmp_path / "data")
    assert done.returncode == 1 and "sync.json cannot be read" in done.stderr


def test_the_device_keeps_its_id_when_sync_json_is_lost(tmp_path, cli):
    shared = tmp_path / "Sync"
    shared.mkdir()
    data = tmp_path / "data"
    cli("sync", "--folder", str(shared), data=data)
    device = json.loads((data / "sync.json").read_text())["device"]
    (data / "sync.json").unlink()
    cli("sync", "--folder", str(shared), data=data)
    assert json.loads((data / "sync.json").read_text())["device"] == device


def test_empty_names_are_refused_and_broken_settings_give_way_to_a_folder(tmp_path, cli):
    shared = tmp_path / "Sync"
    shared.mkdir()
    data = tmp_path / "data"
    empty = cli("sync", "--folder", "", data=data)
    assert empty.returncode == 2 and "give the path of a folder" in empty.stderr
    blank = cli("sync", "--folder", str(shared), "--name", "   ", data=data)
    assert blank.returncode == 2 and "give a name, not only spaces" in blank.stderr
    data.mkdir(exist_ok=True)
    (data / "sync.json").write_text("{not json")
    refused = cli("sync", data=data)
    assert refused.returncode == 1 and "cannot be read" in refused.stderr
    mended = cli("sync", "--folder", str(shared), data=data)
    assert mended.returncode == 0, mended.stderr
    assert json.loads((data / "sync.json").read_text())["folder"] == str(shared)


def test_what_went_wrong_is_printed_a_line_each(tmp_path, cli):
    shared = tmp_path / "Sync"
    (layout.root(shared) / "junk-one").mkdir(parents=True)
    (layout.root(shared) / "junk-two.txt").write_text("x")
    done = cli("sync", "--folder", str(shared), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("Nothing new to send or receive.")
    assert sorted(line.split("/")[-1].split(" ")[0] for line in lines[1:]) == [
        "junk-one", "junk-two.txt"]
