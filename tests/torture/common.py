"""What every case of the harness shares: its scale, its outcome, and child processes."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from desktop.notes.store import Notes

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ARCHIVE = ROOT / "archive.db"
SHOWN_FAILURES = 3  # per case on standard output; the log has them all
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Scale:
    """How hard each case tries."""

    kills: int  # writers killed mid-save
    edits: int  # edits by each of the two editing processes, per sub-case
    searches: int  # hostile queries
    passages: int  # in the large archive searched
    import_files: int  # generated hostile import files, at most (beside the suite's own)
    big_mb: int  # the size of the largest generated import files
    unplaceable: int  # marks in the file of marks that cannot be placed
    damaged_notes: int  # damaged copies of a notes folder
    damaged_archives: int  # damaged copies of the archive


FULL = Scale(kills=200, edits=1_500, searches=20_000, passages=100_000, import_files=1_000,
             big_mb=90, unplaceable=10_000, damaged_notes=40, damaged_archives=16)
QUICK = Scale(kills=15, edits=60, searches=1_000, passages=20_000, import_files=25, big_mb=8,
              unplaceable=300, damaged_notes=8, damaged_archives=3)
# For the suite's own check that the harness runs: seconds, not minutes.
TINY = Scale(kills=2, edits=8, searches=60, passages=0, import_files=3, big_mb=0,
             unplaceable=20, damaged_notes=1, damaged_archives=1)


@dataclass
class Context:
    """Where a run works, how hard it tries, and the seed everything is drawn from."""

    folder: Path  # the cache (the large archive) and the log
    work: Path  # scratch space for this run, emptied first
    scale: Scale
    seed: int

    def rng(self, case: str) -> random.Random:
        """A generator of its own for each case, so that cases do not shift each other."""
        return random.Random(f"{self.seed}:{case}")


@dataclass
class Outcome:
    """What one case tried, and what failed (described in a line each)."""

    case: str
    tried: int = 0
    failures: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # figures worth quoting

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def held(self) -> int:
        return self.tried - self.failed

    def record(self, problem: str | None) -> None:
        """Count one try: it held when ``problem`` is None, else failed for that reason."""
        self.tried += 1
        if problem is not None:
            self.failures.append(problem)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that imports the application and the tests."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen", **extra}


def run_child(args: list[str], *, timeout: float, **extra_env: str) -> tuple[int, str, str]:
    """Run a child process to its end: (exit status, stdout, stderr). A child still
    running after ``timeout`` seconds is killed, and reported with status -9."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, errors="replace",
                              env=child_env(**extra_env), timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else ""
        return -9, out, f"still running after {timeout:.0f} s"
    return done.returncode, done.stdout, done.stderr


def python(module: str, *args: str) -> list[str]:
    """The command line that runs one of the harness's child modules."""
    return [sys.executable, "-m", f"tests.torture.{module}", *args]


def fingerprint(notes: Notes) -> str:
    """Everything a person has in their notes, in brief: every field of every mark."""
    digest = hashlib.sha256()
    for h in sorted(notes.highlights(), key=lambda h: h.id):
        digest.update(repr((h.id, h.selector, h.colour, h.note, h.tags, h.state, h.created,
                            h.modified, h.more, h.first_state)).encode("utf-8",
                                                                      "backslashreplace"))
    for b in sorted(notes.bookmarks(), key=lambda b: b.id):
        digest.update(repr((b.id, b.uri, b.label, b.exact, b.state, b.created,
                            b.modified)).encode("utf-8", "backslashreplace"))
    for link in sorted(notes.links(), key=lambda link: link.id):
        digest.update(repr(link).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


def last_line(text: str) -> str:
    """The last line of a child's output, shortened for a one-line description."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return short(lines[-1]) if lines else "(nothing)"


def short(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"
