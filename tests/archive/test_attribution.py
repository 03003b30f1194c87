"""Whose words a selection is: every quotation of a source cited as that source, quoted
in the essay; the essay's own words as the essay; the same words the same way wherever
they are selected."""

from __future__ import annotations

import pytest

from desktop.archive.attribution import (
    Attribution,
    attribute,
    attribute_passage,
    attribute_quotation,
    find_words,
)
from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.archive.styles import FORMATS, SECONDARY, STYLES, format_citation

# Ten paragraphs of the essay with no quotation from a source: the essay's own words.
OWN = ("essay/p1", "essay/p3", "essay/p4", "essay/p10", "essay/p13", "essay/p15",
       "essay/p16", "essay/p18", "essay/p19", "essay/p21")


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


def select(archive: Archive, passage_id: str, words: str) -> Attribution:
    passage = archive.passage(passage_id)
    start = passage.text.index(words)
    return attribute(archive, passage, start, passage, start + len(words))


def names(archive: Archive, source_id: str) -> str:
    """How any citation of a source names it: its author's surname, or its title's start."""
    source = archive.source(source_id)
    if source.author:  # a person by surname, a group ("Workers Truth group") whole
        surname = source.author.split()[-1]
        return surname if surname[0].isupper() else source.author
    return " ".join(source.title.split()[:4])


def sourced(archive: Archive) -> list[int]:
    return [q.id for q in archive.quotations() if q.source_id]


def test_the_archive_has_quotations_and_terms_with_sources(archive):
    kinds = {archive.quotation(q).kind for q in sourced(archive)}
    assert kinds == {"direct", "term"} and len(sourced(archive)) == 8


@pytest.mark.parametrize("style", STYLES)
def test_every_quotation_of_a_source_is_cited_as_that_source_quoted_in_the_essay(
        archive, style):
    for quotation_id in sourced(archive):
        quotation = archive.quotation(quotation_id)
        attribution = attribute_quotation(archive, quotation_id)
        assert attribution.source_id == quotation.source_id
        assert attribution.document_id == "essay"
        paragraph = archive.passage(quotation.passage_id).paragraph
        assert attribution.paragraphs == (paragraph, paragraph)
        cited = format_citation(archive, attribution, style)
        assert names(archive, quotation.source_id).lower() in cited.lower(), cited
        assert f"{SECONDARY[style]} " in cited and "Pirani" in cited, cited
        assert f" {paragraph}" in cited, cited
        # Some of its words, not all of them, are the source's too.
        middle = quotation.text.split()[len(quotation.text.split()) // 2]
        assert select(archive, quotation.passage_id, middle).source_id == quotation.source_id


def test_a_quotation_without_a_source_is_the_essays(archive):
    for quotation in archive.quotations():
        if quotation.source_id is None:
            attribution = attribute_quotation(archive, quotation.id)
            assert attribution.source_id is None, quotation.text
            assert "quoted in" not in format_citation(archive, attribution)


@pytest.mark.parametrize("passage_id", OWN)
def test_the_essays_own_words_are_cited_as_the_essay(archive, passage_id):
    passage = archive.passage(passage_id)
    words = " ".join(passage.text.split()[:6])
    attribution = select(archive, passage_id, words)
    assert (attribution.source_id, attribution.document_id) == (None, "essay")
    assert attribution.paragraphs == (passage.paragraph, passage.paragraph)
    cited = format_citation(archive, attribution)
    assert cited == ("Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, "
                     f"para. {passage.paragraph}.")


WORDS = [("minutes/e2", "essay/p8", "realization of his dream of communism"),
         ("minutes/e4", "essay/p9", "the lack of solidarity and equality"),
         ("letter/e1", "essay/p7", "What is communism?")]


@pytest.mark.parametrize(("excerpt", "essay", "words"), WORDS)
def test_the_same_words_in_the_minutes_and_in_the_essay_are_cited_the_same(
        archive, excerpt, essay, words):
    in_excerpt, in_essay = select(archive, excerpt, words), select(archive, essay, words)
    assert in_excerpt == in_essay
    assert in_essay.source_id in ("minutes", "letter")
    for style in STYLES:
        for fmt in FORMATS:
            assert (format_citation(archive, in_excerpt, style, fmt)
                    == format_citation(archive, in_essay, style, fmt))


def test_a_whole_quoted_excerpt_is_the_source_quoted_in_the_essay(archive):
    attribution = attribute_passage(archive, archive.passage("minutes/e2"))
    assert (attribution.words, attribution.source_id, attribution.paragraphs) == (
        "", "minutes", (8, 8))
    assert attribution.text == archive.passage("minutes/e2").text


def test_a_reported_excerpt_is_the_essays_words(archive):
    for excerpt, paragraph in (("minutes/e1", 6), ("minutes/e3", 9), ("letter/e2", 7)):
        attribution = attribute_passage(archive, archive.passage(excerpt))
        assert (attribution.source_id, attribution.document_id, attribution.paragraphs) == (
            None, "essay", (paragraph, paragraph)), excerpt


def test_words_across_a_quotations_edge_are_the_essays(archive):
    attribution = select(archive, "essay/p8", "proprietorial instincts,” the minute-taker")
    assert attribution.source_id is None
    whole = attribute_passage(archive, archive.passage("essay/p8"))
    assert whole.source_id is None and whole.paragraphs == (8, 8)


def test_quotation_marks_and_spaces_at_the_ends_do_not_leave_the_quotation(archive):
    attribution = select(archive, "essay/p8", "“In the communist party")
    assert attribution.source_id == "minutes"
    assert attribution.words == "In the communist party"  # the source's words alone


def test_words_across_paragraphs_cite_the_range(archive):
    seven, eight, nine = (archive.passage(f"essay/p{n}") for n in (7, 8, 9))
    attribution = attribute(archive, eight, 200, nine, 20)
    assert (attribution.source_id, attribution.paragraphs) == (None, (8, 9))
    assert attribution.pinpoint == "8–9"
    assert attribution.text.count("\n\n") == 1  # the paragraphs stay apart
    assert "\n" not in attribution.words
    assert format_citation(archive, attribution).endswith(", paras. 8–9.")
    assert format_citation(archive, attribution, fmt="pandoc") == (
        "[@pirani2008communists, ¶¶ 8–9]")
    backwards = attribute(archive, nine, 20, eight, 200)
    assert backwards == attribution
    assert attribute_passage(archive, seven, nine).paragraphs == (7, 9)


def test_the_whole_document_cites_the_document(archive):
    passages = archive.passages("essay")
    attribution = attribute(archive, passages[0], 0, passages[-1], len(passages[-1].text))
    assert (attribution.source_id, attribution.paragraphs) == (None, None)
    assert format_citation(archive, attribution) == (
        "Simon Pirani, “The Communists’ Dilemma,” essay, February 2008.")
    assert attribute_passage(archive, passages[0], passages[-1]).paragraphs is None
    # Everything but the last word is not the whole document.
    assert attribute(archive, passages[0], 0, passages[-1], 3).paragraphs == (1, 42)


def test_an_empty_selection_is_its_passage(archive):
    passage = archive.passage("essay/p12")
    assert attribute(archive, passage, 5, passage, 5) == attribute_passage(archive, passage)


def test_a_missing_quotation_is_said_in_one_sentence(archive):
    with pytest.raises(ArchiveError, match="has no quotation 999"):
        attribute_quotation(archive, 999)


@pytest.mark.parametrize(("typed", "found"), [
    ("realization of his  dream", "realization of his dream"),
    ("workers' state", "workers’ state"),
    ('"socialism"', "“socialism”"),
])
def test_words_are_found_whatever_the_spaces_and_quotation_marks(archive, typed, found):
    text = " ".join(p.text for p in archive.passages("essay"))
    start, end = find_words(text, typed)
    assert text[start:end] == found


def test_words_not_in_the_text_are_not_found():
    assert find_words("some text", "other") is None
    assert find_words("some text", "   ") is None


@pytest.mark.parametrize(("selected", "words"), [
    ("was too hard to bear”.", "was too hard to bear"),
    (" too hard to bear”", "too hard to bear"),
    ("“he was not disillusioned", "he was not disillusioned")])
def test_the_essay_s_punctuation_after_a_quotation_leaves_it_the_source_s(archive, selected,
                                                                          words):
    passage = archive.passage("essay/p9")
    start = passage.text.index(selected)
    cited = attribute(archive, passage, start, passage, start + len(selected))
    assert cited.source_id == "minutes"
    assert cited.words == words  # not the quotation marks and the full stop around them


def test_a_question_mark_of_the_source_s_words_stays_in_them(archive):
    passage = archive.passage("essay/p7")
    start = passage.text.index("What is communism?")
    for end in (start + len("What is communism?"), start + len("What is communism?”")):
        cited = attribute(archive, passage, start, passage, end)
        assert cited.source_id is not None
        assert cited.words == "What is communism?"
