"""Errors of the archive layer, each carrying one sentence a person can act on."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive file cannot be used: missing, unreadable, damaged or not an archive."""


class ArchiveDamaged(ArchiveError):
    """The archive file holds damage: what was read of it cannot be trusted."""


class BuildError(Exception):
    """The archive cannot be built from its resources; the message says why."""


def damaged(path: object, exc: BaseException) -> str:
    """One sentence for an archive SQLite cannot read as it should. Python's own message
    for text that is not UTF-8 quotes the whole passage, so it is named, not quoted."""
    if getattr(exc, "sqlite_errorcode", None) is None and "decode" in str(exc):
        why = "some of its text is not valid UTF-8"
    else:
        why = str(exc)
    return (f"The archive {path} is damaged and cannot be read ({why}); "
            "`archive-browser check` lists the damage, and a sound copy or a rebuild "
            "replaces it.")
