"""The curated index of the essay, held to the essay's own words.

The catalogue lists who, where and what the essay names and the events it dates; the
build finds the names. These tests read the shipped archive and the essay's text, so
that an entity named nowhere, a span that is not its words, or a date the words do not
give is seen at once.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections import Counter

import pytest

from desktop.archive.catalogue import ENTITY_KINDS, load_catalogue
from desktop.archive.cite import MONTHS
from desktop.archive.store import Archive


@pytest.fixture(scope="module")
def catalogue(resources):
    return load_catalogue(resources / "catalogue.toml")


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


@pytest.fixture(scope="module")
def essay(archive) -> str:
    return "\n".join(p.text for p in archive.passages("essay"))


def test_every_entity_is_in_the_archive_with_its_kind_and_names(catalogue, archive):
    assert {(e.id, e.kind, e.name) for e in archive.entities()} == {
        (e.id, e.kind, e.name) for e in catalogue.entities}
    for entry in catalogue.entities:
        assert set(archive.entity_names(entry.id)) == set(entry.names)
        assert entry.kind in ENTITY_KINDS


def test_every_entity_is_named_in_the_essay(catalogue, essay):
    for entry in catalogue.entities:
        assert any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", essay)
                   for name in entry.names), entry.id


def test_every_name_and_alias_stands_in_the_essay_as_written(catalogue, essay):
    # A name the essay never writes (“the Moscow party organisation”, “Civil war” with a
    # capital) would be the index's own words, not the essay's.
    for entry in catalogue.entities:
        for name in entry.names:
            assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", essay), (entry.id, name)


@pytest.mark.parametrize(("entity_id", "word"), [
    ("grigorii-zinoviev", "Zinoviev"), ("kronshtadt", "Kronshtadt"),
    ("workers-truth", "Workers Truth")])
def test_the_entry_lists_every_place_the_essay_writes_its_name(archive, entity_id, word):
    # “The Kronshtadt revolt” is Kronshtadt too: a reader choosing the place sees all three.
    written = [(p.id, found.start()) for p in archive.passages("essay")
               if p.kind != "title" for found in re.finditer(re.escape(word), p.text)]
    mentions = [h.mention for h in archive.mentions(entity_id, limit=1000)
                if h.document_id == "essay"]
    assert written and len(mentions) == len(written)
    for passage_id, at in written:
        assert any(m.passage_id == passage_id and m.start <= at < m.end for m in mentions)


def test_every_entity_has_a_mention_and_its_count(archive):
    for entity in archive.entities():
        mentions = archive.mentions(entity.id, limit=1000)
        assert entity.mention_count == len(mentions) >= 1, entity.id


def test_every_mention_is_exactly_its_words_and_a_name_of_its_entity(shipped_archive):
    conn = sqlite3.connect(shipped_archive)
    rows = conn.execute(
        'SELECT m.entity_id, m.text, substr(p.text, m.start + 1, m."end" - m.start), '
        "EXISTS (SELECT 1 FROM entity_aliases a WHERE a.entity_id = m.entity_id "
        "AND a.alias = m.text) FROM mentions m JOIN passages p ON p.id = m.passage_id"
    ).fetchall()
    conn.close()
    assert len(rows) > 100
    for entity_id, text, words, named in rows:
        assert text == words and named, (entity_id, text)


def test_names_are_whole_words_and_longest_first(archive):
    every = [m for e in archive.entities() for m in
             (h.mention for h in archive.mentions(e.id, limit=1000))]
    texts = Counter((m.entity_id, m.text) for m in every)
    # “Lenin’s” four times, never “Leninist” or “Leningrad”; “Stalin”, never “Stalinist”.
    assert texts[("lenin", "Lenin")] == 4 and texts[("stalin", "Stalin")] == 2
    # “Vladimir Petrzhek” is one mention, not one more of “Petrzhek” inside it.
    assert texts[("vladimir-petrzhek", "Vladimir Petrzhek")] == 7
    spans = [(m.passage_id, m.start, m.end) for m in every]
    for passage in {p for p, _s, _e in spans}:
        mine = sorted((s, e) for p, s, e in spans if p == passage)
        assert all(a_end <= b_start for (_a, a_end), (b_start, _b) in
                   itertools.pairwise(mine)), passage
    # The Moscow soviet and the Moscow party are not the city.
    assert [m.text for m in archive.mentions_in("essay/p29")][:2] == ["Moscow soviet",
                                                                     "Sergei Mikhailov"]
    assert "moscow" not in {e.id for e in archive.entities_in("essay/p13")}


def test_possessives_are_found_by_their_names(archive):
    p3 = archive.passage("essay/p3").text
    (first, *_rest) = archive.mentions_in("essay/p3")
    assert p3[first.start:first.end + 2] == "Petrzhek’s"
    assert "the communist party" not in [m.text for m in archive.mentions_in("essay/p7")]


def _supported(date: str, words: str) -> bool:
    """The date's years are in the words (or a short range end, 1922-23, or a decade,
    1920s), and each month it names is named there too."""
    for part in date.split("/"):
        year, _, month = part.partition("-")
        decade = f"{year[:3]}0s"
        short = rf"{int(year) - 1}[-–]{year[2:]}\b"
        if not (re.search(rf"\b{year}\b", words) or re.search(short, words)
                or (year[3] in "09" and decade in words)):
            return False
        if month and MONTHS[int(month) - 1] not in words:
            return False
    return True


def test_every_event_is_dated_by_its_passages_words(catalogue, archive):
    events = archive.events()
    assert len(events) == len(catalogue.events)
    for event in events:
        text = archive.passage(event.passage_id).text
        assert text[event.start:event.end] == event.text
        assert _supported(event.date, text), (event.date, event.label)


def test_every_event_of_the_catalogue_is_where_its_phrase_says(catalogue, archive):
    built = {(e.date, e.label): e for e in archive.events()}
    for entry in catalogue.events:
        event = built[(entry.date, entry.label)]
        phrase = entry.where
        if phrase.find:
            assert event.text == phrase.find
        else:
            assert event.text.startswith(phrase.start) and event.text.endswith(phrase.end)


def test_the_timeline_runs_from_the_revolution_to_the_book(archive):
    events = archive.events()
    assert (events[0].date, events[0].label) == ("1917", "The Russian revolution")
    assert events[-1].date == "2008"
    dates = [e.date_start for e in events]
    assert dates == sorted(dates)
    meeting = next(e for e in events if e.date == "1922-06")
    assert meeting.passage_id == "essay/p1"
    assert [e.id for e in archive.entities_in(meeting.passage_id, meeting.start,
                                              meeting.end)] == [
        "russian-revolution", "moscow", "vladimir-petrzhek", "bolshevik-party"]
