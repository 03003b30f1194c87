"""The Markdown export names, under each highlight, who and what its words mention."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.archive.store import Archive
from desktop.notes.anchoring import select
from desktop.notes.export import collect, render_chunks
from desktop.notes.store import Notes


def words(archive: Archive, passage_id: str, text: str):  # type: ignore[no-untyped-def]
    passage = archive.passage(passage_id)
    start = passage.text.index(text)
    return select(passage.uri, passage.text, start, start + len(text))


@pytest.fixture
def notes(tmp_path):
    opened = Notes(tmp_path / "data")
    yield opened
    opened.close()


def markdown(notes: Notes, archive: Archive) -> str:
    return "".join(render_chunks("markdown", collect(notes, archive), archive,
                                 when=datetime(2026, 1, 2, tzinfo=UTC)))


def test_a_highlight_lists_the_entities_its_words_name(notes, archive):
    notes.add_highlight(archive.archive_id, "essay",
                        words(archive, "essay/p29", "elected Sergei Mikhailov, chair of the "
                              "factory committee at Bogatyr"), "yellow")
    notes.add_highlight(archive.archive_id, "essay",
                        words(archive, "essay/p8", "proprietorial instincts"), "green")
    text = markdown(notes, archive)
    assert "Names: Sergei Mikhailov (person), Bogatyr (organisation)\n" in text
    assert text.count("Names: ") == 1  # the minute-taker's words name no one


def test_a_highlight_across_passages_lists_each_entity_once(notes, archive):
    notes.add_highlight(archive.archive_id, "essay",
                        words(archive, "essay/p2", "Petrzhek was one of the worker"),
                        "yellow",
                        more=[words(archive, "essay/p3", "Petrzhek’s wife had died"),
                              words(archive, "essay/p4", "the huge Red army")])
    assert "Names: Vladimir Petrzhek (person), Red army (organisation)\n" in \
        markdown(notes, archive)
