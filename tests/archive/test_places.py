"""One vocabulary for where a passage is: the strings a person reads, and who uses them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.archive.places import NOT_FOUND, in_document, paragraph_sign, place, where
from desktop.archive.store import Archive
from desktop.notes.places import Located

TITLE = "The communists’ dilemma"


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


def test_paragraphs():
    assert paragraph_sign(8) == "¶ 8"
    assert paragraph_sign(7, 8) == "¶ 7–8"


@pytest.mark.parametrize(("paragraph", "kind", "heading", "said"), [
    (8, "paragraph", None, "¶ 8"),
    (3, "excerpt", None, "¶ 3"),
    (None, "heading", "For the future", "section “For the future”"),
    (None, "heading", None, "heading"),  # a search hit knows no heading's words
    (None, "footnote", None, "footnote"),
    (None, "title", "ignored", "title"),
])
def test_where(paragraph, kind, heading, said):
    assert where(paragraph, kind, heading) == said


@pytest.mark.parametrize(("passage_id", "said"), [
    ("essay/p8", "¶ 8"), ("essay/h3", "section “For the future”"),
    ("essay/fn1", "footnote"), ("essay/title", "title")])
def test_a_passage_and_its_place_in_its_document(archive, passage_id, said):
    passage = archive.passage(passage_id)
    assert place(passage) == said
    assert Located(0, passage, TITLE).label() == in_document(TITLE, said) == f"{TITLE}, {said}"


def test_a_lost_mark():
    assert Located(0, None, TITLE).label() == f"{TITLE}, no longer found"
    assert in_document(TITLE, NOT_FOUND) == Located(0, None, TITLE).label()


def test_the_vocabulary_is_qt_free():
    code = ("import sys, desktop.archive.places, desktop.archive.cite, desktop.notes.places;"
            " assert not [m for m in sys.modules if m.startswith('PySide6')]")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_lost_mark_is_no_longer_found_and_a_foreign_one_never_was():
    from desktop.archive.places import NEVER_FOUND, lost

    assert lost(TITLE) == f"{TITLE}, no longer found"
    assert lost("") == NEVER_FOUND == "not found in this archive"
