"""Benchmark at scale: a million passages in ten thousand documents.

    make bench        (this part takes several minutes)
    python -m tests.benchmarks.bench_scale --quick      (100,000 passages, about a minute)
    python -m tests.benchmarks.bench_scale --passages N --documents N
    python -m tests.benchmarks.bench_scale --build-only    (the build and its floor only)

1. Generates the synthetic corpus (tests/benchmarks/corpus.py, fixed seed) and builds
   it with the application's own builder: build time and archive size; then, in the
   same run, a raw floor for that build: the same cleaned passages (read back from the
   archive, held in memory before the clock starts) written with plain ``sqlite3``
   inserts into a table of the passages' columns, then the archive's own FTS5 table
   (desktop/archive/schema.py, FTS5's default settings) and its 'rebuild', one
   transaction; the build is reported as a multiple of that floor, and of the same
   floor with the settings the build gives a large archive's index (FTS5's defaults
   merge more as the text grows: the plain floor is not linear in it).
2. Launches, in turn, the application on the large archive, on the essay, and a bare
   PySide6 window with one text widget: time to the first paint and peak memory.
3. Times 200 searches over the large archive (common and rare words, phrases,
   prefixes), each as the window asks it (a first page with its snippets, counted after
   it is shown), against the plain FTS5 query for the same first page (``MATCH`` and
   ``snippet()``, what SQLite gives anyone), run in turn in the same rounds; and the
   same queries with what a person might use instead: ``rg`` over a text file of the
   same passages (``rg -i -F -m 100``: its first 100 lines holding the words), and
   sqlite-utils' search of the same archive (its own ``table.search()``, ranked, a
   page of 100).
4. In one window, a moment after it is shown: opening the 2nd and the 9,999th
   document from Contents (a click on the row, to the paint), in turn; and opening the
   corpus's 5,000-paragraph document, to the paint of its first screen.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
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
QUICK_PASSAGES = 100_000


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


RAW = ("SELECT rowid, snippet(passages_fts, 0, '[', ']', '…', 16) FROM passages_fts "
       "WHERE passages_fts MATCH ? ORDER BY rowid LIMIT 100")
ROUNDS = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


PASSAGE_COLUMNS = ("n", "id", "document_id", "section_id", "seq", "paragraph", "kind",
                   "text", "uri", "source_line")


def raw_floor(archive_path: Path, work: Path, *, bulk: bool = False) -> float:
    """Seconds to store the archive's passages and index them for search, plainly.

    The cleaned passages are read from the archive first, into memory, untimed; then
    timed: a new file, a table with the passages' columns (``n`` its integer primary
    key, the rowid the index points at), one ``executemany`` of every row, the
    archive's own FTS5 table over it and its 'rebuild' with FTS5's defaults, and the
    commit. With ``bulk``, the rebuild is given the settings the application's build
    gives a large archive's (desktop/archive/schema.py), then its 'optimize'.
    """
    from desktop.archive.schema import BULK_FTS_SETTINGS, FTS_TABLE

    columns = ", ".join(PASSAGE_COLUMNS)
    with sqlite3.connect(archive_path) as source:
        rows = source.execute(f"SELECT {columns} FROM passages ORDER BY n").fetchall()
    floor = work / "floor.db"
    start = time.perf_counter()
    conn = sqlite3.connect(floor, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE passages (n INTEGER PRIMARY KEY, id TEXT, document_id TEXT, "
                 "section_id TEXT, seq INTEGER, paragraph INTEGER, kind TEXT, text TEXT, "
                 "uri TEXT, source_line INTEGER)")
    conn.executemany(f"INSERT INTO passages ({columns}) "
                     f"VALUES ({', '.join('?' * len(PASSAGE_COLUMNS))})", rows)
    conn.execute(FTS_TABLE)
    for key, value in BULK_FTS_SETTINGS if bulk else ():
        conn.execute("INSERT INTO passages_fts (passages_fts, rank) VALUES (?, ?)",
                     (key, value))
    conn.execute("INSERT INTO passages_fts (passages_fts) VALUES ('rebuild')")
    if bulk:
        conn.execute("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')")
    conn.execute("COMMIT")
    conn.close()
    seconds = time.perf_counter() - start
    floor.unlink()
    return seconds


def search_times(archive_path: Path) -> dict[str, list[float]]:
    """Milliseconds per query: the window's first page, the count after it, plain FTS5."""
    from desktop.archive.search import count, search, to_match
    from desktop.archive.store import Archive

    times: dict[str, list[float]] = {"ours": [], "raw": [], "count": []}
    with Archive(archive_path) as archive:
        conn = archive.conn
        for query in queries():  # warm the page cache, as a running app has it
            search(conn, query, count=False)
            conn.execute(RAW, (to_match(query),)).fetchall()

        def ours(query: str) -> None:
            search(conn, query, count=False)

        def raw(query: str) -> None:
            conn.execute(RAW, (to_match(query),)).fetchall()

        for round_ in range(ROUNDS):
            for number, query in enumerate(queries()):
                # In turn, each first as often as second: neither warms the other.
                order = [("ours", ours), ("raw", raw)]
                for name, run in order if (number + round_) % 2 else order[::-1]:
                    start = time.perf_counter()
                    run(query)
                    times[name].append((time.perf_counter() - start) * 1000)
                if not search(conn, query, count=False).counted:
                    start = time.perf_counter()
                    count(conn, query)
                    times["count"].append((time.perf_counter() - start) * 1000)
    return times


def alternatives(archive_path: Path, work: Path) -> dict[str, list[float]]:
    """The same queries with rg over a dump of the passages, and with sqlite-utils."""
    import sqlite_utils

    from desktop.archive.search import _terms, to_match

    dump = work / "passages.txt"
    with sqlite3.connect(archive_path) as conn, dump.open("w", encoding="utf-8") as out:
        for (text,) in conn.execute("SELECT text FROM passages ORDER BY n"):
            out.write(" ".join(text.split()) + "\n")
    times: dict[str, list[float]] = {"rg": [], "sqlite-utils": []}
    rg = shutil.which("rg")
    db = sqlite_utils.Database(archive_path)
    for query in queries():
        terms = _terms(query)[0]
        if rg:
            # As a person would ask it: the words as typed, ignoring case; a prefix is
            # its letters (rg has no AND of patterns on a line: the benchmark's queries
            # are each one word, phrase or prefix).
            pattern = " ".join(terms[0].tokens)
            start = time.perf_counter()
            subprocess.run([rg, "-i", "-F", "-m", "100", "--no-filename", pattern,
                            str(dump)],
                           stdout=subprocess.DEVNULL, check=False)
            times["rg"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        list(db["passages"].search(to_match(query), limit=100))
        times["sqlite-utils"].append((time.perf_counter() - start) * 1000)
    db.close()
    return times


def open_documents(archive_path: Path, data: str) -> dict[str, list[float]]:
    """Milliseconds to open documents in a window, to their paint (in a child)."""
    code = f"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from desktop.gui.app import Application, qt_app
app = qt_app()
running = Application()
running.open_notes(mark_running=False)
window = running.open_window(Path({str(archive_path)!r}))
window.resize(1280, 820)
window.show()
contents = window.contents
model = contents.model()
deadline = time.monotonic() + 30
while model.canFetchMore() and time.monotonic() < deadline:  # a moment after it is shown
    app.processEvents()
    time.sleep(0.01)
app.processEvents()

def click(row):
    index = model.index(row, 0)
    contents.scrollTo(index)
    app.processEvents()
    start = time.perf_counter()
    QTest.mouseClick(contents.viewport(), Qt.MouseButton.LeftButton,
                     pos=contents.visualRect(index).center())
    window.reader.viewport().repaint()
    return (time.perf_counter() - start) * 1000

times = {{"second": [], "far": [], "big": []}}
for _ in range(5):
    times["second"].append(click(1))
    times["far"].append(click(min(9998, model.rowCount() - 1)))
big = window.archive.conn.execute(
    "SELECT document_id FROM passages GROUP BY document_id ORDER BY count(*) DESC LIMIT 1"
).fetchone()[0]
for _ in range(3):
    window.navigator.navigate(model.index(0, 0).data(Qt.ItemDataRole.UserRole + 1))
    app.processEvents()
    start = time.perf_counter()
    window.navigator.navigate(big, None)
    window.reader.viewport().repaint()
    times["big"].append((time.perf_counter() - start) * 1000)
    app.processEvents()
print(json.dumps(times))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ARCHIVE_BROWSER_DATA_DIR": data}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_PASSAGES:,} passages; results not written")
    parser.add_argument("--passages", type=int, default=PASSAGES)
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--archive", type=Path,
                        help="an archive built before, measured without building one; "
                             "results not written")
    parser.add_argument("--skip-startup", action="store_true",
                        help="leave the launches out; results not written")
    parser.add_argument("--build-only", action="store_true",
                        help="only the build and its raw floor; results not written")
    args = parser.parse_args()
    passages = QUICK_PASSAGES if args.quick else args.passages
    work = Path(tempfile.mkdtemp(prefix="archive-browser-scale-"))
    try:
        corpus, archive = work / "corpus", args.archive or work / "large.db"
        build_s = floor_s = bulk_s = 0.0
        if args.archive is None:
            generate(corpus, passages, args.documents)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "desktop.cli", "build", str(corpus),
                            "--output", str(archive)], check=True, cwd=ROOT,
                           stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            build_s = time.perf_counter() - start
            shutil.rmtree(corpus)
            floor_s = raw_floor(archive, work)
            bulk_s = raw_floor(archive, work, bulk=True)
        size_mb = archive.stat().st_size / 1e6
        if args.build_only:
            for row in build_rows(passages, args.documents, build_s, floor_s, bulk_s,
                                  size_mb):
                print(f"| {' | '.join(row)} |")
            return
        up = {name: (1.0, 1.0) for name in ("large", "essay", "bare")} if args.skip_startup \
            else startup(archive)
        searches = search_times(archive)
        others = alternatives(archive, work)
        with tempfile.TemporaryDirectory() as data:
            opened = open_documents(archive, data)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = table(passages, args.documents, (build_s, floor_s, bulk_s), size_mb, up, searches,
                 others, opened)
    if args.quick or args.archive or args.skip_startup:
        print("\n".join(f"| {' | '.join(row)} |" for row in rows))
    else:
        write_results("scale", rows, machine() + f"; searches: {ROUNDS} rounds of 200, "
                      "in turn with plain FTS5; openings: medians of 5 and 3")


def met(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


def build_rows(passages: int, documents: int, build_s: float, floor_s: float,
               bulk_s: float, size_mb: float) -> list[tuple[str, ...]]:
    """The build against the raw floor (FTS5's defaults), and against the same floor
    indexed with the build's own settings for a large archive."""
    ratio = build_s / floor_s if floor_s else float("nan")
    bulk = build_s / bulk_s if bulk_s else float("nan")
    what = f"Build {passages:,} passages in {documents:,} documents"
    return [
        (what, f"{build_s:.0f} s",
         f"{floor_s:.0f} s (raw floor: plain sqlite3 inserts of the same passages and the "
         f"same FTS5 rebuild); archive {size_mb:,.0f} MB", f"{ratio:.2f}×",
         f"≤ 1.5× raw floor ({met(ratio, 1.5)})"),
        (what, f"{build_s:.0f} s",
         f"{bulk_s:.0f} s (the same floor, its rebuild with the build's settings for a "
         "large archive, then 'optimize')", f"{bulk:.2f}×", ""),
    ]


def table(passages: int, documents: int, builds: tuple[float, float, float], size_mb: float,
          up: dict[str, tuple[float, float]], searches: dict[str, list[float]],
          others: dict[str, list[float]], opened: dict[str, list[float]]
          ) -> list[tuple[str, ...]]:
    large_s, large_mb = up["large"]
    essay_s, essay_mb = up["essay"]
    bare_s, _bare_mb = up["bare"]
    ours, raw = searches["ours"], searches["raw"]
    p50, p95, p99 = (percentile(ours, q) for q in (0.5, 0.95, 0.99))
    raw50, raw95 = percentile(raw, 0.5), percentile(raw, 0.95)
    counts = searches["count"] or [0.0]
    second, far = statistics.median(opened["second"]), statistics.median(opened["far"])
    big = statistics.median(opened["big"])
    rows = [
        *build_rows(passages, documents, *builds, size_mb),
        ("Start-up to first paint, large archive", f"{large_s * 1000:.0f} ms",
         f"{essay_s * 1000:.0f} ms (essay)", f"{large_s / essay_s:.2f}×", "≤ 1.2×"),
        ("Start-up to first paint, large archive", f"{large_s * 1000:.0f} ms",
         f"{bare_s * 1000:.0f} ms (bare window)", f"{large_s / bare_s:.2f}×", "≤ 2.5×"),
        ("Peak memory at first paint, large archive", f"{large_mb:.0f} MB",
         f"{essay_mb:.0f} MB (essay)", f"{large_mb / essay_mb:.2f}×", "≤ 1.3×"),
        ("Search, 200 queries, a first page with snippets: median / 95th percentile",
         f"{p50:.1f} / {p95:.1f} ms", f"{raw50:.1f} / {raw95:.1f} ms (plain FTS5 query)",
         f"{p50 / raw50:.2f}× / {p95 / raw95:.2f}×", f"p95 ≤ 1.3× ({met(p95 / raw95, 1.3)})"),
        ("Search, 99th percentile and slowest", f"{p99:.1f} / {max(ours):.1f} ms",
         f"{percentile(raw, 0.99):.1f} / {max(raw):.1f} ms (plain FTS5 query)", "",
         f"p99 ≤ 20 ms ({met(p99, 20)})"),
        ("Search, counting a full page's matches after it is shown: median / 95th "
         "percentile", f"{statistics.median(counts):.1f} / {percentile(counts, 0.95):.1f} ms",
         "", "", ""),
    ]
    for name, label in (("rg", "rg over a text file of the passages"),
                        ("sqlite-utils", "sqlite-utils search, ranked")):
        if others.get(name):
            theirs = others[name]
            rows.append(("Search, the same 200 queries: median / 95th percentile",
                         f"{p50:.1f} / {p95:.1f} ms",
                         f"{statistics.median(theirs):.1f} / {percentile(theirs, 0.95):.1f} "
                         f"ms ({label})",
                         f"{p50 / statistics.median(theirs):.3f}× / "
                         f"{p95 / percentile(theirs, 0.95):.3f}×", ""))
    rows += [
        ("Open the 9,999th document from Contents, to its paint", f"{far:.1f} ms",
         f"{second:.1f} ms (the 2nd)", f"{far / second:.2f}×",
         f"≤ 1.2× ({met(far / second, 1.2)})"),
        ("Open a 5,000-paragraph document, to the paint of its first screen", f"{big:.0f} ms",
         "", "", f"≤ 150 ms ({met(big, 150)})"),
    ]
    return rows


if __name__ == "__main__":
    main()
