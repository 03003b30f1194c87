"""A highlight across paragraphs: one mark of several parts, made with Ctrl+H on a selection
that runs from one passage into the next, drawn in each, listed once, undone exactly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from desktop.gui.models import LocationRole
from desktop.gui.theme import colour
from desktop.gui.undo import PutHighlight
from desktop.notes.anchoring import ORPHANED
from desktop.notes.marks import PART_GAP, Part
from tests.gui.test_marks import highlighted_text, show_highlights
from tests.helpers import highlighted_spans

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def position(window, passage_id: str, words: str, *, end: bool = False) -> int:
    """Where ``words`` of a passage start (or end) in the reader's document."""
    text = window.archive.passage(passage_id).text
    block = window.reader.document().findBlockByNumber(window.reader.layout_.block_of[passage_id])
    return block.position() + text.index(words) + (len(words) if end else 0)


def select_across(window, first: str, first_words: str, last: str, last_words: str) -> None:
    """Select from the start of words in one passage to the end of words in a later one,
    as a drag or Shift with the arrow keys does."""
    document_id = window.archive.passage(first).document_id
    window.navigator.navigate(document_id, first)
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(position(window, first, first_words))
    cursor.setPosition(position(window, last, last_words, end=True),
                       QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    window.reader.setFocus()


def across_p8_p9(qtbot, window) -> str:
    """Ctrl+H on words from the end of the essay's ¶ 8 into the start of ¶ 9."""
    select_across(window, "essay/p8", "private proprietorial", "essay/p9", "Local party leaders")
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    (made,) = window.marks.notes.highlights()
    return made.id


def click_at(qtbot, window, document_position: int) -> None:
    window.reader.setTextCursor(QTextCursor(window.reader.document()))
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(document_position)
    point = window.reader.cursorRect(cursor).center()
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_ctrl_h_across_two_paragraphs_makes_one_highlight_drawn_in_both(qtbot, window):
    show_highlights(qtbot, window)
    highlight_id = across_p8_p9(qtbot, window)
    h = window.marks.notes.highlight(highlight_id)
    p8, p9 = window.archive.passage("essay/p8"), window.archive.passage("essay/p9")
    assert [part.selector.uri for part in h.parts] == [p8.uri, p9.uri]
    assert h.selector.exact.startswith("private proprietorial instincts")
    assert p8.text.endswith(h.selector.exact)  # to the end of ¶ 8
    assert h.more[0].selector.exact == "Local party leaders"
    assert highlighted_text(window) == [h.selector.exact, "Local party leaders"]
    assert "across 2 passages" in window.statusBar().currentMessage()
    # Listed once, with its words joined and its place across paragraphs.
    assert window.highlights.count.text() == "1 highlight."
    index = window.highlights.proxy.index(0, 0)
    assert index.data(LocationRole) == "The communists’ dilemma, ¶ 8–9"
    assert index.data() == f"{h.selector.exact}{PART_GAP}Local party leaders"


def test_labels_between_passages_are_left_out(qtbot, window):
    # Between the minutes' excerpts stands "Reported in the essay at ¶ 6 ↩": not archive text.
    select_across(window, "minutes/e1", "Vladimir Petrzhek", "minutes/e2", "In the communist")
    window.marking.highlight_selection("green")
    (h,) = window.marks.notes.highlights()
    assert [window.archive.passage_by_uri(p.selector.uri).id for p in h.parts] == \
        ["minutes/e1", "minutes/e2"]
    assert h.more[0].selector.exact == "In the communist"
    assert len(highlighted_spans(window.reader)) == 2


def test_clicking_either_part_opens_the_one_note_card(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    click_at(qtbot, window, position(window, "essay/p9", "party leaders"))
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.highlight_id == highlight_id
    window.note_editor.hide()
    window.marks.edit(highlight_id, note="One argument across a page break.")
    click_at(qtbot, window, position(window, "essay/p8", "minute-taker"))
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.highlight_id == highlight_id
    assert window.note_editor.note.toPlainText() == "One argument across a page break."
    window.note_editor.hide()


def test_a_change_redraws_every_part(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    window.marks.edit(highlight_id, colour_name="pink", note="both parts")
    reader = window.reader
    drawn = reader.highlights.in_blocks(0, reader.document().blockCount() - 1)
    assert len(drawn) == 2
    assert {painted.name() for *_place, painted in drawn} == {colour("pink").name()}
    said = {tuple(reader.highlights.at(n, s)) for n, s, _e, _colour in drawn}
    assert said == {((highlight_id, "both parts", "pink"),)}


def test_undo_and_redo_restore_it_exactly(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    made = window.marks.notes.highlight(highlight_id)
    edited = window.marks.edit(highlight_id, note="kept", tags=["page break"])
    window.marks.delete(highlight_id)
    assert highlighted_text(window) == []
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # the delete
    assert window.marks.notes.highlight(highlight_id) == edited
    assert len(highlighted_spans(window.reader)) == 2
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # the edit
    back = window.marks.notes.highlight(highlight_id)
    assert (back.parts, back.note, back.tags) == (made.parts, "", ())
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # the highlight
    assert window.marks.notes.highlights() == []
    for _step in range(3):
        qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.marks.notes.highlights() == []  # redone up to its deletion
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    again = window.marks.notes.highlight(highlight_id)
    assert (again.parts, again.note, again.tags) == (edited.parts, "kept", ("page break",))
    assert len(highlighted_spans(window.reader)) == 2


def test_re_attaching_across_passages_and_undoing_it_is_exact(qtbot, window):
    show_highlights(qtbot, window)
    highlight_id = across_p8_p9(qtbot, window)
    made = window.marks.notes.highlight(highlight_id)
    # The archive changed: the part in ¶ 9 was lost, the first part was found again.
    lost = window.marks.notes.update_highlight(
        highlight_id, more=[Part(made.more[0].selector, ORPHANED)])
    window.marks.imported()
    assert (lost.state, lost.first_state) == (ORPHANED, "anchored")
    assert highlighted_text(window) == [made.selector.exact]  # the lost part is not drawn
    index = window.highlights.proxy.index(0, 0)
    window.highlights.list.setCurrentIndex(index)
    select_across(window, "essay/p5", "mixed economy", "essay/p6", "One result of NEP")
    window.highlights.reattach_button.click()
    placed = window.marks.notes.highlight(highlight_id)
    assert [p.selector.exact for p in placed.parts] == ["mixed economy”.",
                                                        "One result of NEP"]
    assert placed.state == "anchored"
    assert highlighted_text(window) == ["mixed economy”.", "One result of NEP"]
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    undone = window.marks.notes.highlight(highlight_id)
    assert (undone.parts, undone.state, undone.first_state) == \
        (lost.parts, lost.state, lost.first_state)
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.marks.notes.highlight(highlight_id).parts == placed.parts


def test_delete_at_the_cursor_in_any_part_deletes_the_whole_highlight(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(position(window, "essay/p9", "party"))
    window.reader.setTextCursor(cursor)
    qtbot.keyClick(window.reader, Qt.Key.Key_Backspace, CTRL | SHIFT)
    assert window.marks.notes.highlights() == []
    assert highlighted_text(window) == []
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert window.marks.notes.highlight(highlight_id).more
    assert len(highlighted_spans(window.reader)) == 2


def test_going_to_it_from_the_panel_selects_all_its_words(qtbot, window):
    show_highlights(qtbot, window)
    across_p8_p9(qtbot, window)
    window.navigator.navigate("essay", "essay/title")
    index = window.highlights.proxy.index(0, 0)
    rect = window.highlights.list.visualRect(index)
    qtbot.mouseClick(window.highlights.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    selected = window.reader.textCursor().selectedText()
    assert selected.startswith("private proprietorial") and selected.endswith(
        "\u2029Local party leaders")


def test_an_undo_step_of_a_highlight_s_every_field_puts_its_parts_back(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    made = window.marks.notes.highlight(highlight_id)
    lost = window.marks.notes.update_highlight(
        highlight_id, state=ORPHANED, more=[Part(made.more[0].selector, "moved")])
    assert (lost.state, lost.first_state) == (ORPHANED, "")
    # A step that names no fields stands for a change of any of them.
    window.marks.undo_stack.push(PutHighlight(window.marks, "Place Again", made, lost))
    window.marks.undo_stack.undo()
    back = window.marks.notes.highlight(highlight_id)
    assert (back.parts, back.state, back.first_state) == (made.parts, "anchored", "")
    window.marks.undo_stack.redo()
    again = window.marks.notes.highlight(highlight_id)
    assert (again.parts, again.state, again.first_state) == (lost.parts, ORPHANED, "")
    assert highlighted_text(window) == ["Local party leaders"]  # the orphaned part is not


def test_the_note_card_quotes_every_part_once(qtbot, window):
    highlight_id = across_p8_p9(qtbot, window)
    highlight = window.marks.highlight(highlight_id)
    window.note_editor.open_for(highlight_id, window.reader.viewport().mapToGlobal(
        window.reader.viewport().rect().center()))
    shown = window.note_editor.quote.text()
    assert " … " in shown  # both parts' words
    assert shown.count("“") == highlight.quote.count("“") + \
        (0 if highlight.quote.startswith("“") else 1)  # no doubled opening mark
