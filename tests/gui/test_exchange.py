"""Export and import from the File menu, with the dialog, progress and cancel."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressDialog, QPushButton

from desktop.gui import progress
from desktop.gui.export_dialog import ExportChoice, ExportDialog
from desktop.notes import importer
from desktop.notes.export import Selection
from tests.gui.test_marks import select_words
from tests.helpers import highlighted_spans

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def make_marks(window) -> None:
    select_words(window, "essay/p8", "proprietorial instincts")
    window.marks.edit(window.marking.highlight_selection("green"), note="<b>kept as text</b>",
                      tags=["property"])
    window.navigator.navigate("essay", "essay/p20")
    window.marking.toggle_bookmark()


def exported_then_removed(window, tmp_path) -> Path:
    """An export of the window's marks, which are then deleted: importing adds them."""
    make_marks(window)
    exported = tmp_path / "all.json"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "json", exported, Selection())
    window.files.export_annotations()
    for h in window.marks.notes.highlights():
        window.marks.notes.delete_highlight(h.id)
    window.marks.imported()
    return exported


def test_export_from_the_menu_writes_the_chosen_format(qtbot, window, tmp_path):
    make_marks(window)
    target = tmp_path / "mine.json"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "json", target, Selection())
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_E, CTRL_SHIFT)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["total"] == 2
    assert "Exported 2 annotations and bookmarks" in window.statusBar().currentMessage()


def test_export_asks_before_replacing_a_file(window, tmp_path):
    make_marks(window)
    target = tmp_path / "old.md"
    target.write_text("keep me")
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "markdown", target, Selection())
    asked = []
    window.dialogs.confirm = lambda question: asked.append(question) or False
    assert window.files.export_annotations() is None
    assert asked == ["old.md already exists. Replace it?"]
    assert target.read_text() == "keep me"
    window.dialogs.confirm = lambda question: True
    assert window.files.export_annotations() == target
    assert target.read_text(encoding="utf-8").startswith('---\ntitle: "Annotations')


def test_a_cancelled_export_writes_nothing(window, tmp_path, monkeypatch):
    make_marks(window)
    target = tmp_path / "never.csv"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "csv", target, Selection())
    monkeypatch.setattr(progress.ProgressDialog, "__call__", lambda self, done, total: False)
    assert window.files.export_annotations() is None
    assert not target.exists()
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written."


def test_the_dialog_offers_the_choices_and_remembers_them(qtbot, window, tmp_path):
    make_marks(window)
    dialog = ExportDialog(window, window.marks, window.settings)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.path.text().endswith(".csv")
    dialog.tag.setCurrentIndex(dialog.tag.findData("property"))
    dialog.colour.setCurrentIndex(dialog.colour.findData("green"))
    dialog.document.setCurrentIndex(dialog.document.findData("essay"))
    dialog.path.setText(str(tmp_path / "x.csv"))
    dialog.remember()
    again = ExportDialog(window, window.marks, window.settings)
    qtbot.addWidget(again)
    choice = again.choice()
    assert choice.fmt == "csv" and choice.selection == Selection("essay", "property", "green")
    assert choice.path.parent == tmp_path
    assert choice.path.name.startswith("archive-browser-annotations-")


def test_import_from_the_menu_shows_the_marks(qtbot, window, tmp_path):
    exported = exported_then_removed(window, tmp_path)
    questions = []
    window.dialogs.ask_import_file = lambda _folder: exported
    window.dialogs.confirm = lambda question: questions.append(question) or True
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_I, CTRL_SHIFT)
    assert questions == ["Import all.json? Would add 1 and update 0; 1 already present."]
    (h,) = window.marks.notes.highlights()
    assert h.note == "<b>kept as text</b>"
    window.navigator.navigate("essay", "essay/p8")
    text = window.reader.toPlainText()
    assert [text[s:e] for s, e in highlighted_spans(window.reader)] == [
        "proprietorial instincts"]


def test_a_hostile_file_is_refused_with_a_message(window, tmp_path):
    make_marks(window)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "a", "id": "b"}]')
    told = []
    window.dialogs.ask_import_file = lambda _folder: bad
    window.dialogs.tell = told.append
    before = window.marks.notes.highlights()
    assert window.files.import_annotations() is None
    assert told == ["Nothing was imported. The file repeats the key “id” in one object."]
    assert window.marks.notes.highlights() == before


def test_exporting_to_a_folder_says_it_is_a_folder_and_asks_nothing(window, tmp_path):
    make_marks(window)
    folder = tmp_path / "exports"
    folder.mkdir()
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "markdown", folder, Selection())
    asked: list[str] = []
    told: list[str] = []
    window.dialogs.confirm = lambda question: asked.append(question) or True
    window.dialogs.tell = told.append
    assert window.files.export_annotations() is None
    assert asked == []
    assert told == [f"The annotations could not be exported: {folder} is a folder; give "
                    "the name of a file in it to export to."]
    assert list(folder.iterdir()) == []


def test_the_window_answers_while_an_import_works_and_cancel_changes_nothing(
        qtbot, window, tmp_path, monkeypatch):
    exported = exported_then_removed(window, tmp_path)
    started, release = threading.Event(), threading.Event()
    real = importer.read_json

    def blocked(path):
        started.set()
        release.wait(timeout=30)  # set by the window below; bounds only a failing run
        return real(path)

    monkeypatch.setattr(importer, "read_json", blocked)
    answered = []

    def while_blocked() -> None:
        # Runs on the GUI thread while the import is held inside the file's reading.
        if not started.is_set() or answered:
            return
        answered.append(not release.is_set())
        (dialog,) = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        dialog.findChild(QPushButton).click()  # its Cancel button
        release.set()

    timer = QTimer(window)
    timer.timeout.connect(while_blocked)
    timer.start(5)
    window.dialogs.ask_import_file = lambda _folder: exported
    window.dialogs.confirm = lambda question: pytest.fail(f"a cancelled import asked {question!r}")
    before = window.marks.notes.highlights(), window.marks.notes.bookmarks()
    assert window.files.import_annotations() is None
    timer.stop()
    assert answered == [True]
    assert window.statusBar().currentMessage() == "Import cancelled; nothing was changed."
    assert (window.marks.notes.highlights(), window.marks.notes.bookmarks()) == before


def test_the_file_is_read_and_placed_once_for_the_preview_and_the_import(
        window, tmp_path, monkeypatch):
    exported = exported_then_removed(window, tmp_path)
    reads, placed = [], []
    real_read, real_place = importer.read_json, importer._place
    monkeypatch.setattr(importer, "read_json", lambda path: reads.append(path) or
                        real_read(path))
    monkeypatch.setattr(importer, "_place", lambda *args: placed.append(args) or
                        real_place(*args))
    window.dialogs.ask_import_file = lambda _folder: exported
    window.dialogs.confirm = lambda question: True
    report = window.files.import_annotations()
    assert (report.added, report.unchanged) == (1, 1)
    assert reads == [exported] and len(placed) == 1
    assert [h.note for h in window.marks.notes.highlights()] == ["<b>kept as text</b>"]


def test_a_mark_imported_with_a_far_future_date_can_be_edited_in_its_card(
        qtbot, window, tmp_path):
    passage = window.archive.passage("essay/p25")
    item = {"id": "urn:x:future", "type": "Annotation", "motivation": "commenting",
            "modified": "9999-12-31T23:59:59.999Z",
            "body": {"type": "TextualBody", "value": "from a clock far ahead"},
            "target": {"source": passage.uri, "selector": [
                {"type": "TextQuoteSelector", "exact": "the security police to decide"}]}}
    path = tmp_path / "future.json"
    path.write_text(json.dumps([item]))
    window.dialogs.ask_import_file = lambda _folder: path
    window.dialogs.confirm = lambda question: True
    report = window.files.import_annotations()
    assert "set to the time of the import" in report.describe()
    (mark,) = window.marks.notes.highlights()
    editor = window.note_editor
    editor.open_for(mark.id, QPoint(50, 50))
    qtbot.waitUntil(editor.isVisible)
    editor.note.selectAll()
    qtbot.keyClicks(editor.note, "typed after the import")
    qtbot.waitUntil(lambda: editor.status.text() == "Saved.", timeout=3000)
    assert window.marks.notes.highlight(mark.id).note == "typed after the import"
    window.close()  # closing saves and must not fail
    assert window.marks.notes.highlight(mark.id).note == "typed after the import"


def test_no_to_replacing_a_file_comes_back_to_the_dialog(qtbot, window, tmp_path):
    make_marks(window)
    target = tmp_path / "old.md"
    target.write_text("keep me")
    dialog = ExportDialog(window, window.marks, window.settings)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(target))
    answers = [False, True]
    asked = []
    dialog.ask_replace = lambda path: asked.append(path) or answers.pop(0)
    dialog.show()
    export = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    assert asked == [target]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is dialog.path and dialog.path.selectedText() == str(target)
    assert not dialog.choice().replace
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice().replace and dialog.choice().path == target
    assert target.read_text() == "keep me"  # the dialog chooses; the export writes


def test_a_new_file_is_exported_without_a_question(qtbot, window, tmp_path):
    dialog = ExportDialog(window, window.marks, window.settings)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "new.md"))
    dialog.ask_replace = lambda path: pytest.fail(f"asked about {path}")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.choice().replace
