"""A mark whose quote writes straight quotation marks, apostrophes or hyphens where the
archive has curly ones and dashes (a copy of the essay on the web, say) is placed on the
words its context names, whole."""

from __future__ import annotations

from desktop.notes.anchoring import MOVED, PassageText, Selector, reanchor


def test_straight_quotes_find_the_curly_ones_with_their_context(archive):
    passages = [PassageText(p.uri, p.text) for p in archive.passages("essay")]
    p12 = archive.passage("essay/p12")
    at = p12.text.index("the “ranks and tops” debate")
    selector = Selector("https://libcom.org/history/communists-dilemma", 0, 0,
                        'the "ranks and tops" debate', "September 1920, ",
                        " also concerned political power")
    anchor = reanchor(selector, passages)
    assert anchor.state == MOVED
    assert anchor.selector.uri == p12.uri
    assert (anchor.selector.start, anchor.selector.end) == (at, at + len(selector.exact))
    assert anchor.selector.exact == "the “ranks and tops” debate"


def test_a_quote_found_as_written_wins_over_a_folded_one():
    passages = [PassageText("a", "he said 'no' twice"), PassageText("b", "he said ‘no’ twice")]
    anchor = reanchor(Selector("x", 0, 0, "said 'no'", "he ", " twice"), passages)
    assert anchor.selector.uri == "a"
