"""A round of many changes runs in transactions of a bounded size, so that the window's
own writes never wait long: local changes are stamped, merged and sent a bounded number
at a time, and the result is what one transaction would have made."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.notes.sync import merge as merge_module
from desktop.notes.sync import round as round_module
from desktop.notes.sync import tables
from desktop.notes.sync.state import note_of
from tests.notes.sync.sim import ARCHIVE, Sim


@pytest.fixture
def sim(tmp_path: Path):  # type: ignore[no-untyped-def]
    made = Sim(tmp_path, 2, compact_after=1000)
    yield made
    made.close()


@pytest.fixture
def folded(monkeypatch) -> list[tuple[int | None, int]]:
    """Each stamping of the outbox: the most it was to stamp, and how many it did."""
    calls: list[tuple[int | None, int]] = []
    real = merge_module.fold

    def spy(*args, limit=None, **kwargs):  # type: ignore[no-untyped-def]
        done = real(*args, limit=limit, **kwargs)
        calls.append((limit, done))
        return done

    monkeypatch.setattr(merge_module, "fold", spy)
    return calls


def test_many_marks_made_before_the_first_sync_are_stamped_a_few_at_a_time(
        sim, folded, monkeypatch):
    monkeypatch.setattr(round_module, "CHUNK", 3)
    monkeypatch.setattr(round_module, "FILE_RECORDS", 4)
    made = [sim.create_highlight(0, "yellow", f"note {n}", ["t"], n) for n in range(10)]
    report = sim.sync(0)
    assert (report.sent, report.files) == (10, 3)
    assert all(done <= 3 for _limit, done in folded)
    assert sum(done for _limit, done in folded) == 10
    assert [(limit, done) for limit, done in folded if limit is None] == [(None, 0)]
    sim.deliver_all()
    assert sim.sync(1).received == 10
    assert {m.id: m.note for m in sim.devices[1].notes.highlights(ARCHIVE)} == \
        {m.id: m.note for m in made}


def test_a_change_stamped_apart_from_the_deletion_after_it_keeps_the_values_it_made(
        sim, monkeypatch):
    """An edit, then a deletion, stamped in two transactions: the edit is stamped with
    the values the deletion took, as when both are stamped at once."""
    monkeypatch.setattr(round_module, "CHUNK", 1)
    made = sim.create_highlight(0, "yellow", "as made", [], 1)
    sim.sync(0)
    notes = sim.devices[0].notes
    notes.update_highlight(made.id, note="edited, then deleted")
    notes.delete_highlight(made.id)
    sim.sync(0)
    (_archive, _kind, state), = tables.states(notes.conn, [made.id]).values()
    assert note_of(state) == "edited, then deleted"
    assert not state["alive"][1]


def test_the_marks_with_ids_are_read_with_their_tags_and_parts(sim):
    notes = sim.devices[0].notes
    made = [sim.create_highlight(0, "green", f"n{n}", [f"tag {n}", "both"], n)
            for n in range(4)]
    across = notes.update_highlight(made[1].id, more=[made[2].parts[0]])
    link = sim.create_link(0, "supports", "why", 2)
    bookmark = sim.create_bookmark(0, "here", 1)
    wanted = {made[0].id, across.id, "no such mark"}
    assert {h.id: h for h in notes.marks_with_ids("highlights", wanted)} == \
        {made[0].id: notes.highlight(made[0].id), across.id: notes.highlight(across.id)}
    assert notes.marks_with_ids("links", {link.id, made[0].id}) == [notes.link(link.id)]
    assert notes.marks_with_ids("bookmarks", [bookmark.id]) == [notes.bookmark(bookmark.id)]
    assert notes.marks_with_ids("highlights", []) == []
