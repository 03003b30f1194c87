"""Fill a data folder with N highlights spread over the essay (for the benchmarks)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from desktop.archive.store import Archive
from desktop.notes.anchoring import select
from desktop.notes.marks import COLOURS, Highlight, now
from desktop.notes.store import Notes

WORDS = ["inequality", "party", "workers", "NEP", "minutes", "soviet", "Lenin", "democracy"]


def seed(folder: Path, archive_path: Path, count: int, *, seed_value: int = 1922) -> None:
    rng = random.Random(seed_value)
    archive = Archive(archive_path)
    passages = [p for d in archive.documents() for p in archive.passages(d.id)
                if len(p.text) > 40]
    notes = Notes(folder)
    stamp = now()
    rows = []
    for n in range(count):
        passage = rng.choice(passages)
        start = rng.randrange(0, len(passage.text) - 30)
        end = start + rng.randint(5, 30)
        rows.append(Highlight(
            f"bench-{n:06d}", archive.archive_id, passage.document_id,
            select(passage.uri, passage.text, start, end), rng.choice(COLOURS),
            note=" ".join(rng.choices(WORDS, k=rng.randint(0, 12))),
            tags=tuple(rng.sample(WORDS, rng.randint(0, 3))), created=stamp, modified=stamp))
    with notes._write() as conn:  # one transaction: seeding is not what is measured
        for h in rows:
            s = h.selector
            conn.execute(
                "INSERT INTO highlights (id, archive_id, document_id, uri, start, \"end\", "
                "exact, prefix, suffix, colour, note, state, created, modified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (h.id, h.archive_id, h.document_id, s.uri, s.start, s.end, s.exact, s.prefix,
                 s.suffix, h.colour, h.note, h.state, h.created, h.modified))
            conn.executemany("INSERT INTO highlight_tags VALUES (?, ?)",
                             [(h.id, t) for t in h.tags])
    notes.close()
    archive.close()


def with_real_ids(folder: Path) -> None:
    """The seeded highlights with random UUIDs for ids, as the application makes them
    (the seed numbers them, which would make every index grow in order)."""
    import sqlite3
    import uuid

    rng = random.Random(1922)
    conn = sqlite3.connect(folder / "notes.db")
    with conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM highlights")]
        new = {old: str(uuid.UUID(int=rng.getrandbits(128), version=4)) for old in ids}
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.executemany("UPDATE highlights SET id = ? WHERE id = ?",
                         [(n, o) for o, n in new.items()])
        conn.executemany("UPDATE highlight_tags SET highlight_id = ? WHERE highlight_id = ?",
                         [(n, o) for o, n in new.items()])
    conn.close()


if __name__ == "__main__":
    seed(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
