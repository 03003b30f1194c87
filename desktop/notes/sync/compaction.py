"""Keeping the folder small: a device folds its own old files into one snapshot.

A device may retire a change file of its own once every other device that has written
to the folder (has a ``device.json``) says in its ``seen.json`` that it has read all of
this device's files up to that one. It then writes ``snapshot-N.jsonl``: every mark's
state merged from its own files up to N (its earlier snapshot, its change files and any
conflicted copies of them), renamed into place whole, and only then deletes those files.
A device never deletes another device's files.

Nothing is lost, whatever stage the others are at: the snapshot holds the join of every
record it replaces, and merging is a join, so a device reading the snapshot ends where
reading the files would have ended. A device that joins later reads the snapshot and
the files after it. Deletions stay in the snapshot as deletions, so an old copy of a
mark met anywhere later still never comes back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import desktop.notes.sync.folder as layout
from desktop.notes.sync.records import Unreadable, decode, encode, end_line
from desktop.notes.sync.state import State, join

# Retire files once at least this many of one's own can go (and always all of them).
COMPACT_AFTER = 16


def acknowledgements(top: Path, device: str, others: list[str]) -> dict[str, int]:
    """What each other device's ``seen.json`` says it has read of ``device``'s files."""
    found = {}
    for other in others:
        seen = layout.read_json(top / other / layout.SEEN_FILE)
        number = seen.get("seen", {}).get(device, 0) if isinstance(seen, dict) and \
            isinstance(seen.get("seen"), dict) else 0
        found[other] = number if isinstance(number, int) and not isinstance(number, bool) \
            else 0
    return found


def compact(top: Path, device: str, listing: layout.Listing, *,
            after: int = COMPACT_AFTER) -> int | None:
    """Fold this device's files that every other device has read into a snapshot, when
    at least ``after`` of them can go; the number the snapshot covers up to, or None."""
    others = [d for d in listing.files
              if d != device and (top / d / layout.DEVICE_FILE).exists()]
    own = [f for f, _size in listing.files.get(device, [])]
    newest = max((f.number for f in own if f.canonical and not f.snapshot), default=0)
    limit = min(acknowledgements(top, device, others).values(), default=newest)
    retired = [f for f in own if f.number <= limit]
    count = sum(1 for f in retired if f.canonical and not f.snapshot)
    if count == 0 or count < after:
        return None
    upto = max(f.number for f in retired if f.canonical and not f.snapshot)
    merged: dict[tuple[str, str], tuple[str, State]] = {}
    for item in _records(top / device, retired):
        try:
            record = decode(item)
        except Unreadable:
            continue  # not ours to keep: a reader reports it
        key = (record.archive_id, record.mark_id)
        kept = merged.get(key)
        state = join(kept[1] if kept else None, record.state)
        assert state is not None
        merged[key] = (record.kind, state)
    lines = [encode(archive_id, mark_id, kind, state)
             for (archive_id, mark_id), (kind, state) in sorted(merged.items())]
    snapshot = top / device / layout.file_name(upto, snapshot=True)
    layout.write_whole(snapshot, [*lines, end_line(device, upto, len(lines))])
    for f in retired:
        if f.name != snapshot.name:
            with contextlib.suppress(FileNotFoundError):
                (top / device / f.name).unlink()
    return upto


def _records(folder: Path, files: list[layout.ChangeFile]) -> Iterator[object]:
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            for part in layout.read_parts(folder / f.name, 0):
                yield from part.items
