"""The sync folder on disk: whose files are where, read as far as they are whole.

``FOLDER/archive-browser-sync/v1/DEVICE/`` holds one device's files, written by that
device alone: ``device.json`` (its name), ``seen.json`` (how far it has read every
device's files), ``NNNNNN.jsonl`` (its changes, numbered from 1) and
``snapshot-NNNNNN.jsonl`` (all its changes up to file NNNNNN, once compacted). Every
file is written whole under a hidden temporary name, then renamed into place, and a
change file is never written again: a sync engine copies only whole files of ours.

What sync engines and people make of a folder is read with care:

- a file whose last line has no end yet (delivered in part) is read up to its last
  whole line, and read on from there when it grows; a file is whole when its last line
  is the end line (:func:`~desktop.notes.sync.records.end_line`);
- a conflicted copy (``000003 (conflicted copy 2026-11-26).jsonl``,
  ``000003.sync-conflict-20261126-154700-ABCDEFG.jsonl``, ``000003 (Case
  Conflict).jsonl``) is read as one more file of the same device: records merge
  idempotently, so a copy of what was read already changes nothing;
- hidden files and the engines' temporary files (``.…``, ``~…``) are left alone;
- anything else, and a folder of a newer format (``v2``), is reported once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from desktop.notes.sync.clock import DEVICE
from desktop.notes.sync.records import is_end
from desktop.paths import usual_file_mode
from desktop.tempfiles import remove_leftovers, temporary_beside

TOP = "archive-browser-sync"
VERSION = "v1"
DEVICE_FILE = "device.json"
SEEN_FILE = "seen.json"
# A change file or a snapshot, maybe with what an engine added to a conflicted copy.
_CHANGES = re.compile(r"^(?P<snapshot>snapshot-)?(?P<number>\d{6,9})(?P<extra>.*)\.jsonl$")
# A copy of device.json or seen.json an engine made: ours to ignore, not junk.
_OWN_COPY = re.compile(r"^(device|seen)\b.*\.json$")
_VERSION_DIR = re.compile(r"^v(\d+)$")
# A file longer than this is no change file of ours (ours are split long before).
MAX_FILE = 512 * 1024 * 1024
# What is read and parsed at once: about a thousand records.
PART = 1024 * 1024


def root(folder: Path) -> Path:
    """Where this format's files are in the sync folder."""
    return Path(folder) / TOP / VERSION


@dataclass(frozen=True)
class ChangeFile:
    """A file of changes of one device, as its name says."""

    device: str
    name: str
    number: int
    snapshot: bool
    copy: bool  # a conflicted copy an engine made

    @property
    def canonical(self) -> bool:
        return not self.copy


def file_name(number: int, *, snapshot: bool = False) -> str:
    return f"{'snapshot-' if snapshot else ''}{number:06d}.jsonl"


def change_file(device: str, name: str) -> ChangeFile | None:
    """What a file's name says it is; None for a name that is no change file."""
    found = _CHANGES.match(name)
    if found is None:
        return None
    extra = found["extra"]
    if extra and "conflict" not in extra.casefold():
        return None
    return ChangeFile(device, name, int(found["number"]), bool(found["snapshot"]),
                      bool(extra))


def ignored(name: str) -> bool:
    """Hidden and temporary files (ours and the engines'), and copies of our small files."""
    return (name.startswith((".", "~")) or name.endswith((".tmp", ".part"))
            or name in (DEVICE_FILE, SEEN_FILE) or bool(_OWN_COPY.match(name)))


@dataclass
class Listing:
    """What is in the folder: each device's change files with their sizes, and what is
    not ours to read (by a name, for the report)."""

    files: dict[str, list[tuple[ChangeFile, int]]]
    strangers: list[tuple[str, str, int]]  # (device or "", name, size)
    newer: list[str]  # folders of a newer format


def listing(folder: Path) -> Listing:
    """Every device's change files in the sync folder, in order, with their sizes."""
    found = Listing({}, [], [])
    top = Path(folder) / TOP
    for entry in _entries(top):
        version = _VERSION_DIR.match(entry.name)
        if version and int(version[1]) > int(VERSION[1:]):
            found.newer.append(entry.name)
    for entry in _entries(root(folder)):
        if ignored(entry.name):
            continue
        if not (DEVICE.match(entry.name) and entry.is_dir()):
            found.strangers.append(("", entry.name, _size(entry)))
            continue
        files: list[tuple[ChangeFile, int]] = []
        for item in _entries(Path(entry.path)):
            if ignored(item.name):
                continue
            what = change_file(entry.name, item.name)
            if what is None or not item.is_file():
                found.strangers.append((entry.name, item.name, _size(item)))
            else:
                files.append((what, _size(item)))
        files.sort(key=lambda f: (not f[0].snapshot, f[0].number, f[0].name))
        found.files[entry.name] = files
    return found


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _size(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat().st_size
    except OSError:
        return -1


# -- reading -----------------------------------------------------------------------------


@dataclass
class Chunk:
    """What reading a file from an offset found."""

    items: list[Any]  # the JSON objects of its whole lines, but the end line
    read_to: int  # the offset after its last whole line
    whole: bool  # its end line was found: the file is complete
    bad_lines: int  # whole lines that are not JSON objects


def read_from(path: Path, offset: int) -> Chunk:
    """The whole lines of a file after ``offset``; a last line without its end is left
    for the next reading, when the file has grown."""
    items: list[Any] = []
    bad = 0
    for part in read_parts(path, offset):
        items += part.items
        bad += part.bad_lines
    return Chunk(items, part.read_to, part.whole, bad)


def read_parts(path: Path, offset: int) -> Iterator[Chunk]:
    """:func:`read_from`, a part of about :data:`PART` bytes at a time (at least one
    part, maybe without items); each part says how far the file is read with it, and
    whether its end line has been met. A first sync reads files of 20,000 records, and a
    snapshot of every mark: parsed whole, one would hold every other thread of the
    process (the window's) for as long, and all its records at once."""
    whole = False
    read_to = offset
    with open(path, "rb") as handle:
        handle.seek(offset)
        left = MAX_FILE
        started: list[bytes] = []  # a line begun in an earlier part of the file
        while left > 0:
            data = handle.read(min(PART, left))
            if not data:
                break
            left -= len(data)
            end = data.rfind(b"\n") + 1
            if not end:
                started.append(data)
                continue
            lines = b"".join([*started, data[:end]])
            started = [data[end:]]
            read_to += len(lines)
            items, seen_end, bad = _parsed(lines)
            whole = whole or seen_end
            yield Chunk(items, read_to, whole, bad)
    if read_to == offset:
        yield Chunk([], read_to, whole, 0)


def _parsed(data: bytes) -> tuple[list[Any], bool, int]:
    """The JSON objects of some whole lines but the end line, whether the end line is
    among them, and how many lines are not JSON objects.

    Lines are read as strict JSON (orjson): a line with ``NaN``, a number beyond a
    double, or a lone surrogate (text that no notes file can hold) is a bad line, not a
    round that fails. A whole number beyond 64 bits is read as a float, which no field
    of a record accepts."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    try:
        # The lines at once, as one JSON list.
        parsed: list[Any] = orjson.loads(b"[" + b",".join(lines) + b"]")
    except orjson.JSONDecodeError:  # also a line nested too deep
        parsed = []
    if len(parsed) != len(lines):  # a line at least is not one JSON value
        parsed = [_line(line) for line in lines]
    items: list[Any] = []
    whole = False
    bad = 0
    for item in parsed:
        if item is _NOT_JSON:
            bad += 1
            continue
        if is_end(item):
            whole = True
        elif isinstance(item, dict):
            items.append(item)
        else:
            bad += 1
    return items, whole, bad


_NOT_JSON = object()


def _line(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return _NOT_JSON


def read_json(path: Path) -> Any:
    """A small JSON file of the folder (device.json, seen.json); None when it is not
    there or not JSON (being written by an engine, or someone's junk)."""
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read(1024 * 1024))
    except (OSError, ValueError, RecursionError):
        return None


# -- writing -----------------------------------------------------------------------------


def write_whole(path: Path, lines: list[str]) -> int:
    """Write a file under a temporary name, then rename it into place: whole or not at
    all, whatever an engine copies meanwhile. Returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path.parent)
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    with temporary_beside(path) as tmp:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, usual_file_mode())
        os.replace(tmp, path)
    return len(data)


def write_json(path: Path, value: Any) -> None:
    write_whole(path, [json.dumps(value, ensure_ascii=False, sort_keys=True)])
