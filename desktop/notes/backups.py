"""Verified, rotating backups of the notes database, made with SQLite's backup API."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from msgspec import Struct

from desktop.notes import health
from desktop.tempfiles import remove_leftovers, remove_stale, temporary_beside

KEEP = 10
STALE_SECONDS = 3600
_NAME = re.compile(r"^notes-(\d{8}T\d{6}\d{6})Z\.db$")


class Backup(Struct, frozen=True):
    path: Path
    when: datetime  # UTC

    def describe(self) -> str:
        """When the backup was made, in the person's local time."""
        local = self.when.astimezone()
        return f"{local.day} {local:%B %Y at %H:%M}"


DAMAGED = "is not a sound backup of your notes."
NOT_NOTES = ("is not a backup of your notes but another kind of file; `archive-browser "
             "backups` lists the backups with their full paths.")
NEWER = ("was made by a newer version of Archive Browser; update the application to "
         "restore it.")


def open_read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection that can only read ``path`` (a backup, or the notes as they are)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def problem(path: Path, latest: int | None = None) -> str | None:
    """Why ``path`` cannot stand in for the notes file (the end of a sentence that
    starts with its name), or None when it can: a damaged file, text that does not
    decode, another kind of database (an archive), or, given ``latest``, a schema
    newer than this application reads."""
    try:
        conn = open_read_only(path)
        try:
            if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                return DAMAGED
            tables = health.table_names(conn)
            if not tables >= health.MARKS_TABLES:
                return NOT_NOTES
            health.read_everything(conn)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if latest is not None and version > latest:
                return NEWER
            if not tables >= health.tables_of(version):
                return DAMAGED  # a table its version has is gone
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return DAMAGED
    return None


def is_sound(path: Path) -> bool:
    """True when ``path`` is a notes database that passes ``integrity_check`` and whose
    every text decodes."""
    return problem(path) is None


def fingerprint(conn: sqlite3.Connection) -> str | None:
    """What the marks are, in brief (every mark's id and last change, and the tags);
    None when there are none. Notes without links have the fingerprint they had
    before links were."""
    if not health.holds_marks(conn):
        return None
    import hashlib  # (loaded when a backup is made, not at start: OpenSSL is 4 MB)

    digest = hashlib.sha1(usedforsecurity=False)
    queries = ["SELECT id, modified FROM highlights ORDER BY id",
               "SELECT id, modified, uri, label FROM bookmarks ORDER BY id",
               "SELECT highlight_id, tag FROM highlight_tags ORDER BY highlight_id, tag"]
    if "links" in health.table_names(conn):  # not in a backup made before links were
        queries.append("SELECT id, modified FROM links ORDER BY id")
    for query in queries:
        for row in conn.execute(query):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def fingerprint_of(path: Path) -> str | None:
    """The fingerprint of a backup's marks; None when it holds none or cannot be read."""
    try:
        conn = open_read_only(path)
        try:
            return fingerprint(conn)
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return None


def _rotate(folder: Path, keep: int) -> None:
    """Keep the newest ``keep`` backups that hold distinct marks, and the newest backup.

    A backup of an empty file, or a copy of marks a newer backup already holds, never
    pushes out a backup with marks: such copies are the first to go, and only while
    more than ``keep`` backups are left.
    """
    found = backups(folder)
    marks = [fingerprint_of(b.path) for b in found]
    distinct = [i for i, m in enumerate(marks) if m is not None and m not in marks[:i]]
    redundant = [i for i in range(1, len(found)) if i not in distinct]
    for i in distinct[keep:]:
        found[i].path.unlink(missing_ok=True)
    left = len(found) - len(distinct[keep:])
    for i in reversed(redundant):
        if left <= keep:
            break
        found[i].path.unlink(missing_ok=True)
        left -= 1


class CopyFailedCheck(sqlite3.DatabaseError):
    """A copy of the notes failed its check: the notes file itself holds damage that
    SQLite's quick check does not see (the backup API copies it page for page)."""

    def __init__(self) -> None:
        super().__init__("the copy failed its integrity check, so the notes file may be "
                         "damaged; quit and start Archive Browser again to have it checked "
                         "in full and restored from a backup if it is")


def _checked_copy(source: sqlite3.Connection, partial: Path) -> None:
    """Copy a database with SQLite's backup API into ``partial``, one file in rollback
    mode, and check it; a copy that fails its check is removed, never kept."""
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    if not is_sound(partial):
        partial.unlink(missing_ok=True)
        raise CopyFailedCheck


def make_backup(conn: sqlite3.Connection, folder: Path, *, keep: int = KEEP) -> Backup:
    """Copy the live database to ``folder``, check the copy, and keep the newest ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    clear_leftovers(folder)
    when = datetime.now(UTC)
    final = folder / f"notes-{when.strftime('%Y%m%dT%H%M%S%f')}Z.db"
    with temporary_beside(final) as partial:
        _checked_copy(conn, partial)
        os.replace(partial, final)
    _rotate(folder, keep)
    return Backup(final, when)


def clear_leftovers(folder: Path) -> None:
    """Remove the partial copies that killed backups left in ``folder``: ours once no
    living process holds their lock, and those of earlier versions (which held none)
    once they are an hour old."""
    remove_leftovers(folder)
    remove_stale(folder, "notes-*Z.partial", STALE_SECONDS)


def backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first."""
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _NAME.match(path.name)
            if match:
                when = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
                found.append(Backup(path, when))
    return sorted(found, key=lambda b: b.when, reverse=True)


def newest_sound(folder: Path) -> Backup | None:
    """The newest backup that passes its integrity check."""
    return next((b for b in backups(folder) if is_sound(b.path)), None)


def stage(backup: Path, target: Path) -> Path:
    """Copy a backup beside ``target`` (as TARGET.restoring), checked, ready to be renamed
    into place: nothing is moved until the copy is known to be whole."""
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    source = open_read_only(backup)
    try:
        _checked_copy(source, partial)
    finally:
        source.close()
    return partial
