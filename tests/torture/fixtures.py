"""A notes folder as a person's would be: marks on the shipped archive, and backups."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from desktop.archive.store import Archive
from desktop.notes.anchoring import select
from desktop.notes.marks import COLOURS
from desktop.notes.store import Notes
from tests.torture.common import SHIPPED_ARCHIVE

NOTE_TEXTS = ("A note with accents: é, ж, 共", "Emoji 🙂 and RTL: שלום", "=SUM(A1:A9)",
              "Line one\nline two", "")


def notes_with_marks(folder: Path, rng: random.Random, marks: int = 24) -> Path:
    """Fill ``folder`` with highlights, notes, tags and bookmarks on the shipped archive,
    saved over three backups (the newest holding every mark); return the folder."""
    with Archive(SHIPPED_ARCHIVE) as archive:
        passages = [p for p in archive.passages("essay") if len(p.text) > 80]
        notes = Notes(folder)
        try:
            for n in range(marks):
                passage = rng.choice(passages)
                start = rng.randrange(len(passage.text) - 40)
                notes.add_highlight(archive.archive_id, "essay",
                                    select(passage.uri, passage.text, start,
                                           start + rng.randint(5, 40)),
                                    COLOURS[n % len(COLOURS)],
                                    note=f"{NOTE_TEXTS[n % len(NOTE_TEXTS)]} ({n})",
                                    tags=[f"tag{n % 4}", "torture"])
                if n % 5 == 0:
                    notes.add_bookmark(archive.archive_id, "essay", passage.uri,
                                       passage.text[:64], f"Bookmark {n}")
                if n % 8 == 7:
                    notes.backup()
        finally:
            notes.close()
    return folder


def copy_of(template: Path, target: Path) -> Path:
    """A private copy of a notes folder, to damage or import into."""
    shutil.copytree(template, target)
    return target
