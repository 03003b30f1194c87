from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.archive.search import search
from desktop.archive.store import Archive
from desktop.gui.models import (
    ContentsModel,
    DocumentIdRole,
    PassageIdRole,
    SearchResultsModel,
    SourceIdRole,
    SourcesModel,
)


def test_contents_model(qtmodeltester, shipped_archive):
    model = ContentsModel(Archive(shipped_archive))
    qtmodeltester.check(model)
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0] == "The communists’ dilemma"
    assert len(titles) == 3
    essay = model.index(0, 0)
    sections = [model.index(r, 0, essay).data() for r in range(model.rowCount(essay))]
    assert sections == ["Opening", "What the communists cared about", "The non-party workers",
                        "For the future"]
    last = model.index(3, 0, essay)
    assert (last.data(DocumentIdRole), last.data(PassageIdRole)) == ("essay", "essay/h3")


def test_search_results_model(qtmodeltester, shipped_archive):
    model = SearchResultsModel()
    model.set_results(search(Archive(shipped_archive).conn, "communist"))
    qtmodeltester.check(model)
    assert model.rowCount() == model.total == 22
    first = model.index(0, 0)
    assert first.data(PassageIdRole) == "essay/title"
    assert "communists" in first.data(Qt.ItemDataRole.DisplayRole)


def test_sources_model(qtmodeltester, shipped_archive):
    model = SourcesModel(Archive(shipped_archive))
    qtmodeltester.check(model)
    assert model.index(0, 0).data(SourceIdRole) == "book"
    assert model.rowCount() == 8
