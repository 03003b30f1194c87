"""The Highlights panel's filter by an entry of the index: your highlights and links on the
passages that name someone or something."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from desktop.gui.panels.highlights import ANY_ENTITY, IdRole
from tests.gui.test_links_gui import link_essay_to_minutes
from tests.gui.test_marks import select_words, show_highlights


def shown_ids(window) -> list[str]:
    proxy = window.highlights.proxy
    return [proxy.index(r, 0).data(IdRole) for r in range(proxy.rowCount())]


def test_the_filter_keeps_the_marks_on_passages_that_name_the_entry(qtbot, indexed_window):
    window = indexed_window
    select_words(window, "essay/p14", "naval base")  # the passage names Kronshtadt
    on_kronshtadt = window.marking.highlight_selection()
    select_words(window, "essay/p1", "auto worker")  # it names Petrzhek and Moscow
    on_petrzhek = window.marking.highlight_selection()
    _left, _right, link = link_essay_to_minutes(qtbot, window)  # ¶ 8 names Petrzhek
    show_highlights(qtbot, window)
    assert sorted(shown_ids(window)) == sorted([on_kronshtadt, on_petrzhek, link.id])

    window.highlights.filter_entity("kronshtadt")
    assert shown_ids(window) == [on_kronshtadt]
    assert window.highlights.entity.currentData() == "kronshtadt"
    assert window.highlights.count.text() == "1 of 2 highlights, 0 of 1 link."

    combo = window.highlights.entity
    combo.setCurrentIndex(combo.findData("petrzhek"))
    combo.activated.emit(combo.currentIndex())
    assert sorted(shown_ids(window)) == sorted([on_petrzhek, link.id])

    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert combo.currentText() == ANY_ENTITY
    assert len(shown_ids(window)) == 3


def test_the_choices_are_the_entries_the_marked_passages_name(qtbot, indexed_window):
    window = indexed_window
    select_words(window, "essay/p14", "naval base")
    window.marking.highlight_selection()
    show_highlights(qtbot, window)
    combo = window.highlights.entity
    combo.setFocus()  # reaching the list by the keyboard fills it
    qtbot.waitUntil(lambda: combo.count() > 1)
    choices = [combo.itemData(i) for i in range(1, combo.count())]
    assert "kronshtadt" in choices and "nep" in choices
    assert "zinoviev" not in choices  # named in ¶ 12, which holds no mark
    assert combo.itemText(combo.findData("kronshtadt")) == "Kronshtadt (place)"
    # An entry no mark's passage names can still be chosen (from the Index panel).
    window.highlights.filter_entity("zinoviev")
    assert combo.currentData() == "zinoviev" and shown_ids(window) == []
    assert window.highlights.count.text() == "0 of 1 highlights."


def test_your_notes_on_this_from_the_index_panel(qtbot, indexed_window):
    window = indexed_window
    select_words(window, "essay/p20", "led by women")
    made = window.marking.highlight_selection()
    window.index.select("workers-truth")
    window.index.notesOn.emit("workers-truth")
    qtbot.waitUntil(lambda: window.highlights._shown)
    assert shown_ids(window) == [made]
    assert not window.docks["highlights"].visibleRegion().isEmpty()


def test_your_notes_on_this_is_a_button_in_sight_under_the_chosen_entry(qtbot, indexed_window):
    window = indexed_window
    select_words(window, "essay/p20", "led by women")
    made = window.marking.highlight_selection()
    window.docks["index"].show()
    window.docks["index"].raise_()
    qtbot.waitUntil(lambda: not window.docks["index"].visibleRegion().isEmpty())
    window.index.select("workers-truth")
    button = window.index.findChild(QToolButton, "index-your-notes-on-this")
    qtbot.waitUntil(button.isVisible)
    assert button.accessibleName() == "Your Notes on This"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.highlights._shown)
    assert shown_ids(window) == [made]
    searched = window.index.findChild(QToolButton, "index-search-for-this")
    qtbot.mouseClick(searched, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.search.field.text() == "entity:workers-truth")
