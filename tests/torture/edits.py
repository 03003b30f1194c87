"""Case 2: two processes editing the same marks never undo each other's saved edits.

Two ``edit_child`` processes edit the same five highlights at once: first different
fields (one the note, one the tags), then both the note. Every acknowledged value
must be the final one or be replaced by a later acknowledged one: with different
fields, a field only its own process writes must still hold what that process last
saved, each time it looks and at the end; with the same field, it may also hold a
value the other process saved.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from desktop.notes.anchoring import select
from desktop.notes.store import Notes
from tests.torture.common import ROOT, Context, Outcome, child_env, python

TEXT = "In the communist party [Petrzhek] had hoped to find the realization of his dream."
MARKS = 5

Events = list[tuple[str, str, object]]


def _prepare(folder: Path) -> list[str]:
    notes = Notes(folder)
    try:
        return [notes.add_highlight("communists-dilemma", "essay",
                                    select("archive-browser://x/essay/p8", TEXT, n, n + 9),
                                    "yellow", note="start", tags=["start"]).id
                for n in range(MARKS)]
    finally:
        notes.close()


def _edit_together(folder: Path, fields: tuple[str, str], count: int,
                   marks: list[str]) -> list[Events]:
    """Run the two editors, started together; each one's events, read to the end."""
    procs = [subprocess.Popen(python("edit_child", str(folder), field, tag, str(count),
                                     ",".join(marks)),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(),
                              cwd=ROOT)
             for field, tag in zip(fields, ("first", "second"), strict=True)]
    outputs: list[bytes] = [b"", b""]
    for proc in procs:
        assert proc.stdout is not None
        proc.stdout.readline()  # "ready" (or nothing, if it failed to start)

    def drain(index: int) -> None:
        stream = procs[index].stdout
        assert stream is not None
        outputs[index] = stream.read()  # the same buffered reader as readline() above

    readers = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for reader in readers:
        reader.start()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.close()
    for proc, reader in zip(procs, readers, strict=True):
        reader.join()
        proc.wait()
    return [[tuple(json.loads(line)) for line in out.decode().splitlines()]
            for out in outputs]


def _final(folder: Path, fields: tuple[str, str], marks: list[str]) -> dict[str, object]:
    notes = Notes(folder, backup_now=False)
    try:
        result: dict[str, object] = {}
        for mark in marks:
            highlight = notes.highlight(mark)
            assert highlight is not None
            result[f"note {mark}"] = highlight.note
            result[f"tags {mark}"] = list(highlight.tags)
        return result
    finally:
        notes.close()


def _check(outcome: Outcome, name: str, fields: tuple[str, str], events: list[Events],
           final: dict[str, object]) -> None:
    same = fields[0] == fields[1]
    for me, mine in enumerate(events):
        field = fields[me]
        others = {(m, json.dumps(v)) for kind, m, v in events[1 - me] if kind == "ack"} \
            if same else set()
        last: dict[str, object] = {}
        for kind, mark, value in mine:
            if kind == "ack":
                last[mark] = value
                outcome.tried += 1
            elif (mark, json.dumps(value)) not in others:
                outcome.failures.append(
                    f"{name}: the {field} of {mark[:8]} saved as {last[mark]!r} was found "
                    f"as {value!r}, which no later edit saved")
        for mark, value in last.items():
            now = final[f"{field} {mark}"]
            if now != value and not (same and (mark, json.dumps(now)) in others):
                outcome.failures.append(
                    f"{name}: the {field} of {mark[:8]} last saved as {value!r} ended as "
                    f"{now!r}")


def run(ctx: Context) -> Outcome:
    outcome = Outcome("two processes editing the same marks")
    for name, fields in (("note and tags", ("note", "tags")), ("both the note", ("note", "note"))):
        folder = ctx.work / "edits" / fields[1]
        marks = _prepare(folder)
        events = _edit_together(folder, fields, ctx.scale.edits, marks)
        missing = [i for i, e in enumerate(events) if sum(k == "ack" for k, *_ in e) == 0]
        if missing:
            outcome.record(f"{name}: an editing process saved nothing")
            continue
        _check(outcome, name, fields, events, _final(folder, fields, marks))
        lost = sum(name in f for f in outcome.failures)
        outcome.remarks.append(f"{name}: {lost:,} acknowledged edits undone")
    return outcome
