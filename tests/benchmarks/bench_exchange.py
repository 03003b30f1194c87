"""Benchmark of export and import with 100,000 annotations: time and peak memory.

    make bench        (runs this last)

Each measure runs in a fresh process so that its peak memory is its own, RUNS times
(the median is given: the machine may be shared), the exports and the import in turn
(each export, then the import, then again), so that a spell of load on a shared
machine falls on a run or two of each rather than on every run of one; the baseline
is the same process
starting, opening the archive and the notes, and doing nothing. The time is the work
alone, after the process has opened the archive and the notes; the export is written
as it is made, as the command and the window write it. Placement is measured too, on
files of 10,000 marks from another source: quotes that are nowhere in the archive
(orphans, the slowest kind), and quotes that are, as written or with a letter changed.

    python -m tests.benchmarks.bench_exchange placement    (placement alone)
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT, write_results
from tests.benchmarks.seed_notes import seed, with_real_ids

COUNT = 100_000
PLACED = 10_000
RUNS = 7


def placement_file(path: Path, kind: str, count: int = PLACED) -> None:
    """Annotations whose source is unknown here, so that each is looked for everywhere:
    "unplaceable" quote 30 to 50 of the archive's words in a random order (found nowhere,
    yet made of its vocabulary); "placeable" quote a passage, half with a letter changed.
    """
    from desktop.archive.store import Archive

    rng = random.Random(1922)
    archive = Archive(ROOT / "archive.db")
    passages = [p.text for d in archive.documents() for p in archive.passages(d.id)
                if len(p.text) > 120]
    archive.close()
    vocabulary = " ".join(passages).split()
    items = []
    for n in range(count):
        if kind == "unplaceable":
            exact = " ".join(rng.choices(vocabulary, k=rng.randint(30, 50)))
        else:
            text = rng.choice(passages)
            start = rng.randrange(len(text) - 100)
            exact = text[start:start + rng.randint(20, 90)]
            if n % 2:
                at = rng.randrange(len(exact))
                exact = exact[:at] + ("x" if exact[at] != "x" else "y") + exact[at + 1:]
        items.append({"id": f"urn:bench:{n}", "type": "Annotation",
                      "target": {"source": "https://example.org/elsewhere", "selector": [
                          {"type": "TextQuoteSelector", "exact": exact}]}})
    path.write_text(json.dumps(items), encoding="utf-8")


def child(mode: str, folder: str, path: str) -> None:
    """Run one measure in this process; print seconds and peak memory (MB) as JSON."""
    from desktop.archive.store import Archive
    from desktop.notes.export import collect, render_chunks, write_atomically
    from desktop.notes.importer import import_file
    from desktop.notes.store import Notes

    archive = Archive(ROOT / "archive.db")
    notes = Notes(Path(folder), backup_now=False)
    start = time.perf_counter()
    if mode.startswith("export-"):
        fmt = mode.split("-", 1)[1]
        # Written as it is made, as the command and the window write it.
        write_atomically(Path(path), render_chunks(fmt, collect(notes, archive), archive),
                         overwrite=True)
    elif mode == "import":
        report = import_file(notes, archive, Path(path))
        assert report.added == COUNT, report
    elif mode.startswith("place-"):
        report = import_file(notes, archive, Path(path))
        assert report.added == PLACED, report
        print(f"{report.orphaned} orphaned", file=sys.stderr)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


Measure = tuple[str, str, str, bool]  # mode, folder, path, fresh (see run_once)


def run_once(mode: str, folder: str, path: str, fresh: bool = False) -> dict[str, float]:
    """The time and peak of one fresh process (``fresh``: with the folder emptied
    first, for imports into empty notes)."""
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    out = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_exchange", mode,
                          folder, path], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_in_turn(measures: list[Measure]) -> list[dict[str, float]]:
    """The median time and peak of RUNS runs of each measure, run in turn."""
    results: list[list[dict[str, float]]] = [[] for _ in measures]
    for _ in range(RUNS):
        for measure, found in zip(measures, results, strict=True):
            found.append(run_once(*measure))
    return [{key: statistics.median(r[key] for r in found) for key in found[0]}
            for found in results]


def run(mode: str, folder: str, path: str, *, fresh: bool = False) -> dict[str, float]:
    """The median time and peak of RUNS runs of one measure."""
    return run_in_turn([(mode, folder, path, fresh)])[0]


def where() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}; "
            f"{RUNS} runs of each, medians")


def main() -> None:
    with tempfile.TemporaryDirectory() as full, tempfile.TemporaryDirectory() as empty, \
            tempfile.TemporaryDirectory() as out:
        seed(Path(full), ROOT / "archive.db", COUNT)
        with_real_ids(Path(full))  # as the application makes them: UUIDs
        base = run("nothing", full, "")
        formats = ("markdown", "json", "csv")
        # The import reads a file as the JSON export writes it, made first.
        run_once("export-json", full, str(Path(out) / "import.json"))
        *exported, result = run_in_turn(
            [(f"export-{fmt}", full, str(Path(out) / f"export.{fmt}"), False)
             for fmt in formats] + [("import", empty, str(Path(out) / "import.json"), True)])
        rows = []
        for fmt, found in zip(formats, exported, strict=True):
            size = (Path(out) / f"export.{fmt}").stat().st_size / 1e6
            rows.append((f"Export {COUNT:,} annotations as {fmt} ({size:.0f} MB)",
                         f"{found['seconds']:.2f} s", f"{base['peak_mb']:.0f} MB at rest",
                         f"peak {found['peak_mb']:.0f} MB", "≤ 1.5 s, peak ≤ 200 MB"))
        rows.append((f"Import {COUNT:,} annotations from JSON into empty notes",
                     f"{result['seconds']:.2f} s", f"{base['peak_mb']:.0f} MB at rest",
                     f"peak {result['peak_mb']:.0f} MB", "≤ 4 s, peak ≤ 300 MB"))
    rows += placement_rows(base)
    write_results("exchange", rows, where())


def placement_rows(base: dict[str, float] | None = None) -> list[tuple[str, ...]]:
    rows = []
    with tempfile.TemporaryDirectory() as out:
        if base is None:
            base = run("nothing", str(Path(out) / "rest"), "")
        for kind, target in (("unplaceable", "≤ 10 s"), ("placeable", "≤ 10 s")):
            path = Path(out) / f"{kind}.json"
            placement_file(path, kind)
            result = run(f"place-{kind}", str(Path(out) / kind), str(path), fresh=True)
            rows.append((f"Import {PLACED:,} {kind} marks from elsewhere",
                         f"{result['seconds']:.2f} s", f"{base['peak_mb']:.0f} MB at rest",
                         f"peak {result['peak_mb']:.0f} MB", target))
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 4:
        child(*sys.argv[1:])
    elif sys.argv[1:] == ["placement"]:
        for row in placement_rows():
            print(" | ".join(row))
    else:
        main()
