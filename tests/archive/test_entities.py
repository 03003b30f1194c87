"""Who, where, when: finding names, the index of entities and the timeline, on a small
archive whose text and catalogue are written here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.archive.build import build
from desktop.archive.errors import BuildError
from desktop.archive.mentions import Finder
from desktop.archive.search import HIT_END, HIT_START
from desktop.archive.store import Archive

TEXT = """A small history

In 1921 the Bolsheviks met. In June 1922 Vladimir Petrzhek wrote to the Moscow soviet; \
Petrzhek’s letter reached Moscow in 1922-23, and Lenin's reply did not.

Leningrad and the Leninist are not named here. The civil war of 1918-19 came first; \
in 1921 and in March 1921 the non-Bolshevik workers met the Bolsheviks’ leaders.
"""

CATALOGUE = """
[archive]
id = "small"
title = "A small archive"

[[documents]]
id = "history"
kind = "essay"
source_text = "history.txt"

[[entities]]
id = "petrzhek"
kind = "person"
name = "Vladimir Petrzhek"
aliases = ["Petrzhek"]
description = "Wrote a letter."

[[entities]]
kind = "person"
name = "Lenin"

[[entities]]
kind = "place"
name = "Moscow"

[[entities]]
kind = "organisation"
name = "Moscow soviet"

[[entities]]
kind = "organisation"
name = "Bolshevik party"
aliases = ["Bolsheviks", "Bolshevik"]

[[entities]]
kind = "event"
name = "Civil war"
aliases = ["civil war"]

[[events]]
date = "1921"
label = "The Bolsheviks met"
find = "In 1921 the Bolsheviks met"

[[events]]
date = "1922-06"
label = "Petrzhek wrote"
find = "In June 1922 Vladimir Petrzhek wrote"

[[events]]
date = "1922/1923"
label = "The letter reached Moscow"
from = "letter reached"
to = "1922-23"

[[events]]
date = "1918/1919"
label = "The civil war"
find = "The civil war of 1918-19"

[[events]]
date = "1921-03"
label = "The workers met"
from = "in March 1921"
to = "leaders"

[[events]]
date = "1921"
label = "The same year"
find = "in 1921 and"
"""


def write_resources(folder: Path, catalogue: str = CATALOGUE, text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "history.txt").write_text(text, encoding="utf-8")
    (folder / "catalogue.toml").write_text(catalogue, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = write_resources(tmp_path_factory.mktemp("small"))
    build(folder, folder / "archive.db")
    return folder / "archive.db"


@pytest.fixture
def archive(small):
    with Archive(small) as opened:
        yield opened


# -- finding names -----------------------------------------------------------------


def found(names: dict[str, str], text: str) -> list[tuple[str, str]]:
    return [(text[f.start:f.end], f.entity_id) for f in Finder(names).find(text)]


def test_a_name_is_found_as_whole_words_only():
    text = "Leningrad, the Leninist line, non-Lenin, Lenin-led, xLenin; (Lenin) and ‘Lenin’."
    assert found({"Lenin": "l"}, text) == [("Lenin", "l"), ("Lenin", "l")]


@pytest.mark.parametrize("text", ["Petrzhek’s letter", "Petrzhek's letter",
                                  "the letter of Petrzhek.", "“Petrzhek”"])
def test_possessives_and_punctuation_leave_the_name(text):
    assert found({"Petrzhek": "p"}, text) == [("Petrzhek", "p")]


def test_a_plural_possessive_is_found_by_its_name():
    assert found({"Bolsheviks": "b", "Bolshevik": "b"}, "the Bolsheviks’ success, a "
                 "Bolshevik leader, Bolshevism") == [("Bolsheviks", "b"), ("Bolshevik", "b")]


def test_the_longest_name_at_a_place_is_one_mention():
    names = {"Vladimir Petrzhek": "p", "Petrzhek": "p", "Moscow": "m", "Moscow soviet": "s"}
    text = "Vladimir Petrzhek, then Petrzhek, wrote to the Moscow soviet in Moscow."
    assert found(names, text) == [("Vladimir Petrzhek", "p"), ("Petrzhek", "p"),
                                  ("Moscow soviet", "s"), ("Moscow", "m")]


def test_a_longer_name_that_does_not_end_a_word_gives_way_to_a_shorter():
    assert found({"Moscow": "m", "Moscow soviet": "s"}, "the Moscow sovietologists") == \
        [("Moscow", "m")]


def test_case_counts_and_a_hyphen_in_a_name_is_its_own():
    names = {"White": "w", "civil-war": "c", "civil war": "c"}
    text = "the white-collar staff, the “White” generals, civil-war recruits, the civil war"
    assert found(names, text) == [("White", "w"), ("civil-war", "c"), ("civil war", "c")]


def test_an_apostrophe_in_a_name_matches_either_apostrophe():
    assert found({"Lenin’s party": "lp"}, "Lenin's party and Lenin’s party") == \
        [("Lenin's party", "lp"), ("Lenin’s party", "lp")]


def test_no_names_find_nothing():
    assert not Finder({}) and Finder({}).find("Moscow") == []


# -- the index -------------------------------------------------------------------


def test_every_mention_is_the_words_it_names(small):
    conn = sqlite3.connect(small)
    rows = conn.execute('SELECT m.text, substr(p.text, m.start + 1, m."end" - m.start) '
                        "FROM mentions m JOIN passages p ON p.id = m.passage_id").fetchall()
    conn.close()
    assert rows and all(text == words for text, words in rows)


def test_entities_by_kind_with_their_counts(archive):
    people = archive.entities("person")
    assert [(e.id, e.name, e.mention_count) for e in people] == [
        ("lenin", "Lenin", 1), ("petrzhek", "Vladimir Petrzhek", 2)]
    assert people[1].description == "Wrote a letter."
    assert [e.name for e in archive.entities("place")] == ["Moscow"]
    assert archive.entity_count() == 6 and archive.entity_count("organisation") == 2
    assert archive.entities("nobody") == []


def test_entities_by_count_most_first_and_in_pages(archive):
    by_count = archive.entities(order="count")
    assert [(e.name, e.mention_count) for e in by_count] == [
        ("Bolshevik party", 2), ("Vladimir Petrzhek", 2), ("Civil war", 1), ("Lenin", 1),
        ("Moscow", 1), ("Moscow soviet", 1)]
    assert archive.entities(order="count", offset=2, limit=2) == by_count[2:4]
    assert [e.name for e in archive.entities(limit=3)] == ["Bolshevik party", "Civil war",
                                                           "Lenin"]
    with pytest.raises(ValueError, match="no order"):
        archive.entities(order="size")


def test_an_entity_and_its_names(archive):
    assert archive.entity("petrzhek").name == "Vladimir Petrzhek"
    assert archive.entity("nobody") is None
    assert archive.entity_names("petrzhek") == ["Petrzhek", "Vladimir Petrzhek"]
    assert [e.id for e in archive.entities_named("Petrzhek")] == ["petrzhek"]


def test_an_entitys_mentions_in_reading_order_with_snippets(archive):
    hits = archive.mentions("bolshevik-party")
    assert [(h.mention.passage_id, h.mention.text) for h in hits] == [
        ("history/p1", "Bolsheviks"), ("history/p2", "Bolsheviks")]  # not non-Bolshevik
    first = hits[0]
    assert (first.document_id, first.document_title, first.paragraph, first.kind) == (
        "history", "A small history", 1, "paragraph")
    assert first.uri == "archive-browser://small/history/p1"
    assert first.snippet.startswith(f"In 1921 the {HIT_START}Bolsheviks{HIT_END} met.")
    assert first.snippet.endswith("…")
    assert archive.mentions("bolshevik-party", offset=1, limit=5) == hits[1:]
    assert archive.mentions("nobody") == []


def test_the_entities_some_words_mention(archive):
    text = archive.passage("history/p1").text
    at = text.index("Vladimir")
    assert [e.id for e in archive.entities_in("history/p1", at, at + 40)] == [
        "petrzhek", "moscow-soviet"]
    # A name cut by the words counts; the words before it do not.
    assert [e.id for e in archive.entities_in("history/p1", at + 3, at + 5)] == ["petrzhek"]
    assert archive.entities_in("history/p1", 0, 5) == []
    assert [e.id for e in archive.entities_in("history/p1")] == [
        "bolshevik-party", "petrzhek", "moscow-soviet", "moscow", "lenin"]
    assert [m.text for m in archive.mentions_in("history/p1")] == [
        "Bolsheviks", "Vladimir Petrzhek", "Moscow soviet", "Petrzhek", "Moscow", "Lenin"]
    assert [m.passage_id for m in archive.mentions_in_document("history")] == \
        ["history/p1"] * 6 + ["history/p2"] * 2


def test_the_timeline_orders_by_date_then_reading_order(archive):
    timeline = archive.events()
    assert [(e.date, e.label) for e in timeline] == [
        ("1918/1919", "The civil war"),
        ("1921", "The Bolsheviks met"),     # two of 1921: in reading order
        ("1921", "The same year"),
        ("1921-03", "The workers met"),     # a vague 1921 before March 1921
        ("1922/1923", "The letter reached Moscow"),  # a range by its start
        ("1922-06", "Petrzhek wrote"),
    ]
    assert [e.when for e in timeline] == ["1918–1919", "1921", "1921", "March 1921",
                                          "1922–1923", "June 1922"]
    assert archive.events(offset=1, limit=2) == timeline[1:3]
    assert archive.event_count() == 6
    letter = next(e for e in timeline if e.label == "The letter reached Moscow")
    assert letter.text == "letter reached Moscow in 1922-23"
    assert archive.passage(letter.passage_id).text[letter.start:letter.end] == letter.text
    assert archive.event(letter.id) == letter and archive.event(999) is None
    assert [e.label for e in archive.events_in("history/p2")] == [
        "The civil war", "The same year", "The workers met"]


def test_an_archive_built_before_the_index_opens_with_none(small, tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes(small.read_bytes())
    conn = sqlite3.connect(old)
    for table in ("mentions", "events", "entity_aliases", "entities"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE archive_meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with Archive(old) as archive:
        assert (archive.schema_version, archive.has_index) == (1, False)
        assert archive.passages("history")
        assert archive.entities() == [] and archive.events() == []
        assert archive.entity("petrzhek") is None and archive.entity_count() == 0
        assert archive.mentions("petrzhek") == [] and archive.entities_in("history/p1") == []


def test_a_new_archive_without_its_index_is_refused(small, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(small.read_bytes())
    conn = sqlite3.connect(broken)
    conn.execute("DROP TABLE events")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match="it has no events table"):
        Archive(broken)


# -- what the catalogue may say ----------------------------------------------------


@pytest.mark.parametrize(("old", "new", "message"), [
    ('kind = "place"', 'kind = "city"', "“kind” must be one of person, place"),
    ('aliases = ["Petrzhek"]', 'aliases = ["Moscow"]', "“Moscow” is given to both"),
    ('aliases = ["Petrzhek"]', 'aliases = "Petrzhek"', "must be a list of names"),
    ('name = "Lenin"', 'name = "Trotsky"', "entity trotsky: none of its names"),
    ('date = "1922-06"', 'date = "1924-06"', "do not give its date 1924-06"),
    ('date = "1922-06"', 'date = "1922-07"', "do not give its date 1922-07"),
    ('date = "1922-06"', 'date = "June 1922"', "is not a date written YYYY"),
    ('date = "1922/1923"', 'date = "1923/1922"', "ends before it starts"),
    ('find = "In 1921 the Bolsheviks met"', 'find = "In 1931"', "occurs 0 times"),
    ('label = "Petrzhek wrote"', 'label = " "', "“label” is empty"),
])
def test_catalogue_mistakes_about_entities_and_events_stop_the_build(tmp_path, old, new,
                                                                     message):
    assert old in CATALOGUE
    folder = write_resources(tmp_path / "r", CATALOGUE.replace(old, new, 1))
    with pytest.raises(BuildError, match=message):
        build(folder, tmp_path / "a.db")


def test_two_entities_may_not_share_an_id(tmp_path):
    twice = CATALOGUE + '\n[[entities]]\nkind = "place"\nname = "Lenin"\n'
    with pytest.raises(BuildError, match="share the id “lenin”"):
        build(write_resources(tmp_path / "r", twice), tmp_path / "a.db")
