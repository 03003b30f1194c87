"""The reader and the keyboard, driven by real key events."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication

from tests.gui.test_following import click_link
from tests.gui.test_marks import select_words


def focused():
    return QApplication.focusWidget()


def press(qtbot, sequence: str) -> None:
    """Press keys as a person would, where the keyboard is."""
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(focused(), combo.key(), combo.keyboardModifiers())


def links(reader) -> list[tuple[int, int, str]]:
    """(start, end, href) of every link of the document, in order."""
    found = []
    block = reader.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            href = fragment.charFormat().anchorHref()
            if href:
                start, end = fragment.position(), fragment.position() + fragment.length()
                if found and found[-1][2] == href and found[-1][1] == start:
                    start = found.pop()[0]  # one link drawn in several formats
                found.append((start, end, href))
            it += 1
        block = block.next()
    return found


def selected_link(reader) -> tuple[int, int]:
    cursor = reader.textCursor()
    return cursor.selectionStart(), cursor.selectionEnd()


def start_of(reader, passage_id: str) -> int:
    return reader.document().findBlockByNumber(reader.layout_.block_of[passage_id]).position()


# -- 2. Tab goes on from where the person reads ------------------------------------------

def test_tab_goes_to_the_first_link_after_the_cursor(qtbot, window):
    window.navigator.navigate("essay", "essay/p20")
    cursor = window.reader.textCursor().position()
    assert any(start < cursor for start, _end, _href in links(window.reader))
    window.reader.setFocus()
    press(qtbot, "Tab")
    first_after = next((s, e) for s, e, _h in links(window.reader) if s >= cursor)
    assert selected_link(window.reader) == first_after
    press(qtbot, "Tab")
    second = next((s, e) for s, e, _h in links(window.reader) if s >= first_after[1])
    assert selected_link(window.reader) == second


def test_tab_from_inside_a_link_goes_to_the_next_link_whole(qtbot, window):
    reader = window.reader
    window.navigator.navigate("essay", "essay/p8")
    (inside,) = [(s, e) for s, e, href in links(reader) if href == "quote:6"]
    cursor = reader.textCursor()
    cursor.setPosition(inside[0] + 20)  # as a click in the quotation leaves it
    reader.setTextCursor(cursor)
    reader.setFocus()
    press(qtbot, "Tab")
    following = next((s, e) for s, e, _h in links(reader) if s >= inside[1])
    assert selected_link(reader) == following
    cursor.setPosition(inside[0] + 20)
    reader.setTextCursor(cursor)
    press(qtbot, "Shift+Tab")
    assert selected_link(reader) == next((s, e) for s, e, _h in reversed(links(reader))
                                         if e <= inside[0])


def test_shift_tab_goes_to_the_last_link_before_the_cursor(qtbot, window):
    window.navigator.navigate("essay", "essay/p9")
    cursor = window.reader.textCursor().position()
    window.reader.setFocus()
    press(qtbot, "Shift+Tab")
    before = [(s, e) for s, e, _h in links(window.reader) if e <= cursor]
    assert selected_link(window.reader) == before[-1]


def test_tab_from_a_cursor_out_of_view_starts_at_the_top_of_the_view(qtbot, window):
    reader = window.reader
    window.navigator.navigate("essay", "essay/p3")
    reader.scroll_to("essay/p8", keep_marks=True)  # read on by scrolling: the cursor stays
    assert not reader.cursor_in_view()
    top = reader.verticalScrollBar().value()
    reader.setFocus()
    press(qtbot, "Tab")
    first_in_view = next((s, e) for s, e, _h in links(reader) if s >= start_of(reader, "essay/p8"))
    assert selected_link(reader) == first_in_view
    assert reader.verticalScrollBar().value() == top  # it was in view: nothing moved


def test_shift_tab_from_a_cursor_out_of_view_starts_at_the_bottom_of_the_view(qtbot, window):
    reader = window.reader
    window.navigator.navigate("essay", "essay/p3")
    reader.scroll_to("essay/p8", keep_marks=True)

    def in_view(position: int) -> bool:
        cursor = QTextCursor(reader.document())
        cursor.setPosition(position)
        rect = reader.cursorRect(cursor)
        return rect.top() >= 0 and rect.bottom() <= reader.viewport().height()

    shown = [(s, e) for s, e, _h in links(reader) if in_view(s) and in_view(e)]
    assert shown and links(reader)[-1][:2] != shown[-1]
    reader.setFocus()
    press(qtbot, "Shift+Tab")
    assert selected_link(reader) == shown[-1]


# -- 3. the cards of quotations and footnotes ---------------------------------------------

def test_a_card_s_buttons_go_round_with_tab_and_enter_space_and_escape_work(qtbot, window):
    window.navigator.navigate("essay", "essay/p8")
    window.reader.setFocus()
    press(qtbot, "Tab")
    assert window.reader.textCursor().charFormat().anchorHref() == "quote:6"
    with qtbot.waitSignal(window.reader.linkFollowed):
        press(qtbot, "Return")
    qtbot.waitUntil(window.card.isVisible)
    buttons = window.card.buttons
    assert focused() is buttons["excerpt"]
    press(qtbot, "Tab")
    assert focused() is buttons["source"]
    press(qtbot, "Tab")
    assert focused() is buttons["cite"]
    press(qtbot, "Tab")
    assert focused() is buttons["excerpt"]
    press(qtbot, "Shift+Tab")
    assert focused() is buttons["cite"]
    QApplication.clipboard().clear()
    press(qtbot, "Space")
    assert not window.card.isVisible()
    assert "Minutes of the June 1922 Meeting" in QApplication.clipboard().text()

    with qtbot.waitSignal(window.reader.linkFollowed):
        press(qtbot, "Return")  # the link is still chosen: open its card again
    qtbot.waitUntil(window.card.isVisible)
    press(qtbot, "Escape")
    assert not window.card.isVisible()
    assert focused() is window.reader

    with qtbot.waitSignal(window.reader.linkFollowed):
        press(qtbot, "Return")
    qtbot.waitUntil(window.card.isVisible)
    press(qtbot, "Return")  # Read in Context
    assert window.reader.document_id == "minutes"


def test_each_button_of_a_card_has_its_own_alt_letter(qtbot, window):
    select_words(window, "essay/p10", "this year,* on")
    window.marking.highlight_selection()
    click_link(qtbot, window, "note:1")  # highlighted words: the card offers the note
    qtbot.waitUntil(window.card.isVisible)
    letters = [b.text()[b.text().index("&") + 1].lower() for b in window.card.buttons.values()]
    assert len(set(letters)) == len(letters) == 3
    assert window.card.buttons["note"].text() == "Go to &Note"
    assert window.card.buttons["highlight"].text() == "&Your Note"
    press(qtbot, "Alt+Y")
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.quote.text() == "“this year,* on”"
