"""The reader and the keyboard: panels, links, cards, the note card, the list of keys
and the text's own menu, driven by real key events."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from desktop.gui.actions import ACTIONS, key_text, keyboard_help
from desktop.gui.keyboard_help import KeyboardHelp
from desktop.gui.models import PassageIdRole
from tests.gui.test_following import click_link
from tests.gui.test_marks import select_words

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused():
    return QApplication.focusWidget()


def press(qtbot, sequence: str) -> None:
    """Press keys as a person would, where the keyboard is."""
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(focused(), combo.key(), combo.keyboardModifiers())


def links(reader) -> list[tuple[int, int, str]]:
    """(start, end, href) of every stop of Tab in the document, in order: its links, and
    the names of the index that are not inside one (``entity:ID``)."""
    found = anchors(reader)
    doc = reader.document()
    for number, names in reader.names.names_by_block().items():
        base = doc.findBlockByNumber(number).position()
        for mention in names:
            start = base + mention.start
            if not any(s <= start < e for s, e, _h in found):
                found.append((start, base + mention.end, f"entity:{mention.entity_id}"))
    return sorted(found)


def anchors(reader) -> list[tuple[int, int, str]]:
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


# -- 1. panels take the keyboard, and Escape gives it back -----------------------------

def test_a_panel_key_puts_the_keyboard_in_the_panel_and_escape_gives_it_back(qtbot, window):
    expected = {"contents": window.contents, "search": window.search.field,
                "sources": window.sources.list, "highlights": window.highlights.filter,
                "bookmarks": window.bookmarks.list}
    for number, key in enumerate(expected, 1):
        window.reader.setFocus()
        press(qtbot, f"Ctrl+{number}")  # Search is in front already: it takes the keys
        assert focused() is expected[key], key
        assert not window.docks[key].visibleRegion().isEmpty(), key
        press(qtbot, "Escape")
        assert focused() is window.reader, key
        assert window.docks[key].isVisible()


def test_a_panel_key_pressed_in_its_panel_hides_it_and_returns_to_the_text(qtbot, window):
    window.reader.setFocus()
    press(qtbot, "Ctrl+4")
    assert focused() is window.highlights.filter
    press(qtbot, "Ctrl+4")
    assert window.docks["highlights"].isHidden()
    assert focused() is window.reader
    press(qtbot, "Ctrl+4")
    assert window.docks["highlights"].isVisible() and focused() is window.highlights.filter


def test_escape_while_renaming_a_bookmark_cancels_the_rename_only(qtbot, window):
    window.navigator.navigate("essay", "essay/p8")
    window.reader.setFocus()
    press(qtbot, "Ctrl+D")
    press(qtbot, "Ctrl+5")
    window.bookmarks.list.setCurrentIndex(window.bookmarks.model.index(0))
    press(qtbot, "F2")
    editor = focused()
    assert editor is not window.bookmarks.list and window.bookmarks.list.isAncestorOf(editor)
    qtbot.keyClicks(editor, "Not kept")
    press(qtbot, "Escape")
    assert focused() is window.bookmarks.list
    assert window.marks.bookmarks()[0].label == ""
    press(qtbot, "Escape")
    assert focused() is window.reader


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


def test_shift_tab_from_the_middle_of_any_paragraph_goes_to_the_stop_before_it(qtbot, window):
    # Qt's own search backwards, started in the middle of a paragraph with no link before
    # it there, found none in the paragraphs before (the focus left the text instead).
    reader = window.reader
    window.navigator.navigate("essay", "essay/p1")
    all_links = links(reader)
    document = reader.document()
    block = document.begin()
    tried = 0
    while block.isValid():
        middle = block.position() + block.length() // 2
        before = [(s, e) for s, e, _h in all_links if e <= middle]
        block = block.next()
        if not before or any(s < middle < e for s, e, _h in all_links):
            continue
        cursor = QTextCursor(document)
        cursor.setPosition(middle)
        reader.setTextCursor(cursor)
        reader.ensureCursorVisible()
        reader.setFocus()
        press(qtbot, "Shift+Tab")
        start, end = selected_link(reader)
        assert reader.hasFocus() and start < end <= middle, (middle, start, end)
        # Nothing that Tab stops at (a link) is passed over between the two.
        assert not [link for link in before if end < link[1] <= middle], (middle, start, end)
        tried += 1
    assert tried > 20

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


# -- 4. the window's keys from the note card ----------------------------------------------

def open_note_card(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    press(qtbot, "Ctrl+Shift+N")
    qtbot.waitUntil(window.note_editor.isVisible)
    assert focused() is window.note_editor.note
    (highlight,) = window.marks.highlights()
    return highlight.id


def test_the_window_s_keys_work_in_the_note_card_and_its_text_keeps_its_own(qtbot, window):
    highlight_id = open_note_card(qtbot, window)
    card = window.note_editor
    qtbot.keyClicks(card.note, "Typo")
    press(qtbot, "Ctrl+Z")  # undoes the typing, not the highlight
    assert card.note.toPlainText() == ""
    assert window.marks.highlight(highlight_id) is not None
    qtbot.keyClicks(card.note, "A thought.")
    press(qtbot, "Ctrl+Alt+2")  # this highlight turns green; the card stays
    assert window.marks.highlight(highlight_id).colour == "green"
    assert card.isVisible() and card.colours["green"].isChecked()
    press(qtbot, "Ctrl+2")  # the card closes, its note saved, and the search takes the keys
    assert not card.isVisible()
    assert window.marks.highlight(highlight_id).note == "A thought."
    assert focused() is window.search.field


def test_quit_from_the_note_card_saves_the_note(qtbot, window):
    highlight_id = open_note_card(qtbot, window)
    qtbot.keyClicks(window.note_editor.note, "Last words.")
    press(qtbot, "Ctrl+Q")
    assert window.closed
    assert window.marks.notes.highlight(highlight_id).note == "Last words."


def test_delete_from_the_note_card_deletes_its_highlight(qtbot, window):
    highlight_id = open_note_card(qtbot, window)
    press(qtbot, "Ctrl+Shift+Backspace")
    assert not window.note_editor.isVisible()
    assert window.marks.highlight(highlight_id) is None


# -- 5. the list of keys ------------------------------------------------------------------

def test_f1_lists_every_key_with_its_menu_or_place(qtbot, qtmodeltester, window):
    window.reader.setFocus()
    press(qtbot, "F1")
    dialog = window.findChild(KeyboardHelp)
    qtbot.waitUntil(dialog.isVisible)
    model = dialog.model
    qtmodeltester.check(model)
    shown = {model.item(row).text(): [(model.item(row).child(n, 0).text(),
                                       model.item(row).child(n, 1).text())
                                      for n in range(model.item(row).rowCount())]
             for row in range(model.rowCount())}
    assert shown == dict(keyboard_help())
    assert ("Highlight in Colour › Yellow", "Ctrl+Alt+1") in shown["Annotate"]
    assert ("Theme › Dark", "Ctrl+Shift+2") in shown["View"]
    assert ("Undo", "Ctrl+Z") in shown["Edit"]
    text_keys = {keys for _what, keys in shown["In the text"]}
    assert {"Tab", "Shift+Tab", "Enter", "Shift+arrow keys"} <= text_keys
    assert ("Give the keyboard back to the text", "Escape") in shown["In a panel"]
    assert {keys for _w, keys in shown["In the Bookmarks panel"]} == {"F2", "Delete"}
    card = {keys for _w, keys in shown["In a quotation, footnote or name card"]}
    assert {"Tab, Shift+Tab", "Enter, Space", "Alt+underlined letter", "Escape"} == card
    assert ("Make this highlight yellow", "Ctrl+Alt+1") in shown["In the note card"]
    # every command with keys is there, under its menu
    for action in ACTIONS:
        if key_text(action):
            top = action.menu.split("/")[0].replace("&", "")
            assert key_text(action) in {keys for _w, keys in shown[top]}, action.name
    qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# -- 6. the text's own menu ---------------------------------------------------------------

def right_click(qtbot, window, point: QPoint) -> QMenu:
    """Right-click the text: the event Qt makes of a right click (which QTest's clicks do
    not make), where the mouse is; the menu that opens."""
    viewport = window.reader.viewport()
    QApplication.sendEvent(viewport, QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point)))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def words_at(window, passage_id: str, words: str) -> QPoint:
    block = window.reader.document().findBlockByNumber(
        window.reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + window.archive.passage(passage_id).text.index(words)
                       + 1)
    return window.reader.cursorRect(cursor).center()


def entries(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") if not a.isSeparator() else "—" for a in menu.actions()]


def test_the_text_s_menu_is_the_application_s(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    menu = right_click(qtbot, window, words_at(window, "essay/p8", "had hoped"))
    assert entries(menu) == ["Highlight", "Edit Note…", "Toggle Bookmark", "Link Passages…",
                             "Copy with Citation", "Search for the Selection", "—", "Copy",
                             "Select All"]
    colours = menu.actions()[0].menu()
    assert entries(colours) == ["Yellow", "Green", "Blue", "Pink", "Purple"]
    for action in [*menu.actions(), *colours.actions()]:
        name = action.objectName().removeprefix("action-")
        if name in window.menus.actions:
            assert action is window.menus.actions[name]  # its words, keys and state
    assert menu.actions()[5].isEnabled()
    qtbot.keyClick(menu, Qt.Key.Key_H)  # Highlight ▸
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is colours)
    qtbot.keyClick(colours, Qt.Key.Key_Down)
    qtbot.keyClick(colours, Qt.Key.Key_Return)  # Green
    assert not menu.isVisible()
    (made,) = window.marks.highlights()
    assert (made.selector.exact, made.colour) == ("had hoped", "green")


def test_search_for_the_selection_from_the_text_s_menu(qtbot, window):
    select_words(window, "essay/p8", "proprietorial instincts")
    menu = right_click(qtbot, window, words_at(window, "essay/p8", "proprietorial"))
    with qtbot.waitSignal(window.search.finished):
        qtbot.keyClick(menu, Qt.Key.Key_S)  # Search for the Selection
    assert window.search.field.text() == "“proprietorial instincts”"
    # The window's keyboard is in the search field (offscreen, the closed menu stays the
    # active window, so ask the window, not the application).
    assert window.focusWidget() is window.search.field
    found = {window.search.model.index(row).data(PassageIdRole)
             for row in range(window.search.model.rowCount())}
    assert found == {"essay/p8", "minutes/e2"}


def test_without_a_selection_the_menu_acts_where_it_was_opened(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    highlight_id = window.marking.highlight_selection()
    window.navigator.navigate("essay", "essay/p3")
    window.reader.scroll_to("essay/p8", keep_marks=True)
    menu = right_click(qtbot, window, words_at(window, "essay/p8", "had hoped"))
    search = next(a for a in menu.actions() if a.objectName() == "action-search-selection")
    assert not search.isEnabled()
    assert search.isEnabled() == window.menus.actions["search-selection"].isEnabled()
    qtbot.keyClick(menu, Qt.Key.Key_N)  # Edit Note…
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.highlight_id == highlight_id
