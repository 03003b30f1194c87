"""Opening another archive: its own position, its own marks, remembered for next time."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from desktop.archive.errors import ArchiveError
from desktop.archive.folder import build_folder
from desktop.gui.app import last_archive
from tests.gui.test_marks import select_words
from tests.helpers import highlighted_spans


def other_archive(tmp_path: Path) -> Path:
    source = tmp_path / "Other Texts"
    source.mkdir()
    for n in range(3):
        paragraphs = "\n\n".join(f"Paragraph {p} of text {n}, about the soviet." for p in
                                 range(1, 40))
        (source / f"text-{n}.txt").write_text(f"Text Number {n}\n\n{paragraphs}\n")
    out = tmp_path / "other.db"
    build_folder(source, out)
    return out


def test_open_another_archive_keeps_positions_and_marks_apart(qtbot, window, tmp_path,
                                                              shipped_archive):
    select_words(window, "essay/p8", "proprietorial instincts")
    window.marking.highlight_selection()
    window.navigator.navigate("essay", "essay/p30")
    path = other_archive(tmp_path)
    window.dialogs.ask_archive_file = lambda _folder: path
    gc.freeze()  # as a launch sets aside what it made, once its window is up
    other = window.files.open_archive()

    assert not window.isVisible() and other.isVisible()
    assert gc.get_freeze_count() == 0  # the first window's objects can be collected
    assert other.windowTitle() == "Text Number 0 — Archive Browser"
    assert other.marks.highlights() == []
    assert highlighted_spans(other.reader) == []
    other.navigator.navigate("text-1", "text-1/p20")
    back = other.files.open_in_place(shipped_archive)

    qtbot.waitUntil(lambda: back.reader.current_passage().id == "essay/p30")
    back.navigator.navigate("essay", "essay/p8")
    assert len(highlighted_spans(back.reader)) == 1
    again = back.files.open_in_place(path)

    qtbot.waitUntil(lambda: again.reader.current_passage().id == "text-1/p20")
    assert last_archive(Path("/nowhere")) == path.resolve()
    again.close()
    for w in (other, back, again):
        w.archive.close()


def test_a_bad_archive_is_refused_and_the_window_stays(window, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not an archive")
    told = []
    window.dialogs.tell = told.append
    window.dialogs.ask_archive_file = lambda _folder: bad
    assert window.files.open_archive() is None
    assert window.isVisible()
    assert told == [f"The archive {bad} cannot be read: it is not an SQLite database, or it "
                    "is damaged (file is not a database)."]


def test_the_last_archive_is_forgotten_if_it_is_gone(tmp_path, data_dir, qapp):
    from desktop.gui import settings as keys
    from desktop.gui.settings import open_settings as settings

    settings().set(keys.LAST_ARCHIVE, str(tmp_path / "gone.db"))
    assert last_archive(tmp_path / "default.db") == tmp_path / "default.db"


def test_a_replaced_window_is_closed_and_let_go(qtbot, window, opened, tmp_path):
    import shiboken6

    ((application, _first),) = opened
    path = other_archive(tmp_path)
    old_archive = window.archive
    other = window.files.open_in_place(path)
    assert application.windows == [other]
    with pytest.raises(ArchiveError):
        old_archive.document("essay")  # closed with its window
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # deleted, with its search thread


def test_a_panel_layout_saved_before_the_highlights_panel_was_renamed_is_found(
        qtbot, open_window, data_dir):
    from desktop.gui import settings as keys
    from desktop.gui.settings import open_settings

    stored = open_settings()
    stored.set(keys.FRONT_PANELS, "contents-dock,annotations-dock")
    stored.sync()
    window = open_window()
    qtbot.waitUntil(lambda: not window.docks["highlights"].visibleRegion().isEmpty())
