from __future__ import annotations

import re

import pytest

from desktop.archive.cleaning import clean, join_lines
from tests.helpers import ROOT

SOURCE = (ROOT / "resources" / "communists-dilemma.pdf-extract.txt").read_text(encoding="utf-8")
CAPTION = "Communists in the Rogozhsko-Simonovskii district in south-east Moscow, 1920."


@pytest.fixture(scope="module")
def essay():
    return clean(SOURCE, standfirst=True)


def kinds(result):
    return [b.kind for b in result.blocks]


@pytest.mark.parametrize(("lines", "joined"), [
    (["the rank-", "and-file communists"], "the rank-and-file communists"),
    (["inter-", "workplace"], "inter-workplace"),
    (["Russia, 1920-", "24: Soviet"], "Russia, 1920-24: Soviet"),
    (["inequality –", "“the ranks"], "inequality – “the ranks"),
    (["with “socialism”,  other"], "with “socialism”, other"),
])
def test_lines_join_keeping_real_hyphens(lines, joined):
    assert join_lines(lines) == joined


def test_blank_line_inside_a_sentence_is_a_page_break():
    text = "Title\n\nHis poverty made\n\nimpossible the plan. \n\nNext one.\n"
    result = clean(text)
    assert [b.text for b in result.blocks] == [
        "Title", "His poverty made impossible the plan.", "Next one."]
    assert [d.rule for d in result.decisions] == ["page or column break"]


def test_caption_inside_a_sentence_is_set_apart_after_its_paragraph():
    body = "\n".join(["a column line of ordinary width here, yes"] * 10)
    text = (f"Title\n\n{body}\nthese privileges were\n\n\n{CAPTION}\n meagre. The end.\n\n"
            "Next paragraph.\n")
    result = clean(text)
    assert kinds(result) == ["title", "paragraph", "caption", "paragraph"]
    assert result.blocks[1].text.endswith("these privileges were meagre. The end.")
    assert result.blocks[2].text == CAPTION


def test_indented_line_after_short_finished_line_starts_a_paragraph():
    body = "\n".join(["a column line of ordinary width here, yes"] * 6)
    text = f"Title\n\n{body}\nliving standards.\n But this party was\nvanguardist.\n"
    result = clean(text)
    assert kinds(result) == ["title", "paragraph", "paragraph"]
    assert result.blocks[2].text == "But this party was vanguardist."


def test_indented_line_inside_a_sentence_does_not_break_the_paragraph():
    text = "Title\n\npolitical power: the accumulation of it in\n industrial bodies.\n"
    assert [b.text for b in clean(text).blocks][1] == (
        "political power: the accumulation of it in industrial bodies.")


def test_empty_text_gives_no_blocks():
    assert clean("  \n\n \n").blocks == []


def test_essay_structure(essay):
    assert kinds(essay)[:3] == ["title", "standfirst", "paragraph"]
    assert essay.blocks[0].text == "The communists’ dilemma"
    assert essay.blocks[1].text == ("The Bolsheviks’ success in taking power in Russia was "
                                    "just the start of their problems, Simon Pirani writes")
    headings = [b.text for b in essay.blocks if b.kind == "heading"]
    assert headings == ["What the communists cared about", "The non-party workers",
                        "For the future"]
    assert [b.text for b in essay.blocks if b.kind == "dateline"] == ["February 2008"]
    assert [b.text for b in essay.blocks if b.kind == "caption"] == [CAPTION]
    notes = [b for b in essay.blocks if b.kind == "footnote"]
    assert [(n.marker, n.text) for n in notes] == [(
        "*", "The Russian Revolution in Retreat, 1920-24: Soviet workers and the new "
        "communist elite, by Simon Pirani (Routledge, 2008). See www.revolutioninretreat.com")]
    assert kinds(essay).count("paragraph") == 42
    assert kinds(essay)[-2:] == ["dateline", "footnote"]


@pytest.mark.parametrize("whole", [
    "Russia’s poverty made impossible the implementation of egalitarian principles",
    "these privileges were meagre. But that’s not the point.",
    "in came NEP, under which peasants were allowed to market surplus produce",
    "The Bolshevik party was deserting the workers and becoming the party",
    "Non-party speakers were heckled and jeered.",
    "The products of the workers’ labour were appropriated by the state.",
    "the rank-and-file communists", "initiated inter-workplace organisation",
    "A “non-partyist” fraction", "In the twenty-first century",
    "damaging concepts are the least that twenty-first century movements",
    "compatible with “socialism”, other ideological shifts",
])
def test_paragraphs_are_whole(essay, whole):
    paragraphs = [b.text for b in essay.blocks if b.kind == "paragraph"]
    assert sum(whole in p for p in paragraphs) == 1


def test_hidden_break_at_column_splits_vanguardist_paragraph(essay):
    paragraphs = [b.text for b in essay.blocks if b.kind == "paragraph"]
    assert any(p.endswith("workers’ living standards.") for p in paragraphs)
    assert any(p.startswith("But this party was vanguardist.") for p in paragraphs)


def test_no_word_or_character_of_the_source_is_changed(essay):
    """Apart from spacing and the caption's place, the text is the source's, space for space.

    The expected text is the source with every run of whitespace made one space,
    except after the five line-end hyphens, which join without one.
    """
    hyphen_joins = re.findall(r"\w-[ \t]*\n\s*", SOURCE)
    assert len(hyphen_joins) == 5
    expected = re.sub(r"(\w-)[ \t]*\n\s*", r"\1", SOURCE.replace(CAPTION, ""))
    expected = re.sub(r"\s+", " ", expected).strip()
    rebuilt = " ".join(
        (f"{b.marker} " if b.marker else "") + b.text
        for b in essay.blocks if b.kind != "caption")
    assert rebuilt == expected


def test_every_decision_names_a_real_line(essay):
    lines = SOURCE.splitlines()
    for decision in essay.decisions:
        assert lines[decision.line - 1].strip()
    assert {d.rule for d in essay.decisions} == {
        "title", "caption", "hidden paragraph break", "page or column break", "heading",
        "dateline", "spacing"}


LONG = "A paragraph of clean text, well over ninety characters long, as a paragraph on one " \
       "line always is."


def test_unwrapped_text_has_a_paragraph_to_a_line():
    text = f"A Book\n{LONG}\n{LONG} Two.\n\n{LONG} Three.\n"
    result = clean(text)
    assert kinds(result) == ["title", "paragraph", "paragraph", "paragraph"]
    assert result.blocks[2].text == f"{LONG} Two."


def test_a_list_of_starred_items_is_text_and_only_trailing_notes_are_notes():
    body = "\n".join(["A column line of ordinary width here, yes"] * 4)
    text = (f"Title\n\nSome things:\n\n* first item of the list\n\n* second item.\n\n"
            f"{body}.\n\n* The only real note.\n")
    result = clean(text)
    assert [b.kind for b in result.blocks[-3:]] == ["paragraph", "paragraph", "footnote"]
    assert result.blocks[-1].text == "The only real note."
    assert "* first item of the list" in [b.text for b in result.blocks]


def test_a_short_line_at_the_end_is_a_sign_off_not_a_heading():
    body = "\n".join(["A column line of ordinary width here, yes"] * 4)
    text = f"Title\n\n{body}.\n\nA Heading\n\n{body}.\n\nYours, A. Reader\n"
    result = clean(text)
    assert kinds(result) == ["title", "paragraph", "heading", "paragraph", "paragraph"]


def test_a_byte_order_mark_is_not_part_of_the_title():
    assert clean("\ufeffTitle\n\nText.\n").blocks[0].text == "Title"


def test_text_wrapped_at_a_wide_column_keeps_its_paragraphs():
    import textwrap

    words = " ".join(f"word{n}" for n in range(120))
    paragraph = textwrap.fill(f"{words} and so it ends.", width=110)
    text = f"Title\n\n{paragraph}\n\n{paragraph}\n"
    result = clean(text)
    assert kinds(result) == ["title", "paragraph", "paragraph"]
    assert result.blocks[1].text.endswith("and so it ends.")


def test_a_last_note_of_two_paragraphs_without_a_dateline():
    body = "\n".join(["A column line of ordinary width here, yes"] * 4)
    text = (f"Title\n\n{body}, as noted.*\n\n{body}.\n\n* The note begins here.\n\n"
            "It goes on in a second paragraph.\n")
    result = clean(text)
    assert kinds(result)[-2:] == ["footnote", "footnote"]
    assert result.blocks[-2].text == "The note begins here."
