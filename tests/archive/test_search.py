from __future__ import annotations

import random

import pytest

from desktop.archive.search import MAX_TERMS, matched_spans, search, to_match
from desktop.archive.store import Archive


@pytest.fixture(scope="module")
def conn(shipped_archive):
    archive = Archive(shipped_archive)
    yield archive.conn
    archive.close()


@pytest.mark.parametrize(("typed", "match"), [
    ("communist party", '"communist" "party"'),
    ('"ranks and tops"', '"ranks and tops"'),
    ("“war communism”", '"war communism"'),
    ("prolet*", '"prolet" *'),
    ("non-party", '"non party"'),
    ("NEAR(a b)", '"NEAR a" "b"'),
    ("AND OR NOT", '"AND" "OR" "NOT"'),
    ('"', ""), ("*", ""), ("", ""), ("-:()", ""),
])
def test_typed_text_becomes_quoted_phrases_only(typed, match):
    assert to_match(typed) == match


def test_many_words_are_capped():
    assert to_match(" ".join(f"w{i}" for i in range(500))).count('"') == 2 * MAX_TERMS


def test_results_count_snippet_and_spans(conn):
    results = search(conn, "proprietorial")
    assert results.total == 2
    hit = results.hits[0]
    assert (hit.passage_id, hit.paragraph, hit.document_title) == (
        "essay/p8", 8, "The communists’ dilemma")
    assert "\x02proprietorial\x03" in hit.snippet
    (start, end), = matched_spans(conn, "proprietorial", hit.n)
    text = conn.execute("SELECT text FROM passages WHERE id = 'essay/p8'").fetchone()[0]
    assert text[start:end] == "proprietorial"
    assert matched_spans(conn, "", hit.n) == ()


def test_prefixes_use_the_prefix_index(conn):
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'passages_fts'").fetchone()[0]
    assert "prefix='1 2 3'" in sql
    assert search(conn, "p*").total > 10


def test_random_input_never_raises(conn):
    rng = random.Random(1922)
    alphabet = 'aeiou nrst"*-:()^{}[]+,.’“”–\\\'\x00\u200b\ud800🙂ЖAND OR NOT NEAR'
    for _ in range(2000):
        typed = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        results = search(conn, typed)
        assert results.total >= len(results.hits)
        match = to_match(typed)
        if match:  # what search() runs must be a valid FTS5 query, not an error it hides
            conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
                         (match,)).fetchone()
