"""Case 3: hostile searches on a large archive never raise, and never freeze.

The archive is built once from the benchmark corpus (``tests/benchmarks/corpus.py``)
into the harness's folder and kept. Each query runs through the application's own
:func:`~desktop.archive.search.search` on a read-only connection, with the match
positions of its first hit, as the reader asks for them. A query fails when it
raises, or when it keeps the caller waiting longer than :data:`BUDGET_S`: a watchdog
interrupts it there, so that a slow search costs the run no more than that. The
queries are shared between two processes (the machine's two cores), and the whole
case stops after :data:`TOTAL_BUDGET_S`: not getting through them all in that time
is a failure too. The slowest query of each kind is then timed again without the
watchdog, to report how long a person would really wait.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from desktop.archive.errors import ArchiveError
from desktop.archive.folder import build_folder
from desktop.archive.schema import SCHEMA_VERSION
from desktop.archive.search import matched_spans, search
from desktop.archive.store import Archive
from tests.benchmarks.corpus import essay_statistics, generate
from tests.torture.common import SHIPPED_ARCHIVE, Context, Outcome, short
from tests.torture.hostile_queries import Generator

BUDGET_S = float(os.environ.get("TORTURE_SEARCH_BUDGET_S", "0.5"))  # a window frozen
# The whole case stops there: searching slower than that is a failure in itself.
TOTAL_BUDGET_S = float(os.environ.get("TORTURE_SEARCH_TOTAL_S", "180"))
RETIME_LIMIT_S = 60.0


def large_archive(ctx: Context) -> Path:
    """The archive searched: built once per size and schema, then kept."""
    if ctx.scale.passages == 0:
        return SHIPPED_ARCHIVE
    path = ctx.folder / f"archive-{ctx.scale.passages}-v{SCHEMA_VERSION}.db"
    if path.exists():
        try:
            Archive(path).close()
            return path
        except ArchiveError:
            path.unlink()  # an older build this version cannot read
    corpus = ctx.work / "corpus"
    generate(corpus, ctx.scale.passages, max(1, ctx.scale.passages // 100))
    build_folder(corpus, path)
    shutil.rmtree(corpus)
    return path


class Watchdog:
    """Interrupts the query running on a connection once it has taken too long."""

    def __init__(self, conn: sqlite3.Connection, seconds: float) -> None:
        self.conn, self.seconds = conn, seconds
        self.lock = threading.Lock()
        self.running = 0  # the number of the query running, 0 for none
        self.fired = False

    def _fire(self, number: int) -> None:
        with self.lock:
            if self.running == number:
                self.fired = True
                self.conn.interrupt()

    def time(self, number: int, query: str) -> tuple[float, Exception | None]:
        """Seconds taken by one query, and what it raised (None if nothing)."""
        with self.lock:
            self.running, self.fired = number, False
        timer = threading.Timer(self.seconds, self._fire, (number,))
        timer.start()
        started = time.perf_counter()
        problem = ask(self.conn, query)
        took = time.perf_counter() - started
        with self.lock:
            self.running = 0
        timer.cancel()
        return took, problem


def ask(conn: sqlite3.Connection, query: str) -> Exception | None:
    """Search as the window does: a page of results, then the first hit's matches."""
    try:
        results = search(conn, query)
        if results.hits:
            matched_spans(conn, query, results.hits[0].n)
    except Exception as exc:  # whatever it is, it reached the person
        return exc
    return None


def _search_share(path: Path, ctx: Context, share: int, shares: int, deadline: float
                  ) -> tuple[list[tuple[float, int, str]], list[str]]:
    """Run every ``shares``-th query from the ``share``-th, in a process of its own:
    (seconds, number, description) of each query run, and the failures."""
    vocabulary, weights, _lengths = essay_statistics()
    generator = Generator(ctx.rng("searches"), vocabulary, weights)
    times: list[tuple[float, int, str]] = []
    failures: list[str] = []
    with Archive(path) as archive:
        watchdog = Watchdog(archive.conn, BUDGET_S)
        for number, query in enumerate(generator.queries(ctx.scale.searches), 1):
            if number % shares != share:
                continue
            if time.monotonic() > deadline:
                break
            took, problem = watchdog.time(number, query)
            times.append((took, number, _describe(query)))
            if problem is not None:
                failures.append(f"query {number} raised {type(problem).__name__}: "
                                f"{short(str(problem), 80)} ({_describe(query)})")
            elif took > BUDGET_S:
                failures.append(f"query {number} took more than {BUDGET_S:g} s "
                                f"({_describe(query)})")
    return times, failures


def run(ctx: Context) -> Outcome:
    outcome = Outcome("hostile searches")
    path = large_archive(ctx)
    deadline = time.monotonic() + TOTAL_BUDGET_S
    shares = min(2, os.cpu_count() or 1)  # the machine's cores, as a window's threads would
    times: list[tuple[float, int, str]] = []
    # Forked, so that each share has its own connection and the generator from the seed.
    with ProcessPoolExecutor(shares, mp_context=multiprocessing.get_context("fork")) as pool:
        for found, failures in pool.map(_search_share, [path] * shares, [ctx] * shares,
                                        range(shares), [shares] * shares, [deadline] * shares):
            times += found
            outcome.tried += len(found)
            outcome.failures += failures
    outcome.failures.sort(key=lambda f: int(f.split()[1]))
    if len(times) < ctx.scale.searches:  # counted as one more try, shown first
        outcome.tried += 1
        outcome.failures.insert(0, f"only {len(times):,} of {ctx.scale.searches:,} queries "
                                   f"ran in the {TOTAL_BUDGET_S:.0f} s the case may take: "
                                   "searching is too slow")
    with Archive(path) as archive:
        passages = archive.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        vocabulary, weights, _lengths = essay_statistics()
        # The slowest of each kind of query, timed again without the watchdog.
        kinds = len(Generator.KINDS)
        slowest: dict[int, tuple[float, int]] = {}
        for took, number, _q in times:
            kind = (number - 1) % kinds
            slowest[kind] = max(slowest.get(kind, (0.0, 0)), (took, number))
        wanted = {number for _t, number in slowest.values()}
        generator = Generator(ctx.rng("searches"), vocabulary, weights)
        retimed = Watchdog(archive.conn, RETIME_LIMIT_S)
        again = [(retimed.time(number, query)[0], number, _describe(query))
                 for number, query in enumerate(generator.queries(max(wanted, default=0)), 1)
                 if number in wanted]
    took, number, query = max(again, default=(0.0, 0, ""))
    ordered = sorted(t for t, *_ in times)
    outcome.remarks.append(f"{passages:,} passages; slowest query {took:.2f} s "
                           f"(query {number}: {query})")
    outcome.remarks.append(f"{sum(t > BUDGET_S for t in ordered):,} queries over "
                           f"{BUDGET_S:g} s; median {ordered[len(ordered) // 2] * 1000:.1f} ms"
                           if ordered else "no query ran")
    return outcome


def _describe(query: str) -> str:
    """A query in a few words: its length and its opening, escaped."""
    opening = query[:40].encode("unicode_escape").decode("ascii")
    return f"{len(query):,} characters: {opening}{'…' if len(query) > 40 else ''}"
