"""Case 4: every hostile import file is refused in one sentence, or imported correctly.

The suite's own hostile files (``tests/notes/test_exchange.py``) and many generated
ones (:mod:`tests.torture.hostile_files`) are imported, in child processes, into
private copies of a notes folder with marks and backups. A refusal must be a
``NotesError`` of one sentence that leaves every mark exactly as it was; an import
must leave marks a person can then edit. Large files each get a process of their
own, whose peak memory is read (``ru_maxrss``); one that takes longer than
:data:`TIMEOUT_S` or more memory than :data:`MEMORY_LIMIT_MB` fails.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from desktop.archive.store import Archive
from desktop.notes.export import collect, render
from desktop.notes.store import Notes
from tests.notes.test_exchange import HOSTILE
from tests.torture.common import (
    SHIPPED_ARCHIVE,
    Context,
    Outcome,
    last_line,
    python,
    run_child,
    short,
)
from tests.torture.fixtures import notes_with_marks
from tests.torture.hostile_files import IMPORT, REFUSE, Hostile, generate

TIMEOUT_S = float(os.environ.get("TORTURE_IMPORT_TIMEOUT_S", "60"))
MEMORY_LIMIT_MB = int(os.environ.get("TORTURE_IMPORT_MEMORY_MB", "1024"))
BATCH = 25  # small files imported by one process, one after the other


def _export(template: Path) -> bytes:
    notes = Notes(template, backup_now=False)
    try:
        with Archive(SHIPPED_ARCHIVE) as archive:
            return render("json", collect(notes, archive), archive).encode()
    finally:
        notes.close()


def _import(template: Path, work: Path, files: list[Hostile]) -> list[tuple[Hostile, dict]]:
    """Import ``files`` in one child process: each with what happened (a dict whose
    ``outcome`` is ``died`` when the process ended before saying)."""
    status, out, err = run_child(
        python("import_child", str(template), str(work), *(str(f.path) for f in files)),
        timeout=TIMEOUT_S * len(files))
    said = {}
    for line in out.splitlines():
        result = json.loads(line)
        said[result["file"]] = result
    missing = {"outcome": "died",
               "message": f"the import process ended (status {status}) before it was "
                          f"done: {last_line(err)}"}
    return [(f, said.get(str(f.path), missing)) for f in files]


def _judge(hostile: Hostile, result: dict) -> str | None:
    where = hostile.name
    outcome = result["outcome"]
    if outcome in ("died", "raised"):
        return f"{where}: {result.get('type', '')} {short(result['message'])}".replace("  ", " ")
    if outcome == "refused":
        message = result["message"]
        if hostile.expect == IMPORT:
            return f"{where}: a sound file was refused: {short(message)}"
        if "\n" in message or not message.rstrip().endswith(".") or len(message) > 400:
            return f"{where}: the refusal is not one sentence: {short(message)}"
        if not result["untouched"]:
            return f"{where}: refused, but the marks changed: {short(message)}"
        return None
    if hostile.expect == REFUSE:
        return f"{where}: imported a file that cannot be annotations ({result['describe']})"
    if result["problem"]:
        return f"{where}: imported, then {short(result['problem'])}"
    return None


def run(ctx: Context) -> Outcome:
    outcome = Outcome("hostile import files")
    work = ctx.work / "imports"
    template = notes_with_marks(work / "template", ctx.rng("imports-notes"))
    suite = {name: content for name, (content, _message) in HOSTILE.items()}
    files = generate(work / "files", _export(template), suite, ctx.scale, ctx.rng("imports"))
    big = [f for f in files if f.big]
    small = [f for f in files if not f.big]
    jobs = [small[n:n + BATCH] for n in range(0, len(small), BATCH)] + [[f] for f in big]
    with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        done = pool.map(lambda n_job: _import(template, work / f"run{n_job[0]}", n_job[1]),
                        enumerate(jobs))
        results = [pair for batch in done for pair in batch]
    peaks = []
    # A file whose import was stopped at the time limit took at least that long.
    slowest = max(((r.get("seconds", TIMEOUT_S), h.name) for h, r in results), default=(0, ""))
    for hostile, result in results:
        problem = _judge(hostile, result)
        peak = result.get("maxrss_mb", 0)
        if hostile.big:
            peaks.append((hostile.path.stat().st_size, peak, hostile.name))
            if problem is None and peak > MEMORY_LIMIT_MB:
                problem = f"{hostile.name}: took {peak:,} MB of memory"
        outcome.record(problem)
    outcome.remarks.append(f"{len(suite)} files from the suite, {len(files) - len(suite)} "
                           "generated")
    outcome.remarks.append(f"the slowest: {slowest[1]}, {slowest[0]:.0f} s"
                           f"{' or more' if slowest[0] >= TIMEOUT_S else ''}")
    if peaks:
        size, peak, name = max(peaks)
        _size, most, hungriest = max(peaks, key=lambda p: p[1])
        outcome.remarks.append(f"the largest file ({name}, {size / 2**20:.0f} MB) peaked at "
                               f"{peak:,} MB; the most memory: {most:,} MB ({hungriest})")
    return outcome
