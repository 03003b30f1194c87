"""The merge of two states of a mark is a join (any order, any repetition, the same
result), and the clock never goes back nor lets a wrong wall clock run away."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.notes.sync.clock import AHEAD_MS, Clock, device_of, stamp, wall_ms
from desktop.notes.sync.state import CONFLICT_MARKER, join, note_of

DEVICES = ["a" * 16, "b" * 16, "c" * 16]
stamps = st.builds(stamp, st.integers(1_000, 1_006), st.integers(0, 2), st.sampled_from(DEVICES))


@st.composite
def notes(draw: st.DrawFn) -> dict[str, object]:
    """A note as a device can hold one: at most one version a device (a device's later
    version replaces its earlier), each within what the state has seen."""
    heads = draw(st.dictionaries(st.sampled_from(DEVICES), st.tuples(
        st.integers(1_000, 1_006), st.integers(0, 2), st.sampled_from(["x", "y", "z", ""])),
        min_size=1, max_size=3))
    versions = {stamp(ms, n, d): text for d, (ms, n, text) in heads.items()}
    seen = {device_of(v): v for v in versions}
    for device, extra in draw(st.dictionaries(st.sampled_from(DEVICES), stamps,
                                              max_size=2)).items():
        if device not in seen:
            seen[device] = stamp(wall_ms(extra), 0, device)
    return {"versions": [[s, versions[s]] for s in sorted(versions)], "seen": seen}


@st.composite
def states(draw: st.DrawFn) -> dict[str, object]:
    state: dict[str, object] = {"alive": [draw(stamps), draw(st.booleans())],
                                "created": draw(st.sampled_from(["", "2026-01-01", "2026-02-01"])),
                                "fields": {}}
    if draw(st.booleans()):
        state["fields"] = {name: [draw(stamps), draw(st.sampled_from(values))]
                           for name, values in (("colour", ["yellow", "green"]),
                                                ("tags", [[], ["t"]]))}
        state["note"] = draw(notes())
        state["modified"] = [draw(stamps), draw(st.sampled_from(["m1", "m2"]))]
    return state


@settings(max_examples=300, deadline=None)
@given(states(), states(), states())
def test_the_merge_is_commutative_associative_and_idempotent(a, b, c):
    assert join(a, b) == join(b, a)
    assert join(join(a, b), c) == join(a, join(b, c))
    assert join(a, a) == a
    assert join(join(a, b), b) == join(a, b)


def test_a_note_replaced_knowingly_is_gone_and_one_written_at_once_is_kept():
    base = {"alive": [stamp(1, 0, DEVICES[0]), True], "created": "", "fields": {}}
    first = {**base, "note": {"versions": [[stamp(5, 0, DEVICES[0]), "first"]],
                              "seen": {DEVICES[0]: stamp(5, 0, DEVICES[0])}}}
    replaced = {**base, "note": {"versions": [[stamp(6, 0, DEVICES[1]), "second"]],
                                 "seen": {DEVICES[0]: stamp(5, 0, DEVICES[0]),
                                          DEVICES[1]: stamp(6, 0, DEVICES[1])}}}
    at_once = {**base, "note": {"versions": [[stamp(4, 0, DEVICES[2]), "third"]],
                                "seen": {DEVICES[2]: stamp(4, 0, DEVICES[2])}}}
    assert note_of(join(first, replaced)) == "second"
    assert note_of(join(join(first, replaced), at_once)) == f"third{CONFLICT_MARKER}second"


def test_a_change_is_stamped_after_what_it_replaces_whatever_the_wall_clock():
    clock = Clock(DEVICES[0])
    first = clock.tick(10_000)
    assert clock.tick(5_000) > first  # the wall clock went back: the stamps do not
    theirs = stamp(90_000, 3, DEVICES[1])
    mine = clock.tick(20_000, after=theirs)
    assert mine > theirs and device_of(mine) == DEVICES[0]
    assert clock.tick(20_000) > mine


def test_a_wall_clock_far_ahead_counts_for_a_day_beyond_what_was_seen():
    clock = Clock(DEVICES[0])
    clock.saw(stamp(1_000_000, 0, DEVICES[1]), now=1_000_000)
    year = 365 * 24 * 3600 * 1000
    assert wall_ms(clock.tick(1_000_000 + year)) == 1_000_000 + AHEAD_MS
    # What it has seen moves only as far as its own clock plus a day.
    clock.saw(stamp(1_000_000 + 2 * year, 0, DEVICES[1]), now=2_000_000)
    assert clock.seen_ms == 2_000_000 + AHEAD_MS


def test_a_stamp_of_its_own_met_in_the_folder_moves_the_clock_past_it():
    clock = Clock(DEVICES[0], ms=100)
    clock.saw(stamp(5_000, 7, DEVICES[0]), now=0)
    assert clock.tick(200) == stamp(5_000, 8, DEVICES[0])
