"""Text-direction controls in a person's notes and labels (tags never keep them) are
shown by name and never reorder what is around them; what is stored stays as typed."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QToolTip

from desktop.notes.visible import HIDDEN
from tests.gui.test_marks import select_words, show_highlights
from tests.helpers import highlighted_spans

RLO = "\u202e"
NOTE = f"{RLO}evil"  # on screen, the override turns "evil" into "live"


def note_with_override(qtbot, window) -> str:
    show_highlights(qtbot, window)
    select_words(window, "essay/p30", "heckled and jeered")
    highlight_id = window.marking.highlight_selection()
    window.marks.edit(highlight_id, note=NOTE)
    return highlight_id


def test_the_highlights_panel_shows_the_controls_by_name(qtbot, window):
    note_with_override(qtbot, window)
    index = window.highlights.list.model().index(0, 0)
    lines = window.highlights.list.itemDelegate().shown_lines(index)
    assert lines["note"] == "[U+202E]evil"
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    shown = [*lines.values(), tooltip, index.data(Qt.ItemDataRole.DisplayRole)]
    assert "[U+202E]evil" in tooltip
    assert not [text for text in shown if HIDDEN.search(text)]
    (stored,) = window.marks.notes.highlights()
    assert stored.note == NOTE


def test_a_bookmark_label_shows_the_control_by_name(qtbot, window, monkeypatch):
    window.navigator.navigate("essay", "essay/p3")
    window.reader.setFocus()
    monkeypatch.setattr(window.dialogs, "ask_label", lambda: f"{RLO}evil")
    window.marking.bookmark_with_label()
    index = window.bookmarks.model.index(0)
    assert index.data() == "[U+202E]evil — The communists’ dilemma, ¶ 3"
    assert index.data(Qt.ItemDataRole.EditRole) == f"{RLO}evil"  # edited as typed
    assert [b.label for b in window.marks.notes.bookmarks()] == [f"{RLO}evil"]


def test_the_note_on_hover_shows_the_control_by_name(qtbot, window):
    note_with_override(qtbot, window)
    start, _end = highlighted_spans(window.reader)[0]
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start + 2)
    point = window.reader.cursorRect(cursor).center()
    qtbot.mouseMove(window.reader.viewport(), point)
    qtbot.waitUntil(QToolTip.isVisible)
    assert "[U+202E]evil" in QToolTip.text()
    assert not HIDDEN.search(QToolTip.text())


def test_the_note_card_keeps_the_note_as_typed_and_names_the_control(qtbot, window):
    highlight_id = note_with_override(qtbot, window)
    editor = window.note_editor
    editor.open_for(highlight_id, QPoint(50, 50))
    qtbot.waitUntil(editor.isVisible)
    assert editor.note.toPlainText() == NOTE  # the person edits what they wrote
    assert "U+202E" in editor.status.text()
    for label in (editor.quote, editor.status):
        assert not HIDDEN.search(label.text())
    editor.hide()
    assert window.marks.notes.highlight(highlight_id).note == NOTE
