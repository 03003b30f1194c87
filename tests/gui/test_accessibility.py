"""What the reader paints (¶ numbers, highlights, bookmark ribbons) is said to screen
readers too: found by walking the window's accessibility tree as a screen reader does."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible, QAccessibleInterface, QTextCursor

from tests.gui.test_marks import select_words, show_highlights

NOTE = "Property before people, says the minute-taker, and he means the commissar"


@pytest.fixture
def screen_reader():
    """Accessibility switched on, as when a screen reader is running.

    Under the offscreen platform no screen reader ever asks, so Qt's accessibility stays
    inactive and no accessibility event is sent; QAccessible.setActive is Qt's own switch
    for it (what its tests use), and it is switched off again after the test, since it is
    global to the process.
    """
    QAccessible.setActive(True)
    yield
    QAccessible.setActive(False)


def said(interface: QAccessibleInterface) -> list[str]:
    """Every text of an accessible object and its descendants a screen reader can read:
    name, description and value, and the words of a text interface."""
    texts = [interface.text(kind) for kind in (QAccessible.Text.Name,
                                               QAccessible.Text.Description,
                                               QAccessible.Text.Value)]
    text_interface = interface.textInterface()
    if text_interface is not None:
        texts.append(text_interface.text(0, text_interface.characterCount()))
    for i in range(interface.childCount()):
        child = interface.child(i)
        if child is not None:
            texts += said(child)
    return [t for t in texts if t]


def tree(window) -> list[str]:
    return said(QAccessible.queryAccessibleInterface(window))


def put_cursor(window, passage_id: str, offset: int) -> None:
    reader = window.reader
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + offset)
    reader.setTextCursor(cursor)


def test_the_tree_says_the_paragraph_highlight_note_and_bookmark_at_the_cursor(qtbot, window):
    select_words(window, "essay/p8", "proprietorial instincts")
    highlight_id = window.marking.highlight_selection("yellow")
    window.marks.edit(highlight_id, note=NOTE)
    window.marking.toggle_bookmark()  # the passage being read: ¶ 8
    assert window.marks.notes.bookmarks()[0].uri == window.archive.passage("essay/p8").uri
    words = window.archive.passage("essay/p8").text.index("proprietorial instincts")
    put_cursor(window, "essay/p8", words + 3)

    def found() -> list[str]:
        return [text for text in tree(window) if text.startswith("¶ 8")]

    qtbot.waitUntil(lambda: bool(found()))
    (text,) = found()
    assert text == ("¶ 8, bookmarked; yellow highlight with a note: “Property before people, "
                    "says the minute-taker, and he…”")

    # Beside the highlight only the paragraph and its bookmark are painted, and so said.
    put_cursor(window, "essay/p8", 0)
    qtbot.waitUntil(lambda: "¶ 8, bookmarked" in tree(window))

    # Another colour, no note, no bookmark.
    select_words(window, "essay/p9", "too hard to bear")
    window.marking.highlight_selection("green")
    qtbot.waitUntil(lambda: "¶ 9; green highlight" in tree(window))


def test_entering_a_highlight_or_a_bookmarked_passage_is_announced(qtbot, window,
                                                                   screen_reader, monkeypatch):
    select_words(window, "essay/p8", "proprietorial instincts")
    window.marking.highlight_selection("pink")
    window.navigator.navigate("essay", "essay/p12")
    window.marking.toggle_bookmark()
    put_cursor(window, "essay/p3", 0)
    window.reader.setFocus()
    qtbot.waitUntil(window.reader.hasFocus)
    qtbot.waitUntil(lambda: window.reader.accessibleDescription() == "¶ 3")
    announced: list[str] = []
    sent = QAccessible.updateAccessibility

    def listen(event) -> None:  # type: ignore[no-untyped-def]
        if event.type() == QAccessible.Event.Announcement:
            announced.append(event.message())
        sent(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", listen)
    words = window.archive.passage("essay/p8").text.index("proprietorial instincts")
    put_cursor(window, "essay/p8", words)
    qtbot.waitUntil(lambda: announced == ["¶ 8; pink highlight"])
    put_cursor(window, "essay/p12", 5)
    qtbot.waitUntil(lambda: announced[-1:] == ["¶ 12, bookmarked"])


def test_a_place_with_nothing_painted_says_what_the_reader_is(qtbot, window):
    put_cursor(window, "essay/title", 0)
    qtbot.waitUntil(lambda: window.reader.accessibleDescription().startswith(
        "The text being read"))


def test_highlights_panel_rows_say_their_colour_and_note(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection("purple")
    window.marks.edit(highlight_id, note="Read aloud", tags=["crowd"])
    qtbot.waitUntil(lambda: window.highlights.model.rowCount() == 1)
    in_tree = tree(window)
    assert any(text.startswith("“heckled and jeered”, purple highlight with a note: "
                               "“Read aloud”;") and text.endswith("¶ 30")
               for text in in_tree), [t for t in in_tree if "heckled" in t]
    assert "Tags: #crowd" in in_tree


def test_panel_tabs_keep_their_names_whole_on_a_small_screen(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTabBar

    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    bars = window.findChildren(QTabBar)
    assert bars
    for bar in bars:
        assert bar.elideMode() == Qt.TextElideMode.ElideNone and bar.usesScrollButtons()
        assert bar.accessibleName() == "Panel tabs"
