"""A notes folder as a person's would be: marks on the shipped archive, and backups."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from desktop.archive.store import Archive, Passage
from desktop.notes.anchoring import Selector, select
from desktop.notes.marks import COLOURS, RELATIONS, End
from desktop.notes.store import Notes
from tests.torture.common import SHIPPED_ARCHIVE

NOTE_TEXTS = ("A note with accents: é, ж, 共", "Emoji 🙂 and RTL: שלום", "=SUM(A1:A9)",
              "Line one\nline two", "")


def _words(passage: Passage, rng: random.Random) -> Selector:
    start = rng.randrange(len(passage.text) - 40)
    return select(passage.uri, passage.text, start, start + rng.randint(5, 40))


def notes_with_marks(folder: Path, rng: random.Random, marks: int = 24) -> Path:
    """Fill ``folder`` with highlights (some across two passages), notes, tags, links
    and bookmarks on the shipped archive, saved over three backups (the newest holding
    every mark); return the folder."""
    with Archive(SHIPPED_ARCHIVE) as archive:
        passages = [p for p in archive.passages("essay") if len(p.text) > 80]
        notes = Notes(folder)
        try:
            for n in range(marks):
                at = rng.randrange(len(passages) - 1)
                passage = passages[at]
                # Every sixth runs on into the next passage.
                more = [_words(passages[at + 1], rng)] if n % 6 == 5 else []
                notes.add_highlight(archive.archive_id, "essay", _words(passage, rng),
                                    COLOURS[n % len(COLOURS)],
                                    note=f"{NOTE_TEXTS[n % len(NOTE_TEXTS)]} ({n})",
                                    tags=[f"tag{n % 4}", "torture"], more=more)
                if n % 7 == 3:
                    notes.add_link(archive.archive_id, End("essay", _words(passage, rng)),
                                   End("essay", _words(rng.choice(passages), rng)),
                                   RELATIONS[n % len(RELATIONS)],
                                   note=NOTE_TEXTS[n % len(NOTE_TEXTS)])
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
