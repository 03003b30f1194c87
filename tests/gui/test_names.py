"""Names of the index in the text: quiet links with a card under the pointer, a card with
buttons when followed (by a click, or Tab and Enter), and what the buttons do."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel

from desktop.gui.names import NameCards


def names(window) -> NameCards:
    return window._names["main"]


def name_point(window, passage_id: str, words: str, occurrence: int = 0) -> QPoint:
    """Where a name of a passage is drawn (brought into view first), in the viewport."""
    reader = window.reader
    reader.scroll_to(passage_id, keep_marks=True)
    text = window.archive.passage(passage_id).text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + start + 2)
    rect = reader.cursorRect(cursor)
    return QPoint(rect.left(), rect.center().y())


def shown_text(card) -> str:
    return "\n".join(label.text() for label in card.findChildren(QLabel)
                     if not label.isHidden())


def href_at(window, passage_id: str, words: str) -> str:
    reader = window.reader
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    start = window.archive.passage(passage_id).text.index(words)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + start + 1)
    return cursor.charFormat().anchorHref()


def test_names_are_found_where_they_stand_and_drawn_as_the_text_around_them(indexed_window):
    window = indexed_window
    layout = window.reader.layout_
    p14 = layout.block_of["essay/p14"]
    found = names(window).names_by_block()[p14]
    assert ("kronshtadt", "Kronshtadt") in [(m.entity_id, m.text) for m in found]
    assert href_at(window, "essay/p14", "Kronshtadt") == ""  # no format: nothing drawn
    # A name inside a quotation is the quotation's words: its link wins.
    assert href_at(window, "essay/p8", "Petrzhek").startswith("quote:")


def test_resting_the_pointer_on_a_name_shows_its_card_and_leaving_hides_it(qtbot,
                                                                         indexed_window):
    window = indexed_window
    point = name_point(window, "essay/p14", "Kronshtadt")
    names(window).pointed(point)
    assert [(s.cursor.selectedText()) for s in window.reader._name_marks] == ["Kronshtadt"]
    qtbot.waitUntil(window.name_card.isVisible)
    said = shown_text(window.name_card)
    assert "Kronshtadt" in said and "Place · 3 mentions" in said and "naval base" in said
    assert not window.name_card.buttons  # the card under the pointer has no buttons
    assert QApplication.focusWidget() is not window.name_card
    names(window).pointed(QPoint(2, 2))  # off the name
    assert not window.name_card.isVisible() and not window.reader._name_marks


def test_a_name_in_a_margin_s_reach_is_not_under_the_pointer(indexed_window):
    window = indexed_window
    point = name_point(window, "essay/p12", "Grigorii Zinoviev")
    assert names(window).name_at(point) is not None
    assert names(window).name_at(QPoint(3, point.y())) is None  # the left margin


def test_a_click_on_a_name_opens_its_card_with_buttons(qtbot, indexed_window):
    window = indexed_window
    point = name_point(window, "essay/p12", "Zinoviev", occurrence=0)
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(window.card.isVisible)
    said = shown_text(window.card)
    assert "Grigorii Zinoviev" in said and "Person · 1 mention" in said
    assert list(window.card.buttons) == ["index", "search", "notes"]
    window.card.buttons["index"].click()
    assert not window.card.isVisible()
    assert window.index.current_entity().id == "zinoviev"
    assert not window.docks["index"].visibleRegion().isEmpty()
    assert window.index.mentions.rowCount() == 1


def selected(window) -> str:
    return window.reader.textCursor().selectedText()


def test_tab_reaches_a_name_and_enter_opens_its_card(qtbot, indexed_window):
    window = indexed_window
    window.navigator.navigate("essay", "essay/p1")
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
    assert selected(window) == "Moscow"
    assert "a name in the index" in window.reader.describe_cursor()
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
    assert selected(window) == "Vladimir Petrzhek"
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert selected(window) == "Moscow"
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    assert window.card.isVisible()
    assert QApplication.focusWidget() is window.card.buttons["index"]
    with qtbot.waitSignal(window.search.finished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert window.search.field.text() == "entity:moscow"
    assert window.search.count.text() == "9 passages name Moscow."


def test_tab_goes_to_a_link_before_a_name_and_skips_names_inside_links(qtbot, indexed_window):
    window = indexed_window
    window.navigator.navigate("essay", "essay/p8")  # a quotation naming [Petrzhek]
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
    assert window.reader.textCursor().charFormat().anchorHref() == "quote:6"
    qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
    # After the quotation, ¶ 9: "urged Petrzhek to be patient"
    assert selected(window) == "Petrzhek"
    assert window.reader.passage_under_cursor().id == "essay/p9"


def test_the_card_s_notes_button_filters_the_highlights(qtbot, indexed_window):
    window = indexed_window
    window.card.filled_by = None
    names(window).show_card("workers-truth")
    window.card.buttons["notes"].click()
    assert window.highlights.entity.currentData() == "workers-truth"
    assert not window.docks["highlights"].visibleRegion().isEmpty()


def test_a_quotation_s_card_is_not_taken_for_a_name_s(qtbot, indexed_window):
    window = indexed_window
    names(window).show_card("kronshtadt")
    window.reader.linkFollowed.emit("quote", "6")
    qtbot.waitUntil(lambda: "card-cite" in [b.objectName() for b in window.card.buttons.values()])
    shown: list[str] = []
    window.search.queryChanged.connect(shown.append)
    window.card.buttons["cite"].click()
    assert not shown  # the name's Search button was not pressed by the quotation's
