"""Case 5: damaged notes and archive files never show a traceback.

Notes: a copy of a notes folder with marks and backups, its ``notes.db`` damaged
(:mod:`tests.torture.damaged_files`), is opened through ``Notes(folder)`` and
through the command line (``export`` with ``ARCHIVE_BROWSER_DATA_DIR``). Either it
opens sound with every mark, or it is set aside and the newest sound backup (which
holds every mark here) restored, with a message; anything else fails.

Archive: a damaged copy of ``archive.db`` goes through ``check``, ``export
--archive`` and ``--screenshot`` (offscreen): none may print a traceback, die of a
signal, hang, or end in the window's handler of unexpected errors.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from desktop.notes.notes_file import FILE_NAME
from tests.torture.common import (
    SHIPPED_ARCHIVE,
    TRACEBACK,
    Context,
    Outcome,
    last_line,
    python,
    run_child,
    short,
)
from tests.torture.damaged_files import (
    ARCHIVE_DAMAGE,
    ARCHIVE_DAMAGE_ONCE,
    NOTES_DAMAGE,
    NOTES_DAMAGE_ONCE,
    nth,
)
from tests.torture.fixtures import copy_of, notes_with_marks

TIMEOUT_S = 60.0
CLI = ("-m", "desktop.cli")


def _cli(data: Path, *args: str) -> tuple[int, str, str]:
    return run_child([sys.executable, *CLI, *args], timeout=TIMEOUT_S,
                     ARCHIVE_BROWSER_DATA_DIR=str(data))


def _marks_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in ("highlights", "bookmarks", "links"))
    finally:
        conn.close()


def _open_notes(folder: Path, marks: int) -> str | None:
    status, out, err = run_child(python("open_child", str(folder)), timeout=TIMEOUT_S)
    if not out.strip():
        return f"opening died (status {status}): {last_line(err)}"
    result = json.loads(out.strip().splitlines()[-1])
    if "raised" in result:
        return f"opening raised {result['raised']}: {short(result['message'])}"
    if "refused" in result:
        return f"the notes were not opened nor restored: {short(result['refused'])}"
    if not result["sound"]:
        return "the notes opened damaged"
    if result["set_aside"] and not result["messages"]:
        return "the notes were set aside without a word"
    if result["marks"] != marks:
        told = "told" if result["messages"] else "without a word"
        return f"the notes opened with {result['marks']} of {marks} marks ({told})"
    return None


def _export_notes(folder: Path, marks: int) -> str | None:
    status, out, err = _cli(folder, "export", "--format", "json")
    if TRACEBACK in err or status < 0:
        return f"the command line showed a traceback (status {status}): {last_line(err)}"
    if status != 0:
        return f"the command line did not open nor restore the notes: {last_line(err)}"
    total = json.loads(out).get("total")
    if total != marks:
        return f"the command line exported {total} of {marks} marks"
    return None


def _notes_tries(ctx: Context) -> list[Callable[[], tuple[str, str | None]]]:
    rng = ctx.rng("damage-notes")
    template = notes_with_marks(ctx.work / "damage" / "notes-template", ctx.rng("damage-marks"))
    marks = _marks_in(template / FILE_NAME)
    tries = []
    for number in range(ctx.scale.damaged_notes):
        damage = nth(number, NOTES_DAMAGE_ONCE, NOTES_DAMAGE)
        first = copy_of(template, ctx.work / "damage" / f"notes-{number}")
        what = damage(first / FILE_NAME, rng)
        second = copy_of(first, ctx.work / "damage" / f"notes-{number}-cli")
        tries.append(lambda f=first, w=what: (f"notes, {w}, Notes()", _open_notes(f, marks)))
        tries.append(lambda s=second, w=what: (f"notes, {w}, export", _export_notes(s, marks)))
    return tries


def _archive_command(data: Path, args: list[str]) -> str | None:
    status, out, err = _cli(data, *args)
    log = data / "errors.log"
    if TRACEBACK in err or TRACEBACK in out:
        return f"a traceback: {last_line(err)}"
    if status < 0:
        return f"ended by signal {-status} ({last_line(err)})"
    if log.exists():
        return f"the window's handler of unexpected errors was reached: {last_line(err)}"
    return None


def _archive_tries(ctx: Context) -> list[Callable[[], tuple[str, str | None]]]:
    rng = ctx.rng("damage-archive")
    tries = []
    for number in range(ctx.scale.damaged_archives):
        damage = nth(number, ARCHIVE_DAMAGE_ONCE, ARCHIVE_DAMAGE)
        folder = ctx.work / "damage" / f"archive-{number}"
        folder.mkdir(parents=True)
        path = folder / "archive.db"
        shutil.copy(SHIPPED_ARCHIVE, path)
        what = damage(path, rng)
        for name, args in (("check", ["check", str(path)]),
                           ("export", ["export", "--archive", str(path)]),
                           ("screenshot", ["--archive", str(path), "--screenshot",
                                           str(folder / "shot.png")])):
            data = folder / f"data-{name}"
            tries.append(lambda d=data, a=args, n=name, w=what:
                         (f"archive, {w}, {n}", _archive_command(d, a)))
    return tries


def run(ctx: Context) -> Outcome:
    outcome = Outcome("damaged notes and archive files")
    tries = _notes_tries(ctx) + _archive_tries(ctx)
    with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        for where, problem in pool.map(lambda attempt: attempt(), tries):
            outcome.record(None if problem is None else f"{where}: {problem}")
    outcome.remarks.append(f"{ctx.scale.damaged_notes} damaged notes folders, "
                           f"{ctx.scale.damaged_archives} damaged archives")
    return outcome
