"""Case 1: a writer SIGKILLed mid-save never loses what it acknowledged.

Each round starts ``kill_writer`` on the same data folder and kills it: some rounds
after a random delay (which may land while it opens the notes, migrates or backs
up), most after a random number of acknowledged saves (mid-save). After each kill
the notes file must pass ``PRAGMA integrity_check``, open without being set aside,
and hold every mark the writer acknowledged, with every acknowledged change. Two
data folders are tried side by side, to keep both of the machine's cores busy.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.torture.common import ROOT, Context, Outcome, child_env, python


def _kill_once(folder: Path, tag: str, rng_value: float, saves: int) -> bytes:
    """Start a writer, kill it, and return everything it printed (read to the end)."""
    proc = subprocess.Popen(python("kill_writer", str(folder), tag), stdout=subprocess.PIPE,
                            env=child_env(), cwd=ROOT)
    assert proc.stdout is not None
    head = b""
    try:
        if saves == 0:
            time.sleep(rng_value * 0.6)  # anywhere from start-up to mid-save
        else:
            # One buffered reader throughout: readline() now and read() below share
            # its buffer, so no line is skipped.
            acknowledged = 0
            while acknowledged < saves:
                line = proc.stdout.readline()
                if not line:
                    break
                head += line
                acknowledged += line.startswith((b"h ", b"b ", b"u "))
            time.sleep(rng_value * 0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()  # until EOF: the pipe closes when the child is gone
        proc.wait()
    return head + rest


def _acknowledged(output: bytes) -> tuple[set[str], set[str], dict[str, str]]:
    highlights: set[str] = set()
    bookmarks: set[str] = set()
    notes: dict[str, str] = {}
    # Only whole lines were acknowledged: a line cut by the kill was not.
    for line in output.decode(errors="replace").split("\n")[:-1]:
        kind, _, rest = line.partition(" ")
        if kind == "h":
            highlights.add(rest)
        elif kind == "b":
            bookmarks.add(rest)
        elif kind == "u":
            mark, _, note = rest.partition(" ")
            notes[mark] = note
    return highlights, bookmarks, notes


def _integrity(path: Path) -> str:
    if not path.exists():
        return "ok"  # killed before the file was made: nothing was acknowledged
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "ok" if rows == [("ok",)] else "; ".join(r[0] for r in rows[:3])


def _lane(ctx: Context, lane: int, kills: int) -> tuple[list[str | None], tuple[int, int, int]]:
    """Kill writers ``kills`` times on a data folder of this lane's own: what each
    check found, and how many marks, changes and leftover files there were."""
    rng = ctx.rng(f"kills-{lane}")
    folder = ctx.work / f"kills-{lane}"
    folder.mkdir(parents=True)
    highlights: set[str] = set()
    bookmarks: set[str] = set()
    changed: dict[str, str] = {}
    found = []
    for number in range(kills):
        saves = 0 if rng.random() < 0.3 else rng.randint(1, 40)
        output = _kill_once(folder, f"r{number}", rng.random(), saves)
        new_h, new_b, new_notes = _acknowledged(output)
        highlights |= new_h
        bookmarks |= new_b
        changed.update(new_notes)
        where = f"lane {lane}, kill {number + 1}"
        found.append(_check(folder, highlights, bookmarks, changed, where))
    leftovers = [p for p in folder.rglob("*") if ".partial" in p.name or ".restoring" in p.name]
    return found, (len(highlights) + len(bookmarks), len(changed), len(leftovers))


def run(ctx: Context) -> Outcome:
    outcome = Outcome("SIGKILL a writer mid-save")
    # Two data folders, killed in turn side by side: the machine's two cores kept busy.
    lanes = min(2, os.cpu_count() or 1)
    counts = [ctx.scale.kills // lanes + (lane < ctx.scale.kills % lanes) for lane in range(lanes)]
    totals = [0, 0, 0]
    with ThreadPoolExecutor(lanes) as pool:
        for found, figures in pool.map(lambda lane: _lane(ctx, lane, counts[lane]), range(lanes)):
            for problem in found:
                outcome.record(problem)
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
    marks, changes, leftovers = totals
    outcome.remarks.append(f"{marks:,} acknowledged marks and {changes:,} acknowledged changes "
                           f"checked; {leftovers} partial backup files left behind by kills")
    return outcome


def _check(folder: Path, highlights: set[str], bookmarks: set[str], changed: dict[str, str],
           where: str) -> str | None:
    sound = _integrity(folder / FILE_NAME)
    if sound != "ok":
        return f"{where}: the notes file failed its integrity check ({sound})"
    try:
        # The writer's own start made the backup a relaunch makes; this one reads only.
        notes = Notes(folder, backup_now=False)
    except Exception as exc:  # any failure to open is what is counted
        return f"{where}: the notes did not open ({type(exc).__name__}: {exc})"
    try:
        if notes.report.messages or notes.report.damaged_kept_at:
            return f"{where}: the notes file was set aside ({notes.report.messages[:1]})"
        saved_h = {h.id: h.note for h in notes.highlights()}
        saved_b = {b.id for b in notes.bookmarks()}
    finally:
        notes.close()
    lost = (highlights - saved_h.keys()) | (bookmarks - saved_b)
    if lost:
        return f"{where}: {len(lost)} acknowledged marks are missing (one: {min(lost)})"
    undone = [m for m, note in changed.items() if saved_h.get(m) != note]
    if undone:
        return f"{where}: {len(undone)} acknowledged changes of a note were lost"
    return None
