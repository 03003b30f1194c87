"""Links between passages in the window: made with Link Passages in two steps (across two
panes or in one document), marked in the margin of both ends, shown in a card that goes to
the other end, listed and filtered in the Highlights panel, undone, placed again after the
archive changes, and exported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.archive.build import build
from desktop.gui.export_dialog import ExportChoice, ExportDialog
from desktop.gui.link_dialog import LinkDialog
from desktop.gui.models import LocationRole
from desktop.gui.panels.highlights import HighlightsModel, KindRole, StateRole
from desktop.gui.panes import BESIDE, MAIN
from desktop.notes.anchoring import ANCHORED, ORPHANED
from desktop.notes.export import Selection
from tests.gui.test_marks import select_words, show_highlights
from tests.helpers import ROOT, marked_spans

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MINUTES = "Minutes of the meeting of Moscow communists on Vladimir Petrzhek’s resignation"
ESSAY = "The communists’ dilemma"


def select_in(pane, passage_id: str, words: str) -> None:
    """Show a passage in a pane and select words of it there, as a person would."""
    archive = pane.navigator.archive
    pane.navigator.navigate(archive.passage(passage_id).document_id, passage_id)
    reader = pane.reader
    text = archive.passage(passage_id).text
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + text.index(words))
    cursor.setPosition(block.position() + text.index(words) + len(words),
                       QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)
    reader.setFocus()


def answer(relation: str, note: str = ""):
    """What the link dialog answers in a test, and the questions it was asked."""
    asked: list[tuple[str, str, dict]] = []

    def ask_link(first: str, second: str, **given: str) -> tuple[str, str]:
        asked.append((first, second, given))
        return relation, note

    ask_link.asked = asked  # type: ignore[attr-defined]
    return ask_link


def split(window):
    window.set_linked(False)  # each pane stays where the test puts it
    window.menus.actions["side-by-side"].trigger()
    return window.panes[MAIN], window.panes[BESIDE]


def link_essay_to_minutes(qtbot, window, relation: str = "supports", note: str = ""):
    """Side by side: ¶ 8 of the essay on the left, linked to ¶ 2 of the minutes on the
    right, by two presses of Ctrl+L."""
    left, right = split(window)
    window.dialogs.ask_link = answer(relation, note)
    before = {link.id for link in window.marks.notes.links()}
    select_in(left, "essay/p8", "private proprietorial instincts")
    qtbot.keyClick(left.reader, Qt.Key.Key_L, CTRL)
    select_in(right, "minutes/e2", "proprietorial instincts")
    qtbot.keyClick(right.reader, Qt.Key.Key_L, CTRL)
    (made,) = [link for link in window.marks.notes.links() if link.id not in before]
    return left, right, made


def markers(reader) -> dict[str, list[str]]:
    """The link markers a reader holds: passage id -> what each says."""
    return {reader.layout_.passages[n].id: [said for _id, said, _tip in links]
            for n, links in reader.linked.items()}


def test_linking_words_in_two_panes_side_by_side(qtbot, window):
    left, right = split(window)
    window.dialogs.ask_link = ask = answer("supports", "The minutes say it first.")
    select_in(left, "essay/p8", "private proprietorial instincts")
    qtbot.keyClick(left.reader, Qt.Key.Key_L, CTRL)
    assert window.statusBar().currentMessage().startswith(
        "Link from ¶ 8 “private proprietorial instincts” — now select the other end and "
        "choose Link Passages again")
    assert window.linking.pending is not None and window.marks.notes.links() == []
    start, end = marked_spans(left.reader)[0]  # the first end stays marked meanwhile
    assert left.reader.toPlainText()[start:end] == "private proprietorial instincts"
    select_in(right, "minutes/e2", "proprietorial instincts")
    assert window.active is right
    qtbot.keyClick(right.reader, Qt.Key.Key_L, CTRL)
    assert ask.asked == [("private proprietorial instincts", "proprietorial instincts", {})]
    (link,) = window.marks.notes.links()
    assert (link.first.document_id, link.first.selector.exact) == \
        ("essay", "private proprietorial instincts")
    assert (link.second.document_id, link.second.selector.exact) == \
        ("minutes", "proprietorial instincts")
    assert (link.relation, link.note) == ("supports", "The minutes say it first.")
    assert window.linking.pending is None and marked_spans(left.reader) == []
    # A marker in the margin of both ends, saying where the other end is.
    assert markers(left.reader) == {"essay/p8": [f"linked: supports ¶ 2 of {MINUTES}"]}
    assert markers(right.reader) == {"minutes/e2": [f"linked: ¶ 8 of {ESSAY} supports this"]}
    left.reader.scroll_to("essay/p8")
    right.reader.scroll_to("minutes/e2")
    for reader in (left.reader, right.reader):
        ((_rect, link_id, _uri, tip),) = reader.link_markers()
        assert link_id == link.id and "“" in tip


def test_the_marker_is_said_at_the_cursor(qtbot, window):
    left, _right, _link = link_essay_to_minutes(qtbot, window)
    left.reader.scroll_to("essay/p8")
    left.reader.spoken.update_now()
    assert left.reader.accessibleDescription() == \
        f"¶ 8; linked: supports ¶ 2 of {MINUTES}"


def test_the_marker_is_painted_in_the_margin(qtbot, window):
    left, _right, _link = link_essay_to_minutes(qtbot, window)
    left.reader.scroll_to("essay/p8")
    ((rect, *_rest),) = left.reader.link_markers()
    assert rect.right() < left.reader.document().rootFrame().frameFormat().leftMargin()
    image = left.reader.viewport().grab().toImage()
    link = QColor(left.reader.theme.link)
    painted = [QColor(image.pixel(x, y)) for x in range(rect.left(), rect.right() + 1)
               for y in range(rect.top(), rect.bottom() + 1)]
    assert any(abs(c.red() - link.red()) + abs(c.green() - link.green())
               + abs(c.blue() - link.blue()) < 60 for c in painted)


def test_clicking_the_marker_shows_the_other_end_and_goes_there_in_the_other_pane(qtbot,
                                                                                  window):
    left, right, _link = link_essay_to_minutes(qtbot, window, note="Quoted word for word.")
    right.navigator.navigate("letter", None)  # the other pane is elsewhere meanwhile
    left.reader.scroll_to("essay/p8")
    ((rect, *_rest),) = left.reader.link_markers()
    qtbot.mouseClick(left.reader.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(window.card.isVisible)
    labels = [w.text() for w in window.card.findChildren(type(window.location))
              if w.isVisible()]
    assert labels[:4] == ["Linked: supports", f"To {MINUTES}, ¶ 2:",
                          "“proprietorial instincts”", "Quoted word for word."]
    assert list(window.card.buttons) == ["link-go", "link-edit", "link-delete"]
    window.card.buttons["link-go"].click()
    assert right.reader.document_id == "minutes"
    assert right.reader.current_passage().id == "minutes/e2"
    start, end = marked_spans(right.reader)[0]
    assert right.reader.toPlainText()[start:end] == "proprietorial instincts"
    assert left.reader.document_id == "essay"  # the essay stays where it is
    # From the other end, the card leads back.
    ((rect, *_rest),) = right.reader.link_markers()
    qtbot.mouseClick(right.reader.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(window.card.isVisible)
    labels = [w.text() for w in window.card.findChildren(type(window.location))
              if w.isVisible()]
    assert labels[1] == f"From {ESSAY}, ¶ 8:"
    window.card.hide()


def test_linking_within_one_document_and_going_there_from_the_keyboard(qtbot, window):
    assert window.menus.actions["link-passages"] in window.reader.context_menu.actions()
    window.dialogs.ask_link = answer("see also")
    select_words(window, "essay/p3", "joined the party at the front")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    select_words(window, "essay/p20", "Workers Truth")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    (link,) = window.marks.notes.links()
    assert (link.first.document_id, link.second.document_id) == ("essay", "essay")
    assert markers(window.reader) == {"essay/p3": ["linked: see also ¶ 20"],
                                      "essay/p20": ["linked: ¶ 3 see also this"]}
    # The cursor in ¶ 3, and no mouse: Show Link opens the card, Enter goes there.
    window.navigator.navigate("essay", "essay/p3")
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL | SHIFT)
    qtbot.waitUntil(window.card.isVisible)
    qtbot.keyClick(window.card.buttons["link-go"], Qt.Key.Key_Return)
    assert not window.side_by_side  # one pane: it goes there in the same pane
    assert window.reader.current_passage().id == "essay/p20"
    start, end = marked_spans(window.reader)[0]
    assert window.reader.toPlainText()[start:end] == "Workers Truth"


def test_escape_or_a_second_press_without_words_gives_the_link_up(qtbot, window):
    window.dialogs.ask_link = ask = answer("supports")
    select_words(window, "essay/p3", "joined the party")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    assert window.menus.actions["cancel-link"].isEnabled()
    # Escape in a panel keeps its meaning there: the keyboard goes back to the text.
    window.activateWindow()
    window.focus_search()
    qtbot.waitUntil(window.search.field.hasFocus)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.reader.hasFocus)
    assert window.linking.pending is not None
    qtbot.keyClick(window.reader, Qt.Key.Key_Escape)  # in the text, it gives the link up
    assert window.linking.pending is None
    assert window.statusBar().currentMessage() == "No link made."
    select_words(window, "essay/p3", "joined the party")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    window.reader.setTextCursor(QTextCursor(window.reader.document()))  # nothing selected
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    assert window.linking.pending is None
    assert ask.asked == [] and window.marks.notes.links() == []
    # Cancelling the dialog keeps the first end: another second end may be chosen.
    window.dialogs.ask_link = lambda *_a, **_k: None
    select_words(window, "essay/p3", "joined the party")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    select_words(window, "essay/p4", "Within a year")
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    assert window.linking.pending is not None and window.marks.notes.links() == []
    # Words across passages cannot be one end.
    window.linking.cancel()
    cursor = window.reader.textCursor()
    cursor.setPosition(cursor.position() + 300, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    qtbot.keyClick(window.reader, Qt.Key.Key_L, CTRL)
    assert window.linking.pending is None
    assert "words of one passage" in window.statusBar().currentMessage()


def test_deleting_a_link_from_its_card_and_undoing_it(qtbot, window):
    left, right, link = link_essay_to_minutes(qtbot, window, note="kept")
    left.reader.scroll_to("essay/p8")
    window.linking.show_link(left, link.id, link.first.selector.uri, QPoint(10, 10))
    window.card.buttons["link-delete"].click()
    assert window.marks.notes.links() == []
    assert markers(left.reader) == {} and markers(right.reader) == {}
    left.reader.setFocus()
    qtbot.keyClick(left.reader, Qt.Key.Key_Z, CTRL)
    assert window.marks.notes.links() == [link]  # exactly as it was
    assert list(markers(left.reader)) == ["essay/p8"]
    assert list(markers(right.reader)) == ["minutes/e2"]
    qtbot.keyClick(left.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.marks.notes.links() == []
    qtbot.keyClick(left.reader, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(left.reader, Qt.Key.Key_Z, CTRL)  # and the link's making
    assert window.marks.notes.links() == []


def test_editing_a_link_from_its_card_and_undoing_it(qtbot, window):
    left, _right, link = link_essay_to_minutes(qtbot, window, note="first thought")
    window.dialogs.ask_link = ask = answer("Contradicts", "second thought")
    window.linking.show_link(left, link.id, link.first.selector.uri, QPoint(10, 10))
    window.card.buttons["link-edit"].click()
    assert ask.asked[0][2] == {"relation": "supports", "note": "first thought"}
    edited = window.marks.notes.link(link.id)
    assert (edited.relation, edited.note) == ("contradicts", "second thought")
    assert markers(left.reader)["essay/p8"] == [f"linked: contradicts ¶ 2 of {MINUTES}"]
    assert window.marks.undo_stack.undoText() == "Edit Link Relation and Note"
    window.marks.undo_stack.undo()
    back = window.marks.notes.link(link.id)
    assert (back.relation, back.note, back.first, back.second) == \
        ("supports", "first thought", link.first, link.second)
    assert markers(left.reader)["essay/p8"] == [f"linked: supports ¶ 2 of {MINUTES}"]


def test_the_panel_lists_and_filters_links(qtbot, window):
    show_highlights(qtbot, window)
    select_words(window, "essay/p8", "had hoped")
    window.marking.highlight_selection("green")
    window.dialogs.ask_link = answer("echoes", "my own word")
    select_words(window, "essay/p3", "joined the party")
    window.linking.link_passages()
    select_words(window, "essay/p20", "Workers Truth")
    within = window.linking.link_passages()
    _left, _right, across = link_essay_to_minutes(qtbot, window, "supports")
    panel = window.highlights

    def shown() -> list[str]:
        return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]

    assert shown() == ["“joined the party” ⇄ “Workers Truth”", "had hoped",
                       "“private proprietorial instincts” ⇄ “proprietorial instincts”"]
    assert panel.count.text() == "1 highlight, 2 links."
    assert [panel.proxy.index(r, 0).data(KindRole) for r in range(3)] == \
        ["link", "highlight", "link"]
    assert panel.proxy.index(0, 0).data(LocationRole) == f"¶ 3 ⇄ ¶ 20 · {ESSAY}"
    assert panel.proxy.index(2, 0).data(LocationRole) == f"¶ 8 ⇄ ¶ 2 · {ESSAY} ⇄ {MINUTES}"
    lines = panel.list.itemDelegate().shown_lines(panel.proxy.index(0, 0))
    assert (lines["note"], lines["tags"]) == ("my own word", "Link: echoes")
    panel.kind.setCurrentIndex(panel.kind.findData("link"))
    panel.kind.activated.emit(panel.kind.currentIndex())
    assert len(shown()) == 2 and panel.count.text() == "0 of 1 highlight, 2 of 2 links."
    assert [panel.relation.itemText(i) for i in range(panel.relation.count())] == [
        "Any relation", "supports", "contradicts", "same event", "see also", "echoes"]
    panel.relation.setCurrentIndex(panel.relation.findData("supports"))
    panel.relation.activated.emit(panel.relation.currentIndex())
    assert shown() == ["“private proprietorial instincts” ⇄ “proprietorial instincts”"]
    panel.kind.setCurrentIndex(0)
    panel.kind.activated.emit(0)
    panel.relation.setCurrentIndex(0)
    panel.relation.activated.emit(0)
    panel.document.setCurrentIndex(panel.document.findData("minutes"))  # by either end
    panel.document.activated.emit(panel.document.currentIndex())
    assert len(shown()) == 1
    panel.document.setCurrentIndex(0)
    panel.document.activated.emit(0)
    # A click on a link goes to its first end, in the pane being read.
    window.panes[MAIN].reader.setFocus()
    qtbot.waitUntil(lambda: window.active is window.panes[MAIN])
    window.navigator.navigate("letter", None)
    index = panel.proxy.index(2, 0)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.list.visualRect(index).center())
    assert window.reader.current_passage().id == "essay/p8"
    assert panel.reattach_button.isEnabled() is False  # both ends found: nothing to attach
    assert panel.current_id() == across.id
    panel.delete_button.click()
    assert window.marks.notes.links() == [within]


def test_the_panel_model_with_links_passes_the_model_tester(qtmodeltester, qtbot, window):
    link_essay_to_minutes(qtbot, window)
    select_words(window, "essay/p8", "had hoped")
    window.marking.highlight_selection()
    model = HighlightsModel(window.marks)
    model.reload()
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    show_highlights(qtbot, window)
    window.highlights.proxy.set_filter(kind="link", relation="supports")
    assert window.highlights.proxy.rowCount() == 1
    qtmodeltester.check(window.highlights.proxy)


def changed_archive(tmp_path: Path, edit) -> Path:
    """The shipped archive built again from its sources after ``edit`` of the essay's text."""
    resources = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", resources)
    source = resources / "communists-dilemma.pdf-extract.txt"
    source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "changed.db"
    build(resources, out)
    return out


def test_a_link_is_placed_again_when_the_archive_changed(qtbot, open_window, tmp_path):
    first = open_window()
    first.dialogs.ask_link = answer("contradicts", "kept")
    select_words(first, "essay/p3", "joined the party at the front")
    first.linking.link_passages()
    select_words(first, "essay/p20", "Such insightful attempts at analysis were not welcome.")
    first.linking.link_passages()
    (link,) = first.marks.notes.links()
    first.close()

    def edit(text: str) -> str:
        for old, new in (("volunteered to fight the Whites anyway, and",
                          "volunteered, grieving, to fight the Whites anyway, and"),
                         ("were not welcome. ", "")):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        return text

    window = open_window(changed_archive(tmp_path, edit))
    placed = window.marks.notes.link(link.id)
    assert (placed.first.state, placed.second.state) == ("moved", ORPHANED)
    show_highlights(qtbot, window)
    index = window.highlights.proxy.index(0, 0)
    assert index.data(StateRole) == ORPHANED
    assert index.data(LocationRole) == f"¶ 3 ⇄ no longer found · {ESSAY}"
    assert window.highlights.list.itemDelegate().shown_lines(index)["where"].startswith(
        "Orphaned · ")
    window.navigator.navigate("essay", "essay/p3")
    assert markers(window.reader) == {  # only the end still found is marked
        "essay/p3": [f"linked: contradicts words no longer found in {ESSAY}"]}
    # The lost end is attached again to words the person selects.
    window.highlights.list.setCurrentIndex(index)
    assert window.highlights.reattach_button.isEnabled()
    select_words(window, "essay/p20", "Such insightful attempts at analysis")
    window.highlights.reattach_button.click()
    again = window.marks.notes.link(link.id)
    assert (again.second.state, again.second.selector.exact) == \
        (ANCHORED, "Such insightful attempts at analysis")
    assert set(markers(window.reader)) == {"essay/p3", "essay/p20"}
    window.marks.undo_stack.undo()
    back = window.marks.notes.link(link.id)
    assert (back.first, back.second, back.relation, back.note) == \
        (placed.first, placed.second, placed.relation, placed.note)


def test_a_link_is_exported_from_the_file_menu(qtbot, window, tmp_path):
    link_essay_to_minutes(qtbot, window, "supports", "The essay quotes the minutes.")
    dialog = ExportDialog(window, window.marks, window.settings)
    assert dialog.document.findData("minutes") >= 0  # a document with a link's end
    dialog.deleteLater()
    target = tmp_path / "links.json"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "json", target, Selection(document="minutes"))
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_E, CTRL | SHIFT)
    (item,) = json.loads(target.read_text(encoding="utf-8"))["first"]["items"]
    assert item["motivation"] == "linking"
    assert [b["value"] for b in item["body"]] == ["supports", "The essay quotes the minutes."]
    assert [t["selector"][0]["exact"] for t in item["target"]] == [
        "private proprietorial instincts", "proprietorial instincts"]


@pytest.mark.parametrize(("typed", "kept"), [("  Same   EVENT ", "same event"),
                                             ("prefigures", "prefigures")])
def test_the_link_dialog_takes_a_relation_offered_or_one_s_own(qtbot, window, typed, kept):
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LinkDialog)
        dialog.relation.setCurrentText("")
        dialog.ok.click()  # an empty relation is refused, and the dialog stays
        assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
        assert dialog.error.text().startswith("A link's relation must be a word or a few")
        dialog.relation.setCurrentText(typed)
        qtbot.keyClicks(dialog.note, "a note")
        dialog.ok.click()

    QTimer.singleShot(0, fill)
    assert window.dialogs.ask_link("first words", "second words") == (kept, "a note")
