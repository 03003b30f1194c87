"""A process that edits one field of some highlights, round after round.

``python editor.py FOLDER FIELD ROUNDS ID...`` (FIELD is ``note`` or ``tags``):
prints ``ready``, waits for a line on standard input, then for each round and each
highlight prints, as one JSON line, the id, the field as it found it just before the
edit and the value it saved (once the save has returned).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop.notes.store import Notes


def main() -> None:
    folder, field, rounds, ids = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    notes = Notes(folder, backup_now=False)
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(rounds):
        for highlight_id in ids:
            found = notes.highlight(highlight_id)
            assert found is not None
            if field == "note":
                value: object = f"note {n} of {highlight_id[:8]}"
                notes.update_highlight(highlight_id, note=str(value))
                before: object = found.note
            else:
                value = [f"round {n}", "tagged"]
                notes.update_highlight(highlight_id, tags=value)  # type: ignore[arg-type]
                before = list(found.tags)
            print(json.dumps([highlight_id, before, value]), flush=True)
    notes.close()


if __name__ == "__main__":
    main()
