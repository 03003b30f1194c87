from __future__ import annotations

import random
import sqlite3
import threading

import pytest

from desktop.archive.search import (
    MAX_PHRASE_TOKENS,
    MAX_TERMS,
    MAX_TOKEN_CHARS,
    MAX_TOKENS,
    NOTHING_TO_SEARCH,
    SEARCHED_IN_PART,
    Results,
    _expanded,
    _terms,
    count,
    matched_spans,
    search,
    to_match,
    tokenize_of,
    tokens_of,
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
            for query in (match, _expanded(conn, _terms(typed)[0])):
                conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
                             (query,)).fetchone()


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


def _slow(conn, text: str, limit: int = 1000) -> list[tuple[int, str]]:
    """What FTS5 itself finds for what was typed, long prefixes searched as prefixes."""
    return conn.execute(
        "SELECT rowid, highlight(passages_fts, 0, '[', ']') FROM passages_fts "
        "WHERE passages_fts MATCH ? ORDER BY rowid LIMIT ?", (to_match(text), limit)).fetchall()


def _fast(conn, text: str, limit: int = 1000) -> list[tuple[int, str]]:
    return [(hit.n, conn.execute(
        "SELECT highlight(passages_fts, 0, '[', ']') FROM passages_fts "
        "WHERE passages_fts MATCH ? AND rowid = ?", (_expanded(conn, _terms(text)[0]),
                                                    hit.n)).fetchone()[0])
        for hit in search(conn, text, limit=limit).hits]


def test_long_prefixes_find_what_fts5_finds(conn):
    """Looked up in the vocabulary, a prefix finds the passages FTS5's own prefix search
    finds, with the same words marked; so does every prefix of every word of the index,
    alone and at the end of a phrase."""
    words = [w for (w,) in conn.execute("SELECT word FROM passages_vocab")]
    prefixes = {w[:n] for w in words for n in range(4, len(w) + 1)}
    prefixes |= {"worke", "agre", "caus", "decis", "communi", "revolution", "zzzz"}
    expanded = 0
    for prefix in [*sorted(prefixes)[::7], "worke", "agre", "caus", "communi", "zzzz"]:
        for typed in (f"{prefix}*", f'"the {prefix}*"', f"party {prefix}*"):
            assert _fast(conn, typed) == _slow(conn, typed), typed
            expanded += _expanded(conn, _terms(typed)[0]) != to_match(typed)
    assert expanded > 100  # the vocabulary was used, not only FTS5's prefix search
    # "worke*" is stemmed as "work" is, and finds "work" as FTS5 does.
    assert '"work"' in _expanded(conn, _terms("worke*")[0])


def test_a_stem_that_porter_stems_again_is_written_as_its_word(conn):
    """"agre" (from "agreed") typed would be stemmed to "agr": its word is a real one."""
    word = conn.execute("SELECT word FROM passages_vocab WHERE term = 'agre'").fetchone()[0]
    assert word != "agre" and tokens_of(tokenize_of(conn), word) == ["agre"]
    assert _fast(conn, "agre*") == _slow(conn, "agre*") != []


def test_short_prefixes_and_archives_without_a_vocabulary_search_as_typed(conn, tmp_path):
    assert _expanded(conn, _terms("pro*")[0]) == to_match("pro*")  # the prefix index has it
    copy = tmp_path / "old.db"
    with sqlite3.connect(copy) as old:
        conn.backup(old)
        old.execute("DROP TABLE passages_vocab")
    with Archive(copy) as archive:
        assert _expanded(archive.conn, _terms("worke*")[0]) == to_match("worke*")
        assert _fast(archive.conn, "worke*") == _slow(conn, "worke*")


def test_a_page_less_than_full_is_its_own_count(conn):
    """Only a full first page is counted; without ``count`` it says it is not."""
    few = search(conn, "proprietorial", count=False)
    assert few.counted and few.total == len(few.hits) == 2
    many = search(conn, "the", limit=5, count=False)
    assert not many.counted and many.total == 5 and len(many.hits) == 5
    counted = search(conn, "the", limit=5)
    assert counted.counted and counted.total == count(conn, "the") > 5
    assert count(conn, "zzzz") == 0 and count(conn, "*") == 0
    assert count(conn, "the", cancelled=lambda: True) is None
    later = search(conn, "the", limit=5, offset=5)
    assert not later.counted and later.total == 10


def test_what_cannot_be_searched_is_said(conn):
    assert search(conn, "*").notice == NOTHING_TO_SEARCH
    assert search(conn, '"').notice == NOTHING_TO_SEARCH
    assert search(conn, "").notice == ""
    assert search(conn, "party").notice == ""
    assert search(conn, " ".join(["party"] * 40)).notice == SEARCHED_IN_PART
    assert search(conn, "party " + "x" * 600).notice == SEARCHED_IN_PART


def test_the_check_finds_a_vocabulary_that_does_not_match_the_index(shipped_archive,
                                                                    tmp_path):
    from desktop.archive.check import check_archive

    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as db, sqlite3.connect(shipped_archive) as shipped:
        shipped.backup(db)
        db.execute("UPDATE passages_vocab SET word = 'agree' WHERE term = 'caus'")
        db.execute("DELETE FROM passages_vocab WHERE term = 'parti'")
    problems = check_archive(copy)
    assert any("lacks 1 of the index's words" in p for p in problems)
    assert any("“caus”" in p for p in problems)


def test_random_queries_with_prefixes_find_what_fts5_finds(conn):
    rng = random.Random(1921)
    words = [w for (w,) in conn.execute("SELECT word FROM passages_vocab")]
    for _ in range(300):
        parts = []
        for _word in range(rng.randint(1, 4)):
            word = rng.choice(words)
            part = word[:rng.randint(1, len(word))] + rng.choice(["*", "", "*", "-"])
            parts.append(part)
        typed = " ".join(parts)
        if rng.random() < 0.3:
            typed = f'"{typed}"'
        assert _fast(conn, typed) == _slow(conn, typed), typed
