"""Errors of the archive layer, each carrying one sentence a person can act on."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive file cannot be used: missing, unreadable, damaged or not an archive."""


class BuildError(Exception):
    """The archive cannot be built from its resources; the message says why."""
