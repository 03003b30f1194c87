"""The Timeline panel: events by date under their years, going to the words that date
one, and the events of the passages in view marked as the reader moves."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.archive.store import Archive
from desktop.gui.index_models import (
    CurrentRole,
    EventIdRole,
    IsYearRole,
    LabelRole,
    SpotRole,
    TimelineModel,
    WhenRole,
)
from desktop.gui.models import LocationRole
from desktop.gui.panels.timeline import NO_TIMELINE
from tests.helpers import marked_spans


def years(model) -> dict[str, list[str]]:
    return {model.index(r, 0).data(): [model.index(e, 0, model.index(r, 0)).data(LabelRole)
                                       for e in range(model.rowCount(model.index(r, 0)))]
            for r in range(model.rowCount())}


def current_labels(model) -> list[str]:
    return [labels for labels in (
        model.index(e, 0, model.index(r, 0)).data(LabelRole)
        for r in range(model.rowCount()) for e in range(model.rowCount(model.index(r, 0)))
        if model.index(e, 0, model.index(r, 0)).data(CurrentRole))]


def event_index(model, label: str):
    for r in range(model.rowCount()):
        year = model.index(r, 0)
        for e in range(model.rowCount(year)):
            if model.index(e, 0, year).data(LabelRole) == label:
                return model.index(e, 0, year)
    raise AssertionError(label)


def test_events_come_in_date_order_under_their_years(indexed_window):
    assert years(indexed_window.timeline.model) == {
        "1918": ["The civil war"],
        "1920": ["Zinoviev speaks at a special party conference"],
        # A year alone before a month of it, a range by its start.
        "1921": ["The Workers Truth group is formed", "The uprising at Kronshtadt",
                 "Soviet elections"],
        "1922": ["Moscow communists discuss Petrzhek’s letter"],
        "1923": ["The Workers Truth group is broken up"],
    }
    event = event_index(indexed_window.timeline.model, "Soviet elections")
    assert event.data(WhenRole) == "April–May 1921"
    assert event.data(SpotRole) == "¶ 26"
    assert event.data(LocationRole) == "The communists’ dilemma, ¶ 26"
    assert event.data() == "April–May 1921: Soviet elections"
    assert event.data(Qt.ItemDataRole.AccessibleTextRole).startswith(
        "April–May 1921: Soviet elections; “soviet elections of April-May 1921”, "
        "The communists’ dilemma, ¶ 26")
    assert indexed_window.timeline.tree.isExpanded(event.parent())
    assert event.parent().data(Qt.ItemDataRole.AccessibleTextRole) == "1921, 3 events"


def test_a_click_goes_to_the_words_that_date_the_event_and_marks_them(qtbot, indexed_window):
    timeline = indexed_window.timeline
    indexed_window.docks["timeline"].show()
    event = event_index(timeline.model, "The uprising at Kronshtadt")
    timeline.tree.scrollTo(event)
    rect = timeline.tree.visualRect(event)
    qtbot.mouseClick(timeline.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p14")
    text = indexed_window.reader.toPlainText()
    assert [text[s:e] for s, e in marked_spans(indexed_window.reader)] == \
        ["in March 1921, there was an uprising at the Kronshtadt naval base"]


def test_enter_on_an_event_goes_there_and_a_year_goes_nowhere(qtbot, indexed_window):
    timeline = indexed_window.timeline
    timeline.tree.setFocus()
    timeline.tree.setCurrentIndex(timeline.model.index(0, 0))  # 1918
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Return)
    assert indexed_window.reader.current_passage().id == "essay/title"
    timeline.tree.setCurrentIndex(event_index(timeline.model, "The civil war"))
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p2")


def test_the_events_of_the_passages_in_view_are_marked_as_the_reader_moves(qtbot,
                                                                          indexed_window):
    window = indexed_window
    model = window.timeline.model
    # At the start: ¶ 1 and ¶ 2 are in view.
    qtbot.waitUntil(lambda: "The civil war" in current_labels(model))
    assert "Moscow communists discuss Petrzhek’s letter" in current_labels(model)
    window.navigator.navigate("essay", "essay/p20")
    qtbot.waitUntil(lambda: current_labels(model)[:2] == [
        "The Workers Truth group is formed", "The Workers Truth group is broken up"])
    assert "The civil war" not in current_labels(model)
    index = event_index(model, "The Workers Truth group is formed")
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).endswith(", in view")
    # Scrolling by hand marks too.
    reader = window.reader
    reader.scroll_to("essay/p26", keep_marks=True)
    qtbot.waitUntil(lambda: "Soviet elections" in current_labels(model))
    assert "The Workers Truth group is formed" not in current_labels(model)


def test_a_hidden_timeline_catches_up_when_shown(qtbot, indexed_window):
    window = indexed_window
    window.docks["timeline"].hide()
    window.navigator.navigate("essay", "essay/p14")
    assert "The uprising at Kronshtadt" not in current_labels(window.timeline.model)
    window.docks["timeline"].show()
    qtbot.waitUntil(lambda: "The uprising at Kronshtadt" in current_labels(window.timeline.model))


def test_an_archive_without_a_timeline_says_so(open_window, unindexed_archive):
    window = open_window(unindexed_archive)
    assert window.timeline.is_empty
    assert window.timeline.empty.text() == NO_TIMELINE
    assert window.timeline.model.rowCount() == 0
    window.navigator.navigate("essay", "essay/p14")  # no error while reading
    assert window.reader.current_passage().id == "essay/p14"


def test_the_timeline_model_fetches_a_page_at_a_time(qtmodeltester, indexed_archive,
                                                    monkeypatch):
    monkeypatch.setattr(TimelineModel, "PAGE", 2)
    with Archive(indexed_archive) as archive:
        model = TimelineModel(archive)
        assert model.rowCount() == 2 and model.canFetchMore()  # 1918, 1920
        model.fetchMore()  # two events of 1921
        assert model.rowCount() == 3 and model.rowCount(model.index(2, 0)) == 2
        model.fetchMore()  # the third of 1921 goes under it, then 1922
        assert model.rowCount() == 4 and model.rowCount(model.index(2, 0)) == 3
        qtmodeltester.check(model)
        last = archive.events()[-1]
        index = model.event_index(last.id, last.date_start)
        assert index.data(EventIdRole) == last.id and not model.canFetchMore()
        assert model.index(0, 0).data(IsYearRole) and not index.data(IsYearRole)
        model.set_current({last.id})
        assert index.data(CurrentRole)
        qtmodeltester.check(model)
