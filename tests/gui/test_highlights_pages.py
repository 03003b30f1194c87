"""The Highlights panel with more marks than one page of rows: rows are made as the list
scrolls, every one is reached, and sorting and filtering still see them all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex

from desktop.gui.panels.highlights import (
    PAGE,
    HighlightFilter,
    HighlightsModel,
    IdRole,
    OrderRole,
)
from tests.benchmarks.seed_notes import seed
from tests.helpers import modules_after_importing

COUNT = PAGE * 2 + 37


@pytest.fixture
def many(data_dir, shipped_archive, open_window):
    seed(data_dir, shipped_archive, COUNT)
    window = open_window()
    return window


def all_rows(model: HighlightsModel) -> list[str]:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]


def test_rows_are_made_a_page_at_a_time_and_every_one_is_reached(qtmodeltester, many):
    model = HighlightsModel(many.marks)
    model.reload()
    assert model.rowCount() == PAGE  # not every record read to open the panel
    qtmodeltester.check(model)
    ids = all_rows(model)
    assert sorted(ids) == sorted(h.id for h in many.marks.highlights())
    orders = [model.index(r, 0).data(OrderRole) for r in range(model.rowCount())]
    assert orders == sorted(orders)  # reading order across the pages
    qtmodeltester.check(model)


def test_the_list_makes_more_rows_as_it_scrolls(qtbot, many):
    panel = many.highlights
    many.show()
    qtbot.waitExposed(many)
    many.toggle_panel("highlights")
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    assert panel.count.text() == f"{COUNT:,} highlights."
    bar = panel.list.verticalScrollBar()

    def scrolled_to_the_end(before: int) -> bool:
        bar.setValue(bar.maximum())  # as a person drags the bar down
        return panel.model.rowCount() > before

    while panel.model.canFetchMore(QModelIndex()):
        before = panel.model.rowCount()
        qtbot.waitUntil(lambda before=before: scrolled_to_the_end(before))
    assert panel.proxy.rowCount() == COUNT


def test_a_filter_sees_the_rows_not_yet_shown(qtbot, many):
    panel = many.highlights
    many.toggle_panel("highlights")
    wanted = {h.id for h in many.marks.highlights()
              if "lenin" in " ".join([h.quote, h.note, *h.tags]).casefold()}
    panel.filter.setText("Lenin")
    assert set(all_rows(panel.model)) == wanted
    assert panel.count.text() == f"{len(wanted):,} of {COUNT:,} highlights."
    panel.filter.clear()
    assert len(all_rows(panel.model)) == COUNT


def test_the_filtered_pages_pass_the_model_tester(qtmodeltester, many):
    model = HighlightsModel(many.marks)
    proxy = HighlightFilter()
    proxy.setSourceModel(model)
    model.reload()
    proxy.set_filter(text="Lenin")
    qtmodeltester.check(proxy)
    proxy.set_filter(text="", colour_name="blue")
    qtmodeltester.check(proxy)


def test_newest_first_orders_every_mark(many):
    model = HighlightsModel(many.marks)
    model.reload()
    model.set_newest_first(True)
    made = [(h.created, h.id) for h in many.marks.highlights()]
    assert all_rows(model) == [i for _c, i in sorted(made, reverse=True)]


def test_a_mark_far_down_the_list_is_selected(qtbot, many):
    panel = many.highlights
    many.toggle_panel("highlights")
    last = all_rows(_loaded(many))[-1]
    panel.select(last)
    assert panel.current_id() == last


def _loaded(window) -> HighlightsModel:
    model = HighlightsModel(window.marks)
    model.reload()
    return model


def test_start_up_loads_neither_export_import_nor_the_highlights_panel():
    loaded = modules_after_importing("desktop.gui.app", "desktop.gui.main_window")
    for later in ("desktop.notes.export", "desktop.notes.importer",
                  "desktop.gui.panels.highlights", "desktop.gui.export_dialog",
                  "desktop.notes.sync.round"):
        assert later not in loaded, later


def test_links_and_highlights_across_passages_stand_among_the_others(many):
    """Every mark in reading order, as worked out from the records: those placed as a
    whole (a link, a highlight across passages, one whose words are lost) among the
    hundreds ordered by the notes file."""
    from msgspec.structs import replace

    from desktop.notes.anchoring import ORPHANED, select
    from desktop.notes.marks import End
    from desktop.notes.places import ORPHAN_ORDER, locate, locate_links

    marks, archive = many.marks, many.archive
    p8, p9, e2 = (archive.passage(i) for i in ("essay/p8", "essay/p9", "minutes/e2"))
    across = marks.add_highlight(p8, 3, 12, "blue", more=[(p9, 0, 5)])
    marks.notes.add_link(archive.archive_id, End("essay", select(p9.uri, p9.text, 2, 9)),
                         End("minutes", select(e2.uri, e2.text, 0, 6)), "supports", "")
    lost = marks.highlights()[5]
    marks.notes.put_highlight(replace(lost, state=ORPHANED))
    model = HighlightsModel(marks)
    model.reload()
    highlights, links = marks.highlights(), marks.links()
    placed = locate(archive, highlights)
    ends = locate_links(archive, links)
    expected = sorted([(placed[h.id].order, h.created, h.id) for h in highlights]
                      + [(min(a.order, b.order), link.created, link.id)
                         for link in links for a, b in [ends[link.id]]])
    rows = all_rows(model)
    assert rows == [i for _o, _c, i in expected]
    assert rows[-1] == lost.id and placed[lost.id].order == ORPHAN_ORDER
    assert [model.index(r, 0).data(OrderRole) for r in range(len(rows))] == \
        [o for o, _c, _i in expected]
    assert across.id in rows and links[0].id in rows

    # Filters that read what the list did not need to open: colour, document, kind.
    proxy = HighlightFilter()
    proxy.setSourceModel(model)
    proxy.set_filter(colour_name="blue")
    assert set(all_rows(model)) == {h.id for h in highlights if h.colour == "blue"}
    proxy.set_filter(colour_name="", document="minutes")
    assert set(all_rows(model)) == {h.id for h in highlights if h.document_id == "minutes"} \
        | {links[0].id}
    proxy.set_filter(document="", kind="link")
    assert all_rows(model) == [links[0].id]


def test_large_counts_are_written_with_thousands_separated(many, monkeypatch):
    """As the status bar writes them: “100,000 highlights.”, not “100000”."""
    panel = many.highlights
    for counts, said in (((100_000, 100_000, 0, 0), "100,000 highlights."),
                         ((1_500, 100_000, 0, 0), "1,500 of 100,000 highlights."),
                         ((2_001, 2_001, 1_000, 1_000), "1,001 highlights, 1,000 links.")):
        monkeypatch.setattr(panel.model, "counts", lambda counts=counts: counts)
        panel._update_count()
        assert panel.count.text() == said


def test_text_and_tag_filters_keep_what_each_highlight_s_words_note_and_tags_hold(many):
    """The text filter's words each in a highlight's words (every part's), note or tags,
    casefolded; the tag filter's tag in any case: worked out here from the records."""
    marks, archive = many.marks, many.archive
    p8, p9 = archive.passage("essay/p8"), archive.passage("essay/p9")
    across = marks.add_highlight(p8, 3, 12, "blue", more=[(p9, 0, 5)])
    marks.edit(across.id, note="Straße", tags=["NEP", "Émigrés"])
    model = HighlightsModel(marks)
    proxy = HighlightFilter()
    proxy.setSourceModel(model)
    model.reload()
    highlights = marks.highlights()
    for text in ("party", "NEP workers", "lenin DEMOCRACY", "m", "zzzz", "#", "nep",
                 "STRASSE", "émigré", p9.text[:5].upper()):
        proxy.set_filter(text=text)
        words = text.casefold().split()
        assert set(all_rows(model)) == {
            h.id for h in highlights
            if all(w in " ".join([h.quote, h.note, *h.tags]).casefold() for w in words)}, text
    assert across.id in set(all_rows(model))
    proxy.set_filter(text="")
    for tag in ("nep", "Lenin", "émigrés", "absent"):
        proxy.set_filter(tag=tag)
        assert set(all_rows(model)) == {
            h.id for h in highlights if any(t.casefold() == tag.casefold() for t in h.tags)}
