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


# -- the index of entities and the timeline ------------------------------------------
# Each lookup reads its own rows through an index. A page of a list (the index of
# entities, the timeline) walks an index in the list's order and stops at the page's
# end: its plan may say "SCAN … USING INDEX", never a bare "SCAN" of the table, nor a
# sort of the whole list ("TEMP B-TREE FOR ORDER BY").

LOOKUPS: dict[str, Callable[[Archive], Any]] = {
    "entities of a kind": lambda a: a.entities("person", limit=50),
    "entities of a kind by count": lambda a: a.entities("place", order="count", limit=50),
    "entity": lambda a: a.entity("vladimir-petrzhek"),
    "entity_names": lambda a: a.entity_names("vladimir-petrzhek"),
    "entities_named": lambda a: a.entities_named("Petrzhek"),
    "mentions of an entity": lambda a: a.mentions("vladimir-petrzhek", offset=5, limit=20),
    "mentions_in": lambda a: a.mentions_in("essay/p1"),
    "mentions_in_document": lambda a: a.mentions_in_document("minutes"),
    "entities in words": lambda a: a.entities_in("essay/p1", 10, 80),
    "entities in a passage": lambda a: a.entities_in("essay/p1"),
    "event": lambda a: a.event(3),
    "events_in": lambda a: a.events_in("essay/p14"),
    "entity_count of a kind": lambda a: a.entity_count("person"),
}
PAGES: dict[str, Callable[[Archive], Any]] = {
    "entities by name": lambda a: a.entities(limit=50),
    "entities by count": lambda a: a.entities(order="count", offset=50, limit=50),
    "timeline": lambda a: a.events(offset=10, limit=50),
}


def steps(archive: Archive, ask: Callable[[], Any]) -> list[str]:
    with traced(archive) as statements:
        ask()
    assert statements
    return plans(archive.conn, statements)


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_a_question_of_the_index_reads_its_rows_through_an_index(archive, name):
    planned = steps(archive, lambda: LOOKUPS[name](archive))
    assert [step for step in planned if step.startswith("SCAN")] == [], planned


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_of_the_index_walks_an_index_in_its_order(archive, name):
    planned = steps(archive, lambda: PAGES[name](archive))
    assert all(" USING " in step for step in planned if step.startswith("SCAN")), planned
    assert not any("TEMP B-TREE" in step for step in planned), planned


def test_the_plans_do_see_a_sort(archive):
    """The test above can fail: ordering entities by a column no index holds sorts them."""
    planned = plans(archive.conn, ["SELECT id FROM entities ORDER BY description LIMIT 5"])
    assert any("TEMP B-TREE FOR ORDER BY" in step for step in planned)
