"""The questions the reader asks of an archive, one row at a time."""

from __future__ import annotations

import threading

import pytest

from desktop.archive import search as fts
from desktop.archive.store import Archive


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


def test_one_footnote_by_its_id(archive):
    note = archive.footnote(1)
    assert note is not None
    assert (note.passage_id, note.marker, note.note_passage_id, note.source_id) == (
        "essay/p10", "*", "essay/fn1", "book")
    assert note == next(f for f in archive.footnotes() if f.id == 1)
    assert archive.footnote(999) is None


def test_one_quotation_by_its_id(archive):
    every = archive.quotations()
    assert [archive.quotation(q.id) for q in every] == every
    assert archive.quotation(0) is None


def test_one_excerpt_by_its_id(archive):
    every = archive.excerpts()
    assert [archive.excerpt(e.id) for e in every] == every
    assert archive.excerpt(999) is None


def test_one_source_by_its_id(archive):
    every = archive.sources()
    assert [archive.source(s.id) for s in every] == every
    assert archive.source("book").title.startswith("The Russian Revolution in Retreat")
    assert archive.source("nothing") is None


def test_note_markers_are_those_of_one_document(archive):
    assert archive.note_markers("essay") == {"essay/fn1": "*"}
    assert archive.note_markers("minutes") == {}
    assert archive.note_markers("no-such-document") == {}


@pytest.mark.parametrize(("text", "offset"), [("proprietorial", 0), ("p*", 0), ("p*", 10),
                                              ("", 0), ('"', 0)])
def test_search_is_the_search_of_its_connection(archive, text, offset):
    assert archive.search(text, offset) == fts.search(archive.conn, text, offset=offset)


def test_search_budget_and_calling_off(archive):
    assert archive.search("p*", steps=1).stopped
    assert archive.search("p*", cancelled=lambda: True).stopped
    assert not archive.search("p*", cancelled=lambda: False).stopped
    assert len(archive.search("p*", limit=3).hits) == 3


def test_matched_spans_of_a_hit(archive):
    hit, = [h for h in archive.search("proprietorial").hits if h.passage_id == "essay/p8"]
    (start, end), = archive.matched_spans("proprietorial", hit.n)
    assert archive.passage("essay/p8").text[start:end] == "proprietorial"
    assert archive.matched_spans("", hit.n) == ()


def test_interrupt_stops_a_search_running_on_another_thread(shipped_archive):
    running, interrupted = threading.Event(), threading.Event()

    def hold(_sql: str) -> None:  # called from inside SQLite as a statement starts
        running.set()
        interrupted.wait()

    with Archive(shipped_archive) as archive:
        archive.search("party")  # as in the application, the index is already open
        archive.conn.set_trace_callback(hold)
        results: list[fts.Results] = []
        worker = threading.Thread(target=lambda: results.append(archive.search("p*")))
        worker.start()
        running.wait()
        archive.interrupt()
        interrupted.set()
        worker.join()
        archive.conn.set_trace_callback(None)
        assert results[0].stopped and results[0].hits == []
        assert archive.search("p*").hits  # the archive reads on as before
