"""Searching by an entry of the index: ``entity:NAME`` in the search field."""

from __future__ import annotations

import pytest

from desktop.archive.store import Archive
from desktop.gui.entity_search import EntityQuery, EntitySearch, parse, resolve, spans_in, token_for
from desktop.gui.models import PassageIdRole
from tests.gui.test_search import type_into
from tests.helpers import marked_spans


@pytest.mark.parametrize(("typed", "parsed"), [
    ("entity:kronshtadt", EntityQuery("kronshtadt", "")),
    ("revolt entity:kronshtadt", EntityQuery("kronshtadt", "revolt")),
    ('entity:"Workers Truth group" women', EntityQuery("Workers Truth group", "women")),
    ("entity:“Workers Truth group”", EntityQuery("Workers Truth group", "")),
    ("Entity:Lenin", EntityQuery("Lenin", "")),
    ("entity:", EntityQuery("", "")),
    ("identity:lenin", None),
    ("kronshtadt", None),
])
def test_the_token_is_read_apart_from_the_words(typed, parsed):
    assert parse(typed) == parsed


@pytest.fixture
def archive(indexed_archive):
    with Archive(indexed_archive) as opened:
        yield opened


@pytest.mark.parametrize("name", ["kronshtadt", "Kronshtadt", "workers-truth", "Zinoviev",
                                  "Grigorii Zinoviev", "Bolsheviks"])
def test_an_entry_is_named_by_its_id_or_any_of_its_names(archive, name):
    assert resolve(archive, name) is not None


def test_an_unknown_name_names_nothing(archive):
    assert resolve(archive, "Trotsky") is None and resolve(archive, "") is None


def test_the_passages_that_name_an_entry_once_each_in_reading_order(archive):
    results = EntitySearch().search(archive, "entity:bolsheviks")
    ids = [hit.passage_id for hit in results.hits]
    assert len(ids) == len(set(ids)) == results.total
    assert ids[:3] == ["essay/standfirst", "essay/p1", "essay/p6"]
    assert "essay/p30" in ids  # named three times there, listed once
    paged = EntitySearch()
    first = paged.search(archive, "entity:bolsheviks", limit=5)
    second = paged.search(archive, "entity:bolsheviks", 5, limit=5)
    assert [h.passage_id for h in first.hits + second.hits] == ids[:10]


def test_words_beside_the_token_narrow_the_passages(archive):
    results = EntitySearch().search(archive, "entity:kronshtadt revolt")
    assert [hit.passage_id for hit in results.hits] == ["essay/p14", "essay/p26"]
    assert spans_in(archive, "entity:kronshtadt revolt", "essay/p26",
                    results.hits[1].n) != ()
    text = archive.passage("essay/p26").text
    marked = [text[s:e] for s, e in spans_in(archive, "entity:kronshtadt revolt", "essay/p26",
                                             results.hits[1].n)]
    assert marked == ["Kronshtadt", "revolt"]


def test_the_token_for_an_entry_is_its_id(archive):
    assert token_for(archive.entity("workers-truth")) == "entity:workers-truth"


def test_the_search_panel_searches_by_an_entry_and_says_so(qtbot, indexed_window):
    window = indexed_window
    type_into(qtbot, window, "entity:Zinoviev")
    assert window.search.count.text() == "1 passage names Grigorii Zinoviev."
    assert window.search.model.index(0).data(PassageIdRole) == "essay/p12"
    type_into(qtbot, window, "entity:kronshtadt revolt")
    assert window.search.count.text() == "2 passages name Kronshtadt and hold the other words."
    type_into(qtbot, window, "entity:zinoviev revolt")
    assert window.search.count.text() == \
        "No passage names Grigorii Zinoviev and holds the other words."
    type_into(qtbot, window, "entity:Trotsky")
    assert window.search.count.text() == "Nothing in the index is called “Trotsky”."
    assert window.search.model.rowCount() == 0
    type_into(qtbot, window, "entity:kronshtadt revolt")
    window.search.results.setCurrentIndex(window.search.model.index(1))
    window.search._open(window.search.model.index(1))
    assert window.reader.current_passage().id == "essay/p26"
    text = window.reader.toPlainText()
    assert [text[s:e] for s, e in marked_spans(window.reader)] == ["Kronshtadt", "revolt"]


def test_an_archive_without_an_index_finds_no_entry(qtbot, open_window, unindexed_archive):
    window = open_window(unindexed_archive)
    type_into(qtbot, window, "entity:kronshtadt")
    assert window.search.count.text() == "Nothing in the index is called “kronshtadt”."
