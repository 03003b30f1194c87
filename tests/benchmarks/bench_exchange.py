"""Benchmark of export and import with 100,000 annotations: time and peak memory.

    make bench        (runs this last)

Each measure runs in a fresh process so that its peak memory is its own; the
baseline is the same process starting, opening the archive and the notes, and
doing nothing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT, machine, write_results
from tests.benchmarks.seed_notes import seed

COUNT = 100_000


def child(mode: str, folder: str, path: str) -> None:
    """Run one measure in this process; print seconds and peak memory (MB) as JSON."""
    from desktop.archive.store import Archive
    from desktop.notes.export import collect, render, write_atomically
    from desktop.notes.importer import import_file
    from desktop.notes.store import Notes

    archive = Archive(ROOT / "archive.db")
    notes = Notes(Path(folder), backup_now=False)
    start = time.perf_counter()
    if mode.startswith("export-"):
        fmt = mode.split("-", 1)[1]
        text = render(fmt, collect(notes, archive), archive)
        write_atomically(Path(path), text, overwrite=True)
    elif mode == "import":
        report = import_file(notes, archive, Path(path))
        assert report.added == COUNT, report
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def run(mode: str, folder: str, path: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_exchange", mode, folder,
                          path], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as full, tempfile.TemporaryDirectory() as empty, \
            tempfile.TemporaryDirectory() as out:
        seed(Path(full), ROOT / "archive.db", COUNT)
        base = run("nothing", full, "")
        rows = []
        for fmt in ("markdown", "json", "csv"):
            path = str(Path(out) / f"export.{fmt}")
            result = run(f"export-{fmt}", full, path)
            size = Path(path).stat().st_size / 1e6
            rows.append((f"Export {COUNT:,} annotations as {fmt} ({size:.0f} MB)",
                         f"{result['seconds']:.2f} s", f"{base['peak_mb']:.0f} MB at rest",
                         f"peak {result['peak_mb']:.0f} MB", "≤ 3 s"))
        result = run("import", empty, str(Path(out) / "export.json"))
        rows.append((f"Import {COUNT:,} annotations from JSON into empty notes",
                     f"{result['seconds']:.2f} s", f"{base['peak_mb']:.0f} MB at rest",
                     f"peak {result['peak_mb']:.0f} MB", "≤ 10 s"))
    write_results("exchange", rows, machine())


if __name__ == "__main__":
    if len(sys.argv) == 4:
        child(*sys.argv[1:])
    else:
        main()
