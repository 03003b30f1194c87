"""A selection becomes whole words, without spaces at its ends."""

from __future__ import annotations

import pytest

from desktop.notes.anchoring import whole_words

TEXT = "Petrzhek’s wife had died suddenly, in 1951."


def words(selected: str, text: str = TEXT) -> str:
    start = text.index(selected)
    start, end = whole_words(text, start, start + len(selected))
    return text[start:end]


@pytest.mark.parametrize(("selected", "kept"), [
    ("etrzhek’s wife ha", "Petrzhek’s wife had"),  # widened at both ends
    (" had died ", "had died"),  # spaces left out
    ("wife", "wife"),  # whole already
    ("udden", "suddenly"),  # inside one word
    ("ly, in 19", "suddenly, in 1951"),  # digits are part of a word; punctuation is not
    (", ", ","),
    ("1951.", "1951."),  # the end of the text
])
def test_a_selection_becomes_whole_words(selected, kept):
    assert words(selected) == kept


def test_the_start_and_the_end_of_the_text_are_limits():
    assert whole_words(TEXT, 0, 3) == (0, len("Petrzhek"))
    assert whole_words(TEXT, len(TEXT) - 3, len(TEXT)) == (len(TEXT) - 5, len(TEXT))


def test_only_spaces_come_back_empty():
    text = "one   two"
    start, end = whole_words(text, 4, 5)
    assert start == end


@pytest.mark.parametrize(("start", "end", "kept"), [
    (0, 0, (0, 0)), (3, 3, (3, 3)), (9, 9, (9, 9)),  # between words, or at the ends
    (1, 1, (0, 3)),  # inside a word: that word
])
def test_an_empty_selection(start, end, kept):
    assert whole_words("one   two", start, end) == kept
