"""A process that saves highlights as fast as it can, printing each id once saved.

``python writer.py FOLDER TAG [COUNT]``: used by the crash and second-launch tests,
which kill it or run two at once. It prints ``ready`` and waits for a line on
standard input before it starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.notes.anchoring import select
from desktop.notes.store import Notes

TEXT = "In the communist party [Petrzhek] had hoped to find the realization of his dream."


def main() -> None:
    folder, tag = Path(sys.argv[1]), sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
    notes = Notes(folder)
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(limit):
        highlight = notes.add_highlight("communists-dilemma", "essay",
                                        select("archive-browser://x/essay/p8", TEXT, 7, 20),
                                        "yellow", note=f"{tag} note {n} " + "ж" * (n % 50),
                                        tags=[tag, f"n{n % 7}"])
        print(highlight.id, flush=True)
    notes.close()


if __name__ == "__main__":
    main()
