"""Export and import from the File menu, with the dialog, progress and cancel."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from desktop.gui import exchange
from desktop.gui.exchange import ExportChoice, ExportDialog
from desktop.notes.export import Selection
from tests.gui.test_marks import select_words

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def make_marks(window) -> None:
    select_words(window, "essay/p8", "proprietorial instincts")
    window.marks.edit(window.highlight_selection("green"), note="<b>kept as text</b>",
                      tags=["property"])
    window.navigate("essay", "essay/p20")
    window.toggle_bookmark()


def test_export_from_the_menu_writes_the_chosen_format(qtbot, window, tmp_path):
    make_marks(window)
    target = tmp_path / "mine.json"
    window.ask_export = lambda: ExportChoice("json", target, Selection())
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_E, CTRL_SHIFT)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["total"] == 2
    assert "Exported 2 annotations and bookmarks" in window.statusBar().currentMessage()


def test_export_asks_before_replacing_a_file(window, tmp_path):
    make_marks(window)
    target = tmp_path / "old.md"
    target.write_text("keep me")
    window.ask_export = lambda: ExportChoice("markdown", target, Selection())
    asked = []
    window.confirm = lambda question: asked.append(question) or False
    assert window.export_annotations() is None
    assert asked == ["old.md already exists. Replace it?"]
    assert target.read_text() == "keep me"
    window.confirm = lambda question: True
    assert window.export_annotations() == target
    assert target.read_text(encoding="utf-8").startswith("# Annotations")


def test_a_cancelled_export_writes_nothing(window, tmp_path, monkeypatch):
    make_marks(window)
    target = tmp_path / "never.csv"
    window.ask_export = lambda: ExportChoice("csv", target, Selection())
    monkeypatch.setattr(exchange.Progress, "__call__", lambda self, done, total: False)
    assert window.export_annotations() is None
    assert not target.exists()
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written."


def test_the_dialog_offers_the_choices_and_remembers_them(qtbot, window, tmp_path):
    make_marks(window)
    dialog = ExportDialog(window, window.archive, window.notes, window.settings)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.path.text().endswith(".csv")
    dialog.tag.setCurrentIndex(dialog.tag.findData("property"))
    dialog.colour.setCurrentIndex(dialog.colour.findData("green"))
    dialog.document.setCurrentIndex(dialog.document.findData("essay"))
    dialog.path.setText(str(tmp_path / "x.csv"))
    dialog.remember()
    again = ExportDialog(window, window.archive, window.notes, window.settings)
    qtbot.addWidget(again)
    choice = again.choice()
    assert choice.fmt == "csv" and choice.selection == Selection("essay", "property", "green")
    assert choice.path.parent == tmp_path
    assert choice.path.name.startswith("archive-browser-annotations-")


def test_import_from_the_menu_shows_the_marks(qtbot, window, tmp_path):
    make_marks(window)
    exported = tmp_path / "all.json"
    window.ask_export = lambda: ExportChoice("json", exported, Selection())
    window.export_annotations()
    for h in window.notes.highlights():
        window.notes.delete_highlight(h.id)
    window.marks.changed.emit()
    questions = []
    window.ask_import_file = lambda: exported
    window.confirm = lambda question: questions.append(question) or True
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_I, CTRL_SHIFT)
    assert questions == ["Import all.json? Would add 1 and update 0; 1 already present."]
    (h,) = window.notes.highlights()
    assert h.note == "<b>kept as text</b>"
    window.navigate("essay", "essay/p8")
    text = window.reader.toPlainText()
    assert [text[s:e] for s, e in window.reader.highlighted_spans()] == [
        "proprietorial instincts"]


def test_a_hostile_file_is_refused_with_a_message(window, tmp_path):
    make_marks(window)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "a", "id": "b"}]')
    told = []
    window.ask_import_file = lambda: bad
    window.tell = told.append
    before = window.notes.highlights()
    assert window.import_annotations() is None
    assert told == ["Nothing was imported. The file repeats the key “id” in one object."]
    assert window.notes.highlights() == before


def test_exporting_to_a_folder_says_it_is_a_folder_and_asks_nothing(window, tmp_path):
    make_marks(window)
    folder = tmp_path / "exports"
    folder.mkdir()
    window.ask_export = lambda: ExportChoice("markdown", folder, Selection())
    asked: list[str] = []
    told: list[str] = []
    window.confirm = lambda question: asked.append(question) or True
    window.tell = told.append
    assert window.export_annotations() is None
    assert asked == []
    assert told == [f"The annotations could not be exported: {folder} is a folder; give "
                    "the name of a file in it to export to."]
    assert list(folder.iterdir()) == []
