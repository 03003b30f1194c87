"""Reading side by side: two panes, each with its own document, place and history; the
panels act on the pane being read; the panes follow each other; both come back."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.gui import settings as keys
from desktop.gui.panes import BESIDE, MAIN
from tests.helpers import marked_spans


def split(window):
    """Side by side, with the essay on the left and the minutes on the right."""
    window.menus.actions["side-by-side"].trigger()
    assert window.side_by_side
    left, right = window.panes[MAIN], window.panes[BESIDE]
    left.navigator.navigate("essay", "essay/p1")
    right.navigator.navigate("minutes", "minutes/title")
    return left, right


def test_side_by_side_opens_a_second_reader_on_the_next_document(window, qtbot):
    assert not window.side_by_side
    window.menus.actions["side-by-side"].trigger()
    assert window.side_by_side
    assert window.menus.actions["side-by-side"].isChecked()
    right = window.panes[BESIDE]
    qtbot.waitUntil(lambda: right.reader.current_passage() is not None)
    assert right.reader.isVisible()
    assert right.reader.document_id == "minutes"  # beside the essay, the minutes
    assert window.panes[MAIN].reader.document_id == "essay"
    assert window.reader.theme is right.reader.theme  # one theme for both
    window.menus.actions["side-by-side"].trigger()
    assert not window.side_by_side and not right.reader.isVisible()
    assert window.reader is window.panes[MAIN].reader


def test_each_pane_keeps_its_own_history(window):
    window.set_linked(False)  # the panes do not follow each other here
    left, right = split(window)
    left.navigator.navigate("essay", "essay/p20")
    right.navigator.navigate("letter", None)
    right.navigator.go_back()
    assert right.reader.document_id == "minutes"
    assert left.reader.current_passage().id == "essay/p20"  # untouched
    left.navigator.go_back()
    assert left.reader.current_passage().id == "essay/p1"
    assert right.reader.document_id == "minutes"


def test_the_panels_act_on_the_pane_being_read_and_say_which(window):
    left, right = split(window)
    target = window.docks["contents"].findChild(type(window.location), "pane-target")
    assert target.isVisible() or not window.isVisible()
    assert target.text().startswith("In the right pane: Minutes of the meeting")
    window.contents.goTo.emit("letter", "")
    assert right.reader.document_id == "letter"
    assert left.reader.document_id == "essay"
    left.navigator.navigate("essay", "essay/p12")  # reading on the left again
    assert window.active is left
    assert target.text().startswith("In the left pane: The communists’ dilemma")
    window.search.goTo.emit("essay", "essay/p30", ((0, 4),))
    assert left.reader.current_passage().id == "essay/p30"
    assert right.reader.document_id == "letter"
    assert window.location.text().startswith("Left: The communists’ dilemma")


def test_focus_chooses_the_pane_the_menus_act_on(window, qtbot):
    left, right = split(window)
    window.activateWindow()
    right.reader.setFocus()
    qtbot.waitUntil(lambda: window.active is right)
    assert window.navigator is right.navigator
    window.menus.actions["other-pane"].trigger()
    qtbot.waitUntil(lambda: window.active is left)


def test_bringing_a_quoting_passage_into_view_brings_its_excerpt_opposite(window):
    left, right = split(window)
    assert not window.following.in_view(right, "minutes/e4")
    left.reader.scroll_to("essay/p9", keep_marks=True)
    # ¶ 9 reports e3 and quotes e4 of the minutes: the first is brought into view.
    assert window.following.in_view(right, "minutes/e3")
    # And the reverse: the letter's excerpt brings ¶ 7 into view on the left.
    right.navigator.navigate("letter", "letter/title")
    right.reader.scroll_to("letter/e2", keep_marks=True)
    assert window.following.in_view(left, "essay/p7")


def test_linked_scrolling_can_be_switched_off(window):
    left, right = split(window)
    window.menus.actions["linked-scrolling"].trigger()
    assert not window.linked
    left.reader.scroll_to("essay/p9", keep_marks=True)
    assert not window.following.in_view(right, "minutes/e3")
    assert window.settings.get(keys.LINKED) is False


def test_the_pointer_on_a_quotation_marks_its_excerpt_opposite(window, qtbot):
    left, right = split(window)
    right.reader.mark("minutes/title", ((0, 3),))
    before = marked_spans(right.reader)
    left.reader.scroll_to("essay/p8", keep_marks=True)
    rect = left.reader.link_rect("quote:6")
    qtbot.mouseMove(left.reader.viewport(), rect.center() + QPoint(2, 0))
    qtbot.waitUntil(lambda: marked_spans(right.reader) != before)
    excerpt = window.archive.passage("minutes/e2")
    start, end = marked_spans(right.reader)[0]
    assert right.reader.toPlainText()[start:end] == excerpt.text
    # Away from it, the marks it covered come back. The pointer leaves the text: a point
    # in the page's margin is no sure place, as Qt's hit test may answer it with the
    # quotation's opening mark.
    QApplication.sendEvent(left.reader.viewport(), QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: marked_spans(right.reader) == before)


def test_the_pointer_on_an_excerpt_marks_the_essay_s_words_for_it(window, qtbot):
    left, right = split(window)
    right.reader.scroll_to("minutes/e2", keep_marks=True)
    block = right.reader.document().findBlockByNumber(right.reader.layout_.block_of["minutes/e2"])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 10)
    qtbot.mouseMove(right.reader.viewport(), right.reader.cursorRect(cursor).center())
    qtbot.waitUntil(lambda: bool(marked_spans(left.reader)))
    start, end = marked_spans(left.reader)[0]
    assert left.reader.toPlainText()[start:end].startswith("In the communist party")
    assert window.following.in_view(left, "essay/p8")


def test_a_card_s_buttons_act_for_the_pane_that_opened_it(window, qtbot):
    left, right = split(window)
    right.links.show_note(1)  # a footnote card, opened from the right pane
    assert getattr(window.card, "filled_by", None) is right.links
    left.links.card_action("note")  # the other pane's commands leave it alone
    assert left.reader.current_passage().id == "essay/p1"
    right.links.card_action("note")
    assert right.reader.document_id == "essay"


def test_both_panes_and_their_places_come_back(open_window, qtbot):
    window = open_window()
    left, right = split(window)
    right.navigator.navigate("minutes", "minutes/e2")
    left.navigator.navigate("essay", "essay/p14")
    places = [pane.reader.current_passage().id for pane in (left, right)]
    window.close()
    again = open_window()
    assert again.side_by_side
    beside = again.panes[BESIDE].reader
    qtbot.waitUntil(lambda: beside.current_passage() is not None
                    and beside.current_passage().id == places[1])
    # Putting each pane back where it was moves neither to follow the other.
    assert again.panes[MAIN].reader.current_passage().id == places[0]


def test_one_pane_comes_back_as_one(open_window):
    window = open_window()
    split(window)
    window.menus.actions["side-by-side"].trigger()
    window.close()
    assert not open_window().side_by_side


def test_the_launch_opens_two_places_and_pictures_both(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data")}
    shot = tmp_path / "both.png"
    done = subprocess.run(
        [sys.executable, "-m", "desktop.cli",
         "--open", "archive-browser://communists-dilemma/essay/p20",
         "--beside", "archive-browser://communists-dilemma/minutes/e2",
         "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    settings = (tmp_path / "data" / "settings.ini").read_text(encoding="utf-8")
    assert "communists-dilemma=essay|essay/p20" in settings  # not moved to follow the other
    assert "communists-dilemma=minutes|minutes/e2" in settings  # the pane beside
    assert "side-by-side" not in settings  # a picture changes no habit of the person's
    assert shot.stat().st_size > 20_000


def test_side_by_side_fits_a_small_screen(window):
    from desktop.gui.main_window import SPLIT_MINIMUM

    split(window)
    assert all(r.minimumSizeHint().width() == SPLIT_MINIMUM for r in window.readers())
    window.menus.actions["side-by-side"].trigger()
    assert window.reader.minimumSizeHint().width() == 300  # one column keeps its measure


def test_the_text_s_menu_acts_on_the_pane_it_opens_in(window):
    left, right = split(window)
    left.navigator.navigate("essay", "essay/p8")  # reading on the left
    menu = right.reader.context_menu
    assert menu is not None and menu is not left.reader.context_menu
    right.reader.scroll_to("minutes/e2", ((0, 14),), select=True)
    menu.aboutToShow.emit()  # as a right click in the right pane opens it
    assert window.active is right
    window.menus.actions["highlight"].trigger()
    made = window.marks.highlights()
    assert [h.document_id for h in made] == ["minutes"]


def test_leaving_a_quotation_keeps_marks_made_since_and_puts_the_pane_back(window, qtbot):
    left, right = split(window)
    left.reader.scroll_to("essay/p8", keep_marks=True)
    with window.following.held():  # the minutes at their end, away from ¶ 2
        right.reader.verticalScrollBar().setValue(right.reader.verticalScrollBar().maximum())
    bottom = right.reader.verticalScrollBar().value()
    assert not window.following.in_view(right, "minutes/e2")
    rect = left.reader.link_rect("quote:6")
    qtbot.mouseMove(left.reader.viewport(), rect.center() + QPoint(2, 0))
    qtbot.waitUntil(lambda: bool(marked_spans(right.reader)))
    # Leaving: the pane across goes back where it was.
    leave(qtbot, left)
    assert marked_spans(right.reader) == []
    assert right.reader.verticalScrollBar().value() == bottom
    # Marks made in that pane while the pointer rests are the person's: they stay.
    qtbot.mouseMove(left.reader.viewport(), rect.center() + QPoint(3, 0))
    qtbot.waitUntil(lambda: bool(marked_spans(right.reader)))
    right.reader.mark("minutes/e3", ((0, 5),))
    mine = marked_spans(right.reader)
    leave(qtbot, left)
    assert marked_spans(right.reader) == mine


def leave(qtbot, pane) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(pane.reader.viewport(), QEvent(QEvent.Type.Leave))


def test_passing_over_the_essay_s_own_words_marks_and_moves_nothing(window, qtbot):
    left, right = split(window)
    window.set_linked(True)
    left.reader.scroll_to("essay/p6", keep_marks=True)  # ¶ 6 reports minutes ¶ 1
    right.reader.verticalScrollBar().setValue(right.reader.verticalScrollBar().maximum())
    where = right.reader.verticalScrollBar().value()
    block = left.reader.document().findBlockByNumber(left.reader.layout_.block_of["essay/p6"])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 300)  # inside the reported words, no link there
    point = left.reader.cursorRect(cursor).center()
    assert not left.reader.anchorAt(point)
    window.following.pointed(left, point)  # as if the pointer rested there
    assert marked_spans(right.reader) == []
    assert right.reader.verticalScrollBar().value() == where


def test_a_quoting_passage_anywhere_in_view_brings_its_excerpt_opposite(window):
    left, right = split(window)
    right.reader.verticalScrollBar().setValue(right.reader.verticalScrollBar().maximum())
    left.reader.scroll_to("essay/p7", keep_marks=True)  # ¶ 7 quotes the letter, not these
    in_view = [p.id for p in window.following.passages_in_view(left)]
    assert in_view[0] == "essay/p7" and "essay/p8" in in_view
    assert window.following.in_view(right, "minutes/e2")  # ¶ 8, below it, quotes ¶ 2


def test_a_new_search_clears_the_marks_of_both_panes(window, qtbot):
    left, right = split(window)
    left.reader.mark("essay/p1", ((0, 4),))
    right.reader.mark("minutes/e2", ((0, 4),))
    qtbot.keyClicks(window.search.field, "x")
    assert marked_spans(left.reader) == [] and marked_spans(right.reader) == []


def test_quoted_in_the_essay_goes_to_the_essay_s_pane_or_stays_in_its_own(window, qtbot):
    left, right = split(window)
    back = window.archive.excerpts(passage_id="minutes/e2")[0].id
    right.navigator.navigate("minutes", "minutes/e2")
    right.links.back_to_essay(back)
    assert left.reader.current_passage().id == "essay/p8"  # the essay's pane
    assert right.reader.document_id == "minutes"
    left.navigator.navigate("letter", None)
    right.links.back_to_essay(back)
    assert left.reader.document_id == "letter"  # what was put there stays
    assert right.reader.document_id == "essay"


def test_shift_f10_opens_the_text_s_menu(window, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(window.reader.context_menu, "popup", lambda where: shown.append(where))
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(shown) == 1


def test_ctrl_c_in_a_quotation_card_is_the_card_s_own(window):
    names = {action.objectName() for action in window.card.actions()}
    assert "action-copy" not in names
    assert "action-quit" in names  # the window's other keys reach it


def test_side_by_side_off_and_on_moves_neither_pane(window, qtbot):
    window.resize(1280, 700)
    left, right = split(window)
    right.navigator.navigate("minutes", "minutes/e2")
    left.navigator.navigate("essay", "essay/p30")
    places = [pane.reader.current_passage().id for pane in (left, right)]
    for _ in range(2):
        window.menus.actions["side-by-side"].trigger()
        qtbot.waitUntil(lambda: left.reader.viewport().width() > 0)
    qtbot.waitUntil(lambda: right.reader.isVisible())
    assert left.reader.current_passage().id == places[0]
