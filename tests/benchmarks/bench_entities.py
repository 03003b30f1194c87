"""Benchmark of the index of entities: what finding mentions adds to a build, and how
fast the panels' questions are answered, on a million passages and ten thousand entities.

    python -m tests.benchmarks.bench_entities      (a few minutes; BENCH_PASSAGES to scale)

1. Generates the synthetic corpus of bench_scale (fixed seed) and builds it twice with
   the application's builder: without entities, then with an archive.toml listing
   10,000 of them (the essay's 35, whose names the corpus's words hold, and 9,965 made-up
   names of one to three words with aliases). The ratio is what finding mentions costs,
   in processor time (the wall time of a shared machine depends on its other work).
2. On the second archive, times the first page of the index (by name, by count, of one
   kind), an entity's first page of mentions (the most named, and others), a passage's
   entities and the first page of the timeline: medians of repeated runs, warm.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_reader import ROOT, write_results
from tests.benchmarks.corpus import SEED, generate

PASSAGES = int(os.environ.get("BENCH_PASSAGES", "1000000"))
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "10000"))
ENTITIES = 10_000
RUNS = 21


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entities_toml() -> str:
    """archive.toml: the essay's entities, and made-up ones up to ENTITIES."""
    from desktop.archive.catalogue import load_catalogue

    rng = random.Random(SEED)
    essay = load_catalogue(ROOT / "resources" / "catalogue.toml").entities
    lines = ['[archive]\nid = "bench"\n']
    for entity in essay:
        aliases = ", ".join(_toml(a) for a in entity.aliases)
        lines.append(f"[[entities]]\nid = {_toml(entity.id)}\nkind = {_toml(entity.kind)}\n"
                     f"name = {_toml(entity.name)}\naliases = [{aliases}]\n")
    kinds = ("person", "place", "organisation", "event")
    taken = {name for entity in essay for name in entity.names}
    for n in range(ENTITIES - len(essay)):
        words = [rng.choice(string.ascii_uppercase) + "".join(
            rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))
            for _ in range(rng.randint(1, 3))]
        while " ".join(words) in taken:
            words.append(rng.choice(string.ascii_uppercase) + "ov")
        taken.add(" ".join(words))
        lines.append(f'[[entities]]\nid = "made-{n}"\nkind = "{kinds[n % 4]}"\n'
                     f'name = "{" ".join(words)}"\naliases = ["{words[-1]} {n}"]\n')
    return "\n".join(lines)


def build(corpus: Path, archive: Path) -> tuple[float, float]:
    """The wall time and the processor time (user and system) of one build. On a shared
    machine the wall time is what others leave free; the processor time is the build's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop.cli", "build", str(corpus), "--output",
                    str(archive)], check=True, cwd=ROOT, stderr=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(ask) -> float:  # type: ignore[no-untyped-def]
    ask()  # warm, as a running application is
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        ask()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def questions(path: Path) -> dict[str, float]:
    from desktop.archive.store import Archive

    with Archive(path) as archive:
        top = archive.entities(order="count", limit=1)[0]
        rng = random.Random(SEED)
        some = [e.id for e in archive.entities(order="count", limit=200)]
        passage = archive.mentions(top.id, limit=1)[0].mention.passage_id
        return {
            "First page of the index (50), by name": timed(lambda: archive.entities(limit=50)),
            "First page of the index (50), by count": timed(
                lambda: archive.entities(order="count", limit=50)),
            "First page of people (50), by name": timed(
                lambda: archive.entities("person", limit=50)),
            f"First 50 mentions of the most named ({top.mention_count:,} mentions)": timed(
                lambda: archive.mentions(top.id, limit=50)),
            "First 50 mentions of one of the 200 most named": timed(
                lambda: archive.mentions(rng.choice(some), limit=50)),
            "Page 100 of the most named's mentions": timed(
                lambda: archive.mentions(top.id, offset=5000, limit=50)),
            "Entities of a passage": timed(lambda: archive.entities_in(passage)),
            "First page of the timeline (50)": timed(lambda: archive.events(limit=50)),
        }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="archive-browser-entities-"))
    try:
        corpus = work / "corpus"
        generate(corpus, PASSAGES, DOCUMENTS)
        plain = build(corpus, work / "plain.db")
        (corpus / "archive.toml").write_text(entities_toml(), encoding="utf-8")
        indexed = build(corpus, work / "indexed.db")
        asked = questions(work / "indexed.db")
        from desktop.archive.store import Archive

        with Archive(work / "indexed.db") as archive:
            mentions = archive.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [(f"Build {PASSAGES:,} passages with {ENTITIES:,} entities ({mentions:,} "
             "mentions found), processor time", f"{indexed[1]:.0f} s",
             f"{plain[1]:.0f} s (no entities)", f"{indexed[1] / plain[1]:.2f}×", "≤ 1.2×"),
            ("The same builds, wall time", f"{indexed[0]:.0f} s",
             f"{plain[0]:.0f} s (no entities)", f"{indexed[0] / plain[0]:.2f}×", "")]
    for name, ms in asked.items():
        target = "≤ 100 ms" if "index" in name or "people" in name else "≤ 50 ms"
        rows.append((name, f"{ms:.2f} ms", "", "", target))
    where = (f"{os.uname().machine}, {os.cpu_count()} cores, Python "
             f"{sys.version.split()[0]}; query times are medians of {RUNS} warm runs")
    write_results("entities", rows, where)


if __name__ == "__main__":
    main()
