"""The reliability harness (``make torture``) still runs every case and prints its table.

Run with tiny counts, so that the harness cannot rot between its own runs. Whether
the application passes is the harness's business, not this test's: only that every
case ran to its end and was counted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.helpers import ROOT

CASES = ("SIGKILL a writer mid-save", "two processes editing the same marks",
         "hostile searches", "hostile import files", "damaged notes and archive files")


def test_every_case_of_the_harness_runs_and_is_counted(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "tests.torture", "--tiny", "--folder",
                             str(tmp_path), "--seed", "7"], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    assert "| case | tried | held | failed |" in result.stdout
    for case in CASES:
        row = re.search(rf"^\| {re.escape(case)} \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$",
                        result.stdout, re.MULTILINE)
        assert row is not None, result.stdout
        tried, held, failed = (int(n.replace(",", "")) for n in row.groups())
        assert tried > 0 and held + failed == tried
    assert "the case stopped" not in result.stdout, result.stdout
    assert "Seed 7;" in result.stdout
    assert (tmp_path / "torture.log").is_file()
    assert not (tmp_path / "work").exists()  # the scratch space is removed after a run
