"""Errors of the notes layer, each one sentence a person can act on."""

from __future__ import annotations

from pathlib import Path

NEWER = ("Your notes were saved by a newer version of Archive Browser; please update the "
         "application. The notes file was left as it is.")


class NotesError(Exception):
    """The notes database cannot be used as it is; the message says why and what to do."""


class Cancelled(Exception):
    """The person cancelled a long export or import."""


class NotesDamaged(NotesError):
    """The notes file at :attr:`path` is damaged, possibly in a way SQLite's quick check
    at opening does not see. The layer has already arranged for the next opening to
    check the file in full, which restores it from the newest sound backup if need be."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path
