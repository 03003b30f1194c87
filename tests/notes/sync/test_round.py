"""One round of sync, case by case: what travels, what merges, what the folder's oddities
do (cut files, conflicted copies, junk, newer versions), what is reported and when."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from msgspec.structs import replace

from desktop.notes import store as store_module
from desktop.notes.anchoring import ANCHORED
from desktop.notes.errors import NotesError
from desktop.notes.store import Notes
from desktop.notes.sync import folder as layout
from desktop.notes.sync import round as round_module
from desktop.notes.sync.round import Device, sync_round
from desktop.notes.sync.state import CONFLICT_MARKER
from tests.helpers import make_notes
from tests.notes.sync.sim import ARCHIVE, URIS, Sim, words
from tests.notes.test_links import end

A, B = Device("a" * 16, "laptop"), Device("b" * 16, "desktop")


@pytest.fixture
def sim(tmp_path: Path):  # type: ignore[no-untyped-def]
    made = Sim(tmp_path, 3, compact_after=1000)
    for d in made.devices:
        made.sync(d.number)  # every device syncs from the start
    yield made
    made.close()


def test_every_kind_of_mark_arrives_exactly_as_it_was_made(tmp_path, archive):
    """The awkward highlights (emoji, right-to-left, Markdown, formulas, 25 tags), two
    bookmarks, a highlight across passages and a link: on the other device as made."""
    shared = tmp_path / "shared"
    shared.mkdir()
    first = make_notes(tmp_path / "a", archive)
    first.add_highlight(archive.archive_id, "essay", end(archive, "essay/p8", "had hoped").selector,
                        "purple", "across", ["x"],
                        more=[end(archive, "essay/p9", "Local party").selector])
    first.add_link(archive.archive_id, end(archive, "essay/p8", "proprietorial instincts"),
                   end(archive, "minutes/e2", "proprietorial instincts"), "my own word", "why")
    second = Notes(tmp_path / "b", backup_now=False)
    try:
        sent = sync_round(first, archive.archive_id, shared, A)
        got = sync_round(second, archive.archive_id, shared, B)
        assert (sent.sent, got.received, got.problems) == (8, 8, [])
        assert second.highlights() == first.highlights()
        assert second.bookmarks() == first.bookmarks()
        assert second.links() == first.links()
        assert sync_round(first, archive.archive_id, shared, A).received == 0
    finally:
        first.close()
        second.close()


def test_a_change_to_each_of_two_fields_on_two_devices_both_survive(sim):
    made = sim.create_highlight(0, "yellow", "first", [], 1)
    sim.settle()
    sim.edit(0, made.id, "note", "written on the laptop")
    sim.edit(1, made.id, "colour", "green")
    sim.edit(2, made.id, "tags", ["from", "third"])
    sim.settle()
    sim.check()
    mark = sim.devices[2].marks()[made.id]
    assert (mark.note, mark.colour, mark.tags) == ("written on the laptop", "green",
                                                   ("from", "third"))


def test_the_same_note_changed_on_two_devices_keeps_both_texts_until_edited(sim):
    made = sim.create_highlight(0, "yellow", "first", [], 1)
    sim.settle()
    sim.edit(0, made.id, "note", "the laptop's words")
    sim.edit(1, made.id, "note", "the desktop's words")
    sim.sync(0)
    sim.sync(1)  # each writes its own, before reading the other's
    sim.deliver_all()
    reports = [sim.sync(n) for n in (0, 1, 2)]
    assert [r.conflicts for r in reports] == [1, 1, 1]
    assert "1 note changed on two devices at once keeps both texts" in reports[0].describe()
    sim.settle()
    notes = {d.marks()[made.id].note for d in sim.devices}
    assert len(notes) == 1
    assert set(notes.pop().split(CONFLICT_MARKER)) == {"the laptop's words",
                                                       "the desktop's words"}
    sim.edit(2, made.id, "note", "settled")
    sim.settle()
    assert {d.marks()[made.id].note for d in sim.devices} == {"settled"}
    assert all(r.conflicts == 0 for r in sim.reports[-6:])
    sim.check()


def test_a_deletion_wins_and_an_old_file_never_brings_the_mark_back(sim):
    made = sim.create_highlight(0, "yellow", "first", [], 1)
    sim.settle()
    old_file = sorted(sim.devices[0].own.glob("0*.jsonl"))[-1]
    kept = tmp_copy = old_file.read_bytes()
    sim.edit(1, made.id, "note", "edited before the deletion was known")
    sim.delete(0, made.id)
    sim.settle()
    assert all(made.id not in d.marks() for d in sim.devices)
    # The old file comes again, as a conflicted copy, to every device: nothing comes back.
    for d in sim.devices:
        folder = layout.root(d.view) / sim.devices[0].device.id
        (folder / f"{old_file.stem} (conflicted copy 2026-11-26).jsonl").write_bytes(kept)
        sim.sync(d.number)
    assert all(made.id not in d.marks() for d in sim.devices)
    assert tmp_copy
    sim.check()


def test_undoing_a_deletion_brings_the_mark_back_everywhere(sim):
    made = sim.create_highlight(0, "blue", "kept", ["t"], 2)
    sim.settle()
    sim.delete(1, made.id)
    sim.settle()
    assert all(made.id not in d.marks() for d in sim.devices)
    sim.undo_delete(1, made.id)
    sim.settle()
    assert all(d.marks()[made.id].note == "kept" for d in sim.devices)
    sim.check()


def test_a_file_cut_mid_record_is_read_as_far_as_it_goes_then_on_when_it_grows(sim):
    for n in range(3):
        sim.create_highlight(0, "yellow", f"note {n}", [], n)
    sim.sync(0)
    source = sorted(sim.devices[0].own.glob("0*.jsonl"))[-1]
    data = source.read_bytes()
    lines = data.splitlines(keepends=True)
    cut = len(lines[0]) + len(lines[1]) // 2  # the first record whole, the second cut
    target = layout.root(sim.devices[1].view) / sim.devices[0].device.id / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data[:cut])
    first = sim.sync(1)
    assert (first.received, first.problems) == (1, [])
    target.write_bytes(data)
    second = sim.sync(1)
    assert (second.received, second.problems) == (2, [])
    assert sim.sync(1).received == 0
    sim.settle()
    sim.check()


@pytest.mark.parametrize("name", ["{stem} (conflicted copy 2026-11-26).jsonl",
                                  "{stem} (Someone's conflicted copy).jsonl",
                                  "{stem}.sync-conflict-20261126-154700-ABCDEFG.jsonl",
                                  "{stem} (Case Conflict).jsonl"])
def test_a_conflicted_copy_is_read_as_a_file_of_its_device(sim, name):
    made = sim.create_highlight(0, "pink", "only in the copy", [], 0)
    sim.sync(0)
    source = sorted(sim.devices[0].own.glob("0*.jsonl"))[-1]
    target = layout.root(sim.devices[1].view) / sim.devices[0].device.id / \
        name.format(stem=source.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    report = sim.sync(1)
    assert (report.received, report.problems) == (1, [])
    assert sim.devices[1].marks()[made.id].note == "only in the copy"


def test_junk_and_newer_versions_are_skipped_and_reported_once(sim):
    made = sim.create_highlight(0, "yellow", "good", [], 0)
    sim.sync(0)
    top = layout.root(sim.devices[1].view)
    theirs = top / sim.devices[0].device.id
    shutil.copytree(sim.devices[0].own, theirs, dirs_exist_ok=True)
    (theirs / "notes for me.txt").write_text("not ours")
    (top / "stray file.txt").write_text("not ours either")
    (top.parent / "v2").mkdir()
    (theirs / "000099.jsonl").write_text(
        'not json at all\n{"format": 7, "archive": "communists-dilemma"}\n'
        + json.dumps({"format": 1, "archive": ARCHIVE, "mark": "x", "kind": "highlight",
                      "alive": True, "stamp": "nonsense"}) + "\n")
    (theirs / ".syncthing.000100.jsonl.tmp").write_text("an engine's temporary file")
    (theirs / "~000101.jsonl").write_text("another")
    first = sim.sync(1)
    assert first.received == 1 and sim.devices[1].marks()[made.id].note == "good"
    text = " ".join(first.problems)
    assert len(first.problems) == 5, first.problems
    assert "notes for me.txt is not part of Archive Browser's sync" in text
    assert "stray file.txt" in text
    assert "newer version of Archive Browser" in text and "v2" in text
    assert "1 change in" in text and "was written by a newer version" in text
    assert "2 lines of" in text and "could not be read and were skipped" in text
    assert sim.sync(1).problems == []


def _hostile(line: str, change: str) -> str:
    """A record's line with one value made into what no notes file can hold."""
    if change == "lone surrogate":  # valid JSON; text that is no UTF-8
        return line.replace('"good"', '"go\\ud800od"', 1)
    if change == "NaN":
        return line.replace('"alive":true', '"alive":NaN', 1)
    record = json.loads(line)
    position = record["annotation"]["target"]["selector"][1]
    position["start"], position["end"] = {"beyond 64 bits": (2**63, 2**64 - 1),
                                          "beyond 128 bits": (2**127, 2**130)}[change]
    return json.dumps(record)


@pytest.mark.parametrize("change", ["lone surrogate", "NaN", "beyond 64 bits",
                                    "beyond 128 bits"])
def test_a_value_no_notes_file_can_hold_is_a_bad_line_and_the_round_goes_on(sim, change):
    """Junk that is JSON but holds what SQLite cannot store (text that is no UTF-8, a
    number too large): the line is skipped and reported; every round after goes on."""
    bad = sim.create_highlight(0, "yellow", "good", [], 0)
    sim.sync(0)
    good = sim.create_highlight(0, "blue", "fine", [], 1)
    sim.sync(0)
    top = layout.root(sim.devices[1].view)
    theirs = top / sim.devices[0].device.id
    shutil.copytree(sim.devices[0].own, theirs, dirs_exist_ok=True)
    first = min(theirs.glob("0*.jsonl"))
    lines = first.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if bad.id in line)
    lines[at] = _hostile(lines[at], change)
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = sim.sync(1)
    assert report.received == 1 and good.id in sim.devices[1].marks()
    assert bad.id not in sim.devices[1].marks()
    assert "1 line of" in " ".join(report.problems), report.problems
    assert sim.sync(1).problems == []


def test_only_the_open_archives_marks_merge_and_the_others_wait_their_turn(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    first = Notes(tmp_path / "a", backup_now=False)
    second = Notes(tmp_path / "b", backup_now=False)
    try:
        here = first.add_highlight(ARCHIVE, "essay", words("u1", 3), "yellow", "this one")
        other = first.add_highlight("another-archive", "essay", words("u2", 5), "green",
                                    "that one")
        assert sync_round(first, ARCHIVE, shared, A).sent == 2
        assert sync_round(second, ARCHIVE, shared, B).received == 1
        assert [h.id for h in second.highlights()] == [here.id]
        assert sync_round(second, "another-archive", shared, B).received == 1
        assert {h.id for h in second.highlights()} == {here.id, other.id}
    finally:
        first.close()
        second.close()


def test_a_round_with_nothing_new_reads_no_file(sim, monkeypatch):
    sim.create_highlight(0, "yellow", "x", [], 0)
    sim.settle()
    read: list[Path] = []
    real = layout.read_parts
    monkeypatch.setattr(layout, "read_parts", lambda path, offset: read.append(path) or
                        real(path, offset))
    report = sim.sync(1)
    assert (report.sent, report.received, read) == (0, 0, [])


def test_a_crash_before_the_file_is_written_loses_nothing(sim, monkeypatch):
    made = sim.create_highlight(0, "yellow", "before the crash", [], 0)

    def crash(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(layout, "write_whole", crash)
    with pytest.raises(OSError):
        sim.sync(0)
    monkeypatch.undo()
    sim.settle()
    assert all(d.marks()[made.id].note == "before the crash" for d in sim.devices)


def test_a_crash_after_the_file_is_written_sends_it_again_harmlessly(sim, monkeypatch):
    made = sim.create_highlight(0, "yellow", "sent twice", [], 0)
    real = round_module.tables.sent

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(round_module.tables, "sent", crash)
    with pytest.raises(KeyboardInterrupt):
        sim.sync(0)
    monkeypatch.setattr(round_module.tables, "sent", real)
    assert sim.sync(0).sent == 1  # again, in a second file
    sim.settle()
    assert all(d.marks()[made.id].note == "sent twice" for d in sim.devices)
    sim.check()


def test_a_write_that_fails_records_nothing_to_send(sim):
    notes = sim.devices[0].notes
    made = sim.create_highlight(0, "yellow", "x", [], 0)
    before = notes.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
    with pytest.raises(NotesError):
        notes.update_highlight(made.id, colour="no such colour")
    with pytest.raises(NotesError):
        notes.update_highlight("no such highlight", note="x")
    assert notes.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == before


def test_re_anchoring_is_not_sent(sim):
    made = sim.create_highlight(0, "yellow", "x", [], 0)
    sim.settle()
    notes = sim.devices[0].notes
    made = notes.highlight(made.id)
    notes.move_marks([(made, words(made.selector.uri, 40), "moved")], [])
    assert notes.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0
    assert sim.sync(0).sent == 0
    # A note written afterwards travels; the place moved here stays as it is here.
    sim.edit(0, made.id, "note", "after moving")
    sim.settle()
    assert sim.devices[1].marks()[made.id].selector == made.selector
    assert sim.devices[0].marks()[made.id].state == "moved"
    assert sim.devices[1].marks()[made.id].note == "after moving"


def test_marks_made_before_the_first_sync_are_sent_in_the_order_they_were_changed(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    try:
        made = [notes.add_highlight(ARCHIVE, "essay", words("u", n), "yellow", f"n{n}")
                for n in range(3)]
        for mark, day in zip(made, ("2026-01-03", "2026-01-01", "2026-01-02"), strict=True):
            notes.put_highlight(replace(mark, modified=f"{day}T00:00:00.000Z"))
        assert notes.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0
        assert sync_round(notes, ARCHIVE, shared, A).sent == 3
        states = {i: json.loads(s) for i, s in
                  notes.conn.execute("SELECT mark_id, state FROM sync_marks")}
        stamps = {i: s["alive"][0] for i, s in states.items()}
        assert stamps[made[1].id] < stamps[made[2].id] < stamps[made[0].id]
        kept = {h.id: h.modified[:10] for h in notes.highlights()}
        assert [kept[m.id] for m in made] == ["2026-01-03", "2026-01-01", "2026-01-02"]
    finally:
        notes.close()


def test_a_folder_that_cannot_be_used_is_refused_in_one_sentence(tmp_path):
    notes = Notes(tmp_path / "a", backup_now=False)
    try:
        with pytest.raises(NotesError, match="does not exist"):
            sync_round(notes, ARCHIVE, tmp_path / "missing", A)
        (tmp_path / "file").write_text("x")
        with pytest.raises(NotesError, match="is not a folder"):
            sync_round(notes, ARCHIVE, tmp_path / "file", A)
        own = layout.root(tmp_path / "Sync")
        own.mkdir(parents=True)
        for wrong in (own.parent, own):
            with pytest.raises(NotesError, match=f"choose the folder that holds it, "
                                                 f"{tmp_path / 'Sync'}"):
                sync_round(notes, ARCHIVE, wrong, A)
    finally:
        notes.close()


def test_two_rounds_never_run_at_once(tmp_path):
    from desktop.notes.locks import FileLock

    (tmp_path / "shared").mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    held = FileLock(str(tmp_path / "a" / round_module.LOCK))
    held.acquire()
    try:
        with pytest.raises(NotesError, match="Another sync of these notes is running"):
            sync_round(notes, ARCHIVE, tmp_path / "shared", A, wait=0)
    finally:
        held.release()
        notes.close()


def test_a_device_a_year_ahead_does_not_win_a_later_change(tmp_path, monkeypatch):
    """Its clock counts for at most a day beyond what it has seen of the others'."""
    from datetime import UTC, datetime, timedelta

    from desktop.notes import marks as marks_module

    shared = tmp_path / "shared"
    shared.mkdir()
    first, second = (Notes(tmp_path / n, backup_now=False) for n in "ab")
    today = datetime(2026, 3, 1, tzinfo=UTC)

    def at(moment: datetime) -> None:
        monkeypatch.setattr(store_module, "now", lambda: marks_module._stamp(moment))
        monkeypatch.setattr(round_module, "now_ms", lambda: int(moment.timestamp() * 1000))

    try:
        at(today)
        made = first.add_highlight(ARCHIVE, "essay", words("u", 1), "yellow")
        sync_round(first, ARCHIVE, shared, A)
        sync_round(second, ARCHIVE, shared, B)
        at(today + timedelta(days=365))  # the second device's clock is a year ahead
        second.update_highlight(made.id, colour="green")
        sync_round(second, ARCHIVE, shared, B)
        at(today + timedelta(days=3))  # three days later, before hearing of it
        first.update_highlight(made.id, colour="blue")
        sync_round(first, ARCHIVE, shared, A)
        sync_round(second, ARCHIVE, shared, B)
        assert first.highlight(made.id).colour == second.highlight(made.id).colour == "blue"
    finally:
        first.close()
        second.close()


def test_the_state_of_a_mark_moved_here_is_anchored_after_a_reattach(sim):
    made = sim.create_highlight(0, "yellow", "x", [], 0)
    sim.settle()
    sim.edit(1, made.id, "place", 17)
    sim.settle()
    assert {d.marks()[made.id].state for d in sim.devices} == {ANCHORED}
    sim.check()


def test_a_copied_data_folder_syncs_as_a_new_device_and_loses_nothing(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    first = Notes(tmp_path / "a", backup_now=False)
    try:
        made = first.add_highlight(ARCHIVE, "essay", words(URIS[0], 0), "yellow", "first")
        assert sync_round(first, ARCHIVE, shared, A).device == A.id
    finally:
        first.close()
    shutil.copytree(tmp_path / "a", tmp_path / "copy")  # a backup restored elsewhere
    first = Notes(tmp_path / "a", backup_now=False)
    copy = Notes(tmp_path / "copy", backup_now=False)
    try:
        copy.add_highlight(ARCHIVE, "essay", words(URIS[1], 5), "blue", "made in the copy")
        report = sync_round(copy, ARCHIVE, shared, A)
        assert report.renamed_from == A.id and report.device != A.id
        assert "copied or moved from another place" in report.describe()
        assert str(layout.root(shared) / A.id) in report.describe()
        assert report.sent == 1
        # The copy never writes the first device's files again; its own start at 1.
        assert sorted(p.name for p in (layout.root(shared) / report.device).iterdir()) == [
            "000001.jsonl", "device.json", "seen.json"]
        first.add_highlight(ARCHIVE, "essay", words(URIS[2], 9), "green", "made at home")
        again = sync_round(first, ARCHIVE, shared, A)
        assert again.device == A.id and again.renamed_from is None
        assert again.received == 1
        assert sync_round(copy, ARCHIVE, shared, A).renamed_from is None
        notes_of = [sorted(h.note for h in n.highlights()) for n in (first, copy)]
        assert notes_of[0] == notes_of[1] == ["first", "made at home", "made in the copy"]
        assert made.id in {h.id for h in copy.highlights()}
    finally:
        first.close()
        copy.close()


def test_the_data_folder_renamed_in_place_keeps_its_device(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    try:
        sync_round(notes, ARCHIVE, shared, A)
    finally:
        notes.close()
    (tmp_path / "a").rename(tmp_path / "moved")
    notes = Notes(tmp_path / "moved", backup_now=False)
    try:
        report = sync_round(notes, ARCHIVE, shared, A)
        assert report.device == A.id and report.renamed_from is None
        assert report.problems == []
    finally:
        notes.close()


def test_a_device_json_of_an_earlier_version_is_taken_as_this_devices(tmp_path):
    shared = tmp_path / "shared"
    own = layout.root(shared) / A.id
    own.mkdir(parents=True)
    layout.write_json(own / layout.DEVICE_FILE, {"format": 1, "device": A.id, "name": "x"})
    notes = Notes(tmp_path / "a", backup_now=False)
    try:
        assert sync_round(notes, ARCHIVE, shared, A).renamed_from is None
        assert layout.read_json(own / layout.DEVICE_FILE)["home"]
    finally:
        notes.close()


def test_choosing_another_folder_sends_every_mark_there(tmp_path):
    first, second = tmp_path / "Dropbox", tmp_path / "Syncthing"
    first.mkdir()
    second.mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    newcomer = Notes(tmp_path / "b", backup_now=False)
    try:
        made = [notes.add_highlight(ARCHIVE, "essay", words(URIS[0], n), "yellow", f"n{n}")
                for n in range(3)]
        assert sync_round(notes, ARCHIVE, first, A).sent == 3
        report = sync_round(notes, ARCHIVE, second, A)
        assert report.sent == 3 and report.renamed_from == A.id
        assert "every mark was written to it again" in report.describe()
        assert sync_round(newcomer, ARCHIVE, second, B).received == 3
        assert sorted(h.id for h in newcomer.highlights()) == sorted(m.id for m in made)
        # Nothing is said again once the folder holds it all.
        again = sync_round(notes, ARCHIVE, second, A)
        assert again.problems == [] and again.renamed_from is None
    finally:
        notes.close()
        newcomer.close()



@pytest.mark.parametrize("brought_back", ["cut short", "as a conflicted copy"])
def test_a_file_of_its_own_brought_back_incomplete_has_every_mark_written_again(
        tmp_path, brought_back):
    """The folder emptied here, then an older copy of this device's own file brought back
    incomplete (half-copied, or only as an engine's conflicted copy): the others may never
    have had that file whole, so every mark is written again, and they all arrive."""
    folder = tmp_path / "shared"
    folder.mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    other = Notes(tmp_path / "b", backup_now=False)
    try:
        made = [notes.add_highlight(ARCHIVE, "essay", words(URIS[0], n), "yellow", f"n{n}")
                for n in range(6)]
        me = sync_round(notes, ARCHIVE, folder, A).device
        own = layout.root(folder) / me / "000001.jsonl"
        whole = own.read_bytes()
        shutil.rmtree(layout.root(folder))  # the folder made again
        own.parent.mkdir(parents=True)
        if brought_back == "cut short":
            own.write_bytes(whole[:len(whole) // 2])
        else:
            own.with_name("000001 (conflicted copy 2026-11-26).jsonl").write_bytes(whole)
        report = sync_round(notes, ARCHIVE, folder, A)
        assert report.sent == 6
        assert "every mark was written to it again" in report.describe()
        sync_round(other, ARCHIVE, folder, B)
        assert sorted(h.id for h in other.highlights()) == sorted(h.id for h in made)
    finally:
        notes.close()
        other.close()

def test_changes_made_while_syncing_elsewhere_reach_the_first_folder_on_return(tmp_path):
    home, away = tmp_path / "home", tmp_path / "away"
    home.mkdir()
    away.mkdir()
    notes = Notes(tmp_path / "a", backup_now=False)
    other = Notes(tmp_path / "b", backup_now=False)
    try:
        notes.add_highlight(ARCHIVE, "essay", words(URIS[0], 0), "yellow", "before")
        sync_round(notes, ARCHIVE, home, A)
        sync_round(other, ARCHIVE, home, B)
        old = sync_round(notes, ARCHIVE, home, A).device
        sync_round(notes, ARCHIVE, away, A)
        made = notes.add_highlight(ARCHIVE, "essay", words(URIS[1], 3), "blue", "away")
        sync_round(notes, ARCHIVE, away, A)
        back = sync_round(notes, ARCHIVE, home, A)
        # Back where it wrote before: it goes on under its id there, after its last file.
        assert back.renamed_from is not None and back.device == old
        assert (layout.root(home) / old / "000002.jsonl").exists()
        sync_round(other, ARCHIVE, home, B)
        assert other.highlight(made.id) is not None
    finally:
        notes.close()
        other.close()


def test_a_round_gives_the_notes_connection_back_as_it_found_it(sim):
    conn = sim.devices[0].notes.conn
    before = [conn.execute(f"PRAGMA {name}").fetchone()[0]
              for name in ("cache_size", "wal_autocheckpoint", "synchronous")]
    sim.create_highlight(0, "yellow", "kept", [], 0)
    sim.sync(0)
    assert [conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cache_size", "wal_autocheckpoint", "synchronous")] == before
