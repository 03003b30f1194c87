"""A hostile file is refused before it costs more memory than a few times its size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

MB = 1024 * 1024
# The import command in-process, then this process's own peak memory (ru_maxrss is
# in KiB on Linux), so that no other child of the test run is counted.
CHILD = """
import resource, sys
from desktop.cli import main
code = main(["import", sys.argv[1]])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def peak_of_import(data: Path, path: Path) -> tuple[int, int]:
    env = {**os.environ, "ARCHIVE_BROWSER_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=300)
    code, peak = result.stdout.split()[-2:]
    return int(code), int(peak)


def write_repeated(path: Path, unit: bytes, size: int) -> None:
    with path.open("wb") as out:
        out.write(b"[")
        block = unit * (MB // len(unit))
        for _ in range(size // len(block)):
            out.write(block)
        out.write(b"0]")


@pytest.mark.parametrize("unit", [b"[],", b"1,", b"{},"], ids=["arrays", "numbers", "objects"])
def test_refusing_a_dense_file_costs_about_its_size(tmp_path, unit):
    small = tmp_path / "small.json"
    small.write_text("[]")
    _code, base = peak_of_import(tmp_path / "data", small)
    hostile = tmp_path / "hostile.json"
    write_repeated(hostile, unit, 30 * MB)
    code, peak = peak_of_import(tmp_path / "data", hostile)
    assert code == 1
    assert peak - base < 4 * hostile.stat().st_size
