"""Benchmark of sync with three devices and 100,000 marks (not a test).

    python -m tests.benchmarks.bench_sync          (about a minute)

The first device holds 100,000 highlights (notes, tags, colours, spread over the
essay, random UUIDs for ids); the three share one folder, as a sync engine would keep
it. Measured: the first round of the device that has them (every mark stamped and
written), the first round of each new device (every mark read and merged: target under
10 s), a round with nothing new (target under 100 ms), a round that brings in 200
changes, and the folder's size after compaction against one JSON export of the same
marks (target at most twice).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT
from tests.benchmarks.seed_notes import seed, with_real_ids

COUNT = 100_000
QUIET_ROUNDS = 20


def main() -> None:
    from desktop.archive.store import Archive
    from desktop.notes.export import collect, render_chunks
    from desktop.notes.store import Notes
    from desktop.notes.sync.round import Device, sync_round

    archive_path = ROOT / "archive.db"
    speed = [machine_ms()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shared = root / "Sync"
        shared.mkdir()
        seed(root / "a", archive_path, COUNT)
        with_real_ids(root / "a")
        devices = [Device(f"{n:016x}", name) for n, name in enumerate(["a", "b", "c", "d"])]
        notes = [Notes(root / d.name, backup_now=False) for d in devices]
        archive = Archive(archive_path)
        archive_id = archive.archive_id
        rows: list[tuple[str, str, str]] = []

        def round_of(n: int, **options: int) -> tuple[float, object]:
            started = time.perf_counter()
            report = sync_round(notes[n], archive_id, shared, devices[n], **options)
            return time.perf_counter() - started, report

        def long_round_of(n: int, **options: int) -> tuple[str, object]:
            """Its time, and the processor time it took (which the machine's other work
            changes far less)."""
            busy = time.process_time()
            took, report = round_of(n, **options)
            return f"{took:.1f} s ({time.process_time() - busy:.1f} s of processor)", report

        took_text, report = long_round_of(0, compact_after=10_000)
        rows.append((f"first round of the device holding {COUNT:,} marks (all sent)",
                     f"{took_text}, {report.sent:,} sent", "—"))
        for n in (1, 2):
            took_text, report = long_round_of(n, compact_after=10_000)
            assert report.received == COUNT, report
            rows.append((f"first round of a new device ({COUNT:,} marks received)",
                         took_text, "< 10 s"))
        quiet = []
        for _ in range(QUIET_ROUNDS):
            for n in (0, 1, 2):
                took, report = round_of(n, compact_after=10_000)
                assert report.received == report.sent == 0, report
                quiet.append(took)
        rows.append(("a round with nothing new (median; slowest)",
                     f"{statistics.median(quiet) * 1000:.0f} ms; "
                     f"{max(quiet) * 1000:.0f} ms", "< 100 ms"))
        some = notes[1].highlights()[:100]
        for h in some:
            notes[1].update_highlight(h.id, note=h.note + " (edited)")
        for h in notes[2].highlights()[100:200]:
            notes[2].update_highlight(h.id, colour="purple")
        round_of(1, compact_after=10_000)
        round_of(2, compact_after=10_000)
        took, report = round_of(0, compact_after=10_000)
        rows.append(("a round that brings in 200 changes", f"{took * 1000:.0f} ms", "—"))
        for n in (1, 2, 0):  # every device acknowledges the others' files, then compacts
            round_of(n, compact_after=1)
        for n in (1, 2, 0):
            round_of(n, compact_after=1)
        folder = sum(p.stat().st_size for p in shared.rglob("*") if p.is_file())
        export = sum(len(chunk.encode("utf-8")) for chunk in render_chunks(
            "json", collect(notes[0], archive), archive, when=datetime.now(UTC)))
        files = sorted(p.name for p in shared.rglob("*.jsonl"))
        rows.append(("the folder after compaction, against one JSON export",
                     f"{folder / 1e6:.1f} MB against {export / 1e6:.1f} MB "
                     f"({folder / export:.2f}×; {len(files)} change files)", "≤ 2×"))
        took_text, report = long_round_of(3)
        assert report.received == COUNT, report
        rows.append(("first round of a device joining after compaction", took_text,
                     "< 10 s"))
        for n in notes:
            n.close()
        archive.close()
    speed.append(machine_ms())
    write_results(rows, speed)


def machine_ms() -> float:
    """How busy the machine is: ``python -m timeit "sum(range(10**6))"``, in ms."""
    import timeit

    return min(timeit.repeat("sum(range(10**6))", number=5, repeat=5)) / 5 * 1000


def write_results(rows: list[tuple[str, str, str]], speed: list[float]) -> None:
    """Print the table, keep it in results-sync.md, and put it in the README's section."""
    import os
    import platform

    lines = ["| measure | result | target |", "|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    text = "\n".join(lines) + (f"\n\nMachine: {platform.machine()}, {os.cpu_count()} cores, "
                               f"Python {platform.python_version()}, {platform.system()} "
                               f"{platform.release()}; {COUNT:,} highlights, three devices "
                               "sharing one folder; `sum(range(10**6))` took "
                               f"{speed[0]:.0f} ms before and {speed[1]:.0f} ms after.\n")
    print(text)
    Path(__file__).with_name("results-sync.md").write_text(text, encoding="utf-8")
    readme = ROOT / "README.md"
    start, end = "<!-- bench-sync -->\n", "<!-- /bench-sync -->"
    current = readme.read_text(encoding="utf-8")
    if start in current and end in current:
        head, rest = current.split(start, 1)
        readme.write_text(head + start + text + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    main()
