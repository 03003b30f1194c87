"""A process that opens the notes the moment it is told to, to start several at once.

``python together.py open FOLDER`` opens and closes the notes in FOLDER (``mark``
FOLDER saves a highlight between the two and prints its id);
``python together.py cli ARG...`` runs the command line with those arguments. Either
way it prints ``ready`` once everything is imported, then waits for a line on
standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop import cli
from desktop.notes.anchoring import select
from desktop.notes.store import Notes

TEXT = "The words of a passage that someone highlighted."


def main() -> int:
    what, args = sys.argv[1], sys.argv[2:]
    print("ready", flush=True)
    sys.stdin.readline()
    if what == "cli":
        return cli.main(args)
    notes = Notes(Path(args[0]))
    if what == "mark":  # and save a highlight, printing its id once it is saved
        print(notes.add_highlight("communists-dilemma", "essay",
                                  select("archive-browser://x/essay/p1", TEXT, 4, 9),
                                  "green").id, flush=True)
    notes.close()
    print("opened", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
