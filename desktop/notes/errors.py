"""Errors of the notes layer, each one sentence a person can act on."""

from __future__ import annotations

NEWER = ("Your notes were saved by a newer version of Archive Browser; please update the "
         "application. The notes file was left as it is.")


class NotesError(Exception):
    """The notes database cannot be used as it is; the message says why and what to do."""


class NotesDamaged(NotesError):
    """The notes file holds damage that was met while reading or writing it (the quick
    check at opening cannot see everything): the next start should examine it in full."""
