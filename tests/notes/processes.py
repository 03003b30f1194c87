"""Helpers for tests that run several processes against one data folder.

A child prints ``ready`` once it has started, then waits for a line on its standard
input: the test releases all of them together, with no sleep. Output is read only
through the pipe's own file object (never ``readline()`` followed by
``communicate()``, which reads the pipe beneath the buffer and loses what
``readline()`` had already taken in).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def start(script: str, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.Popen[str]:
    """Start ``tests/notes/SCRIPT`` and return once it has printed ``ready``."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / script), *args], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first == "ready\n", first + proc.stderr.read()  # type: ignore[union-attr]
    return proc


def release(procs: list[subprocess.Popen[str]]) -> None:
    """Let waiting children go, one right after the other."""
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.close()


def finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    """Read every child's output to the end (all at once, so that no pipe fills up and
    stalls its writer) and wait for it: (return code, stdout, stderr) of each."""
    def read(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
        assert proc.stdout is not None and proc.stderr is not None
        with proc, ThreadPoolExecutor(2) as pool:
            out, err = pool.map(lambda f: f.read(), (proc.stdout, proc.stderr))
        return proc.returncode, out, err

    with ThreadPoolExecutor(len(procs)) as pool:
        return list(pool.map(read, procs))
