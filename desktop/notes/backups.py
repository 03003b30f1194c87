"""Verified, rotating backups of the notes database, made with SQLite's backup API."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop.tempfiles import remove_leftovers, remove_stale, temporary_beside

KEEP = 10
STALE_SECONDS = 3600
_NAME = re.compile(r"^notes-(\d{8}T\d{6}\d{6})Z\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    when: datetime  # UTC

    def describe(self) -> str:
        """When the backup was made, in the person's local time."""
        local = self.when.astimezone()
        return f"{local.day} {local:%B %Y at %H:%M}"


def is_sound(path: Path) -> bool:
    """True when ``path`` is an SQLite database that passes ``integrity_check``."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


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
        raise sqlite3.DatabaseError("the copy failed its integrity check")


def make_backup(conn: sqlite3.Connection, folder: Path, *, keep: int = KEEP) -> Backup:
    """Copy the live database to ``folder``, check the copy, and keep the newest ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    clear_leftovers(folder)
    when = datetime.now(UTC)
    final = folder / f"notes-{when.strftime('%Y%m%dT%H%M%S%f')}Z.db"
    with temporary_beside(final) as partial:
        _checked_copy(conn, partial)
        os.replace(partial, final)
    for old in backups(folder)[keep:]:
        old.path.unlink(missing_ok=True)
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
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _checked_copy(source, partial)
    finally:
        source.close()
    return partial
