"""Where the notes layer's database errors become its own.

Nothing above this layer needs to know about sqlite3: every public method of
:class:`~desktop.notes.store.Notes`, and the functions that work on its marks for the
windows (re-anchoring, export, import), raise :class:`NotesError` instead, with one
sentence naming the notes folder and what the person can do, chained to the SQLite
error. Damage becomes :class:`NotesDamaged`, after the next opening has been told to
check the file in full.

What the layer handles itself (a file busy while it switches to WAL, a damaged file
found at opening and restored, a backup copy that fails its check at opening) is
caught inside, before it reaches this boundary: only what is left is translated.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, Protocol, TypeVar

from desktop.notes import health
from desktop.notes.backups import CopyFailedCheck
from desktop.notes.errors import NotesDamaged, NotesError
from desktop.notes.notes_file import FILE_NAME

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)


class OpenNotes(Protocol):
    """What the boundary needs of the notes it guards."""

    folder: Path

    def distrust(self) -> None: ...


def _why(exc: sqlite3.Error) -> str:
    # Python's own message for text that is not UTF-8 quotes the whole note.
    if getattr(exc, "sqlite_errorcode", None) is None and "decode" in str(exc):
        return "some of their text is not valid UTF-8"
    return str(exc)


def translate(exc: sqlite3.Error, folder: Path) -> NotesError:
    """The notes layer's error for a SQLite error met while using the notes in
    ``folder`` (the archive raises its own, ArchiveError, for what it meets)."""
    why = _why(exc)
    path = folder / FILE_NAME
    if isinstance(exc, CopyFailedCheck):
        return NotesDamaged(
            f"A backup of your notes in {folder} failed its check, so the notes file may "
            "be damaged; quit and start Archive Browser again to have it checked in full "
            "and restored from a backup if it is.", path)
    if isinstance(exc, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return NotesError(f"Your notes in {folder} are no longer open ({why}); start "
                          "Archive Browser again to read or change them.")
    if health.is_damage(exc):
        return NotesDamaged(
            f"Your notes in {folder} are damaged ({why}); quit and start Archive Browser "
            "again to have them checked in full and restored from the newest sound "
            "backup.", path)
    if isinstance(exc, sqlite3.IntegrityError):
        return NotesError(f"This change to your notes in {folder} was refused ({why}), so "
                          "nothing of it was written and your notes are as they were.")
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return NotesError(f"Your notes in {folder} are kept busy by another program or "
                          "window; wait a moment or close it, then try again.")
    if code == sqlite3.SQLITE_FULL:
        return NotesError(f"Your notes in {folder} could not be written because the disk "
                          "is full; free some space and try again.")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        return NotesError(f"Your notes in {folder} cannot be written ({why}); make the "
                          "folder and the files in it writable, then try again.")
    return NotesError(f"Your notes in {folder} could not be read or written ({why}); "
                      "check that the folder is still there and can be written, then "
                      "try again.")


def _guard(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with SQLite errors translated; its first argument is the notes."""
    @functools.wraps(func)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except sqlite3.Error as exc:
            notes: OpenNotes = args[0]  # type: ignore[assignment]
            error = translate(exc, notes.folder)
            if isinstance(error, NotesDamaged):
                notes.distrust()
            raise error from exc

    return guarded


def at_boundary(func: Callable[P, R]) -> Callable[P, R]:
    """For a function whose first argument is the notes: SQLite errors leave it as
    :class:`NotesError`. (An archive it reads raises its own :class:`ArchiveError`.)"""
    return _guard(func)


def public_methods_at_boundary(cls: C) -> C:
    """Guard every public method of ``cls`` (and its ``__init__``), whose instances
    are :class:`OpenNotes`: no SQLite error leaves them untranslated."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and (name == "__init__" or not name.startswith("_")):
            setattr(cls, name, _guard(member))
    return cls
