"""Change records: each view updates what a change names, from the record, and a view
that does not show that kind of mark ignores it."""

from __future__ import annotations

from desktop.notes.changes import ADDED, BOOKMARKS, DELETED, HIGHLIGHTS, Change
from tests.gui.test_marks import select_words, show_highlights
from tests.helpers import highlighted_spans


def recorded(window) -> list[Change]:
    seen: list[Change] = []
    window.marks.changed.connect(seen.append)
    return seen


def count_reads(window, monkeypatch) -> dict[str, int]:
    """How often the views ask the notes for every highlight or bookmark again. The
    text reads a passage's highlights when it first comes into view: only a passage
    read again counts (or every passage of the document read at once)."""
    reads = {"highlights": 0, "bookmarks": 0, "shown_in": 0}
    read = set(window.marks_in_text.highlights.passages_read())
    for name in reads:
        original = getattr(window.marks, name)

        def counted(*args, _name=name, _original=original):  # type: ignore[no-untyped-def]
            if _name == "shown_in":
                uris = args[1] if len(args) > 1 else None
                if uris is not None and not read & set(uris):
                    read.update(uris)
                    return _original(*args)
            reads[_name] += 1
            return _original(*args)

        monkeypatch.setattr(window.marks, name, counted)
    return reads


def test_each_operation_announces_what_it_changed(window):
    seen = recorded(window)
    select_words(window, "essay/p8", "proprietorial instincts")
    made = window.marking.highlight_selection()
    window.marks.edit(made, note="his own", tags=["property"])
    window.marks.delete(made)
    window.marks.undo_stack.undo()
    window.marking.toggle_bookmark()
    assert [(c.kind, set(c.ids), set(c.fields)) for c in seen] == [
        (HIGHLIGHTS, {made}, {ADDED}),
        (HIGHLIGHTS, {made}, {"note", "tags"}),
        (HIGHLIGHTS, {made}, {DELETED}),
        (HIGHLIGHTS, {made}, {ADDED}),
        (BOOKMARKS, {seen[-1].marks[0].id}, {ADDED}),
    ]
    # The record carries the mark as it now is, so that no view reads it again.
    assert seen[1].mark(made).note == "his own"
    assert seen[1].mark(made).tags == ("property",)


def test_a_highlight_made_or_deleted_changes_one_row_and_nothing_is_read_again(
        qtbot, window, monkeypatch):
    show_highlights(qtbot, window)
    select_words(window, "essay/p8", "proprietorial instincts")
    window.marking.highlight_selection()
    model = window.highlights.model
    resets: list[int] = []
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    reads = count_reads(window, monkeypatch)
    select_words(window, "essay/p3", "single parent")  # before ¶ 8 in reading order
    earlier = window.marking.highlight_selection()
    assert inserted == [(0, 0)]
    assert model.index(0).data() == "single parent"
    window.marks.edit(earlier, note="alone")
    window.marks.delete(earlier)
    assert removed == [(0, 0)]
    assert resets == []
    assert reads == {"highlights": 0, "bookmarks": 0, "shown_in": 0}
    assert window.highlights.count.text() == "1 highlight."
    assert len(highlighted_spans(window.reader)) == 1


def test_the_highlights_model_stays_sound_as_rows_come_and_go(qtbot, qtmodeltester, window):
    show_highlights(qtbot, window)
    for passage, words in (("essay/p8", "proprietorial"), ("essay/p3", "single parent"),
                           ("essay/p12", "the")):
        select_words(window, passage, words)
        window.marking.highlight_selection()
    qtmodeltester.check(window.highlights.model)
    window.marks.undo_stack.undo()
    window.marks.undo_stack.undo()
    qtmodeltester.check(window.highlights.model)
    window.highlights.model.reload()
    assert window.highlights.model.rowCount() == 1


def test_a_view_ignores_a_kind_it_does_not_show(qtbot, window, monkeypatch):
    show_highlights(qtbot, window)
    bookmark_resets: list[int] = []
    highlight_resets: list[int] = []
    window.bookmarks.model.modelReset.connect(lambda: bookmark_resets.append(1))
    window.highlights.model.modelReset.connect(lambda: highlight_resets.append(1))
    reads = count_reads(window, monkeypatch)
    select_words(window, "essay/p8", "proprietorial instincts")
    made = window.marking.highlight_selection()
    window.marks.edit(made, colour_name="pink")
    assert bookmark_resets == []  # the bookmarks panel does not reload for a highlight
    window.marking.toggle_bookmark()
    assert highlight_resets == []  # nor the highlights panel for a bookmark
    assert reads["highlights"] == 0 and reads["shown_in"] == 0
    assert window.reader.bookmarked  # the ribbon, from the record


def test_a_renamed_bookmark_is_redrawn_from_the_record(qtbot, window, monkeypatch):
    window.navigator.navigate("essay", "essay/p8")
    window.marking.toggle_bookmark()
    (bookmark,) = window.marks.bookmarks()
    resets: list[int] = []
    window.bookmarks.model.modelReset.connect(lambda: resets.append(1))
    reads = count_reads(window, monkeypatch)
    window.marks.rename_bookmark(bookmark.id, "the proprietors")
    assert resets == [] and reads["bookmarks"] == 0
    assert window.bookmarks.model.index(0).data().startswith("the proprietors — ")


def test_deleting_the_chosen_highlight_leaves_nothing_chosen(qtbot, window):
    show_highlights(qtbot, window)
    for passage, words in (("essay/p3", "single parent"), ("essay/p8", "proprietorial"),
                           ("essay/p12", "the")):
        select_words(window, passage, words)
        window.marking.highlight_selection()
    panel = window.highlights
    panel.list.setCurrentIndex(panel.proxy.index(1, 0))
    assert panel.delete_button.isEnabled()
    panel.delete_button.click()
    assert panel.model.rowCount() == 2
    assert not panel.list.currentIndex().isValid()
    assert not panel.delete_button.isEnabled()  # a second click deletes nothing
