"""Benchmark at scale: a million passages in ten thousand documents.

    make bench        (this part takes a few minutes)

1. Generates the synthetic corpus (tests/benchmarks/corpus.py, fixed seed) and builds
   it with the application's own builder: build time and archive size.
2. Launches, in turn, the application on the large archive, on the essay, and a bare
   PySide6 window with one text widget: time to the first paint and peak memory.
3. Times 200 searches over the large archive (common and rare words, phrases,
   prefixes), snippets and match positions included: median and 95th percentile.
4. Times opening the corpus's 5,000-paragraph document in the reader, to its paint.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT, RUNS, launch, machine, write_results
from tests.benchmarks.corpus import SEED, essay_statistics, generate

PASSAGES = int(os.environ.get("BENCH_PASSAGES", "1000000"))
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "10000"))


def queries() -> list[str]:
    """200 queries: 70 common words, 50 rare ones, 40 phrases, 40 prefixes."""
    rng = random.Random(SEED)
    vocabulary, weights, _lengths = essay_statistics()
    ranked = [w for _c, w in sorted(zip(weights, vocabulary, strict=True), reverse=True)]
    common, rare = ranked[:150], [w for w in ranked if len(w) > 5][-300:]
    found = rng.sample(common, 70) + rng.sample(rare, 50)
    found += [" ".join(rng.sample(common[:60], 2)).join('""') for _ in range(20)]
    found += [f'"{rng.choice(common)} {rng.choice(rare)}"' for _ in range(20)]
    found += [rng.choice(ranked)[:rng.randint(3, 5)] + "*" for _ in range(40)]
    return found


def search_times(archive_path: Path) -> list[float]:
    from desktop.archive.search import search
    from desktop.archive.store import Archive

    with Archive(archive_path) as archive:
        for query in queries()[:20]:
            search(archive.conn, query)  # warm the page cache, as a running app has it
        times = []
        for query in queries():
            start = time.perf_counter()
            search(archive.conn, query)
            times.append((time.perf_counter() - start) * 1000)
    return times


def open_big_document(archive_path: Path, data: str) -> float:
    """Milliseconds to lay out and paint the 5,000-paragraph document (in a child)."""
    code = f"""
import sys, time
from pathlib import Path
import sqlite3
from desktop.gui.app import Application, qt_app
app = qt_app()
running = Application()
running.open_notes(mark_running=False)
window = running.open_window(Path({str(archive_path)!r}))
window.show(); app.processEvents()
with sqlite3.connect(Path({str(archive_path)!r})) as conn:
    big = conn.execute("SELECT document_id FROM passages GROUP BY document_id "
                       "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
start = time.perf_counter()
window.navigator.navigate(big, None)
window.reader.viewport().repaint()
print((time.perf_counter() - start) * 1000)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ARCHIVE_BROWSER_DATA_DIR": data}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def startup(large: Path) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[list[float], list[int]]] = {}
    with tempfile.TemporaryDirectory() as base:
        cases = {"large": ("app", large), "essay": ("app", ROOT / "archive.db"),
                 "bare": ("bare", ROOT / "archive.db")}
        for name, (mode, path) in cases.items():
            launch(mode, str(Path(base) / name), path)  # warm the file cache
            results[name] = ([], [])
        for _ in range(RUNS):
            for name, (mode, path) in cases.items():
                seconds, rss = launch(mode, str(Path(base) / name), path)
                results[name][0].append(seconds)
                results[name][1].append(rss)
    return {name: (statistics.median(t), statistics.median(m) / 1024)
            for name, (t, m) in results.items()}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="archive-browser-scale-"))
    try:
        corpus, archive = work / "corpus", work / "large.db"
        generate(corpus, PASSAGES, DOCUMENTS)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "desktop.cli", "build", str(corpus), "--output",
                        str(archive)], check=True, cwd=ROOT, stderr=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
        build_s = time.perf_counter() - start
        size_mb = archive.stat().st_size / 1e6
        up = startup(archive)
        searches = sorted(search_times(archive))
        timings = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as data:  # a first visit each time
                timings.append(open_big_document(archive, data))
        opening = statistics.median(timings)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    large_s, large_mb = up["large"]
    essay_s, essay_mb = up["essay"]
    bare_s, _bare_mb = up["bare"]
    p95 = searches[int(len(searches) * 0.95) - 1]
    rows = [
        (f"Build {PASSAGES:,} passages in {DOCUMENTS:,} documents", f"{build_s:.0f} s",
         f"archive {size_mb:,.0f} MB", "", "≤ 180 s"),
        ("Start-up to first paint, large archive", f"{large_s * 1000:.0f} ms",
         f"{essay_s * 1000:.0f} ms (essay)", f"{large_s / essay_s:.2f}×", "≤ 1.2×"),
        ("Start-up to first paint, large archive", f"{large_s * 1000:.0f} ms",
         f"{bare_s * 1000:.0f} ms (bare window)", f"{large_s / bare_s:.2f}×", "≤ 2.5×"),
        ("Peak memory at first paint, large archive", f"{large_mb:.0f} MB",
         f"{essay_mb:.0f} MB (essay)", f"{large_mb / essay_mb:.2f}×", "≤ 1.3×"),
        ("Search, 200 queries with snippets: median / 95th percentile",
         f"{statistics.median(searches):.1f} / {p95:.1f} ms", "", "", "p95 ≤ 20 ms"),
        ("Open a 5,000-paragraph document, to its paint", f"{opening:.0f} ms", "", "",
         "≤ 500 ms"),
    ]
    write_results("scale", rows, machine())


if __name__ == "__main__":
    main()
