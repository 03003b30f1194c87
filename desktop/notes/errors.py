"""Errors of the notes layer, each one sentence a person can act on."""

from __future__ import annotations


class NotesError(Exception):
    """The notes database cannot be used as it is; the message says why and what to do."""
