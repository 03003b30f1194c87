"""A process that saves marks as fast as it can, printing each one once it is saved.

``python -m tests.torture.kill_writer FOLDER TAG``: the kills case SIGKILLs it at
varied moments. Lines: ``ready`` once the notes are open, then ``h ID`` for a
highlight, ``b ID`` for a bookmark, ``u ID NOTE`` for a changed note; a line is
printed only after the method that saved it returned.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.notes.anchoring import select
from desktop.notes.store import Notes

TEXT = "In the communist party [Petrzhek] had hoped to find the realization of his dream."
URI = "archive-browser://communists-dilemma/essay/p8"


def main() -> None:
    folder, tag = Path(sys.argv[1]), sys.argv[2]
    notes = Notes(folder)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        highlight = notes.add_highlight("communists-dilemma", "essay",
                                        select(URI, TEXT, n % 20, 30 + n % 40), "yellow",
                                        note=f"{tag} note {n} " + "ж" * (n % 50),
                                        tags=[tag, f"n{n % 7}"])
        print("h", highlight.id, flush=True)
        if n % 3 == 0:
            bookmark = notes.add_bookmark("communists-dilemma", "essay", f"{URI}#{n}",
                                          TEXT[:40], f"{tag} {n}")
            print("b", bookmark.id, flush=True)
        if n % 5 == 0:
            note = f"{tag}-changed-{n}"
            notes.update_highlight(highlight.id, note=note)
            print("u", highlight.id, note, flush=True)
        if n % 40 == 0:
            notes.backup()  # a kill may land inside one


if __name__ == "__main__":
    main()
