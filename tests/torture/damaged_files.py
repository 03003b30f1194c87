"""Ways an SQLite file gets damaged, each applied in place to a copy, from a seed.

A disk or a copy gone wrong flips bytes, cuts a file short, leaves it empty or
zeroes a page; one bad byte in the schema's text or in a note is invalid UTF-8,
which SQLite's own checks let through.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

HEADER = 100  # SQLite's file header: damage there is mostly "not a database"
Damage = Callable[[Path, random.Random], str]


def _edit(path: Path, change: Callable[[bytearray], str]) -> str:
    data = bytearray(path.read_bytes())
    what = change(data)
    path.write_bytes(bytes(data))
    return what


def zero_length(path: Path, _rng: random.Random) -> str:
    path.write_bytes(b"")
    return "zero-length"


def truncated(path: Path, rng: random.Random) -> str:
    size = path.stat().st_size
    cut = rng.choice((rng.randrange(1, size), (rng.randrange(1, size) // 4096) * 4096 or 4096,
                      size // 2, HEADER))
    with path.open("r+b") as out:
        out.truncate(cut)
    return f"truncated to {cut:,} bytes"


def flipped(path: Path, rng: random.Random) -> str:
    def change(data: bytearray) -> str:
        count = rng.choice((1, 4, 64))
        for _ in range(count):
            data[rng.randrange(HEADER, len(data))] ^= 1 << rng.randrange(8)
        return f"{count} bits flipped"
    return _edit(path, change)


def zeroed_page(path: Path, rng: random.Random) -> str:
    def change(data: bytearray) -> str:
        page = rng.randrange(1, max(2, len(data) // 4096))
        data[page * 4096:(page + 1) * 4096] = bytes(len(data[page * 4096:(page + 1) * 4096]))
        return f"page {page + 1} zeroed"
    return _edit(path, change)


def bad_magic(path: Path, _rng: random.Random) -> str:
    return _edit(path, lambda data: data.__setitem__(slice(0, 16), b"not SQLite at al")
                 or "header overwritten")


def _invalid_utf8_at(needle: bytes, what: str) -> Damage:
    def damage(path: Path, rng: random.Random) -> str:
        def change(data: bytearray) -> str:
            places = [i for i in range(len(data)) if data.startswith(needle, i)]
            if not places:
                return f"(no {what} found to damage)"
            at = rng.choice(places) + rng.randrange(len(needle))
            data[at] = 0xFF  # never valid in UTF-8
            return f"invalid UTF-8 in {what}"
        return _edit(path, change)
    return damage


in_schema = _invalid_utf8_at(b"CREATE TABLE", "the schema")
in_a_note = _invalid_utf8_at(b"accents", "a note")
in_a_passage = _invalid_utf8_at(b"communist", "a passage")


def no_tables(path: Path, _rng: random.Random) -> str:
    """A sound SQLite file with none of the tables: a file replaced by an empty one."""
    path.unlink()
    sqlite3.connect(path).close()
    return "a sound database with no tables"


def with_wal(path: Path, rng: random.Random) -> str:
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(rng.randbytes(rng.choice((32, 4096 + 24, 70_000))))
    return "a garbage write-ahead log beside it"


# Each kind that needs no chance once, then the ones drawn by chance in turn.
NOTES_DAMAGE_ONCE: tuple[Damage, ...] = (zero_length, bad_magic, no_tables)
NOTES_DAMAGE: tuple[Damage, ...] = (truncated, flipped, zeroed_page, in_schema, in_a_note,
                                    with_wal)
ARCHIVE_DAMAGE_ONCE: tuple[Damage, ...] = (zero_length, bad_magic)
ARCHIVE_DAMAGE: tuple[Damage, ...] = (truncated, flipped, zeroed_page, in_schema, in_a_passage)


def nth(number: int, once: tuple[Damage, ...], drawn: tuple[Damage, ...]) -> Damage:
    """The damage done to the ``number``-th copy."""
    return once[number] if number < len(once) else drawn[(number - len(once)) % len(drawn)]
