"""A process that opens the notes the moment it is told to, to start several at once.

``python together.py open FOLDER`` opens and closes the notes in FOLDER;
``python together.py cli ARG...`` runs the command line with those arguments. Either
way it prints ``ready`` once everything is imported, then waits for a line on
standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop import cli
from desktop.notes.store import Notes


def main() -> int:
    what, args = sys.argv[1], sys.argv[2:]
    print("ready", flush=True)
    sys.stdin.readline()
    if what == "cli":
        return cli.main(args)
    Notes(Path(args[0])).close()
    print("opened", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
