"""A backup, export or build that stops, holding its temporary file, until told.

``python -m tests.held_writer KIND AT FOLDER``: KIND is backup, export or build;
AT is ``created`` (just after the temporary file is made and locked) or ``schema``
(a build, inside the archive writer's constructor). The process prints
``held PATH`` once the temporary file exists, then waits for its standard input
to close: the test then kills it (SIGKILL, or SIGTERM as a person's ``kill`` does),
or closes the pipe to let it finish. The work runs through the command line where
it can, so that SIGTERM is handled as a person's would be.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from pathlib import Path

from desktop import cli, tempfiles
from desktop.archive import build

ROOT = Path(__file__).resolve().parents[1]


def hold(path: Path) -> None:
    print(f"held {path}", flush=True)
    sys.stdin.read()


def hold_after_creation() -> None:
    create = tempfiles._create_locked

    def created(name: Path) -> int:
        fd = create(name)
        hold(name)
        return fd

    tempfiles._create_locked = created  # type: ignore[assignment]


def hold_inside_the_writer() -> None:
    create_schema = build.create_schema

    def creating(db: object) -> None:
        hold(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))  # type: ignore[attr-defined]
        create_schema(db)  # type: ignore[arg-type]

    build.create_schema = creating  # type: ignore[assignment]


def main() -> int:
    kind, at, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    (hold_inside_the_writer if at == "schema" else hold_after_creation)()
    if kind == "backup":
        from desktop.notes.backups import make_backup

        signal.signal(signal.SIGTERM, cli._stop_cleanly)
        conn = sqlite3.connect(folder / "notes.db")
        try:
            make_backup(conn, folder / "backups")
        except KeyboardInterrupt:
            return 130
        return 0
    if kind == "export":
        return cli.main(["export", "--archive", str(ROOT / "archive.db"), "--force",
                         "--output", str(folder / "out" / "export.md")])
    return cli.main(["build", str(folder / "texts"), "--output",
                     str(folder / "out" / "built.db")])


if __name__ == "__main__":
    sys.exit(main())
