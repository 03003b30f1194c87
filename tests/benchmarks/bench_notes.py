"""Benchmark of the person's marks: start-up with 10,000 annotations, the highlights
panel, and saving a note, against baselines measured in the same run.

Targets: start-up with 10,000 highlights within 1.10× of start-up with none; the panel
open within 50 ms and a filter applied within 30 ms (medians).

    make bench        (runs this after the reader's benchmark)

Start-up with 10,000 highlights is compared with start-up with none, both in fresh
processes launched in turn. The panel is timed opening (ordering every annotation
and making the rows the list shows) and filtering by text; a note's save is
timed as the editor does it, one durable transaction per save.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT, RUNS, launch, machine, write_results
from tests.benchmarks.seed_notes import seed

COUNT = 10_000
FILTERS = ["party", "inequality", "NEP workers", "#", "zzzz", "Lenin democracy", "m"]


def startup(empty: str, full: str) -> tuple[float, float, float, float]:
    times: dict[str, list[float]] = {empty: [], full: []}
    memory: dict[str, list[int]] = {empty: [], full: []}
    launch("app", empty)
    launch("app", full)
    for _ in range(RUNS):
        for folder in (empty, full):
            seconds, rss = launch("app", folder)
            times[folder].append(seconds)
            memory[folder].append(rss)
    return (statistics.median(times[empty]), statistics.median(times[full]),
            statistics.median(memory[empty]) / 1024, statistics.median(memory[full]) / 1024)


def panel_and_saves(folder: str) -> tuple[list[float], list[float], list[float]]:
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.archive.store import Archive
    from desktop.gui.marks import Marks
    from desktop.gui.panels.highlights import HighlightsPanel
    from desktop.notes.store import Notes

    app = QApplication.instance() or QApplication([])
    notes = Notes(Path(folder), backup_now=False)
    marks = Marks(notes, Archive(ROOT / "archive.db"))
    panel = HighlightsPanel(marks)
    panel.resize(360, 800)
    opening, filtering, saving = [], [], []
    for _ in range(5):
        panel.hide()
        app.processEvents()
        panel.set_shown(False)
        panel.reload()  # marks it stale, as a change made while it is out of view does
        start = time.perf_counter()
        panel.show()
        panel.set_shown(True)
        panel.list.viewport().repaint()
        opening.append((time.perf_counter() - start) * 1000)
        for text in FILTERS:
            start = time.perf_counter()
            panel.filter.setText(text)
            panel.list.viewport().repaint()
            filtering.append((time.perf_counter() - start) * 1000)
        panel.filter.clear()
    highlight = notes.highlights()[0]
    for n in range(100):
        start = time.perf_counter()
        notes.update_highlight(highlight.id, note=f"a note being typed {n}")
        saving.append((time.perf_counter() - start) * 1000)
    notes.close()
    return opening, filtering, saving


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(len(values) * 0.95) - 1]


def main() -> None:
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        seed(Path(full), ROOT / "archive.db", COUNT)
        none_s, many_s, none_mb, many_mb = startup(empty, full)
        opening, filtering, saving = panel_and_saves(full)
    rows = [
        (f"Start-up to first paint, {COUNT:,} annotations", f"{many_s * 1000:.0f} ms",
         f"{none_s * 1000:.0f} ms (no annotations)", f"{many_s / none_s:.2f}×", "≤ 1.10×"),
        (f"Peak memory at first paint, {COUNT:,} annotations", f"{many_mb:.0f} MB",
         f"{none_mb:.0f} MB (no annotations)", f"{many_mb / none_mb:.2f}×", ""),
        (f"Highlights panel opens with {COUNT:,} (median / worst)",
         f"{statistics.median(opening):.0f} / {max(opening):.0f} ms", "", "", "≤ 50 ms"),
        ("Highlights panel filters by text (median / worst)",
         f"{statistics.median(filtering):.0f} / {max(filtering):.0f} ms", "", "", "≤ 30 ms"),
        ("Saving a note, one durable transaction (median / 95th percentile)",
         f"{statistics.median(saving):.2f} / {p95(saving):.2f} ms", "", "", ""),
    ]
    write_results("notes", rows, machine())


if __name__ == "__main__":
    main()
