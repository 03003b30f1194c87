from __future__ import annotations

import pytest

from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.marks import clean_tags
from desktop.notes.store import Notes

TEXT = "Petrzhek told his comrades that he was quitting because of inequality."


@pytest.fixture
def notes(tmp_path):
    notes = Notes(tmp_path)
    yield notes
    notes.close()


def highlight(notes: Notes, start: int = 0, end: int = 8, **kw):
    return notes.add_highlight("communists-dilemma", "essay",
                               select("archive-browser://communists-dilemma/essay/p6", TEXT,
                                      start, end), kw.pop("colour", "yellow"), **kw)


@pytest.mark.parametrize(("given", "kept"), [
    (["#history", "history", " History "], ("history",)),
    (["b", "a", "  two  words "], ("a", "b", "two words")),
    (["", "#", "  "], ()),
])
def test_tags_are_cleaned(given, kept):
    assert clean_tags(given) == kept


def test_highlight_round_trip_through_the_file(tmp_path):
    notes = Notes(tmp_path)
    made = highlight(notes, 9, 13, note="שלום 🙂\nline two", tags=["rtl", "emoji"])
    notes.close()
    again = Notes(tmp_path)
    (back,) = again.highlights()
    assert back == made
    assert back.selector.exact == "told"
    assert back.selector.prefix == "Petrzhek "
    assert back.tags == ("emoji", "rtl")
    again.close()


def test_update_changes_modified_but_not_created(notes):
    made = highlight(notes)
    changed = notes.update_highlight(made.id, note="new", colour="blue", tags=["x"])
    assert (changed.note, changed.colour, changed.tags) == ("new", "blue", ("x",))
    assert changed.created == made.created and changed.modified >= made.modified
    assert notes.update_highlight(made.id) == changed  # nothing to change: no write


def test_delete_then_put_back_restores_it_exactly(notes):
    made = highlight(notes, tags=["keep"])
    gone = notes.delete_highlight(made.id)
    assert notes.highlights() == []
    notes.put_highlight(gone)
    assert notes.highlights() == [made]


def test_overlapping_highlights_are_kept_apart(notes):
    first = highlight(notes, 0, 20)
    second = highlight(notes, 9, 30, colour="pink")
    uri = first.selector.uri
    assert [h.id for h in notes.highlights_at("communists-dilemma", uri)] == [first.id,
                                                                             second.id]


def test_unknown_colour_is_refused(notes):
    with pytest.raises(NotesError, match="not one of the highlight colours"):
        highlight(notes, colour="octarine")


def test_tags_in_use_for_completion(notes):
    highlight(notes, tags=["NEP", "equality"])
    highlight(notes, tags=["nep", "Lenin"])
    assert notes.tags() == ["equality", "Lenin", "NEP"]


def test_one_bookmark_per_passage_with_label_rename_and_delete(notes):
    uri = "archive-browser://communists-dilemma/essay/p3"
    first = notes.add_bookmark("communists-dilemma", "essay", uri, "Petrzhek’s wife", "wife")
    assert notes.bookmark_at("communists-dilemma", uri) == first
    renamed = notes.update_bookmark(first.id, label="  widower  ")
    assert renamed.label == "widower"
    assert notes.delete_bookmark(first.id) == renamed
    assert notes.bookmarks() == []


def test_a_filter_reads_every_highlight_s_words_and_note_casefolded(notes):
    plain = highlight(notes, 0, 8, note="Über STRASSE")
    other = highlight(notes, 9, 13)
    notes.add_highlight("another-archive", "essay", select("x://a/p1", TEXT, 0, 8), "blue",
                        note="elsewhere")
    assert notes.highlight_words("communists-dilemma") == {
        plain.id: "petrzhek über strasse", other.id: "told "}
    assert notes.highlight_words("no-such-archive") == {}


def test_words_that_hold_the_separator_are_read_one_by_one(notes):
    # SQLite joins the texts with NUL to read them at once: one that holds NUL is
    # still read whole, and every other one with its own id.
    held = highlight(notes, 0, 8, note="before\x00AFTER")
    other = highlight(notes, 9, 13, note="Plain")
    assert notes.highlight_words("communists-dilemma") == {
        held.id: "petrzhek before\x00after", other.id: "told plain"}


def test_highlights_are_found_by_their_tags_as_written(notes):
    first = highlight(notes, tags=["Hope", "minutes"])
    second = highlight(notes, 9, 13, tags=["hope"])
    assert notes.tags_as_written() == {"Hope", "hope", "minutes"}
    assert notes.highlights_tagged(["Hope", "hope", "absent"]) == {
        "Hope": {first.id}, "hope": {second.id}, "absent": set()}
    with notes._write() as conn:  # an id that holds the separator SQLite joins ids with
        conn.execute(
            'INSERT INTO highlights (id, archive_id, document_id, uri, start, "end", exact, '
            "prefix, suffix, colour, note, state, created, modified) SELECT ?, archive_id, "
            'document_id, uri, start, "end", exact, prefix, suffix, colour, note, state, '
            "created, modified FROM highlights WHERE id = ?", ("a\x00b", second.id))
        conn.execute("INSERT INTO highlight_tags VALUES (?, 'hope')", ("a\x00b",))
    assert notes.highlights_tagged(["hope"]) == {"hope": {second.id, "a\x00b"}}
    assert set(notes.highlight_words("communists-dilemma")) == {first.id, second.id, "a\x00b"}
