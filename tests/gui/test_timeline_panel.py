"""The Timeline panel: events by date under their years, going to the words that date
one, and the events of the passages in view marked as the reader moves."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.archive.store import Archive
from desktop.gui.index_models import (
    CurrentRole,
    EventIdRole,
    FirstOfYearRole,
    LabelRole,
    SpotRole,
    TimelineModel,
    WhenRole,
    YearRole,
)
from desktop.gui.models import LocationRole
from desktop.gui.panels.timeline import NO_TIMELINE
from tests.helpers import marked_spans


def rows(model) -> list:
    return [model.index(r) for r in range(model.rowCount())]


def years(model) -> dict[str, list[str]]:
    """Each year's events, as the list groups them: the year is shown on its first."""
    found: dict[str, list[str]] = {}
    for row in rows(model):
        if row.data(FirstOfYearRole):
            assert row.data(YearRole) not in found
        found.setdefault(row.data(YearRole), []).append(row.data(LabelRole))
    return found


def current_labels(model) -> list[str]:
    return [row.data(LabelRole) for row in rows(model) if row.data(CurrentRole)]


def event_index(model, label: str):
    return next(row for row in rows(model) if row.data(LabelRole) == label)


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
    firsts = [row.data(LabelRole) for row in rows(indexed_window.timeline.model)
              if row.data(FirstOfYearRole)]
    assert firsts == ["The civil war", "Zinoviev speaks at a special party conference",
                      "The Workers Truth group is formed",
                      "Moscow communists discuss Petrzhek’s letter",
                      "The Workers Truth group is broken up"]


def test_a_click_goes_to_the_words_that_date_the_event_and_marks_them(qtbot, indexed_window):
    timeline = indexed_window.timeline
    indexed_window.docks["timeline"].show()
    event = event_index(timeline.model, "The uprising at Kronshtadt")
    timeline.list.scrollTo(event)
    rect = timeline.list.visualRect(event)
    qtbot.mouseClick(timeline.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p14")
    text = indexed_window.reader.toPlainText()
    assert [text[s:e] for s, e in marked_spans(indexed_window.reader)] == \
        ["in March 1921, there was an uprising at the Kronshtadt naval base"]


def test_enter_on_an_event_goes_there(qtbot, indexed_window):
    timeline = indexed_window.timeline
    timeline.list.setFocus()
    timeline.list.setCurrentIndex(event_index(timeline.model, "The civil war"))
    qtbot.keyClick(timeline.list, Qt.Key.Key_Down)
    assert timeline.list.currentIndex().data(LabelRole) == \
        "Zinoviev speaks at a special party conference"
    qtbot.keyClick(timeline.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: indexed_window.reader.current_passage().id == "essay/p12")


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
    # From the first frame: there are no events to read after it.
    assert window._timeline.is_empty
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
        assert list(years(model)) == ["1918", "1920"] and model.canFetchMore()
        model.fetchMore()  # two events of 1921
        assert years(model)["1921"] == ["The Workers Truth group is formed",
                                        "The uprising at Kronshtadt"]
        model.fetchMore()  # the third of 1921 goes with them, then 1922
        assert len(years(model)["1921"]) == 3 and "1922" in years(model)
        assert not model.index(4).data(FirstOfYearRole)  # 1921's third
        last = archive.events()[-1]
        assert not model.event_index(last.id).isValid()
        assert model.still_to_come(last.date_start)
        assert not model.still_to_come("1920")  # past it already
        qtmodeltester.check(model)  # which fetches the rest
        index = model.event_index(last.id)
        assert index.data(EventIdRole) == last.id and not model.still_to_come("2000")
        model.set_current({last.id})
        assert index.data(CurrentRole)
        qtmodeltester.check(model)


def test_a_late_event_is_sought_a_page_at_a_time(qtbot, indexed_window, monkeypatch):
    monkeypatch.setattr(TimelineModel, "PAGE", 1)
    window = indexed_window
    window.timeline.set_archive(window.archive)
    assert window.timeline.model.rowCount() == 1
    window.reader.setFocus()
    window.navigator.navigate("essay", "essay/p20")  # formed in 1921, broken up in 1923
    qtbot.waitUntil(lambda: window.timeline.model.event_index(
        window.archive.events_in("essay/p20")[0].id).isValid())
    # Fetched as far as the first of them, and no further.
    assert "1922" not in years(window.timeline.model)
    assert current_labels(window.timeline.model) == ["The Workers Truth group is formed"]


def test_a_chosen_row_is_drawn_as_chosen_and_its_words_in_the_chosen_colours(
        qtbot, indexed_window, monkeypatch):
    # The rows of the panels' lists are drawn by Qt's delegate without their words (the
    # panel draws those), the selection read from the view (desktop/gui/panels/rows.py).
    from PySide6.QtCore import QItemSelectionModel

    from desktop.gui.panels import rows as rows_module
    from desktop.gui.panels import timeline as timeline_module

    given: list[tuple[int, tuple[str, str]]] = []
    painted = rows_module.paint_item

    def paint_item(delegate, painter, option, index):
        colours = painted(delegate, painter, option, index)
        given.append((index.row(), tuple(c.name() for c in colours)))
        return colours

    monkeypatch.setattr(timeline_module, "paint_item", paint_item)
    view = indexed_window.timeline.list
    view.selectionModel().select(view.model().index(0),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)
    picture = view.viewport().grab().toImage()
    palette = view.palette()
    colours = dict(given)
    assert colours[0] == (palette.highlightedText().color().name(),) * 2
    assert colours[1] == (palette.text().color().name(),
                          palette.placeholderText().color().name())
    # The chosen row's ground is the selection's colour, the next row's is not.
    first, second = view.visualRect(view.model().index(0)), \
        view.visualRect(view.model().index(1))
    highlight = palette.highlight().color().name()
    assert picture.pixelColor(first.right() - 3, first.center().y()).name() == highlight
    assert picture.pixelColor(second.right() - 3, second.center().y()).name() != highlight


def test_a_rule_is_filled_as_fill_rect_fills_it(qapp):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QBrush, QColor, QImage, QPainter

    from desktop.gui.panels.rows import fill

    pictures = []
    for way in ("fillRect", "fill"):
        picture = QImage(40, 30, QImage.Format.Format_ARGB32)
        picture.fill(QColor("white"))
        painter = QPainter(picture)
        painter.setPen(QColor("red"))  # a pen that must not be drawn
        for rect, colour in ((QRect(3, 2, 1, 20), QColor(10, 20, 30, 90)),
                             (QRect(0, 5, 40, 1), QColor("navy")),
                             (QRect(7, 4, 3, 18), QBrush(QColor("teal")))):
            if way == "fill":
                fill(painter, rect, colour)
            else:
                painter.fillRect(rect, colour)
        painter.end()
        pictures.append(picture)
    assert pictures[0] == pictures[1]
