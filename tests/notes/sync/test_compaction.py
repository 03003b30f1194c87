"""Compaction: a device folds its own files that every device has read into a snapshot,
and nothing is lost, whatever stage the others are at."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.notes.sync import folder as layout
from tests.notes.sync.sim import Sim


@pytest.fixture
def sim(tmp_path: Path):  # type: ignore[no-untyped-def]
    made = Sim(tmp_path, 3, compact_after=3)
    for d in made.devices:
        made.sync(d.number)
    made.deliver_all()  # each knows the others are there
    yield made
    made.close()


def own_files(sim: Sim, number: int) -> list[str]:
    return sorted(p.name for p in sim.devices[number].own.glob("*.jsonl"))


def deliver(sim: Sim, source: int, to: int) -> None:
    for path in sim.files_of(source):
        if path.parent.name == sim.devices[source].device.id:
            sim.copy(path, to)


def test_nothing_is_retired_until_every_device_has_read_it(sim):
    made = [sim.create_highlight(0, "yellow", f"n{n}", [], n) for n in range(4)]
    for mark in made:  # four files of changes, one a round
        sim.edit(0, mark.id, "colour", "green")
        sim.sync(0)
    deliver(sim, 0, 1)
    sim.sync(1)  # the second device has read them all; the third nothing
    deliver(sim, 1, 0)
    sim.sync(0)
    assert len([n for n in own_files(sim, 0) if not n.startswith("snapshot")]) >= 4
    assert not any(n.startswith("snapshot") for n in own_files(sim, 0))
    # The third reads only the first two files, and says so.
    theirs = sorted(p for p in sim.devices[0].own.glob("0*.jsonl"))
    for path in theirs[:3]:
        sim.copy(path, 2)
    sim.sync(2)
    deliver(sim, 2, 0)
    report = sim.sync(0)
    assert report.compacted is not None
    numbers = sorted(layout.change_file("x" * 16, n).number for n in own_files(sim, 0))
    assert f"snapshot-{report.compacted:06d}.jsonl" in own_files(sim, 0)
    assert report.compacted == 3 and numbers[0] == 3  # files 1 to 3 went, 4 on stay
    # Whoever reads what is left, in whatever state, ends with every change.
    sim.settle()
    sim.check()
    assert {m.colour for m in sim.devices[2].marks().values()} == {"green"}


def test_a_device_that_joins_after_compaction_gets_everything_from_the_snapshot(sim, tmp_path):
    made = [sim.create_highlight(n % 3, "yellow", f"n{n}", [], n) for n in range(6)]
    sim.settle()
    for rounds in range(4):
        for mark in made:
            sim.edit(rounds % 3, mark.id, "note", f"round {rounds}")
        sim.delete(1, made[rounds].id)
        sim.settle()
    assert any(n.startswith("snapshot") for d in sim.devices for n in own_files(sim, d.number))
    late = Sim(tmp_path / "late", 4, compact_after=3)
    try:
        newcomer = late.devices[3]
        for d in sim.devices:
            target = layout.root(newcomer.view) / d.device.id
            target.mkdir(parents=True)
            for path in d.own.iterdir():
                (target / path.name).write_bytes(path.read_bytes())
        late.sync(3)
        assert newcomer.marks() == sim.devices[0].marks()
        assert len(newcomer.marks()) == 2  # four of the six were deleted
    finally:
        late.close()


def test_compaction_never_touches_another_devices_files(sim):
    compacted = []
    for n in range(15):
        sim.create_highlight(n % 3, "yellow", f"n{n}", [], n)
        for d in sim.devices:
            sim.deliver_all()
            theirs = {p for p in sim.files_of(d.number) if p.parent.name != d.device.id}
            compacted.append(sim.sync(d.number).compacted)
            assert {p for p in sim.files_of(d.number) if p.parent.name != d.device.id} == theirs
    assert any(c is not None for c in compacted)
