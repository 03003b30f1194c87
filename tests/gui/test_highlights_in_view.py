"""A document's highlights in the text, read as they come into view: those of the
passages in view are drawn at the first paint, those further on when the text scrolls
to them; a note is read when it is shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QToolTip

from desktop.archive.store import Archive
from desktop.gui.theme import colour
from desktop.notes.anchoring import select
from desktop.notes.marks import COLOURS
from desktop.notes.store import Notes
from tests.helpers import highlighted_spans


def highlight_every_passage(data_dir: Path, shipped_archive: Path) -> dict[str, tuple[str, str]]:
    """Before the application starts: two words of every passage of the essay
    highlighted, each with a note naming its passage; passage id -> (colour, note)."""
    archive = Archive(shipped_archive)
    notes = Notes(data_dir)
    made = {}
    for n, passage in enumerate(p for p in archive.passages("essay") if len(p.text) > 12):
        name = COLOURS[n % len(COLOURS)]
        note = f"the note of {passage.id}"
        notes.add_highlight(archive.archive_id, "essay",
                            select(passage.uri, passage.text, 2, 10), name, note=note)
        made[passage.id] = (name, note)
    notes.close()
    archive.close()
    return made


def drawn(window) -> dict[int, set[tuple[int, int, str]]]:
    """What the text paints of highlights now: block -> {(start, end, colour's #rgb)}."""
    reader = window.reader
    search = {(s.cursor.selectionStart(), s.cursor.selectionEnd())
              for s in reader._search_marks + reader._name_marks}
    painted: dict[int, set[tuple[int, int, str]]] = {}
    for selection in reader.extraSelections():
        start, end = selection.cursor.selectionStart(), selection.cursor.selectionEnd()
        if (start, end) in search:
            continue
        block = reader.document().findBlock(start)
        painted.setdefault(block.blockNumber(), set()).add(
            (start - block.position(), end - block.position(),
             selection.format.background().color().name()))
    return painted


def point_in(window, passage_id: str):  # type: ignore[no-untyped-def]
    reader = window.reader
    block = reader.document().findBlockByNumber(reader.layout_.block_of[passage_id])
    cursor = QTextCursor(reader.document())
    cursor.setPosition(block.position() + 5)
    return reader.cursorRect(cursor).center()


def test_the_passages_in_view_are_drawn_first_and_the_others_as_they_come(
        qtbot, open_window, data_dir, shipped_archive):
    made = highlight_every_passage(data_dir, shipped_archive)
    window = open_window()
    reader, shown = window.reader, window.marks_in_text.highlights
    block_of = reader.layout_.block_of
    uri_of = {p.id: p.uri for p in window.archive.passages("essay")}
    last = max(made, key=lambda passage_id: block_of[passage_id])
    # At the first paint: the passages about the view, not the whole document.
    assert uri_of[last] not in shown.passages_read()
    first_in_view = reader.current_passage().id
    assert uri_of[first_in_view] in shown.passages_read()
    painted = drawn(window)
    name, _note = made[first_in_view]
    assert painted[block_of[first_in_view]] == {(2, 10, colour(name).name())}
    assert block_of[last] not in painted

    reader.verticalScrollBar().setValue(reader.verticalScrollBar().maximum())
    painted = drawn(window)
    name, note = made[last]
    assert painted[block_of[last]] == {(2, 10, colour(name).name())}
    assert uri_of[last] in shown.passages_read()
    assert reader.highlights_at(point_in(window, last))[0][1] == note

    # Every highlight of the document is there to be drawn, where its words are.
    positions = {(reader.document().findBlockByNumber(block_of[p]).position() + 2)
                 for p in made}
    assert {start for start, _end in highlighted_spans(reader)} == positions


def test_a_hover_shows_the_note_read_then(qtbot, open_window, data_dir, shipped_archive):
    made = highlight_every_passage(data_dir, shipped_archive)
    window = open_window()
    passage_id = window.reader.current_passage().id
    window.marks.edit(next(h.id for h in window.marks.highlights()
                           if h.selector.uri.endswith(f"/{passage_id}")), note="changed since")
    qtbot.mouseMove(window.reader.viewport(), point_in(window, passage_id))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == "changed since"
    assert made[passage_id][1] != "changed since"


def test_a_highlight_made_where_nothing_was_read_yet_is_drawn_when_it_comes_into_view(
        qtbot, open_window, data_dir, shipped_archive):
    highlight_every_passage(data_dir, shipped_archive)
    window = open_window()
    reader = window.reader
    far = [p for p in window.archive.passages("essay") if len(p.text) > 40][-1]
    assert far.uri not in window.marks_in_text.highlights.passages_read()
    window.marks.add_highlight(far, 20, 30, "pink")
    reader.verticalScrollBar().setValue(reader.verticalScrollBar().maximum())
    assert {start for start, _end, _colour in drawn(window)[reader.layout_.block_of[far.id]]} \
        == {2, 20}


def test_a_window_made_taller_draws_the_passages_it_now_shows(
        qtbot, open_window, data_dir, shipped_archive):
    made = highlight_every_passage(data_dir, shipped_archive)
    window = open_window()
    reader = window.reader
    block_of = reader.layout_.block_of
    reader.verticalScrollBar().setValue(0)
    before = reader.viewport().height()
    bottom_before = reader.block_at(before).blockNumber()
    window.resize(window.width(), window.height() + 1200)
    qtbot.waitUntil(lambda: reader.viewport().height() > before + 600)
    bottom = reader.block_at(reader.viewport().height()).blockNumber()
    shown = [p for p in made if block_of[p] <= bottom]
    assert any(block_of[p] > bottom_before + 3 for p in shown)  # beyond what was drawn
    painted = drawn(window)
    assert all(block_of[p] in painted for p in shown), \
        [p for p in shown if block_of[p] not in painted]
