"""The real thing: two Syncthing instances on this machine carry a highlight from one
device's notes to the other's, and its deletion back (skipped without Syncthing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.notes.store import Notes
from desktop.notes.sync.round import Device, sync_round
from tests.notes.sync.sim import ARCHIVE, words
from tests.notes.sync.syncthing import log_of, two_instances, wait_until

pytestmark = pytest.mark.skipif(
    shutil.which("syncthing") is None,
    reason="Syncthing is not installed (apt-get install syncthing); the sync's end-to-end "
           "test needs two real instances")

DEADLINE = 30.0  # the promise: a change is on the other device within 30 s


def test_a_highlight_travels_through_syncthing_and_its_deletion_travels_back(tmp_path: Path):
    first = Notes(tmp_path / "data-alpha", backup_now=False)
    second = Notes(tmp_path / "data-beta", backup_now=False)
    alpha, beta = Device("a1" * 8, "alpha"), Device("b2" * 8, "beta")
    try:
        with two_instances(tmp_path) as (left, right):
            made = first.add_highlight(ARCHIVE, "essay", words(
                "archive-browser://communists-dilemma/essay/p8", 3), "green",
                "carried by Syncthing", ["e2e"])
            assert sync_round(first, ARCHIVE, left.folder, alpha).sent == 1

            def arrived() -> bool:
                sync_round(second, ARCHIVE, right.folder, beta)
                return second.highlight(made.id) is not None

            wait_until(arrived, DEADLINE, "the highlight did not reach the other device "
                       f"({log_of(right)})")
            assert second.highlight(made.id) == first.highlight(made.id)

            second.delete_highlight(made.id)
            assert sync_round(second, ARCHIVE, right.folder, beta).sent == 1

            def gone() -> bool:
                sync_round(first, ARCHIVE, left.folder, alpha)
                return first.highlight(made.id) is None

            wait_until(gone, DEADLINE, "the deletion did not reach the first device "
                       f"({log_of(left)})")
    finally:
        first.close()
        second.close()
