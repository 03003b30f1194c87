"""The Index panel: people, places, organisations and events with their mentions, going to
a mention with its words marked, searching for an entry, and an archive without an index."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from desktop.archive.search import HIT_END, HIT_START
from desktop.archive.store import Archive
from desktop.gui.index_models import (
    CountRole,
    EntitiesModel,
    EntityIdRole,
    MentionsModel,
    MentionSpanRole,
)
from desktop.gui.models import LocationRole, PassageIdRole, SnippetRole
from desktop.gui.panels.index import EMPTY_INDEX, NO_INDEX
from desktop.gui.panels.timeline import EMPTY_TIMELINE, NO_TIMELINE
from tests.gui.indexed import with_an_empty_index
from tests.helpers import marked_spans


def rows(model) -> list[tuple[str, int]]:
    return [(model.index(r).data(), model.index(r).data(CountRole))
            for r in range(model.rowCount())]


def show_index(qtbot, window) -> None:
    window.docks["index"].show()
    window.docks["index"].raise_()
    qtbot.waitUntil(lambda: not window.docks["index"].visibleRegion().isEmpty())


def marked_words(window) -> list[str]:
    text = window.reader.toPlainText()
    return [text[s:e] for s, e in marked_spans(window.reader)]


def test_the_index_is_read_when_its_panel_is_first_shown(qtbot, indexed_window):
    assert indexed_window.index.model.rowCount() == 0  # behind the Search panel
    show_index(qtbot, indexed_window)
    assert indexed_window.index.model.rowCount() == 8


def test_the_index_lists_people_places_and_organisations_with_their_counts(qtbot,
                                                                         indexed_window):
    show_index(qtbot, indexed_window)
    listed = dict(rows(indexed_window.index.model))
    assert listed["Grigorii Zinoviev"] == 1
    assert listed["Kronshtadt"] == 3
    assert listed["Workers Truth group"] == 1
    assert list(listed) == sorted(listed, key=str.casefold)  # by name at first
    assert indexed_window.index.kind.currentText() == "All (8)"


def test_a_kind_and_an_order_choose_the_rows(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.kind.setCurrentIndex(panel.kind.findData("place"))
    panel.kind.activated.emit(panel.kind.currentIndex())
    assert rows(panel.model) == [("Kronshtadt", 3), ("Moscow", 9)]
    assert panel.kind.currentText() == "Places (2)"
    panel.kind.setCurrentIndex(panel.kind.findData(None))
    panel.kind.activated.emit(panel.kind.currentIndex())
    panel.order.setCurrentIndex(panel.order.findData("count"))
    panel.order.activated.emit(panel.order.currentIndex())
    counts = [count for _name, count in rows(panel.model)]
    assert counts == sorted(counts, reverse=True)
    assert rows(panel.model)[0] == ("Bolshevik party", 27)


def test_choosing_an_entry_lists_its_mentions_with_the_words_around_them(qtbot,
                                                                        indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    assert panel.select("kronshtadt")
    mentions = panel.mentions
    assert mentions.rowCount() == 3
    places = [mentions.index(r).data(LocationRole) for r in range(3)]
    assert places == ["The communists’ dilemma, ¶ 14", "The communists’ dilemma, ¶ 26",
                      "The communists’ dilemma, ¶ 28"]
    snippet = mentions.index(0).data(SnippetRole)
    assert f"{HIT_START}Kronshtadt{HIT_END}" in snippet
    assert "uprising at the" in snippet
    assert panel.about.text().startswith("Kronshtadt: place, 3 mentions.\n")
    assert "naval base" in panel.about.full


def test_a_long_description_is_cut_to_a_few_lines_and_whole_in_the_tooltip(qtbot,
                                                                          indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("zinoviev")
    indexed_window.docks["index"].setFloating(True)
    indexed_window.docks["index"].resize(200, 500)
    qtbot.waitUntil(lambda: panel.about.text() != panel.about.full)
    assert panel.about.text().endswith("…")
    assert "political power" in panel.about.toolTip()
    assert panel.about.accessibleDescription() == panel.about.full


def test_enter_on_a_mention_goes_there_and_marks_the_name(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("kronshtadt")
    panel.mention_list.setFocus()
    panel.mention_list.setCurrentIndex(panel.mentions.index(1))
    qtbot.keyClick(panel.mention_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p26")
    assert marked_words(indexed_window) == ["Kronshtadt"]
    assert indexed_window.reader.hasFocus()


def test_enter_on_an_entry_goes_to_its_first_mention(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("petrzhek")
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p1")
    assert marked_words(indexed_window) == ["Vladimir Petrzhek"]


def test_every_name_of_the_entry_in_the_passage_is_marked(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("bolsheviks")
    row = next(r for r in range(panel.mentions.rowCount())
               if panel.mentions.index(r).data(PassageIdRole) == "essay/p30")
    panel.mention_list.clicked.emit(panel.mentions.index(row))
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p30")
    assert marked_words(indexed_window) == ["Bolshevik", "Bolsheviks", "Bolshevik"]


def test_a_double_click_on_an_entry_goes_there(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("workers-truth")
    rect = panel.list.visualRect(panel.list.currentIndex())
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p20")
    assert marked_words(indexed_window) == ["Workers Truth group"]


def test_the_panel_key_puts_the_keyboard_in_the_list(qtbot, indexed_window):
    indexed_window.reader.setFocus()
    qtbot.keyClick(indexed_window.reader, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is indexed_window.index.list
    qtbot.keyClick(indexed_window.index.list, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is indexed_window.reader


def test_typing_a_surname_in_the_list_finds_the_person(qtbot, indexed_window):
    # People are listed by their full names; a reader types the name they know them by.
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.list.setFocus()
    qtbot.keyClicks(panel.list, "Zin")
    assert panel.current_entity().id == "zinoviev"
    assert [panel.mentions.index(r).data(PassageIdRole)
            for r in range(panel.mentions.rowCount())] == ["essay/p12"]
    panel.list.keyboardSearch("")  # as a pause does: the next letters start a new search
    qtbot.keyClicks(panel.list, "B")  # a name's own first letter comes before a word's
    assert panel.current_entity().id == "bolsheviks"
    panel.list.keyboardSearch("")
    qtbot.keyClicks(panel.list, "Truth")
    assert panel.current_entity().id == "workers-truth"


def test_search_for_this_lists_the_passages_that_name_it(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("kronshtadt")
    menu = panel.menu_for(panel.current_entity())
    search = next(a for a in menu.actions() if a.text() == "Search for This")
    with qtbot.waitSignal(indexed_window.search.finished):
        search.trigger()
    assert indexed_window.search.field.text() == "entity:kronshtadt"
    assert indexed_window.search.count.text() == "3 passages name Kronshtadt."
    assert [indexed_window.search.model.index(r).data(PassageIdRole) for r in range(3)] == \
        ["essay/p14", "essay/p26", "essay/p28"]
    qtbot.keyClick(indexed_window.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p14")
    assert marked_words(indexed_window) == ["Kronshtadt"]


def test_the_entry_s_menu_opens_from_the_keyboard(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    panel.select("zinoviev")
    panel.list.setFocus()
    center = panel.list.visualRect(panel.list.currentIndex()).center()
    menu_key = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, center,
                                 panel.list.mapToGlobal(center))
    for press in (lambda: qtbot.keyClick(panel.list, Qt.Key.Key_F10,
                                         Qt.KeyboardModifier.ShiftModifier),
                  lambda: QApplication.sendEvent(panel.list, menu_key)):  # the Menu key
        press()
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        assert [a.text() for a in menu.actions()] == [
            "Go to the First Mention", "Search for This", "Your Notes on This"]
        menu.close()
        assert panel.current_entity().id == "zinoviev"


def test_rows_say_what_they_show_to_a_screen_reader(qtbot, indexed_window):
    show_index(qtbot, indexed_window)
    model = indexed_window.index.model
    row = model.row_of("kronshtadt")
    assert model.index(row).data(Qt.ItemDataRole.AccessibleTextRole) == \
        "Kronshtadt, place, 3 mentions"
    assert "naval base" in model.index(row).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    mentions = indexed_window.index.mentions
    indexed_window.index.select("kronshtadt")
    said = mentions.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said.startswith("The communists’ dilemma, ¶ 14: ")
    assert HIT_START not in said and "Kronshtadt naval base" in said


@pytest.mark.parametrize("which", ["before", "empty"])
def test_an_archive_without_an_index_says_so(open_window, unindexed_archive, indexed_archive,
                                             tmp_path, which):
    path = unindexed_archive if which == "before" \
        else with_an_empty_index(indexed_archive, tmp_path)
    window = open_window(path)
    assert window.index.is_empty and window.timeline.is_empty
    assert window.index.empty.text() == (NO_INDEX if which == "before" else EMPTY_INDEX)
    assert window.timeline.empty.text() == (NO_TIMELINE if which == "before"
                                            else EMPTY_TIMELINE)
    assert window.index.model.rowCount() == 0
    assert window.index.mentions.rowCount() == 0
    assert window.highlights.entity.isHidden() == (which == "before")
    window.navigator.navigate("essay", "essay/p14")  # reading goes on, no card, no error
    assert window.reader.current_passage().id == "essay/p14"
    assert not window._names["main"].names_by_block()


def test_the_models_fetch_a_page_at_a_time(qtmodeltester, indexed_archive, monkeypatch):
    monkeypatch.setattr(EntitiesModel, "PAGE", 3)
    monkeypatch.setattr(MentionsModel, "PAGE", 4)
    with Archive(indexed_archive) as archive:
        model = EntitiesModel(archive)
        assert model.rowCount() == 3 and model.canFetchMore() and model.total == 8
        model.fetchMore()
        assert model.rowCount() == 6
        assert model.row_of("workers-truth") == 7 and not model.canFetchMore()
        qtmodeltester.check(model)
        model.set_kind("person")
        assert model.total == 3
        qtmodeltester.check(model)

        mentions = MentionsModel()
        mentions.set_entity(archive, archive.entity("petrzhek"))
        assert mentions.rowCount() == 4 and mentions.canFetchMore()
        mentions.fetchMore()
        assert mentions.rowCount() == 8
        first = mentions.index(0)
        assert first.data(EntityIdRole) == "petrzhek"
        start, end = first.data(MentionSpanRole)
        passage = archive.passage(first.data(PassageIdRole))
        assert passage.text[start:end] in ("Petrzhek", "Vladimir Petrzhek")
        mentions.fetchMore()
        mentions.fetchMore()
        # Its count, and no page more to ask for (16 is four whole pages).
        assert mentions.rowCount() == 16 and not mentions.canFetchMore()
        qtmodeltester.check(mentions)
        mentions.set_entity(archive, None)
        assert mentions.rowCount() == 0
        qtmodeltester.check(mentions)


def test_the_menu_of_a_right_click_is_the_entry_clicked(qtbot, indexed_window):
    panel = indexed_window.index
    show_index(qtbot, indexed_window)
    row = panel.model.row_of("moscow")
    rect = panel.list.visualRect(panel.model.index(row))
    points: list[QPoint] = []
    panel.list.menuAt.connect(points.append)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(),
                              panel.list.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(panel.list.viewport(), event)
    assert points and panel.current_entity().id == "moscow"
    for menu in panel.findChildren(QMenu):
        menu.close()


def test_a_name_on_the_last_cut_line_of_a_mention_stays_bold(qtbot):
    # In a narrow panel the name often falls on the mention's last line, which is cut
    # short with an ellipsis: it is still the words in bold.
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextCharFormat, QTextLayout

    from desktop.gui.panels.rows import draw_lines

    text = ("territory, and in March 1921, there was an uprising at the Kronshtadt naval "
            "base, which had been a bulwark of Bolshevism in 1917. The party leaders")
    bold = QTextCharFormat()
    bold.setFontWeight(QFont.Weight.Bold)
    name = QTextLayout.FormatRange()
    name.start, name.length, name.format = text.index("Kronshtadt"), 10, bold

    def drawn(formats) -> QImage:
        image = QImage(200, 60, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setPen(QColor("black"))
        draw_lines(painter, text, QFont(), QPointF(0, 0), 200, 2, formats)
        painter.end()
        return image

    plain, marked = drawn([]), drawn([name])
    assert plain != marked
