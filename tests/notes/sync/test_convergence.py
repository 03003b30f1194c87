"""Three devices, random changes, random delivery: after everything is delivered, the
three hold identical marks, and each mark is what the changes made allow (see sim.py)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.notes import marks as marks_module
from desktop.notes.marks import COLOURS, RELATIONS
from desktop.notes.sync import round as round_module
from tests.notes.sync.sim import Sim, fields_of

NOTES = ["", "alpha", "beta gamma", "δ 🙂 שלום", "two\nlines", "=SUM(A1)"]
TAGS = [[], ["a"], ["b", "c"], ["Émile"]]
LABELS = ["", "read again", "Workers Truth"]
# How wrong each device's clock may be: right, a year ahead, a year behind, a day ahead.
SKEWS = [timedelta(0), timedelta(days=365), timedelta(days=-365), timedelta(days=1)]


def fast_folder() -> str | None:
    """A memory-backed folder where there is one: every sync writes files whole (fsync)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() else None


@contextlib.contextmanager
def clock_of(skew: timedelta) -> Iterator[None]:
    """The notes' and the sync's sense of now, ``skew`` off."""
    if not skew:
        yield
        return
    real_now, real_ms = marks_module.now, round_module.now_ms

    def now() -> str:
        return marks_module._stamp(marks_module.datetime.now(marks_module.UTC) + skew)

    with mock.patch("desktop.notes.store.now", now), \
            mock.patch.object(round_module, "now_ms",
                              lambda: real_ms() + int(skew.total_seconds() * 1000)):
        yield
    assert marks_module.now is real_now


ACTIONS = ["highlight", "bookmark", "link", "import", "edit", "edit", "edit", "delete",
           "undo", "sync", "sync", "deliver", "deliver", "deliver", "retire", "wipe"]


def act(sim: Sim, data: st.DataObject, action: str, who: int) -> None:
    draw = data.draw
    if action == "highlight":
        sim.create_highlight(who, draw(st.sampled_from(COLOURS)), draw(st.sampled_from(NOTES)),
                             draw(st.sampled_from(TAGS)), draw(st.integers(0, 30)))
    elif action == "bookmark":
        sim.create_bookmark(who, draw(st.sampled_from(LABELS)), draw(st.integers(0, 30)))
    elif action == "link":
        sim.create_link(who, draw(st.sampled_from(RELATIONS)), draw(st.sampled_from(NOTES)),
                        draw(st.integers(0, 30)))
    elif action == "import":
        sim.import_highlight(who, f"00000000-0000-4000-8000-00000000000{draw(st.integers(0, 3))}",
                             draw(st.sampled_from(COLOURS)), draw(st.sampled_from(NOTES)))
    elif action in ("edit", "delete", "undo"):
        # Every value is drawn whatever happens next: what exists depends on the clocks.
        known = list(dict.fromkeys(op.mark for op in sim.model.ops.values()))
        pick = draw(st.integers(0, 50))
        name, values = draw(st.sampled_from([
            ("colour", COLOURS), ("note", NOTES), ("tags", TAGS), ("place", range(30)),
            ("label", LABELS), ("relation", RELATIONS)]))
        value = list(values)[draw(st.integers(0, len(values) - 1))]
        if not known:
            return
        mark_id = known[pick % len(known)]
        if action == "delete":
            sim.delete(who, mark_id)
        elif action == "undo":
            sim.undo_delete(who, mark_id)
        else:
            mark = sim.devices[who].marks().get(mark_id)
            if mark is not None and name in fields_of(mark):
                sim.edit(who, mark_id, name, value)
    elif action == "sync":
        sim.sync(who)
    elif action == "deliver":
        source_device = draw(st.integers(0, 2))
        pick = draw(st.integers(0, 100))
        how = draw(st.sampled_from(["whole", "whole", "cut", "conflict"]))
        cut = draw(st.floats(0.05, 0.95))
        conflict = draw(st.integers(0, 2))
        files = sim.files_of(source_device)
        if files:
            sim.copy(files[pick % len(files)], who, cut=cut if how == "cut" else None,
                     conflict=conflict if how == "conflict" else None)
    elif action == "retire":
        sim.deliver_deletions(who)
    elif action == "wipe":
        sim.wipe(who)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_three_devices_converge_whatever_the_delivery(data: st.DataObject) -> None:
    skews = [data.draw(st.sampled_from(SKEWS)) for _ in range(3)]
    with tempfile.TemporaryDirectory(dir=fast_folder()) as tmp:
        sim = Sim(Path(tmp))
        sim.clock = lambda number: clock_of(skews[number])
        # Merged a few marks a transaction, while the next file is read: as a first sync
        # of thousands is.
        chunk = data.draw(st.sampled_from([1, 2, 1000]))
        with mock.patch.object(round_module, "CHUNK", chunk):
            run(sim, data, skews)


def run(sim: Sim, data: st.DataObject, skews: list[timedelta]) -> None:
    try:
        for _ in range(data.draw(st.integers(4, 40))):
            who = data.draw(st.integers(0, 2))
            action = data.draw(st.sampled_from(ACTIONS))
            with contextlib.nullcontext() if action == "sync" else clock_of(skews[who]):
                act(sim, data, action, who)
        sim.settle()
        sim.check()
    finally:
        sim.close()
