"""A person reading: the window, navigation, themes, zoom and coming back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLineEdit,
    QProxyStyle,
    QStyle,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desktop.archive.places import place
from desktop.gui.actions import shortcut_list
from desktop.gui.theme import THEMES, point_size


def press(qtbot, window, sequence: str) -> None:
    """Press a key combination as a person would, on the focused widget."""
    combo = QKeySequence(sequence)[0]
    target = window.focusWidget() or window
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def test_opens_on_the_essay_with_a_title_naming_it(window):
    assert window.windowTitle() == "The communists’ dilemma — Archive Browser"
    assert window.reader.current_passage().id == "essay/title"
    text = window.reader.toPlainText()
    assert text.startswith("The communists’ dilemma\nThe Bolsheviks’ success")
    assert "these privileges were meagre. But that’s not the point." in text
    assert "¶" not in text  # numbers stand beside the text, not in it


def test_contents_click_goes_to_the_section_and_back_and_forward(qtbot, window):
    model = window.contents.model()
    section = model.index(3, 0, model.index(0, 0))
    rect = window.contents.visualRect(section)
    qtbot.mouseClick(window.contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.reader.current_passage().id == "essay/h3"
    assert window.location.text() == "The communists’ dilemma — section “For the future”"
    window.reader.setFocus()
    press(qtbot, window, "Alt+Left")
    assert window.reader.current_passage().id == "essay/title"
    press(qtbot, window, "Alt+Right")
    assert window.reader.current_passage().id == "essay/h3"


class _OneClickOpens(QProxyStyle):
    """A desktop where one click opens an item (KDE's setting)."""

    def styleHint(self, hint, option=None, widget=None, returnData=None):
        if hint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
            return 1
        return super().styleHint(hint, option, widget, returnData)


def test_one_click_reported_as_clicked_and_activated_is_one_step_back(qtbot, window):
    style = _OneClickOpens()
    window.contents.setStyle(style)
    model = window.contents.model()
    rect = window.contents.visualRect(model.index(3, 0, model.index(0, 0)))
    with qtbot.waitSignal(window.contents.activated):
        qtbot.mouseClick(window.contents.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert window.reader.current_passage().id == "essay/h3"
    window.reader.setFocus()
    press(qtbot, window, "Alt+Left")
    assert window.reader.current_passage().id == "essay/title"
    assert not window.navigator.can_go_back()
    window.contents.setStyle(None)


def test_contents_opens_the_minutes(qtbot, window):
    index = window.contents.model().index(1, 0)
    window.contents.setCurrentIndex(index)
    window.contents.setFocus()
    qtbot.keyClick(window.contents, Qt.Key.Key_Return)
    assert window.windowTitle().startswith("Minutes of the meeting of Moscow communists")
    assert "In the communist party [Petrzhek] had hoped" in window.reader.toPlainText()


def test_go_to_paragraph(qtbot, window, monkeypatch):
    monkeypatch.setattr(window.dialogs, "ask_paragraph",
                        lambda maximum: 20 if maximum == 42 else None)
    window.reader.setFocus()
    press(qtbot, window, "Ctrl+G")
    assert window.reader.current_passage().id == "essay/p20"
    assert window.location.text() == "The communists’ dilemma — ¶ 20"


@pytest.mark.parametrize(("keys", "zoom"), [
    (["Ctrl++"], 1), (["Ctrl++", "Ctrl++"], 2), (["Ctrl+-"], -1), (["Ctrl++", "Ctrl+0"], 0)])
def test_zoom_keys_change_the_type_size(qtbot, window, keys, zoom):
    window.reader.setFocus()
    for key in keys:
        press(qtbot, window, key)
    assert window.reading.zoom == zoom
    size = window.reader.document().defaultFont().pointSizeF()
    assert size == pytest.approx(point_size(zoom))


def test_zoom_keeps_the_passage_in_view(qtbot, window):
    window.navigator.navigate("essay", "essay/p30")
    for _ in range(3):
        press(qtbot, window, "Ctrl++")
    assert window.reading.zoom == 3
    assert window.reader.current_passage().id == "essay/p30"


@pytest.mark.parametrize("theme", ["dark", "sepia", "light"])
def test_themes_colour_the_page(qtbot, window, theme):
    window.menus.actions[f"theme-{theme}"].trigger()
    page = window.reader.viewport().grab().toImage()
    assert page.pixelColor(2, page.height() - 2).name() == THEMES[theme].base
    qtbot.waitUntil(lambda: window.search.field.palette().base().color().name()
                    == THEMES[theme].base)
    # The reader's own scroll bar follows the theme, as every other one does.
    scroll_bar = window.reader.verticalScrollBar()
    assert scroll_bar.palette().window().color().name() == THEMES[theme].window
    assert scroll_bar.palette().button().color().name() == THEMES[theme].window
    assert window.menus.actions[f"theme-{theme}"].isChecked()


def test_everything_comes_back_after_relaunch(qtbot, open_window):
    first = open_window()
    first.navigator.navigate("essay", "essay/p25")
    first.reading.set_theme("sepia")
    first.reading.set_zoom(2)
    first.resize(760, 560)
    first.docks["sources"].hide()
    first.docks["highlights"].raise_()
    first.close()
    second = open_window()
    qtbot.waitUntil(lambda: not second.docks["highlights"].visibleRegion().isEmpty())
    qtbot.waitUntil(lambda: second.reader.current_passage().id == "essay/p25")
    assert second.reading.theme_name == "sepia" and second.reading.zoom == 2
    assert (second.width(), second.height()) == (760, 560)
    assert second.docks["sources"].isHidden()


def test_reading_position_is_kept_without_a_clean_close(qtbot, open_window, data_dir):
    from PySide6.QtCore import QSettings

    first = open_window()
    first.reader.scroll_to("essay/p12")

    def on_disk() -> object:
        # A fresh reader of the file, as the next launch after a crash would be.
        return QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat).value(
            "position/communists-dilemma")

    qtbot.waitUntil(lambda: on_disk() == "essay|essay/p12", timeout=3000)


def test_every_action_is_in_a_menu_and_interactive_widgets_are_named(window):
    in_menus = set()
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            in_menus.add(action)
            if action.menu():
                in_menus.update(action.menu().actions())
    for action in window.actions():
        assert action in in_menus, action.text()
        assert action.toolTip(), action.text()
    keys = {name: shortcut for name, shortcut in shortcut_list()}
    for name in ("Back", "Forward", "Go to Paragraph…", "Copy with Citation", "Find…",
                 "Zoom In", "Zoom Out", "Actual Size", "Dark", "Sepia", "Light"):
        assert keys.get(name), name
    interactive = (QAbstractButton, QLineEdit, QAbstractItemView, QTextEdit, QTabBar)
    for widget in [w for w in window.findChildren(QWidget) if isinstance(w, interactive)]:
        if widget.metaObject().className() in ("QDockWidgetTitleButton",
                                               "QLineEditIconButton"):
            continue  # Qt's own, named by Qt
        if not widget.isVisible():
            continue
        if widget is window.reader:
            assert widget.accessibleDescription()  # a tooltip would cover the text
            continue
        assert widget.accessibleName(), widget.metaObject().className()
        assert widget.toolTip(), widget.accessibleName()


def test_paragraph_numbers_are_painted_in_the_margin(qtbot, window, monkeypatch):
    from PySide6.QtGui import QPainter

    drawn: list[str] = []
    original = QPainter.drawText

    def spy(self, *args):  # type: ignore[no-untyped-def]
        if len(args) == 2 and isinstance(args[1], str):
            drawn.append(args[1])
        return original(self, *args)

    monkeypatch.setattr(QPainter, "drawText", spy)
    for width in (1200, 700):
        window.resize(width, 560)
        for passage, label in (("essay/title", "¶ 1"), ("essay/p30", "¶ 30")):
            window.navigator.navigate("essay", passage)
            drawn.clear()
            window.reader.viewport().repaint()
            assert label in drawn, (width, passage, drawn)


def test_panel_keys_bring_a_tabbed_panel_to_the_front(qtbot, window):
    assert window.docks["highlights"].visibleRegion().isEmpty()  # behind Search at first
    press(qtbot, window, "Ctrl+4")
    qtbot.waitUntil(lambda: not window.docks["highlights"].visibleRegion().isEmpty())
    assert window.highlights._shown
    press(qtbot, window, "Ctrl+4")
    assert window.docks["highlights"].isHidden()


def test_the_caret_shows_only_while_the_keyboard_moves_through_the_text(qtbot, window):
    assert window.reader.cursorWidth() == 0
    window.reading.set_theme("dark")  # a new layout of the text keeps it hidden
    assert window.reader.cursorWidth() == 0
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Down)
    assert window.reader.cursorWidth() == 1



MINUTES = "Minutes of the meeting of Moscow communists on Vladimir Petrzhek’s resignation"


def wide(qtbot, window) -> None:
    """No panels: ¶ 22 and ¶ 23 are both in view at the top of the page."""
    for dock in window.docks.values():
        dock.hide()
    qtbot.waitUntil(lambda: window.reader.viewport().width() > 700)


def click_into(qtbot, reader, passage_id: str) -> None:
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    point = reader.cursorRect(QTextCursor(block)).center() + QPoint(40, 0)
    assert reader.viewport().rect().contains(point)
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_passage_being_read_is_where_a_jump_went_or_the_cursor_is(qtbot, window):
    """The minutes are too short to scroll ¶ 3 to the top: the passage being read is
    where the jump went, not the one at the top."""
    reader = window.reader
    window.navigator.go_to_passage("minutes/e3", whole=True)
    assert (reader.reading_passage().id, reader.current_passage().id) == (
        "minutes/e3", "minutes/e2")
    wide(qtbot, window)
    window.navigator.navigate("essay", "essay/p22")
    # The cursor moved into another passage is a move: the status bar follows it.
    with qtbot.waitSignal(window.navigator.moved):
        click_into(qtbot, reader, "essay/p23")
    assert (reader.reading_passage().id, reader.current_passage().id) == (
        "essay/p23", "essay/p22")
    moves: list[bool] = []
    window.navigator.moved.connect(lambda: moves.append(True))
    qtbot.keyClick(reader, Qt.Key.Key_Right)  # within ¶ 23: no move
    assert moves == []
    for _ in range(3):  # up through the first lines of ¶ 23, into ¶ 22
        qtbot.keyClick(reader, Qt.Key.Key_Up)
    assert reader.reading_passage().id == "essay/p22" and moves == [True]


def test_the_status_names_the_passage_a_jump_went_to(qtbot, window):
    window.navigator.go_to_passage("minutes/e3", whole=True)
    assert window.location.text() == f"{MINUTES} — ¶ 3"
    window.navigator.navigate("essay", "essay/p41")
    assert window.location.text() == "The communists’ dilemma — ¶ 41"
    window.reader.setFocus()
    press(qtbot, window, "Ctrl+End")
    assert window.location.text() == "The communists’ dilemma — footnote"
    press(qtbot, window, "Ctrl+Home")
    assert window.location.text() == "The communists’ dilemma — title"


def test_the_status_follows_the_cursor_and_the_scroll(qtbot, window):
    reader = window.reader
    wide(qtbot, window)
    window.navigator.navigate("essay", "essay/p22")
    click_into(qtbot, reader, "essay/p23")
    assert window.location.text() == "The communists’ dilemma — ¶ 23"
    for _ in range(3):
        qtbot.keyClick(reader, Qt.Key.Key_Up)
    assert window.location.text() == "The communists’ dilemma — ¶ 22"
    # Scrolled away from the cursor, the passage on top is the one being read.
    scroll = reader.verticalScrollBar()
    scroll.setValue(scroll.value() + 3 * reader.viewport().height())
    assert reader.current_passage().id not in ("essay/p22", "essay/p23")
    assert window.location.text() == f"The communists’ dilemma — {place(reader.current_passage())}"

def words_broken_at_line_ends(reader, passage_id: str | None = None) -> list[str]:
    """The words of a block (a passage's, or the first block) that a line break cuts."""
    number = reader.layout_.block_of[passage_id] if passage_id else 0
    block = reader.document().findBlockByNumber(number)
    text, lines = block.text(), block.layout()
    broken = []
    for i in range(lines.lineCount() - 1):
        end = lines.lineAt(i).textStart() + lines.lineAt(i).textLength()
        if text[end - 1:end].isalnum() and text[end:end + 1].isalnum():
            start = text.rfind(" ", 0, end) + 1
            stop = text.find(" ", end)
            broken.append(text[start:stop if stop >= 0 else None])
    return broken


@pytest.mark.parametrize(("document", "passage_id"), [("essay", "essay/title"),
                                                      ("minutes", "minutes/title")])
def test_a_narrow_column_never_breaks_a_title_inside_a_word(qtbot, window, document,
                                                            passage_id):
    window.resize(800, 600)
    window.reading.set_zoom(4)
    window.navigator.navigate(document, passage_id)
    reader = window.reader
    qtbot.waitUntil(lambda: reader.viewport().width() < 420)
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    assert block.layout().lineCount() > 1  # narrow indeed: the title takes lines
    assert words_broken_at_line_ends(reader, passage_id) == []
    size = block.begin().fragment().charFormat().fontPointSize()
    assert size < reader.layout_.titles[block.blockNumber()]  # made smaller to fit
    # Wide again, the title takes its own size back.
    for dock in window.docks.values():
        dock.hide()
    window.resize(1280, 800)
    window.reading.set_zoom(0)
    qtbot.waitUntil(lambda: reader.viewport().width() > 1000)
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    assert block.begin().fragment().charFormat().fontPointSize() == pytest.approx(
        reader.layout_.titles[block.blockNumber()])


def test_block_at_finds_the_block_wherever_it_last_looked(window):
    reader = window.reader
    doc = reader.document()
    layout = doc.documentLayout()

    def expected(y: int) -> int:
        target = y + reader.verticalScrollBar().value()
        tops = [layout.blockBoundingRect(doc.findBlockByNumber(n)).top()
                for n in range(doc.blockCount())]
        return max([n for n, top in enumerate(tops) if top <= target], default=0)

    bar = reader.verticalScrollBar()
    assert bar.maximum() > 0
    heights = (0, 1, reader.viewport().height() // 2, reader.viewport().height())
    # Down the document, back to its top, then to its end and the middle: each search
    # starts from wherever the one before it ended.
    for value in (0, bar.maximum() // 3, 0, bar.maximum(), bar.maximum() // 2, 7, 0):
        bar.setValue(value)
        for y in heights:
            assert reader.block_at(y).blockNumber() == expected(y), (value, y)
    assert reader.block_at(-10_000).blockNumber() == 0
    assert reader.block_at(10**7).blockNumber() == doc.blockCount() - 1
