"""Searching from the search field: typed input of every kind, results, going there."""

from __future__ import annotations

import functools
import re
import threading

import pytest
from PySide6.QtCore import Qt

from desktop.archive.search import (
    MAX_QUERY_CHARS,
    NOTHING_TO_SEARCH,
    SEARCHED_IN_PART,
    to_match,
)
from desktop.archive.store import Archive
from desktop.gui.models import PassageIdRole
from desktop.gui.panels.search import SEARCH_HINT, SEARCH_STOPPED
from tests.helpers import marked_spans

HOSTILE = [
    '"', '""', "*", "-", ":", "(", ")", "((", "AND", "OR", "NOT", "NEAR", "NEAR(a b, 2)",
    "party AND", "OR party", "NOT party", "text:party", "-party", "party -", "^party",
    "{text}: party", "'", "\\", "%", "_", "party*", "**", '"unclosed phrase', "x" * 5000,
    "Петржек", "共産主義", "🙂", "é", "\u200b", "\x00", "\ud800", "a\ud800b", "\t\n",
    "SELECT * FROM passages; --", "' OR 1=1 --", "<script>alert(1)</script>",
]


def type_into(qtbot, window, text: str) -> None:
    """Type into the field and wait until its results are shown (they come from a thread)."""
    window.focus_search()
    with qtbot.waitSignal(window.search.finished):
        window.search.field.setText(text)
        window.search.run_search()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_breaks_search(qtbot, window, text):
    type_into(qtbot, window, text)
    count = window.search.count.text()
    rows = window.search.model.rowCount()
    if not to_match(text):  # no word at all: said so, in one sentence
        assert rows == 0
        typed = window.search.field.text()  # Qt keeps no lone surrogate
        assert count == (NOTHING_TO_SEARCH if typed.strip() else SEARCH_HINT)
    elif rows == 0:
        assert count.startswith("No passages match.")
    else:
        assert re.match(r"(More than )?[\d,]+ passages? match(es)?\.", count)
    if len(text) > MAX_QUERY_CHARS:
        assert count.endswith(SEARCHED_IN_PART)


def test_typing_searches_as_you_type(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.field.hasFocus()
    qtbot.keyClicks(window.search.field, "proprietorial")
    qtbot.waitUntil(lambda: window.search.count.text() == "2 passages match.")
    first = window.search.model.index(0, 0)
    assert first.data().startswith("The communists’ dilemma, ¶ 8: ")


def test_enter_goes_to_the_first_result_and_marks_the_words(qtbot, window):
    window.focus_search()
    qtbot.keyClicks(window.search.field, '"ranks and tops"')
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.current_passage().id == "essay/p11")
    text = window.reader.toPlainText()
    marked = [text[start:end] for start, end in marked_spans(window.reader)]
    assert marked == ["ranks", "and", "tops"] or marked == ["ranks and tops"]


@pytest.mark.parametrize(("query", "found", "passage"), [
    ("non-party", "non-party", "essay/h2"),
    ("rank-and-file", "rank-and-file", "essay/p11"),
    ("1920-24", "1920-24", "essay/fn1"),
    ("communist", "communists", "essay/title"),
    ("prolet*", None, None),
    ("privileg*", "privileges", "essay/p13"),
])
def test_hyphens_stems_and_prefixes(qtbot, window, query, found, passage):
    type_into(qtbot, window, query)
    if found is None:
        assert window.search.count.text() == "No passages match."
        return
    index = window.search.model.index(0, 0)
    window.search.results.clicked.emit(index)
    # The text cursor stands at the passage (the last ones cannot scroll to the top).
    assert window.reader.passage_under_cursor().id == passage
    text = window.reader.toPlainText()
    spans = sorted(marked_spans(window.reader))
    # The matched words, from the first to the last, are the words searched for.
    assert text[spans[0][0]:spans[-1][1]] == found


def test_clearing_the_field_clears_the_results(qtbot, window):
    type_into(qtbot, window, "Petrzhek")
    assert window.search.model.rowCount() > 0
    type_into(qtbot, window, "")
    assert window.search.model.rowCount() == 0
    assert window.search.count.text() == SEARCH_HINT


def test_down_arrow_moves_into_the_results(qtbot, window):
    type_into(qtbot, window, "Kronshtadt")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Down)
    assert window.search.results.hasFocus()
    qtbot.keyClick(window.search.results, Qt.Key.Key_Return)
    assert window.reader.current_passage().id == "essay/p14"


def test_typing_is_never_blocked_by_a_slow_search(qtbot, window, monkeypatch):
    """A search that takes as long as it likes leaves the field taking keys; its
    result, stale by then, is never shown."""
    running, release = threading.Event(), threading.Event()
    real = Archive.search

    def slow(archive, text, *args, **kwargs):
        if text == "party":
            running.set()
            release.wait()
        return real(archive, text, *args, **kwargs)

    monkeypatch.setattr(Archive, "search", slow)
    shown: list[str] = []
    window.search.model.modelReset.connect(lambda: shown.append(window.search.model.query))
    window.focus_search()
    qtbot.keyClicks(window.search.field, "party")
    qtbot.waitUntil(running.is_set)
    # The worker is held inside the search: the window still takes every key.
    qtbot.keyClicks(window.search.field, " Kronshtadt")
    assert window.search.field.text() == "party Kronshtadt"
    assert window.search.count.text() == SEARCH_HINT
    with qtbot.waitSignal(window.search.finished):
        release.set()
    assert window.search.count.text().endswith("passages match.")
    assert "party" not in shown and shown[-1] == "party Kronshtadt"


def test_a_search_past_its_budget_says_so(qtbot, window, monkeypatch):
    monkeypatch.setattr(Archive, "search", functools.partialmethod(Archive.search, steps=1))
    type_into(qtbot, window, "p*")
    assert window.search.count.text() == SEARCH_STOPPED
    assert window.search.model.rowCount() == 0


def test_results_are_fetched_a_page_at_a_time(qtbot, open_window, tmp_path):
    from desktop.archive.folder import build_folder

    source = tmp_path / "long"
    source.mkdir()
    paragraphs = "\n\n".join(f"Paragraph {n} of the chronicle." for n in range(250))
    (source / "chronicle.txt").write_text(f"A history\n\n{paragraphs}\n")
    build_folder(source, tmp_path / "long.db")
    window = open_window(tmp_path / "long.db")
    type_into(qtbot, window, "chronicle")
    model = window.search.model
    assert window.search.count.text() == "250 passages match."
    assert model.rowCount() == 100 and model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 200)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 250)
    assert not model.canFetchMore()
    assert model.index(249, 0).data(PassageIdRole) != model.index(0, 0).data(PassageIdRole)


@pytest.mark.parametrize(("query", "document", "title"), [
    ("Moscow communists on Vladimir", "minutes",
     "Minutes of the meeting of Moscow communists on Vladimir Petrzhek’s resignation"),
    ("letter of resignation", "letter",
     "Vladimir Petrzhek’s letter of resignation from the party"),
])
def test_the_titles_of_the_minutes_and_the_letter_are_found(qtbot, window, query, document,
                                                            title):
    type_into(qtbot, window, f'"{query}"')
    assert window.search.count.text() == "1 passage matches."
    assert window.search.model.index(0, 0).data().startswith(f"{title}, title: ")
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert window.reader.document_id == document
    text = window.reader.toPlainText()
    # The title heads the document, its description below it, and the words are marked.
    assert text.startswith(f"{title}\nWhat the essay quotes or reports of the ")
    spans = sorted(marked_spans(window.reader))
    assert text[spans[0][0]:spans[-1][1]] == query


def test_changing_the_query_says_so_at_once(qtbot, window):
    """The window clears the last search's marks on ``queryChanged``: typing a letter
    must say so before any search has run."""
    type_into(qtbot, window, "Kronshtadt")
    with qtbot.waitSignal(window.search.queryChanged) as said:
        qtbot.keyClick(window.search.field, Qt.Key.Key_X)
    assert said.args == ["Kronshtadtx"]
    assert window.search.searching  # the new search has not even started


def test_typing_a_new_search_clears_the_last_ones_marks(qtbot, window):
    type_into(qtbot, window, '"ranks and tops"')
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(marked_spans(window.reader)))
    window.focus_search()
    qtbot.keyClick(window.search.field, Qt.Key.Key_Backspace)
    assert marked_spans(window.reader) == []


def test_a_full_page_is_shown_first_and_counted_after(qtbot, open_window, tmp_path):
    from desktop.archive.folder import build_folder

    source = tmp_path / "long"
    source.mkdir()
    paragraphs = "\n\n".join(f"Paragraph {n} of the chronicle." for n in range(150))
    (source / "chronicle.txt").write_text(f"A history\n\n{paragraphs}\n")
    build_folder(source, tmp_path / "long.db")
    window = open_window(tmp_path / "long.db")
    pages: list[tuple[bool, int]] = []
    counts: list[int | None] = []
    window.search.searcher.found.connect(lambda _n, _o, r: pages.append((r.counted, r.total)))
    window.search.searcher.counted.connect(lambda _n, total: counts.append(total))
    type_into(qtbot, window, "chronicle")
    assert pages == [(False, 100)] and counts == [150]  # the page, then its count
    assert window.search.count.text() == "150 passages match."
    type_into(qtbot, window, "history")  # one match: a page less than full, never counted
    assert pages[-1] == (True, 1) and counts == [150]
    assert window.search.count.text() == "1 passage matches."
