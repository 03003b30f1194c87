"""No error of SQLite's leaves the archive: damage is one sentence, an ArchiveError."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive

# One call of every public method; a method added without a line here fails the test below.
CALLS: dict[str, Callable[[Archive], Any]] = {
    "close": lambda a: a.close(),
    "documents": lambda a: a.documents(),
    "titles": lambda a: a.titles({"essay", "minutes"}),
    "headings": lambda a: a.headings({"essay/s1"}),
    "document_count": lambda a: a.document_count(),
    "document": lambda a: a.document("essay"),
    "sections": lambda a: a.sections("essay"),
    "section_starts": lambda a: a.section_starts("essay"),
    "passages": lambda a: a.passages("essay"),
    "passage": lambda a: a.passage("essay/p8"),
    "places": lambda a: a.places(["archive-browser://communists-dilemma/essay/p8"]),
    "passage_by_uri": lambda a: a.passage_by_uri("archive-browser://communists-dilemma/essay/p8"),
    "quotations": lambda a: a.quotations(),
    "quotation": lambda a: a.quotation(1),
    "quotations_in": lambda a: a.quotations_in("essay"),
    "footnotes_in": lambda a: a.footnotes_in("essay"),
    "footnotes": lambda a: a.footnotes(),
    "footnote": lambda a: a.footnote(1),
    "note_markers": lambda a: a.note_markers("essay"),
    "excerpts": lambda a: a.excerpts(document_id="minutes"),
    "excerpt": lambda a: a.excerpt(1),
    "sources": lambda a: a.sources(),
    "source": lambda a: a.source("book"),
    "passages_drawing_on": lambda a: a.passages_drawing_on("book"),
    "search": lambda a: a.search("party"),
    "count": lambda a: a.count("party"),
    "matched_spans": lambda a: a.matched_spans("party", 10),
    "interrupt": lambda a: a.interrupt(),
    "entities": lambda a: a.entities("person"),
    "entity_count": lambda a: a.entity_count(),
    "entity": lambda a: a.entity("vladimir-petrzhek"),
    "entity_names": lambda a: a.entity_names("vladimir-petrzhek"),
    "entities_named": lambda a: a.entities_named("Petrzhek"),
    "mentions": lambda a: a.mentions("vladimir-petrzhek"),
    "mentions_in": lambda a: a.mentions_in("essay/p1"),
    "mentions_in_document": lambda a: a.mentions_in_document("essay"),
    "entities_in": lambda a: a.entities_in("essay/p1", 0, 40),
    "events": lambda a: a.events(),
    "event_count": lambda a: a.event_count(),
    "event": lambda a: a.event(1),
    "events_in": lambda a: a.events_in("essay/p1"),
}
# What reads the tables damaged below (all but those the archive needs to open).
READS_DAMAGE = {"sections", "section_starts", "passages", "passage", "places", "passage_by_uri",
                "quotations", "quotation", "quotations_in", "footnotes_in", "footnotes",
                "footnote", "note_markers", "excerpts", "excerpt", "sources", "source",
                "passages_drawing_on", "headings", "entities", "entity_count", "entity",
                "entity_names", "entities_named", "mentions", "mentions_in",
                "mentions_in_document", "entities_in", "events", "event_count", "event",
                "events_in"}
OPENING_NEEDS = ("archive_meta", "documents")


def public_methods() -> set[str]:
    return {name for name, member in inspect.getmembers(Archive, inspect.isfunction)
            if not name.startswith("_")}


def damage_all_but(path: Path, keep: tuple[str, ...]) -> None:
    """Overwrite the first page of every table and index but those of ``keep``."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [root for root, table in conn.execute(
        "SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0")
        if table not in keep]
    conn.close()
    data = bytearray(path.read_bytes())
    for root in roots:
        data[(root - 1) * size:root * size] = bytes(range(256)) * (size // 256)
    path.write_bytes(bytes(data))


def outcome(archive: Archive, name: str) -> str:
    try:
        CALLS[name](archive)
    except ArchiveError as exc:
        return str(exc)
    return "answered"


def test_every_public_method_is_guarded_and_tried_here():
    assert set(CALLS) == public_methods()
    for name in public_methods():
        assert hasattr(getattr(Archive, name), "__wrapped__"), name


@pytest.mark.parametrize("name", sorted(CALLS))
def test_damage_is_an_archive_error_naming_the_file(archive_copy, name):
    damage_all_but(archive_copy, OPENING_NEEDS)
    with Archive(archive_copy) as archive:
        said = outcome(archive, name)  # any sqlite3.Error would fail the test here
    if name in READS_DAMAGE:
        assert said.startswith(f"The archive {archive_copy} is damaged and cannot be read")
        assert "`archive-browser check` lists the damage" in said
    else:
        assert said == "answered"


def test_damaged_search_finds_nothing_and_is_not_stopped(archive_copy):
    """As before: a damaged index is "no results"; only a budget or an interrupt stops."""
    damage_all_but(archive_copy, OPENING_NEEDS)
    with Archive(archive_copy) as archive:
        results = archive.search("party")
    assert results.hits == [] and not results.stopped


def test_text_that_is_not_utf8_is_named_not_quoted(archive_copy):
    data = bytearray(archive_copy.read_bytes())
    data[data.index(b"Kronshtadt naval base, which")] = 0xFF  # in essay/p14 alone
    archive_copy.write_bytes(bytes(data))
    with Archive(archive_copy) as archive, pytest.raises(ArchiveError) as raised:
        archive.passages("essay")
    assert "some of its text is not valid UTF-8" in str(raised.value)
    assert "NEP" not in str(raised.value)  # the passage is not poured into the sentence
    assert isinstance(raised.value.__cause__, sqlite3.Error)


@pytest.mark.parametrize("name", sorted(set(CALLS) - {"close", "search", "count", "matched_spans"}))
def test_a_closed_archive_is_not_called_damaged(shipped_archive, name):
    archive = Archive(shipped_archive)
    archive.close()
    said = outcome(archive, name)
    assert said == f"The archive {shipped_archive} could not be read (Cannot operate on a " \
                   "closed database.)."


def test_an_interrupted_read_says_so(shipped_archive):
    with Archive(shipped_archive) as archive:
        archive.conn.set_progress_handler(lambda: 1, 1)  # every statement is interrupted
        said = outcome(archive, "passages")
        archive.conn.set_progress_handler(None, 0)
        assert said == f"Reading the archive {shipped_archive} was stopped before it finished."
        assert archive.passages("essay")
