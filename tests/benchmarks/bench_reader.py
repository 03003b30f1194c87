"""Benchmark of the reader: start-up, memory and search, against a baseline in the same run.

    make bench            (or: python -m tests.benchmarks.bench_reader)

Each start-up is a fresh process, timed from launch to its first paint; the
application (through its command line's own entry, as ``archive-browser --archive
ARCHIVE``: its options read, the link server listening, the running lock, the notes, the
window) and a bare PySide6 window with one text widget are launched in turn,
so that both see the same machine load. Search is timed as a keystroke's work:
the query, the results model and the count. Figures go to the terminal and to
tests/benchmarks/results-reader.md, which the README quotes.
"""

from __future__ import annotations

import compileall
import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("startup_child.py")
# BENCH_QUICK=1 (make bench-quick): three launches of each, and the tables printed only.
QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = int(os.environ.get("BENCH_RUNS", "3" if QUICK else "21"))
SEARCHES = ["communist", "Petrzhek", "proprietorial", '"ranks and tops"', "non-party",
            "rank-and-file", "1920-24", "priv*", "workers state", "Kronshtadt", "soviet",
            "inequality", "“war communism”", "Zinoviev", "a", "the", "revolution", "Lenin",
            "Bolshevik party", "zzzz"]


@functools.cache
def compiled() -> None:
    """The application's modules compiled to bytecode, as installing it does (pip
    compiles what it installs): where PYTHONDONTWRITEBYTECODE is set, an editable
    install would otherwise compile every module again at each launch, a cost the bare
    window does not pay and that no one who installed the application sees."""
    compileall.compile_dir(ROOT / "desktop", quiet=1)


def launch(mode: str, data_dir: str, archive: Path | None = None) -> tuple[float, int]:
    compiled()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "ARCHIVE_BROWSER_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(CHILD), mode,
                             str(archive or ROOT / "archive.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if not line.startswith("painted"):
        raise SystemExit(f"the {mode} launch did not paint")
    return elapsed, int(line.split()[1])


def startup() -> dict[str, tuple[float, float]]:
    times: dict[str, list[float]] = {"app": [], "bare": []}
    memory: dict[str, list[int]] = {"app": [], "bare": []}
    with tempfile.TemporaryDirectory() as data:
        launch("app", data)  # warm the file cache once for both
        launch("bare", data)
        for _ in range(RUNS):
            for mode in ("bare", "app"):
                seconds, rss = launch(mode, data)
                times[mode].append(seconds)
                memory[mode].append(rss)
    return {mode: (statistics.median(times[mode]), statistics.median(memory[mode]) / 1024)
            for mode in times}


def search_latency(*, typed: bool) -> list[float]:
    """Milliseconds per search: every keystroke of each query, or each whole query."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.archive.store import Archive
    from desktop.gui.panels.search import SearchPanel

    app = QApplication.instance() or QApplication([])
    panel = SearchPanel()
    panel.set_archive(Archive(ROOT / "archive.db"))
    panel.resize(340, 700)
    panel.show()
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    def type_key(char: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(panel.field, QKeyEvent(
                kind, 0, Qt.KeyboardModifier.NoModifier, char))

    timings = []
    for _ in range(5):
        for query in SEARCHES:
            panel.field.clear()
            app.processEvents()
            if not typed:
                panel.field.blockSignals(True)
                panel.field.setText(query[:-1])
                panel.field.blockSignals(False)
            for char in (query if typed else query[-1]):
                # From the key press to the results on screen: the key event, the
                # search, the model, the count and the repaint of the list.
                start = time.perf_counter()
                type_key(char)
                while panel.model.query != panel.field.text():
                    app.processEvents()
                panel.results.viewport().repaint()
                timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    up = startup()
    app_s, app_mb = up["app"]
    bare_s, bare_mb = up["bare"]
    keystrokes = sorted(search_latency(typed=True))
    whole = sorted(search_latency(typed=False))

    def p95(values: list[float]) -> float:
        return values[int(len(values) * 0.95) - 1]

    rows = [
        ("Start-up to first paint, essay", f"{app_s * 1000:.0f} ms",
         f"{bare_s * 1000:.0f} ms (bare window)", f"{app_s / bare_s:.2f}×", "≤ 2.0×"),
        ("Peak memory at first paint", f"{app_mb:.0f} MB", f"{bare_mb:.0f} MB (bare window)",
         f"{app_mb / bare_mb:.2f}×", "≤ 1.35×"),
        ("Search, key press to results shown, every keystroke of 20 queries: "
         "median / 95th percentile",
         f"{statistics.median(keystrokes):.2f} / {p95(keystrokes):.2f} ms", "", "", "≤ 50 ms"),
        ("Search, the last key of each query to its results shown: median / 95th "
         "percentile",
         f"{statistics.median(whole):.2f} / {p95(whole):.2f} ms", "", "", "≤ 50 ms"),
    ]
    write_results("reader", rows, machine())


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}; "
            f"{RUNS} launches of each, medians")


def write_results(name: str, rows: list[tuple[str, ...]], where: str) -> None:
    """Print a table, keep it in results-NAME.md, and put it in the README's section."""
    lines = ["| measure | Archive Browser | baseline | ratio | target |",
             "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    text = "\n".join(lines) + f"\n\nMachine: {where}.\n"
    print(text)
    if QUICK:
        return
    Path(__file__).with_name(f"results-{name}.md").write_text(text, encoding="utf-8")
    readme = ROOT / "README.md"
    start, end = f"<!-- bench-{name} -->\n", f"<!-- /bench-{name} -->"
    current = readme.read_text(encoding="utf-8")
    if start in current and end in current:
        head, rest = current.split(start, 1)
        readme.write_text(head + start + text + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    main()
