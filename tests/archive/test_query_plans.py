"""What a question to the archive reads: its own rows through an index, never a table.

Each question's SQL is collected as it runs (``set_trace_callback`` gives it with its
values filled in) and SQLite is asked how it would run it (``EXPLAIN QUERY PLAN``):
a ``SCAN`` would read every row of a table, which at a million passages is the cost
these questions exist to avoid.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop.archive.folder import build_folder
from desktop.archive.store import Archive


@contextmanager
def traced(archive: Archive) -> Iterator[list[str]]:
    """The statements run on the archive's connection inside the block."""
    statements: list[str] = []
    archive.conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        archive.conn.set_trace_callback(None)


def plans(conn: sqlite3.Connection, statements: list[str]) -> list[str]:
    return [row[3] for sql in statements
            for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]


def scans(archive: Archive, ask: Callable[[], Any]) -> tuple[list[str], list[str]]:
    """Run ``ask``; return the SQL it ran and the steps of its plans that read a table."""
    with traced(archive) as statements:
        ask()
    return statements, [step for step in plans(archive.conn, statements)
                        if step.startswith("SCAN")]


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


QUESTIONS: dict[str, Callable[[Archive], Any]] = {
    "footnote": lambda a: a.footnote(1),
    "quotation": lambda a: a.quotation(3),
    "excerpt": lambda a: a.excerpt(2),
    "source": lambda a: a.source("book"),
    "note_markers": lambda a: a.note_markers("essay"),
    "footnotes_in": lambda a: a.footnotes_in("essay"),
    "quotations_in": lambda a: a.quotations_in("essay"),
    "excerpts of a document": lambda a: a.excerpts(document_id="minutes"),
    "excerpts of a passage": lambda a: a.excerpts(passage_id="minutes/e2"),
    "excerpts quoted in a passage": lambda a: a.excerpts(essay_passage_id="essay/p8"),
    "document": lambda a: a.document("essay"),
    "passage": lambda a: a.passage("essay/p8"),
    "passages": lambda a: a.passages("minutes"),
    "passage_by_uri": lambda a: a.passage_by_uri(
        "archive-browser://communists-dilemma/essay/p8"),
}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_a_question_reads_its_rows_through_an_index(archive, name):
    statements, scanned = scans(archive, lambda: QUESTIONS[name](archive))
    assert statements and all(" WHERE " in sql for sql in statements)
    assert scanned == []


def test_the_plans_do_see_a_scan(archive):
    """The test above can fail: reading every source is a scan."""
    assert scans(archive, archive.sources)[1] == ["SCAN sources"]


def build_two_documents(folder: Path) -> Path:
    """An archive of two documents, "one" and "two", each with a note of its own."""
    for name in ("one", "two"):
        (folder / f"{name}.txt").write_text(
            f"Document {name}\n\nThe first paragraph of document {name} is long enough to be "
            f"a paragraph, and it carries a note.*\n\nThe second paragraph of {name}.\n\n"
            f"* The note of document {name}.\n", encoding="utf-8")
        (folder / f"{name}.toml").write_text('[[footnotes]]\nmarker = "*"\n', encoding="utf-8")
    build_folder(folder, folder / "two.db")
    return folder / "two.db"


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory) -> Path:
    return build_two_documents(tmp_path_factory.mktemp("texts"))


def test_note_markers_read_one_document(two_documents):
    with Archive(two_documents) as archive:
        assert len(archive.footnotes()) == 2
        statements, scanned = scans(archive, lambda: archive.note_markers("one"))
        assert archive.note_markers("one") == {"one/fn1": "*"}
        assert archive.note_markers("two") == {"two/fn1": "*"}
    assert scanned == [] and not any("two" in sql for sql in statements)
