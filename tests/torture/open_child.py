"""Open a notes folder as the application does and read every mark: one JSON line.

``python -m tests.torture.open_child FOLDER``: ``{"opened": true, ...}`` with what
the opening reported and how many marks it reads, ``{"refused": MESSAGE}`` for the
notes layer's own error, or ``{"raised": TYPE, "message": ...}`` for anything else
(which a person would see as a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop.notes.errors import NotesError
from desktop.notes.store import Notes


def main() -> None:
    try:
        notes = Notes(Path(sys.argv[1]))
    except NotesError as exc:
        print(json.dumps({"refused": str(exc)}))
        return
    except Exception as exc:  # a traceback, for a person
        print(json.dumps({"raised": type(exc).__name__, "message": str(exc)}))
        return
    try:
        highlights, bookmarks, links = notes.highlights(), notes.bookmarks(), notes.links()
        notes.tags()
        sound = notes.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        result = {"opened": True, "messages": notes.report.messages,
                  "set_aside": notes.report.damaged_kept_at is not None,
                  "marks": len(highlights) + len(bookmarks) + len(links), "sound": sound}
    except Exception as exc:
        result = {"raised": type(exc).__name__, "message": f"reading the marks: {exc}"}
    finally:
        notes.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
