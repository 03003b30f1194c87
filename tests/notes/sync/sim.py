"""Devices that sync through a folder, and a sync engine the test drives.

Each simulated device has its own notes and its own copy of the sync folder (its view);
:class:`Engine` copies files between views as a real engine would, but as badly as the
test asks: late, out of order, twice, cut mid-record, as conflicted copies.

:class:`Model` keeps, beside them, what each device has seen of each mark: the ids of
the operations made on it, grown by every local operation and by every whole line of
the files a device's round reads. From it follows what the merged marks must be,
without asking the sync's own rules: for each field, the writes that no later write of
the same field had seen (the *latest*); one latest write decides the field, several
(concurrent) allow any of them, and a note keeps the texts of all of them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from desktop.notes.anchoring import ANCHORED, select
from desktop.notes.marks import Bookmark, End, Highlight, Link
from desktop.notes.store import Notes
from desktop.notes.sync import folder as layout
from desktop.notes.sync import tables
from desktop.notes.sync.round import Device, SyncReport, sync_round
from desktop.notes.sync.state import CONFLICT_MARKER

ARCHIVE = "communists-dilemma"
TEXT = ("In the communist party Petrzhek had hoped to find the realisation of his dream, "
        "a society of equals; he found instead the proprietorial instincts of officials.")
URIS = [f"archive-browser://communists-dilemma/essay/p{n}" for n in (1, 2, 3)]
CONFLICT_NAMES = ["{stem} (conflicted copy 2026-11-26).jsonl",
                  "{stem}.sync-conflict-20261126-154700-ABCDEFG.jsonl",
                  "{stem} (Case Conflict).jsonl"]


def words(uri: str, start: int, length: int = 12) -> Any:
    start = start % (len(TEXT) - length)
    return select(uri, TEXT, start, start + length)


@dataclass
class Op:
    id: int
    device: int
    mark: str
    writes: dict[str, Any]  # field -> value; "alive" -> True/False
    deps: frozenset[int]


@dataclass
class Model:
    ops: dict[int, Op] = field(default_factory=dict)
    # device -> mark -> ids of the operations on it that the device has seen
    known: dict[int, dict[str, set[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    # (writer, file name) -> mark -> the operations its record of the mark carries
    carried: dict[tuple[str, str], dict[str, frozenset[int]]] = field(default_factory=dict)

    def record(self, device: int, mark: str, writes: dict[str, Any]) -> None:
        seen = self.known[device][mark]
        op = Op(len(self.ops) + 1, device, mark, writes, frozenset(seen))
        self.ops[op.id] = op
        seen.add(op.id)

    def latest(self, mark: str, name: str) -> list[Op]:
        """The writes of ``name`` in ``mark`` that no other write of it had seen."""
        writes = [op for op in self.ops.values() if op.mark == mark and name in op.writes]
        return [op for op in writes if not any(op.id in other.deps for other in writes)]


class SimDevice:
    def __init__(self, number: int, root: Path) -> None:
        self.number = number
        self.device = Device(f"{number:016x}", f"device {number}")
        self.view = root / f"view-{number}"
        self.view.mkdir(parents=True)
        self.notes = Notes(root / f"data-{number}", backup_now=False)
        self.syncing = False  # until its first round

    @property
    def id(self) -> str:
        """The id it syncs as now: another than it was given, after its view of the
        folder lost files it wrote (see round._identity)."""
        found = tables.device(self.notes.conn)
        return found.clock.device if found else self.device.id

    @property
    def own(self) -> Path:
        return layout.root(self.view) / self.id

    def marks(self) -> dict[str, Highlight | Bookmark | Link]:
        n = self.notes
        return {m.id: m for m in [*n.highlights(ARCHIVE), *n.bookmarks(ARCHIVE),
                                  *n.links(ARCHIVE)]}


class Sim:
    """Devices, their views of the folder, the engine between them, and the model."""

    def __init__(self, root: Path, count: int = 3, *, compact_after: int = 2) -> None:
        self.root = root
        self.devices = [SimDevice(n, root) for n in range(count)]
        self.model = Model()
        self.compact_after = compact_after
        self.origin: dict[Path, tuple[str, str]] = {}  # a copy's path -> (writer, name)
        self.reports: list[SyncReport] = []
        self.deleted: dict[str, Highlight | Bookmark | Link] = {}  # for undo, by device
        # Each device's sense of the time, as a context its rounds run in.
        self.clock: Callable[[int], contextlib.AbstractContextManager[object]] = \
            lambda _number: contextlib.nullcontext()

    def close(self) -> None:
        for d in self.devices:
            d.notes.close()

    # -- rounds ----------------------------------------------------------------------

    def sync(self, number: int) -> SyncReport:
        d = self.devices[number]
        for path in sorted(layout.root(d.view).glob("*/*.jsonl")):
            self._learn(number, path)
        written: list[tuple[Path, list[str]]] = []
        real = layout.write_whole

        def spy(path: Path, lines: list[str]) -> int:
            written.append((path, lines))
            return real(path, lines)

        with self.clock(number), mock.patch.object(layout, "write_whole", spy):
            report = sync_round(d.notes, ARCHIVE, d.view, d.device,
                                compact_after=self.compact_after)
        self.reports.append(report)
        d.syncing = True
        # What each file written carries: a change file, what the device knew of its
        # marks; a snapshot, all that its files up to it carried (some may have been
        # written and folded into it in this very round, never seen here).
        for path, lines in written:
            what = layout.change_file(d.id, path.name)
            if what is None:
                continue
            self.origin[path] = (d.id, path.name)
            if what.snapshot:
                self._snapshot(d.id, what.number)
            else:
                self.model.carried[(d.id, path.name)] = {
                    m: frozenset(self.model.known[number][m]) for m in _marks_of(lines)}
        return report

    def _learn(self, number: int, path: Path) -> None:
        origin = self.origin.get(path) or (path.parent.name, path.name)
        carried = self.model.carried.get(origin, {})
        for mark in _marks_in(path):
            self.model.known[number][mark] |= carried.get(mark, frozenset())

    def _snapshot(self, writer: str, upto: int) -> None:
        merged: dict[str, frozenset[int]] = defaultdict(frozenset)
        for (device, name), marks in self.model.carried.items():
            what = layout.change_file(device, name)
            if device == writer and what is not None and what.number <= upto:
                for mark, ops in marks.items():
                    merged[mark] |= ops
        self.model.carried[(writer, layout.file_name(upto, snapshot=True))] = dict(merged)

    # -- the engine ------------------------------------------------------------------

    def files_of(self, number: int) -> list[Path]:
        """What the device's own view holds that an engine could copy elsewhere."""
        top = layout.root(self.devices[number].view)
        return sorted(p for p in top.glob("*/*") if p.is_file())

    def copy(self, source: Path, to: int, *, cut: float | None = None,
             conflict: int | None = None) -> None:
        """Copy a file to device ``to``'s view: whole, or its first ``cut`` part (cut
        mid-record), or as a conflicted copy. A change file never shrinks in a view."""
        source_top = next(layout.root(d.view) for d in self.devices
                          if source.is_relative_to(layout.root(d.view)))
        relative = source.relative_to(source_top)
        target = layout.root(self.devices[to].view) / relative
        if conflict is not None:
            if source.suffix != ".jsonl":
                return
            target = target.with_name(CONFLICT_NAMES[conflict % 3].format(stem=source.stem))
        if target == source:
            return
        data = source.read_bytes()
        if cut is not None:
            data = data[:int(len(data) * cut)]
        if target.exists() and source.suffix == ".jsonl" and \
                len(target.read_bytes()) >= len(data):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.origin[target] = self.origin.get(source) or (relative.parts[0], source.name)

    def deliver_deletions(self, to: int) -> None:
        """Files their writer retired go from device ``to``'s view too."""
        top = layout.root(self.devices[to].view)
        for d in self.devices:
            if d.number == to:
                continue
            theirs = top / d.id
            for path in theirs.glob("*.jsonl") if theirs.exists() else []:
                what = layout.change_file(d.id, path.name)
                if what is not None and what.canonical and not (d.own / path.name).exists():
                    path.unlink()

    def wipe(self, number: int) -> None:
        """Device ``number``'s view of the folder emptied (the folder made again, or
        another chosen and this one chosen back): its next round writes every mark
        again, under a new id."""
        shutil.rmtree(layout.root(self.devices[number].view), ignore_errors=True)

    def deliver_all(self) -> None:
        """Every file as its writer has it now, everywhere; retired files gone."""
        for d in self.devices:
            if not d.own.exists():
                continue
            for source in sorted(d.own.iterdir()):
                for other in self.devices:
                    if other is not d:
                        target = layout.root(other.view) / d.id / source.name
                        if not target.exists() or target.read_bytes() != source.read_bytes():
                            target.parent.mkdir(parents=True, exist_ok=True)
                            shutil.copyfile(source, target)
                            self.origin[target] = (d.id, source.name)
        for d in self.devices:
            self.deliver_deletions(d.number)

    def settle(self, rounds: int = 4) -> None:
        """Deliver everything and sync every device until nothing more is sent."""
        for _ in range(rounds):
            self.deliver_all()
            sent = sum(self.sync(d.number).sent for d in self.devices)
            if sent == 0:
                self.deliver_all()
                for d in self.devices:
                    self.sync(d.number)
                return
        raise AssertionError("the devices kept sending changes")

    # -- what a person does, recorded in the model ---------------------------------------

    def create_highlight(self, number: int, colour: str, note: str, tags: list[str],
                         place: int) -> Highlight:
        made = self.devices[number].notes.add_highlight(
            ARCHIVE, "essay", words(URIS[place % 3], place * 7), colour, note, tags)
        self._created(number, made)
        return made

    def create_bookmark(self, number: int, label: str, place: int) -> Bookmark:
        made = self.devices[number].notes.add_bookmark(ARCHIVE, "essay", URIS[place % 3],
                                                       TEXT[:20], label)
        self._created(number, made)
        return made

    def create_link(self, number: int, relation: str, note: str, place: int) -> Link:
        first = End("essay", words(URIS[place % 3], place))
        second = End("essay", words(URIS[(place + 1) % 3], place + 5))
        made = self.devices[number].notes.add_link(ARCHIVE, first, second, relation, note)
        self._created(number, made)
        return made

    def import_highlight(self, number: int, mark_id: str, colour: str, note: str) -> None:
        """An import (Notes.merge, as apply_import writes) of a highlight made elsewhere."""
        notes = self.devices[number].notes
        made = Highlight(mark_id, ARCHIVE, "essay", words(URIS[1], len(mark_id)), colour, note,
                         (), ANCHORED, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")
        added, _updated = notes.merge([made], [])
        if added and self.model.known[number][mark_id]:
            # A mark this device has known and lost comes back as the sync knows it.
            self.model.record(number, mark_id, {"alive": True})
        elif added:
            self._created(number, made)

    def _created(self, number: int, mark: Highlight | Bookmark | Link) -> None:
        self.model.record(number, mark.id, {"alive": True, **fields_of(mark)})

    def edit(self, number: int, mark_id: str, name: str, value: Any) -> None:
        notes = self.devices[number].notes
        mark = self.devices[number].marks().get(mark_id)
        if mark is None:
            return
        before = fields_of(mark)
        if isinstance(mark, Highlight):
            if name == "place":
                selector = words(URIS[value % 3], value)
                after = notes.update_highlight(mark_id, selector=selector, state=ANCHORED)
            else:
                after = notes.update_highlight(mark_id, **{name: value})
        elif isinstance(mark, Link):
            after = notes.update_link(mark_id, **{name: value})
        else:
            after = notes.update_bookmark(mark_id, **{name: value})
        changed = {k: v for k, v in fields_of(after).items() if before.get(k) != v}
        if changed:
            self.model.record(number, mark_id, changed)

    def delete(self, number: int, mark_id: str) -> None:
        notes = self.devices[number].notes
        mark = self.devices[number].marks().get(mark_id)
        if mark is None or not self.devices[number].syncing:
            # Before its first sync, a device's deletion is no event of the sync: what
            # it holds when it starts is what it tells the others.
            return
        if isinstance(mark, Highlight):
            notes.delete_highlight(mark_id)
        elif isinstance(mark, Link):
            notes.delete_link(mark_id)
        else:
            notes.delete_bookmark(mark_id)
        self.deleted[f"{number}:{mark_id}"] = mark
        self.model.record(number, mark_id, {"alive": False})

    def undo_delete(self, number: int, mark_id: str) -> None:
        """Put a mark this device deleted back, as undo does (the mark as it was)."""
        mark = self.deleted.pop(f"{number}:{mark_id}", None)
        if mark is None or mark_id in self.devices[number].marks():
            return
        notes = self.devices[number].notes
        if isinstance(mark, Highlight):
            notes.put_highlight(mark)
        elif isinstance(mark, Link):
            notes.put_link(mark)
        else:
            notes.put_bookmark(mark)
        self.model.record(number, mark_id, {"alive": True})

    # -- checks ----------------------------------------------------------------------

    def check(self) -> None:
        """The devices hold identical marks, and each mark is what the model allows."""
        held = [d.marks() for d in self.devices]
        for other in held[1:]:
            assert other == held[0]
        marks = held[0]
        for mark_id in {op.mark for op in self.model.ops.values()}:
            self._check_mark(mark_id, marks.get(mark_id))

    def _check_mark(self, mark_id: str, mark: Highlight | Bookmark | Link | None) -> None:
        alive = {op.writes["alive"] for op in self.model.latest(mark_id, "alive")}
        if alive == {False}:
            assert mark is None, f"{mark_id} was deleted, yet it is back"
            return
        if alive == {True}:
            assert mark is not None, f"{mark_id} is lost"
        if mark is None:
            return
        for name, value in fields_of(mark).items():
            latest = self.model.latest(mark_id, name)
            if name == "note":
                texts = {op.writes["note"] for op in latest}
                assert set(value.split(CONFLICT_MARKER)) == texts, (mark_id, value, texts)
            else:
                assert value in [op.writes[name] for op in latest], (mark_id, name, value)


def fields_of(mark: Highlight | Bookmark | Link) -> dict[str, Any]:
    """A mark's fields as a person changes them (what the model follows)."""
    if isinstance(mark, Highlight):
        return {"colour": mark.colour, "note": mark.note, "tags": mark.tags,
                "place": (mark.document_id, mark.parts)}
    if isinstance(mark, Link):
        return {"relation": mark.relation, "note": mark.note}
    return {"label": mark.label}


def _marks_in(path: Path) -> list[str]:
    """The marks of the whole lines of a change file (a cut one's last line is not)."""
    data = path.read_bytes()
    return _marks_of(data[:data.rfind(b"\n") + 1].splitlines())


def _marks_of(lines: list[str] | list[bytes]) -> list[str]:
    found = []
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "mark" in item:
            found.append(item["mark"])
    return found

