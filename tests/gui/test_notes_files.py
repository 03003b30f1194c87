"""Damaged and read-only notes, as the window shows them."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt

from desktop.notes.store import FILE_NAME
from tests.gui.test_marks import CTRL, select_words
from tests.notes.test_damage import notes_with_a_backup, replace_byte


@pytest.mark.parametrize("marker", [b"CREATE TABLE highlights (", b"note number 1"])
def test_a_bad_byte_in_the_notes_is_repaired_when_the_window_opens(open_window, data_dir,
                                                                   marker):
    notes_with_a_backup(data_dir)
    replace_byte(data_dir / FILE_NAME, marker)
    window = open_window()
    told: list[str] = []
    window.dialogs.tell = told.append
    window.report_start()
    (message,) = told
    assert message.startswith("Your notes file was damaged.")
    assert len(window.marks.notes.highlights()) == 3


@pytest.mark.qt_no_exception_capture
def test_read_only_notes_are_shown_and_marking_says_they_are_read_only(
        qtbot, open_window, data_dir, read_only, monkeypatch):
    from desktop.gui import app as app_module

    notes_with_a_backup(data_dir)
    read_only(data_dir / FILE_NAME)
    window = open_window()
    told: list[str] = []
    window.dialogs.tell = told.append
    window.report_start()
    (message,) = told
    assert "is read-only, so your marks are shown but cannot be changed" in message
    assert len(window.marks.notes.highlights()) == 3
    # As a launch sets them up: errors in the window go to the application's hook.
    running = app_module.Application()
    running.windows.append(window)
    monkeypatch.setattr(sys, "excepthook", running.report_unexpected)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    select_words(window, "essay/p8", "proprietorial instincts")
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL)
    assert "is read-only, so this change was not saved" in window.statusBar().currentMessage()
    assert len(window.marks.notes.highlights()) == 3


def test_importing_into_read_only_notes_says_so_and_asks_nothing(open_window, data_dir,
                                                                 read_only):
    notes_with_a_backup(data_dir)
    for path in (data_dir / "backups", data_dir, data_dir / FILE_NAME):
        read_only(path)
    window = open_window()
    told: list[str] = []
    window.dialogs.tell = told.append
    window.dialogs.ask_import_file = lambda _folder: pytest.fail("a file was asked for")
    assert window.files.import_annotations() is None
    assert told == [f"Your notes file {data_dir / FILE_NAME} is read-only, so this change was "
                    "not saved; make it and its folder writable and start Archive Browser "
                    "again."]
    assert len(window.marks.notes.highlights()) == 3


def test_damage_met_as_the_window_opens_is_said_once_and_nothing_opens(
        data_dir, qapp, monkeypatch, capsys):
    from desktop.gui import app as app_module
    from desktop.gui.marks import Marks
    from desktop.notes.errors import NotesDamaged

    said = (f"Your notes in {data_dir} are damaged (database disk image is malformed); "
            "quit and start Archive Browser again to have them checked in full and "
            "restored from the newest sound backup.")

    def damaged(self):  # type: ignore[no-untyped-def]
        raise NotesDamaged(said, data_dir / FILE_NAME)

    monkeypatch.setattr(Marks, "reanchor", damaged)
    assert app_module.run(None) == 1
    assert capsys.readouterr().err == f"archive-browser: {said}\n"
