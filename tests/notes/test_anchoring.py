"""Marks find their words again after the archive changes, or become orphans."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.archive.build import build
from desktop.archive.store import Archive
from desktop.notes.anchoring import (
    ANCHORED,
    MOVED,
    ORPHANED,
    PassageText,
    Selector,
    reanchor,
    select,
)
from desktop.notes.marks import End
from desktop.notes.reanchor import reanchor_all
from desktop.notes.store import Notes

SOURCE = "communists-dilemma.pdf-extract.txt"


def test_unchanged_text_stays_anchored():
    s = select("u1", "one two three", 4, 7)
    assert reanchor(s, [PassageText("u1", "one two three")]).state == ANCHORED


def test_words_inserted_before_move_the_offsets():
    s = select("u1", "one two three", 4, 7)
    anchor = reanchor(s, [PassageText("u1", "zero one two three")])
    assert anchor.state == MOVED
    assert (anchor.selector.start, anchor.selector.exact) == (9, "two")


def test_context_chooses_between_repeated_words():
    text = "the party and the state; the party and the people"
    s = select("u1", text, 29, 34)  # the second "party"
    changed = "Indeed, " + text
    anchor = reanchor(s, [PassageText("u1", changed)])
    assert changed[anchor.selector.start:anchor.selector.end] == "party"
    assert anchor.selector.start == 37


def test_a_corrected_word_is_found_by_a_tolerant_match():
    s = select("u1", "he did not find communism in the party", 16, 38)
    anchor = reanchor(s, [PassageText("u1", "he did not find Communism in the Party")])
    assert anchor.state == MOVED
    assert anchor.selector.exact == "Communism in the Party"


def test_deleted_words_become_an_orphan_that_keeps_its_place():
    s = select("u1", "one two three", 4, 13)
    anchor = reanchor(s, [PassageText("u1", "something else entirely")])
    assert anchor.state == ORPHANED and anchor.selector == s


@pytest.fixture
def changed_archive(resources_copy: Path, tmp_path: Path):
    def make(edit) -> Path:
        source = resources_copy / SOURCE
        text = source.read_text(encoding="utf-8")
        source.write_text(edit(text), encoding="utf-8")
        out = tmp_path / f"changed-{len(list(tmp_path.iterdir()))}.db"
        build(resources_copy, out)
        return out
    return make


def mark(notes: Notes, archive: Archive, passage_id: str, words: str) -> str:
    passage = archive.passage(passage_id)
    start = passage.text.index(words)
    selector = select(passage.uri, passage.text, start, start + len(words))
    return notes.add_highlight(archive.archive_id, passage.document_id, selector, "yellow",
                               note=f"note on {words}").id


def test_archive_changes_move_marks_to_the_same_words_or_orphan_them(
        tmp_path, shipped_archive, changed_archive):
    notes = Notes(tmp_path / "data")
    original = Archive(shipped_archive)
    before_insert = mark(notes, original, "essay/p3", "joined the party at the front")
    after_split = mark(notes, original, "essay/p37", "some sort of model for the future")
    deleted = mark(notes, original, "essay/p20", "Such insightful attempts at analysis "
                                                 "were not welcome.")
    untouched = mark(notes, original, "essay/p1", "an auto worker")
    bookmark = notes.add_bookmark(original.archive_id, "essay", original.passage("essay/p37").uri,
                                  original.passage("essay/p37").text[:64])

    def edit(text: str) -> str:
        for old, new in (
            ("volunteered to fight the Whites anyway, and",
             "volunteered, grieving, to fight the Whites anyway, and"),
            # Split the paragraph about the left's debates into two.
            ("efficacy of this or that Bolshevik policy. \n",
             "efficacy of this or that Bolshevik policy.\n\n"),
            ("were not welcome. ", ""),
        ):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        return text

    changed = Archive(changed_archive(edit))
    assert changed.passage("essay/p37").text.startswith("People on the left")
    counts = reanchor_all(notes, changed)
    states = {h.id: h for h in notes.highlights()}
    assert counts == {ANCHORED: 2, MOVED: 2, ORPHANED: 1}
    for highlight_id, words in ((before_insert, "joined the party at the front"),
                                (after_split, "some sort of model for the future")):
        h = states[highlight_id]
        passage = changed.passage_by_uri(h.selector.uri)
        assert passage.text[h.selector.start:h.selector.end] == words
        assert h.state == MOVED
    assert changed.passage_by_uri(states[after_split].selector.uri).id == "essay/p38"
    assert states[deleted].state == ORPHANED
    assert states[deleted].note == "note on Such insightful attempts at analysis were not welcome."
    assert states[untouched].state == ANCHORED
    (kept_bookmark,) = notes.bookmarks()  # the split paragraph still opens with its words
    assert kept_bookmark.id == bookmark.id and kept_bookmark.state == ANCHORED
    assert changed.passage_by_uri(kept_bookmark.uri).id == "essay/p37"
    assert len(notes.highlights()) == 4  # none lost
    notes.close()


def test_a_short_quote_is_not_found_inside_a_longer_word():
    s = Selector("elsewhere", 0, 3, "the", "", "")
    anchor = reanchor(s, [PassageText("u1", "their problems"), PassageText("u2", "in the end")])
    assert (anchor.selector.uri, anchor.selector.start) == ("u2", 3)


def test_a_quote_made_inside_a_word_is_found_inside_one_again():
    text = "the unprepared workers"
    s = select("u1", text, 6, 14)  # "prepared", within "unprepared"
    anchor = reanchor(s, [PassageText("u1", "so the unprepared workers")])
    assert anchor.selector.exact == "prepared" and anchor.selector.start == 9


def test_bookmarks_that_come_to_mark_one_passage_are_both_kept(tmp_path, shipped_archive,
                                                               changed_archive):
    notes = Notes(tmp_path / "data")
    original = Archive(shipped_archive)
    p3, p4 = original.passage("essay/p3"), original.passage("essay/p4")
    first = notes.add_bookmark(original.archive_id, "essay", p3.uri, p3.text[:64], "wife")
    second = notes.add_bookmark(original.archive_id, "essay", p4.uri, p4.text[:64], "army")

    def insert_paragraph(text: str) -> str:
        old = "Petrzhek’s wife had died suddenly in "
        assert text.count(old) == 1
        return text.replace(old, "A new paragraph of the text.\n\n" + old)

    changed = Archive(changed_archive(insert_paragraph))
    reanchor_all(notes, changed)
    kept = {b.id: b for b in notes.bookmarks()}
    assert set(kept) == {first.id, second.id}
    assert changed.passage_by_uri(kept[first.id].uri).id == "essay/p4"
    assert changed.passage_by_uri(kept[second.id].uri).id == "essay/p5"
    notes.close()


def test_each_part_of_a_highlight_across_passages_is_placed_on_its_own(
        tmp_path, shipped_archive, changed_archive):
    notes = Notes(tmp_path / "data")
    original = Archive(shipped_archive)

    def words(passage_id: str, text: str) -> Selector:
        passage = original.passage(passage_id)
        start = passage.text.index(text)
        return select(passage.uri, passage.text, start, start + len(text))

    broken = notes.add_highlight(original.archive_id, "essay",
                                 words("essay/p3", "joined the party at the front"), "pink",
                                 note="across a page break",
                                 more=[words("essay/p4", "Within a year, the main White")])
    kept = notes.add_highlight(original.archive_id, "essay",
                               words("essay/p5", "“mixed economy”."), "green",
                               more=[words("essay/p6", "One result of NEP")])

    def edit(text: str) -> str:
        for old, new in (("volunteered to fight the Whites anyway, and",
                          "volunteered, grieving, to fight the Whites anyway, and"),
                         ("Within a year, the main White armies \nhad been beaten",
                          "The enemy had been beaten")):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        return text

    changed = Archive(changed_archive(edit))
    counts = reanchor_all(notes, changed)
    assert counts == {ORPHANED: 1, ANCHORED: 1}
    lost = notes.highlight(broken.id)
    assert [p.state for p in lost.parts] == [MOVED, ORPHANED]
    assert (lost.state, lost.first_state) == (ORPHANED, MOVED)
    first = lost.selector
    assert changed.passage_by_uri(first.uri).text[first.start:first.end] == \
        "joined the party at the front"
    assert lost.more[0].selector == broken.more[0].selector  # an orphan keeps its place
    assert lost.note == "across a page break"
    assert notes.highlight(kept.id) == kept
    # The part still found is drawn; the lost one is not.
    assert [(uri, hid) for uri, _s, _e, hid, _c in
            notes.marks_in(changed.archive_id, "essay") if hid == broken.id] == [
        (first.uri, broken.id)]
    notes.close()


def test_each_end_of_a_link_is_placed_on_its_own(tmp_path, shipped_archive, changed_archive):
    notes = Notes(tmp_path / "data")
    original = Archive(shipped_archive)

    def end(passage_id: str, text: str) -> End:
        passage = original.passage(passage_id)
        start = passage.text.index(text)
        return End(passage.document_id,
                   select(passage.uri, passage.text, start, start + len(text)))

    broken = notes.add_link(original.archive_id, end("essay/p3", "joined the party at the front"),
                            end("essay/p20", "Such insightful attempts at analysis were not "
                                             "welcome."), "contradicts", note="kept")
    kept = notes.add_link(original.archive_id, end("essay/p8", "proprietorial instincts"),
                          end("minutes/e2", "proprietorial instincts"), "same event")

    def edit(text: str) -> str:
        for old, new in (("volunteered to fight the Whites anyway, and",
                          "volunteered, grieving, to fight the Whites anyway, and"),
                         ("were not welcome. ", "")):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        return text

    changed = Archive(changed_archive(edit))
    assert reanchor_all(notes, changed) == {ORPHANED: 1, ANCHORED: 1}
    lost = notes.link(broken.id)
    assert (lost.first.state, lost.second.state, lost.state) == (MOVED, ORPHANED, ORPHANED)
    first = lost.first.selector
    assert changed.passage_by_uri(first.uri).text[first.start:first.end] == \
        "joined the party at the front"
    assert lost.second == End("essay", broken.second.selector, ORPHANED)  # kept where it was
    assert (lost.relation, lost.note, lost.modified) == ("contradicts", "kept", broken.modified)
    assert notes.link(kept.id) == kept
    assert reanchor_all(notes, changed) == {}  # placed on this text already: nothing to do
    notes.close()
