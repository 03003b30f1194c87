"""A process that edits one field of the same five highlights, over and over.

``python -m tests.torture.edit_child FOLDER FIELD TAG COUNT ID,ID,...`` where FIELD is
``note`` or ``tags``. It prints ``ready`` once the notes are open and starts on a
line ``go`` from its standard input, so that two of them start together. Then, as
JSON lines: ``["ack", ID, VALUE]`` after each edit is saved, and ``["seen", ID,
VALUE]`` when, before its next edit of a highlight, the field no longer holds the
value it last saved there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop.notes.store import Notes


def value(notes: Notes, mark: str, field: str) -> object:
    highlight = notes.highlight(mark)
    assert highlight is not None
    return highlight.note if field == "note" else list(highlight.tags)


def main() -> None:
    folder, field, tag, count, ids = sys.argv[1:6]
    marks = ids.split(",")
    notes = Notes(Path(folder), backup_now=False)
    print("ready", flush=True)
    sys.stdin.readline()
    last: dict[str, object] = {}
    for n in range(int(count)):
        mark = marks[n % len(marks)]
        current = value(notes, mark, field)
        if mark in last and current != last[mark]:
            print(json.dumps(["seen", mark, current]), flush=True)
        new = f"{tag}-{n}"
        if field == "note":
            notes.update_highlight(mark, note=new)
            last[mark] = new
        else:
            notes.update_highlight(mark, tags=[new])
            last[mark] = [new]
        print(json.dumps(["ack", mark, last[mark]]), flush=True)
    notes.close()


if __name__ == "__main__":
    main()
