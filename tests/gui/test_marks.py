"""Highlights, notes, tags, bookmarks and undo, through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from desktop.gui.models import LocationRole
from desktop.gui.panels.bookmarks import BookmarkIdRole, BookmarksModel
from desktop.gui.panels.highlights import HighlightsModel, IdRole, StateRole
from desktop.notes.anchoring import ORPHANED
from tests.helpers import highlighted_spans

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def select_words(window, passage_id: str, words: str) -> tuple[int, int]:
    """Go to a passage of any document and select words of it, as a person would."""
    window.navigator.navigate(window.archive.passage(passage_id).document_id, passage_id)
    text = window.archive.passage(passage_id).text
    start = text.index(words)
    block = window.reader.document().findBlockByNumber(window.reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + start)
    cursor.setPosition(block.position() + start + len(words), QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    window.reader.setFocus()
    return block.position() + start, block.position() + start + len(words)


def show_highlights(qtbot, window) -> None:
    """Bring the highlights panel's tab to the front, as a click on it does."""
    window.docks["highlights"].show()
    window.docks["highlights"].raise_()
    qtbot.waitUntil(lambda: window.highlights._shown)


def highlighted_text(window) -> list[str]:
    text = window.reader.toPlainText()
    return [text[s:e] for s, e in highlighted_spans(window.reader)]


def test_select_and_highlight_with_the_keyboard(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p8", "proprietorial instincts")
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    (made,) = window.marks.notes.highlights()
    assert made.selector.exact == "proprietorial instincts"
    assert made.colour == "yellow"
    assert highlighted_text(window) == ["proprietorial instincts"]
    assert window.highlights.count.text() == "1 highlight."


def test_colour_shortcuts_and_last_colour_used(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    qtbot.keyClick(window.reader, Qt.Key.Key_3, CTRL | ALT)
    select_words(window, "essay/p8", "private")
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    assert sorted(h.colour for h in window.marks.notes.highlights()) == ["blue", "blue"]


def test_overlapping_highlights_are_both_drawn(qtbot, window):
    select_words(window, "essay/p8", "hoped to find the realization")
    window.marking.highlight_selection("green")
    select_words(window, "essay/p8", "the realization of his dream")
    window.marking.highlight_selection("pink")
    assert sorted(highlighted_text(window)) == ["hoped to find the realization",
                                                "the realization of his dream"]


def test_note_and_tags_are_saved_as_typed_and_shown_on_hover(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p9", "too hard to bear")
    highlight_id = window.marking.highlight_selection()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_N, CTRL | SHIFT)
    editor = window.note_editor
    qtbot.waitUntil(editor.isVisible)
    qtbot.keyClicks(editor.note, "Solidarity, not *doctrine*.")
    qtbot.waitUntil(lambda: window.marks.notes.highlight(highlight_id).note
                    == "Solidarity, not *doctrine*.", timeout=1500)
    qtbot.keyClicks(editor.tags, "ethics, petrzhek")
    qtbot.waitUntil(lambda: window.marks.notes.highlight(highlight_id).tags
                    == ("ethics", "petrzhek"),
                    timeout=1500)
    editor.hide()
    assert window.highlights.model.index(0).data(Qt.ItemDataRole.ToolTipRole) == \
        "<p style='white-space:pre-wrap'>Solidarity, not *doctrine*.</p>"
    start, _end = highlighted_spans(window.reader)[0]
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start + 2)
    point = window.reader.cursorRect(cursor).center()
    assert window.reader.highlights_at(point) == [(highlight_id, "Solidarity, not *doctrine*.")]


def test_tag_completion_offers_tags_already_used(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    first = window.marking.highlight_selection()
    window.marks.edit(first, tags=["inequality"])
    select_words(window, "essay/p8", "private")
    second = window.marking.highlight_selection()
    window.note_editor.open_for(second, QPoint(100, 100))
    qtbot.keyClicks(window.note_editor.tags, "ine")
    completer = window.note_editor.tags.completer_
    assert completer.currentCompletion() == "inequality"
    window.note_editor.hide()


def click_highlight(qtbot, window) -> None:
    window.reader.setTextCursor(QTextCursor(window.reader.document()))
    start, _end = highlighted_spans(window.reader)[0]
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start + 3)
    point = window.reader.cursorRect(cursor).center()
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_clicking_a_highlight_opens_its_note_in_place(qtbot, window):
    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection()
    click_highlight(qtbot, window)
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.highlight_id == highlight_id
    window.note_editor.colours["purple"].click()
    assert window.marks.notes.highlight(highlight_id).colour == "purple"
    window.note_editor.hide()


def test_a_highlighted_quotation_offers_both_its_source_and_the_note(qtbot, window):
    select_words(window, "essay/p8", "proprietorial instincts")
    highlight_id = window.marking.highlight_selection()
    click_highlight(qtbot, window)
    qtbot.waitUntil(window.card.isVisible)
    assert set(window.card.buttons) == {"excerpt", "source", "cite", "highlight"}
    window.card.buttons["highlight"].click()
    qtbot.waitUntil(window.note_editor.isVisible)
    assert window.note_editor.highlight_id == highlight_id
    window.note_editor.hide()


def test_filters_and_sorting_in_the_highlights_panel(qtbot, window):
    show_highlights(qtbot, window)
    for words, colour, tags in (("had hoped", "yellow", ["hope"]),
                                ("proprietorial", "green", ["property", "minutes"]),
                                ("realization", "green", ["hope"])):
        select_words(window, "essay/p8", words)
        window.marks.edit(window.marking.highlight_selection(colour), tags=tags)
    panel = window.highlights

    def shown() -> list[str]:
        return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]

    assert shown() == ["had hoped", "realization", "proprietorial"]  # reading order
    qtbot.keyClicks(panel.filter, "propert")  # a tag's words are searched too
    assert shown() == ["proprietorial"]
    panel.filter.clear()
    panel.tag.setCurrentIndex(panel.tag.findData("hope"))
    panel.tag.activated.emit(panel.tag.currentIndex())
    assert shown() == ["had hoped", "realization"]
    panel.colour.setCurrentIndex(panel.colour.findData("green"))
    panel.colour.activated.emit(panel.colour.currentIndex())
    assert shown() == ["realization"]
    assert panel.count.text() == "1 of 3 highlights."
    panel.tag.setCurrentIndex(0)
    panel.tag.activated.emit(0)
    panel.colour.setCurrentIndex(0)
    panel.colour.activated.emit(0)
    assert panel.document.findData("minutes") == -1  # only documents with highlights
    panel.document.setCurrentIndex(panel.document.findData("essay"))
    panel.document.activated.emit(panel.document.currentIndex())
    assert len(shown()) == 3
    panel.document.setCurrentIndex(0)
    panel.document.activated.emit(0)
    panel.sort.setCurrentIndex(1)
    panel.sort.activated.emit(1)
    assert shown() == ["realization", "proprietorial", "had hoped"]  # newest first


def test_clicking_a_highlight_goes_to_its_words(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p30", "heckled and jeered")
    window.marking.highlight_selection()
    window.navigator.navigate("essay", "essay/title")
    index = window.highlights.proxy.index(0, 0)
    rect = window.highlights.list.visualRect(index)
    qtbot.mouseClick(window.highlights.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.reader.textCursor().selectedText() == "heckled and jeered"


def test_undo_and_redo_creating_editing_and_deleting(qtbot, window):
    select_words(window, "essay/p8", "had hoped")
    highlight_id = window.marking.highlight_selection()
    window.marks.edit(highlight_id, note="first")
    window.marks.edit(highlight_id, note="first, then more")
    window.marks.edit(highlight_id, tags=["t"])
    window.marks.delete(highlight_id)
    assert window.marks.notes.highlights() == []
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo delete
    assert window.marks.notes.highlight(highlight_id).tags == ("t",)
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo tags
    assert window.marks.notes.highlight(highlight_id).tags == ()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo the note, typed in two saves
    assert window.marks.notes.highlight(highlight_id).note == ""
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo the highlight itself
    assert window.marks.notes.highlights() == []
    assert highlighted_text(window) == []
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.marks.notes.highlight(highlight_id).note == ""
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.marks.notes.highlight(highlight_id).note == "first, then more"


def test_bookmarks_toggle_label_rename_go_delete_and_undo(qtbot, window, monkeypatch):
    window.navigator.navigate("essay", "essay/p20")
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_D, CTRL)
    window.navigator.navigate("essay", "essay/p3")
    monkeypatch.setattr(window.dialogs, "ask_label", lambda: "Petrzhek’s wife")
    qtbot.keyClick(window.reader, Qt.Key.Key_D, CTRL | SHIFT)
    model = window.bookmarks.model
    rows = [model.index(r).data() for r in range(model.rowCount())]
    assert rows[0] == "Petrzhek’s wife — The communists’ dilemma, ¶ 3"  # reading order
    assert rows[1].endswith("— The communists’ dilemma, ¶ 20")
    window.navigator.navigate("essay", "essay/p20")
    assert window.reader.layout_.block_of["essay/p20"] in window.reader.bookmarked
    model.setData(model.index(1), "Workers Truth")
    assert model.index(1).data() == "Workers Truth — The communists’ dilemma, ¶ 20"
    window.navigator.navigate("essay", "essay/title")
    rect = window.bookmarks.list.visualRect(model.index(1))
    window.docks["bookmarks"].raise_()
    qtbot.mouseClick(window.bookmarks.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.reader.current_passage().id == "essay/p20"
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_D, CTRL)  # toggles it off
    assert model.rowCount() == 1
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert model.rowCount() == 2
    window.bookmarks.list.setCurrentIndex(model.index(0))
    qtbot.keyClick(window.bookmarks.list, Qt.Key.Key_Delete)
    assert [b.label for b in window.marks.notes.bookmarks()] == ["Workers Truth"]


def test_everything_is_where_it_was_after_relaunch(qtbot, open_window):
    first = open_window()
    select_words(first, "essay/p8", "proprietorial instincts")
    highlight_id = first.marking.highlight_selection("pink")
    first.note_editor.open_for(highlight_id, QPoint(50, 50))
    qtbot.keyClicks(first.note_editor.note, "typed just before closing")
    first.navigator.navigate("essay", "essay/p12")
    first.marking.toggle_bookmark()
    first.close()  # closing saves the note at once, without waiting for the timer
    first.marks.notes.close()
    second = open_window()
    (h,) = second.marks.notes.highlights()
    assert (h.note, h.colour, h.selector.exact) == ("typed just before closing", "pink",
                                                    "proprietorial instincts")
    second.navigator.navigate("essay", "essay/p8")
    assert highlighted_text(second) == ["proprietorial instincts"]
    assert second.bookmarks.model.rowCount() == 1
    show_highlights(qtbot, second)
    assert second.highlights.count.text() == "1 highlight."


def test_orphans_are_listed_and_can_be_reattached(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p8", "proprietorial instincts")
    highlight_id = window.marking.highlight_selection()
    window.marks.notes.update_highlight(highlight_id, state=ORPHANED)
    window.marks.imported()
    index = window.highlights.proxy.index(0, 0)
    assert index.data(LocationRole) == "The communists’ dilemma, no longer found"
    assert index.data(StateRole) == ORPHANED
    assert highlighted_text(window) == []
    window.highlights.list.setCurrentIndex(index)
    select_words(window, "essay/p9", "too hard to bear")
    window.highlights.reattach_button.click()
    h = window.marks.notes.highlight(highlight_id)
    assert (h.state, h.selector.exact) == ("anchored", "too hard to bear")
    assert highlighted_text(window) == ["too hard to bear"]


@pytest.mark.parametrize("make", [HighlightsModel, BookmarksModel])
def test_models_pass_the_model_tester(qtmodeltester, window, make):
    select_words(window, "essay/p8", "proprietorial")
    window.marking.highlight_selection()
    window.marking.toggle_bookmark()
    qtmodeltester.check(make(window.marks))


def test_highlight_filter_proxy_passes_the_model_tester(qtmodeltester, window):
    select_words(window, "essay/p8", "proprietorial")
    window.marking.highlight_selection()
    window.highlights.proxy.set_filter(text="propr")
    qtmodeltester.check(window.highlights.proxy)


def test_quitting_or_logging_out_saves_the_note_being_typed(qtbot, window):
    from PySide6.QtWidgets import QApplication

    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection()
    window.note_editor.open_for(highlight_id, QPoint(50, 50))
    qtbot.keyClicks(window.note_editor.note, "last words")
    assert window.marks.notes.highlight(highlight_id).note == ""  # still waiting for the timer
    QApplication.instance().aboutToQuit.emit()
    assert window.marks.notes.highlight(highlight_id).note == "last words"


def test_repaired_notes_are_reported_when_the_window_opens(qtbot, open_window, data_dir):
    from desktop.notes.store import FILE_NAME, Notes

    notes = Notes(data_dir)
    notes.close()
    path = data_dir / FILE_NAME
    path.write_bytes(b"\x00" * 4096)
    window = open_window()
    told = []
    window.dialogs.tell = told.append
    window.report_start()
    assert len(told) == 1 and told[0].startswith("Your notes file was damaged.")
    assert "restored from the backup made on" in told[0]


@pytest.mark.parametrize(("selected", "kept"), [
    ("etrzhek’s wife ha", "Petrzhek’s wife had"), (" died suddenly ", "died suddenly"),
    ("wife", "wife")])
def test_highlights_take_whole_words(window, selected, kept):
    select_words(window, "essay/p3", selected)
    highlight_id = window.marking.highlight_selection()
    assert window.marks.notes.highlight(highlight_id).selector.exact == kept


def test_words_can_be_selected_and_highlighted_without_a_mouse(qtbot, window):
    window.navigator.navigate("essay", "essay/p3")
    window.reader.setFocus()
    block = window.reader.document().findBlockByNumber(window.reader.layout_.block_of["essay/p3"])
    cursor = QTextCursor(block)
    window.reader.setTextCursor(cursor)
    for _ in range(2):
        qtbot.keyClick(window.reader, Qt.Key.Key_Right,
                       Qt.KeyboardModifier.ControlModifier | SHIFT)
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    (made,) = window.marks.notes.highlights()
    assert made.selector.exact == "Petrzhek’s wife"


def test_markup_in_a_note_is_shown_as_written_everywhere(qtbot, window):
    from PySide6.QtGui import QTextDocument

    show_highlights(qtbot, window)
    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection()
    window.marks.edit(highlight_id, note="<b>bold?</b> <img src=x>")
    tooltip = window.highlights.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(tooltip)  # what Qt's tooltip renders
    assert shown.toPlainText() == "<b>bold?</b> <img src=x>"


def test_escape_closes_the_note_card_from_the_tags_field_and_saves(qtbot, window):
    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection()
    window.note_editor.open_for(highlight_id, QPoint(50, 50))
    qtbot.keyClicks(window.note_editor.tags, "ethics")
    qtbot.keyClick(window.note_editor.tags, Qt.Key.Key_Escape)
    if window.note_editor.isVisible():  # the first Escape may close the completion list
        qtbot.keyClick(window.note_editor.tags, Qt.Key.Key_Escape)
    assert not window.note_editor.isVisible()
    assert window.marks.notes.highlight(highlight_id).tags == ("ethics",)


def test_removing_a_bookmark_removes_its_ribbon_even_by_undo(qtbot, window):
    window.navigator.navigate("essay", "essay/p20")
    block = window.reader.layout_.block_of["essay/p20"]
    window.marking.toggle_bookmark()
    assert block in window.reader.bookmarked
    window.marking.toggle_bookmark()
    assert block not in window.reader.bookmarked
    window.marks.undo_stack.undo()
    assert block in window.reader.bookmarked
    window.marks.undo_stack.undo()
    assert block not in window.reader.bookmarked
    assert window.marks.notes.bookmarks() == []


def test_the_notes_are_marked_in_use_before_they_are_opened(tmp_path, monkeypatch, qapp):
    from desktop.gui import app as app_module
    from desktop.notes.errors import NotesError
    from desktop.notes.store import application_running

    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path))
    seen = []

    def opening(folder, **_kw):  # type: ignore[no-untyped-def]
        seen.append(application_running(folder))
        raise NotesError("stop here")

    monkeypatch.setattr(app_module, "open_notes", opening)
    assert app_module.run(None) == 1
    assert seen == [True]


def test_undo_reverts_only_what_it_changed_and_keeps_another_window_s_edit(window,
                                                                           data_dir):
    from desktop.notes.store import Notes

    select_words(window, "essay/p8", "had hoped")
    highlight_id = window.marking.highlight_selection()
    window.marks.edit(highlight_id, note="typed here")
    other = Notes(data_dir, backup_now=False)  # a second window on the same notes
    tagged = other.update_highlight(highlight_id, tags=["from the other window"])
    other.close()
    window.marks.undo_stack.undo()
    after = window.marks.notes.highlight(highlight_id)
    assert after.note == ""
    assert after.tags == ("from the other window",)
    assert after.modified > tagged.modified  # undo is a change like any other
    window.marks.undo_stack.redo()
    assert window.marks.notes.highlight(highlight_id).note == "typed here"
    assert window.marks.notes.highlight(highlight_id).tags == ("from the other window",)


def test_an_orphan_says_where_it_was_or_that_it_never_was_here(qtbot, window, tmp_path):
    """One lost by a change of the archive is "no longer found" in its document; one
    imported from elsewhere names no document here, and was never found."""
    import json

    from desktop.gui.panels.highlights import HighlightDelegate
    from desktop.notes.importer import import_file

    show_highlights(qtbot, window)
    select_words(window, "essay/p8", "proprietorial instincts")
    lost_id = window.marking.highlight_selection()
    window.marks.notes.update_highlight(lost_id, state=ORPHANED)
    elsewhere = [{"id": f"https://example.org/a/{n}", "type": "Annotation",
                  "motivation": motivation,
                  "target": {"source": "https://example.org/another-article", "selector": [
                      {"type": "TextQuoteSelector", "exact": "words never in this essay"}]}}
                 for n, motivation in enumerate(("highlighting", "bookmarking"))]
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(elsewhere))
    import_file(window.marks.notes, window.archive, path)
    window.marks.imported()
    delegate = HighlightDelegate()
    rows = {window.highlights.proxy.index(r, 0).data(IdRole):
            delegate.shown_lines(window.highlights.proxy.index(r, 0))["where"]
            for r in range(window.highlights.proxy.rowCount())}
    assert rows.pop(lost_id) == "Orphaned · The communists’ dilemma, no longer found"
    assert list(rows.values()) == ["Orphaned · not found in this archive"]
    model = window.bookmarks.model
    (bookmark,) = [model.index(r).data() for r in range(model.rowCount())]
    assert bookmark.endswith(" — not found in this archive")


def bookmarks_in_the_list(qtbot, window) -> None:
    """Two bookmarks, the list in front with the keyboard in it on the first."""
    from PySide6.QtWidgets import QApplication

    for passage_id in ("essay/p20", "essay/p3"):
        window.navigator.navigate("essay", passage_id)
        window.marking.toggle_bookmark()
    window.docks["bookmarks"].show()
    window.docks["bookmarks"].raise_()
    window.activateWindow()
    window.bookmarks.list.setFocus()
    window.bookmarks.list.setCurrentIndex(window.bookmarks.model.index(0))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.bookmarks.list)


def press_where_the_keyboard_is(qtbot, key) -> None:
    from PySide6.QtWidgets import QApplication

    qtbot.keyClick(QApplication.focusWidget(), key)


def test_after_renaming_with_f2_delete_removes_the_bookmark(qtbot, window):
    from PySide6.QtWidgets import QApplication, QListView

    bookmarks_in_the_list(qtbot, window)
    listed = window.bookmarks.list
    press_where_the_keyboard_is(qtbot, Qt.Key.Key_F2)
    qtbot.keyClicks(QApplication.focusWidget(), "His wife")
    press_where_the_keyboard_is(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: listed.state() == QListView.State.NoState)
    assert QApplication.focusWidget() is listed
    assert listed.selectionModel().isSelected(listed.currentIndex())
    assert sorted(b.label for b in window.marks.notes.bookmarks()) == ["", "His wife"]
    press_where_the_keyboard_is(qtbot, Qt.Key.Key_Delete)
    assert [b.label for b in window.marks.notes.bookmarks()] == [""]


def test_a_change_while_a_label_is_typed_leaves_the_keyboard_in_the_list(qtbot, window):
    """The list reloads (a bookmark made meanwhile, here by another part of the
    window): the editor it closes must not take the focus to a button with it."""
    from PySide6.QtWidgets import QApplication

    bookmarks_in_the_list(qtbot, window)
    press_where_the_keyboard_is(qtbot, Qt.Key.Key_F2)
    qtbot.keyClicks(QApplication.focusWidget(), "half typed")
    window.marks.toggle_bookmark(window.archive.passage("essay/p30"))
    assert window.bookmarks.model.rowCount() == 3
    assert QApplication.focusWidget() is window.bookmarks.list
    chosen = window.bookmarks.list.currentIndex().data(BookmarkIdRole)
    press_where_the_keyboard_is(qtbot, Qt.Key.Key_Delete)
    assert chosen not in {b.id for b in window.marks.notes.bookmarks()}
    assert window.bookmarks.model.rowCount() == 2


def test_filters_follow_notes_and_tags_changed_while_they_are_applied(qtbot, window):
    show_highlights(qtbot, window)
    panel = window.highlights
    made = {}
    for words, tags in (("had hoped", ["Straße"]), ("proprietorial", ["minutes"])):
        select_words(window, "essay/p8", words)
        made[words] = window.marking.highlight_selection()
        window.marks.edit(made[words], tags=tags)

    def shown() -> list[str]:
        return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]

    qtbot.keyClicks(panel.filter, "STRASSE")  # a tag's words, casefolded: ß is ss
    assert shown() == ["had hoped"]
    window.marks.edit(made["proprietorial"], tags=["strasse", "minutes"])
    assert shown() == ["had hoped", "proprietorial"]
    window.marks.edit(made["had hoped"], tags=[])
    assert shown() == ["proprietorial"]
    window.marks.edit(made["had hoped"], note="the Strasse")
    assert shown() == ["had hoped", "proprietorial"]
    window.marks.delete(made["proprietorial"])
    assert shown() == ["had hoped"]
    window.marks.undo_stack.undo()  # brought back, with its tags
    assert shown() == ["had hoped", "proprietorial"]
    panel.filter.clear()
    panel.tag.setCurrentIndex(panel.tag.findData("minutes"))
    panel.tag.activated.emit(panel.tag.currentIndex())
    assert shown() == ["proprietorial"]
    window.marks.edit(made["had hoped"], tags=["Minutes"])  # the same tag, another case
    assert shown() == ["had hoped", "proprietorial"]
    window.marks.edit(made["proprietorial"], tags=[])
    assert shown() == ["had hoped"]
