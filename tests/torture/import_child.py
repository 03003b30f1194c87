"""Import hostile files into private copies of a notes folder, one JSON line per file.

``python -m tests.torture.import_child TEMPLATE WORK FILE...``: for each file, a copy
of the TEMPLATE notes folder is made under WORK and the file imported into it on
the shipped archive. A line tells what happened: ``refused`` (with the message and
whether the marks were left exactly as they were), ``imported`` (with whether every
mark it changed can then be edited), or ``raised`` (an exception that is not one of
the notes layer's own, which a person would see as a traceback). ``maxrss_mb`` is the
process's peak memory so far, ``seconds`` how long the import took.
"""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from desktop.archive.store import Archive
from desktop.notes.errors import NotesError
from desktop.notes.importer import import_file
from desktop.notes.store import Notes
from tests.torture.common import SHIPPED_ARCHIVE, fingerprint

EDITED = 20  # marks edited after an import, newest change first


def _editable(notes: Notes, before: dict[str, str]) -> str | None:
    """Edit the marks an import changed, as a person would next; the first problem."""
    changed = sorted((h for h in notes.highlights() if before.get(h.id) != h.modified),
                     key=lambda h: h.modified, reverse=True)
    try:
        for highlight in changed[:EDITED]:
            notes.update_highlight(highlight.id, note=highlight.note + " (edited)")
        for bookmark in [b for b in notes.bookmarks() if before.get(b.id) != b.modified][:EDITED]:
            notes.update_bookmark(bookmark.id, label=bookmark.label + " (edited)")
        for link in [x for x in notes.links() if before.get(x.id) != x.modified][:EDITED]:
            notes.update_link(link.id, note=link.note + " (edited)")
    except Exception as exc:  # whatever it is, a person would meet it
        return f"editing an imported mark raised {type(exc).__name__}: {exc}"
    problems = notes.conn.execute("PRAGMA integrity_check").fetchall()
    return None if problems == [("ok",)] else f"the notes file is damaged: {problems[:2]}"


def one(archive: Archive, template: Path, folder: Path, path: Path) -> dict[str, object]:
    shutil.copytree(template, folder)
    notes = Notes(folder, backup_now=False)
    try:
        before = fingerprint(notes)
        stamps = {m.id: m.modified for m in (*notes.highlights(), *notes.bookmarks(),
                                              *notes.links())}
        try:
            report = import_file(notes, archive, path)
        except NotesError as exc:
            return {"outcome": "refused", "type": type(exc).__name__, "message": str(exc),
                    "untouched": fingerprint(notes) == before}
        except (Exception, RecursionError) as exc:  # a traceback, for a person
            return {"outcome": "raised", "type": type(exc).__name__, "message": str(exc)[:300]}
        return {"outcome": "imported", "describe": report.describe(),
                "problem": _editable(notes, stamps)}
    finally:
        with contextlib.suppress(sqlite3.Error):
            notes.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    template, work = Path(sys.argv[1]), Path(sys.argv[2])
    with Archive(SHIPPED_ARCHIVE) as archive:
        for number, name in enumerate(sys.argv[3:]):
            started = time.perf_counter()
            result = one(archive, template, work / str(number), Path(name))
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(json.dumps({"file": name, **result, "maxrss_mb": peak, "seconds": seconds}),
                  flush=True)


if __name__ == "__main__":
    main()
