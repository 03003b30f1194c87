"""The note card saves only what the person changed in it: another window's edits stay."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from desktop.notes.store import Notes
from tests.gui.test_marks import select_words


def open_card(qtbot, window, note: str = "", tags: tuple[str, ...] = ()):
    select_words(window, "essay/p8", "had hoped")
    highlight_id = window.marking.highlight_selection()
    if note or tags:
        window.marks.edit(highlight_id, note=note or None, tags=list(tags) or None)
    card = window.note_editor
    card.open_for(highlight_id, QPoint(50, 50))
    qtbot.waitUntil(card.isVisible)
    return highlight_id, card


def from_another_window(data_dir, highlight_id: str, **changes) -> None:
    other = Notes(data_dir, backup_now=False)
    try:
        other.update_highlight(highlight_id, **changes)
    finally:
        other.close()


def test_typing_a_note_keeps_the_tags_another_window_saved(qtbot, window, data_dir):
    highlight_id, card = open_card(qtbot, window, tags=("draft",))
    from_another_window(data_dir, highlight_id, tags=["draft", "important"])
    qtbot.keyClicks(card.note, "Typed in the card.")
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    saved = window.marks.notes.highlight(highlight_id)
    assert saved.note == "Typed in the card."
    assert saved.tags == ("draft", "important")
    card.hide()
    assert window.marks.notes.highlight(highlight_id).tags == ("draft", "important")


def test_typing_tags_keeps_the_note_another_window_saved(qtbot, window, data_dir):
    highlight_id, card = open_card(qtbot, window, note="First thoughts.")
    from_another_window(data_dir, highlight_id, note="Second thoughts, elsewhere.")
    qtbot.keyClicks(card.tags, "ethics")
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    saved = window.marks.notes.highlight(highlight_id)
    assert saved.tags == ("ethics",)
    assert saved.note == "Second thoughts, elsewhere."
    card.hide()
    assert window.marks.notes.highlight(highlight_id).note == "Second thoughts, elsewhere."


def test_after_a_save_the_card_shows_what_another_window_saved(qtbot, window, data_dir):
    highlight_id, card = open_card(qtbot, window, tags=("draft",))
    from_another_window(data_dir, highlight_id, tags=["draft", "important"])
    qtbot.keyClicks(card.note, "Typed in the card.")
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    assert card.tags.text() == "draft, important"
    qtbot.keyClicks(card.note, " More.")  # a later save does not write the tags back
    from_another_window(data_dir, highlight_id, tags=["final"])
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    card.hide()
    saved = window.marks.notes.highlight(highlight_id)
    assert (saved.note, saved.tags) == ("Typed in the card. More.", ("final",))


def test_the_card_follows_an_undo_made_while_it_is_open(qtbot, window):
    highlight_id, card = open_card(qtbot, window, tags=("draft",))
    window.marks.undo_stack.undo()  # the tags go, in this window, with the card open
    assert card.tags.text() == ""
    qtbot.keyClicks(card.note, "Typed after the undo.")
    card.hide()
    saved = window.marks.notes.highlight(highlight_id)
    assert (saved.note, saved.tags) == ("Typed after the undo.", ())


def test_undoing_a_note_typed_in_several_saves_keeps_another_window_s_tags(qtbot, window,
                                                                          data_dir):
    highlight_id, card = open_card(qtbot, window)
    qtbot.keyClicks(card.note, "First")
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    from_another_window(data_dir, highlight_id, tags=["from the other window"])
    qtbot.keyClicks(card.note, " and second.")
    qtbot.waitUntil(lambda: card.status.text() == "Saved.")
    card.hide()
    window.marks.undo_stack.undo()  # the note, typed in two saves, is one step
    undone = window.marks.notes.highlight(highlight_id)
    assert (undone.note, undone.tags) == ("", ("from the other window",))
    window.marks.undo_stack.redo()
    redone = window.marks.notes.highlight(highlight_id)
    assert (redone.note, redone.tags) == ("First and second.", ("from the other window",))
