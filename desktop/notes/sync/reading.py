"""Reading the folder for one archive: from where each file was left, what is new.

A round plans what to read (:meth:`Reading.jobs`), reads each file and decodes its lines
(:func:`read`), and takes what each gives (:meth:`Reading.take`), merging as it goes, so
that a first sync of many files never holds them all at once. Then
:meth:`Reading.finish` works out how far each device's files are now read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import desktop.notes.sync.folder as layout
import desktop.notes.sync.tables as tables
from desktop.notes.sync.records import Record, Unreadable, decode


@dataclass(frozen=True)
class Job:
    """A file to read from an offset."""

    path: Path
    key: tuple[str, str]  # (device, name)
    offset: int


@dataclass
class Read:
    """What reading a file gave: its records (decoded), and what could not be read."""

    job: Job
    chunk: layout.Chunk | None  # None: the file went before it was read
    records: list[Record] = field(default_factory=list)
    bad: int = 0
    newer: int = 0
    why: str = ""


def read(job: Job) -> Read:
    """Read one file from its offset and decode its lines."""
    try:
        chunk = layout.read_from(job.path, job.offset)
    except FileNotFoundError:
        return Read(job, None)  # retired by its device meanwhile: its snapshot holds it
    done = Read(job, chunk, bad=chunk.bad_lines)
    for item in chunk.items:
        try:
            done.records.append(decode(item))
        except Unreadable as exc:
            done.newer += exc.newer
            done.bad += not exc.newer
            done.why = done.why or ("" if exc.newer else str(exc))
    return done


class Reading:
    """What the round knows of the folder: how far each file was read, what is new."""

    def __init__(self, archive_id: str, me: str, positions: tables.Positions,
                 covered: dict[str, int], problems: list[str]) -> None:
        self.archive_id = archive_id
        self.me = me
        self.known = positions
        self.positions: tables.Positions = {}  # what changed
        self.gone: list[tuple[str, str]] = []
        self.covered = dict(covered)
        self.problems = problems
        self.latest: dict[str, str] = {}  # each device's latest stamp read

    def _at(self, key: tuple[str, str]) -> tuple[int, bool]:
        return self.positions.get(key) or self.known.get(key) or (0, False)

    def jobs(self, top: Path, listing: layout.Listing) -> list[Job]:
        """The files to read, and from where: this device's own first (its stamps move
        its clock before it stamps anything), each device's snapshots before its changes.
        What is not ours is reported here, once."""
        for name in listing.newer:
            if ("", name) not in self.known:
                self.problems.append(
                    f"The sync folder holds changes written by a newer version of Archive "
                    f"Browser ({top.parent / name}); update Archive Browser here to read "
                    "them.")
                self.positions[("", name)] = (0, True)
        for device, name, size in listing.strangers:
            if (device, name) not in self.known:
                self.problems.append(
                    f"{top / device / name} is not part of Archive Browser's sync, so it "
                    "was left alone.")
                self.positions[(device, name)] = (size, True)
        present = {("", name) for name in listing.newer}
        present |= {(device, name) for device, name, _size in listing.strangers}
        found = []
        for device in sorted(listing.files, key=lambda d: d != self.me):
            covered = self.covered.get(device, 0)
            for f, size in listing.files[device]:
                key = (device, f.name)
                present.add(key)
                offset, whole = self._at(key)
                if whole:
                    continue
                if f.canonical and f.number <= covered:
                    self.positions[key] = (size, True)  # a snapshot read holds it
                    continue
                if size < offset:
                    offset = 0  # not the file that was read: read it again (idempotent)
                if size > offset:
                    found.append(Job(top / device / f.name, key, offset))
        self.gone = [key for key in self.known if key not in present]
        return found

    def take(self, done: Read) -> list[Record]:
        """Note how far a file was read; its records of this archive."""
        if done.chunk is None:
            return []
        self.positions[done.job.key] = (done.chunk.read_to, done.chunk.whole)
        path = done.job.path
        if done.newer:
            self.problems.append(
                f"{_count(done.newer, 'change')} in {path} "
                f"{'was' if done.newer == 1 else 'were'} written by a newer version of "
                "Archive Browser; update Archive Browser here to read them.")
        if done.bad:
            self.problems.append(
                f"{_count(done.bad, 'line')} of {path} could not be read and "
                f"{'was' if done.bad == 1 else 'were'} skipped"
                + (f" ({done.why})." if done.why else "."))
        mine = [r for r in done.records if r.archive_id == self.archive_id]
        for record in mine:
            device = record.stamp[-16:]
            if record.stamp > self.latest.get(device, ""):
                self.latest[device] = record.stamp
        return mine

    def finish(self, listing: layout.Listing) -> None:
        """How far each device's files are now read: up to its latest snapshot read whole,
        then on through its change files read whole, one after another."""
        for device, files in listing.files.items():
            covered = self.covered.get(device, 0)
            for f, _size in files:
                if f.snapshot and f.canonical and self._at((device, f.name))[1]:
                    covered = max(covered, f.number)
            for f, _size in files:
                if f.snapshot or f.copy or f.number <= covered:
                    continue
                if f.number != covered + 1 or not self._at((device, f.name))[1]:
                    break
                covered = f.number
            self.covered[device] = covered


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
