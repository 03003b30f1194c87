from __future__ import annotations

import random
import threading

import pytest

from desktop.archive.search import (
    MAX_PHRASE_TOKENS,
    MAX_TERMS,
    MAX_TOKEN_CHARS,
    MAX_TOKENS,
    Results,
    matched_spans,
    search,
    to_match,
)
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


def tokens_in(match: str) -> int:
    return sum(len(phrase.split()) for phrase in match.split('"')[1::2])


def test_a_long_hyphenated_word_is_a_short_phrase():
    """500 characters of "a-a-a…" were a phrase of 250 words: seconds on a large archive."""
    match = to_match("-".join(["a"] * 250))
    assert match == '"' + " ".join(["a"] * MAX_PHRASE_TOKENS) + '"'


def test_phrases_and_words_are_bounded_in_all():
    typed = " ".join(f'"{" ".join(["party"] * 20)}"' for _ in range(20)) + " " + "x" * 400
    match = to_match(typed)
    assert tokens_in(match) == MAX_TOKENS
    assert max(len(token) for token in match.replace('"', "").split()) <= MAX_TOKEN_CHARS
    assert to_match("y" * 500) == '"' + "y" * MAX_TOKEN_CHARS + '"'


def test_a_cut_phrase_is_no_longer_a_prefix():
    long_prefix = "-".join(["ab"] * 30) + "*"
    assert not to_match(long_prefix).endswith("*")
    assert to_match("rank-and-fi*") == '"rank and fi" *'


def test_a_search_past_its_budget_is_stopped(conn):
    """SQLite's progress handler stops a search after its budget of steps."""
    whole = search(conn, "p*")
    assert whole.hits and not whole.stopped
    stopped = search(conn, "p*", steps=1)
    assert stopped.stopped and stopped.hits == []
    assert search(conn, "p*").hits == whole.hits  # the connection is as it was


def test_a_search_interrupted_from_another_thread_is_stopped(shipped_archive):
    """``conn.interrupt()`` (what a newer search does) stops the one that is running."""
    running, interrupted = threading.Event(), threading.Event()

    def hold(_sql: str) -> None:  # called from inside SQLite as a statement starts
        running.set()
        interrupted.wait()

    with Archive(shipped_archive) as archive:
        search(archive.conn, "party")  # as in the application, the index is already open
        archive.conn.set_trace_callback(hold)
        results: list[Results] = []
        worker = threading.Thread(target=lambda: results.append(search(archive.conn, "p*")))
        worker.start()
        running.wait()
        archive.conn.interrupt()
        interrupted.set()
        worker.join()
    assert results[0].stopped and results[0].hits == []


def test_a_search_called_off_is_stopped(conn):
    assert search(conn, "p*", cancelled=lambda: True).stopped
    assert not search(conn, "p*", cancelled=lambda: False).stopped


@pytest.mark.parametrize(("typed", "passage_id"), [
    ("Moscow communists on Vladimir Petrzhek", "minutes/title"),
    ("letter of resignation from the party", "letter/title"),
])
def test_the_titles_of_the_minutes_and_the_letter_are_found(conn, typed, passage_id):
    """They are title passages of their documents, as the essay's title is."""
    hits = search(conn, f'"{typed}"').hits
    assert [hit.passage_id for hit in hits] == [passage_id]
    assert hits[0].kind == "title" and hits[0].paragraph is None
    (start, end), *_ = matched_spans(conn, f'"{typed}"', hits[0].n)
    title = conn.execute("SELECT title FROM documents WHERE id = ?",
                         (hits[0].document_id,)).fetchone()[0]
    assert title[start:end].casefold().startswith(typed.split()[0].casefold())
