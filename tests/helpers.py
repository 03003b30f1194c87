"""What several test files share: the project's folder, the command line run in this
process or as a process of its own, marks to work on, and a look into a database file or
a fresh interpreter.

Fixtures live in ``conftest.py``; plain functions, which a test or a child process can
call, live here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.archive.store import Archive
from desktop.cli import main
from desktop.notes.anchoring import select
from desktop.notes.store import Notes
from desktop.paths import DATA_DIR_ENV

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent

# -- the command line ------------------------------------------------------------------
#
# In this process where it can be (quicker, and coverage sees desktop/cli.py); as a
# process of its own where the process itself is under test: the installed command's
# exit status, a run from end to end, a signal, a lock held by another process, or a
# file that could make a faulty version wait for ever (a timeout ends a child, not a
# call in this process).


@dataclass(frozen=True)
class CliRun:
    """What a command printed and the status it ended with, named as a finished
    process's are, so that a test reads the same whichever way the command ran."""

    returncode: int
    stdout: str
    stderr: str


class InProcessCli:
    """``desktop.cli.main`` called in this process, its output taken from pytest's capture;
    ``data`` moves the person's data folder (for the rest of the test)."""

    def __init__(self, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *args: str, data: Path | None = None) -> CliRun:
        if data is not None:
            self._monkeypatch.setenv(DATA_DIR_ENV, str(data))
        self._capsys.readouterr()  # what came before is not this command's output
        returncode = main(list(args))
        out, err = self._capsys.readouterr()
        return CliRun(returncode, out, err)


INSTALLED_COMMAND = Path(sys.executable).with_name("archive-browser")


def run_cli_process(*args: str, data: Path | None = None, installed: bool = False,
                    timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m desktop.cli ARGS`` (or, ``installed``, the ``archive-browser``
    command pip installed beside this interpreter) as a person's shell would, its notes
    in ``data`` when given, and wait for it (at most ``timeout`` seconds)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    if data is not None:
        env[DATA_DIR_ENV] = str(data)
    program = [str(INSTALLED_COMMAND)] if installed else [sys.executable, "-m", "desktop.cli"]
    return subprocess.run([*program, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=timeout)


def modules_after_importing(*modules: str) -> set[str]:
    """Every module a fresh interpreter holds once it has imported ``modules``: what an
    import drags in, unseen by a test process that has long since loaded everything."""
    code = ("import importlib, json, sys\n"
            "for name in sys.argv[1:]:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code, *modules], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


# -- marks to work on -----------------------------------------------------------------

PASSAGE_TEXT = "The words of a passage that someone highlighted."


def add_highlight(notes: Notes, note: str = "a note") -> str:
    """Highlight a word of a made-up passage with ``note``; its id."""
    return notes.add_highlight("communists-dilemma", "essay",
                               select("archive-browser://x/essay/p1", PASSAGE_TEXT, 4, 9),
                               "green", note=note).id


# Notes whose every field holds what an export must carry safely: emoji, right-to-left
# text, Markdown, HTML, a spreadsheet formula, many tags and tags with signs.
AWKWARD_HIGHLIGHTS = [
    ("proprietorial instincts", "yellow", "Emoji 🙂🏳️‍🌈 and RTL: שלום עולם, مرحبا",
     ["emoji", "rtl"]),
    ("had hoped", "green", "# Not a heading\n> not a quote\n\n* not a list\n```\ncode?\n```\n"
     "    indented\n1. one\n---\n<script>alert(1)</script> &amp; [x](y) |a|b|", ["markdown"]),
    ("he did not find communism", "blue", "", [f"tag{n}" for n in range(25)]),
    ("realization of his dream", "pink", "=SUM(A1:A9)", ["-minus", "@at", "+plus"]),
]


def make_notes(folder: Path, archive: Archive) -> Notes:
    """Notes in ``folder`` on the shipped archive: the four awkward highlights of the
    essay's paragraph 8, a labelled bookmark on the essay and an unlabelled one on the
    minutes (six marks in all)."""
    notes = Notes(folder)
    passage = archive.passage("essay/p8")
    for words, colour, note, tags in AWKWARD_HIGHLIGHTS:
        start = passage.text.index(words)
        notes.add_highlight(archive.archive_id, "essay",
                            select(passage.uri, passage.text, start, start + len(words)),
                            colour, note=note, tags=tags)
    p20 = archive.passage("essay/p20")
    notes.add_bookmark(archive.archive_id, "essay", p20.uri, p20.text[:64], "Workers Truth")
    p2 = archive.passage("minutes/e2")
    notes.add_bookmark(archive.archive_id, "minutes", p2.uri, p2.text[:64], "")
    return notes


# -- a look into a database file ------------------------------------------------------


def read_value(path: Path, sql: str) -> object:
    """The first column of the first row ``sql`` gives on the SQLite file ``path``, read
    on a connection of its own that is closed again (``PRAGMA integrity_check`` gives
    "ok" for a sound file)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


# -- what the reader shows (GUI tests) --------------------------------------------------


def marked_spans(reader: Any) -> list[tuple[int, int]]:
    """Where the reader marks search matches (or followed words), as document positions."""
    return [(s.cursor.selectionStart(), s.cursor.selectionEnd())
            for s in reader._search_marks]


def highlighted_spans(reader: Any) -> list[tuple[int, int]]:
    """Every highlight the reader draws in its document (those of every passage, as it
    draws them when they come into view), as document positions."""
    doc = reader.document()
    if reader.highlights is None:
        return []
    return [(doc.findBlockByNumber(n).position() + s, doc.findBlockByNumber(n).position() + e)
            for n, s, e, _colour in reader.highlights.in_blocks(0, doc.blockCount() - 1)]
