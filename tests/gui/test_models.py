from __future__ import annotations

from PySide6.QtCore import Qt

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
    model.set_results(Archive(shipped_archive).search("communist"))
    qtmodeltester.check(model)
    assert model.rowCount() == model.total == 23  # the minutes' title too
    first = model.index(0, 0)
    assert first.data(PassageIdRole) == "essay/title"
    assert "communists" in first.data(Qt.ItemDataRole.DisplayRole)


def test_sources_model(qtmodeltester, shipped_archive):
    model = SourcesModel(Archive(shipped_archive))
    qtmodeltester.check(model)
    assert model.index(0, 0).data(SourceIdRole) == "book"
    assert model.rowCount() == 8


def test_contents_of_a_large_archive_are_fetched_as_shown(qtmodeltester, tmp_path):
    from desktop.archive.folder import build_folder
    from desktop.gui.models import ContentsModel as Model

    source = tmp_path / "many"
    source.mkdir()
    for n in range(450):
        (source / f"doc-{n:03d}.txt").write_text(f"Document {n}\n\nText {n}.\n")
    build_folder(source, tmp_path / "many.db")
    model = Model(Archive(tmp_path / "many.db"))
    assert model.rowCount() == 200 and model.canFetchMore()
    first = model.index(0, 0)
    assert model.hasChildren(first) and model.rowCount(first) == 0
    model.fetchMore(first)
    assert model.rowCount(first) == 0 and not model.hasChildren(first)  # no headings
    model.fetchMore()
    assert model.rowCount() == 400
    assert model.document_index("doc-449").row() == 449
    assert not model.canFetchMore()
    qtmodeltester.check(model)


def test_a_page_that_was_stopped_is_asked_for_again(qtmodeltester, shipped_archive):
    from desktop.archive.search import Results

    with Archive(shipped_archive) as archive:
        first = archive.search("the", limit=5)
        later = archive.search("the", 5, limit=5)
    asked: list[int] = []
    model = SearchResultsModel()
    model.set_results(first, asked.append)
    model.fetchMore()
    model.add_page(5, Results("the", 0, [], stopped=True))  # past its budget: not the end
    assert model.rowCount() == 5 and model.canFetchMore()
    model.fetchMore()
    model.add_page(5, later)
    assert asked == [5, 5] and model.rowCount() == 10
    qtmodeltester.check(model)


def test_showing_a_document_reads_only_its_own_rows(qapp, tmp_path):
    """Laying out a document asks for its own notes (and nothing else) through indexes:
    not every footnote of the archive, as each render once did."""
    from desktop.gui.render import render
    from desktop.gui.theme import THEMES
    from tests.archive.test_query_plans import build_two_documents, scans

    with Archive(build_two_documents(tmp_path)) as archive:
        layouts = []
        statements, scanned = scans(
            archive, lambda: layouts.append(render(archive, "one", THEMES["light"], 12)))
        assert scanned == []
        assert any("footnotes" in sql for sql in statements)
        assert not any("two" in sql for sql in statements)  # the other document's ids
        layout, = layouts
        note = layout.block_of["one/fn1"]
        assert layout.labels[note] == "*"


def _many_documents(tmp_path, count: int, *, headings: bool = False):
    from desktop.archive.folder import build_folder

    source = tmp_path / "many"
    source.mkdir()
    for n in range(count):
        body = f"Document {n}\n\nText {n}.\n"
        if headings:
            body += f"\nPart one of {n}\n\nMore text.\n\nPart two of {n}\n\nLast text.\n"
        (source / f"doc-{n:03d}.txt").write_text(body)
    build_folder(source, tmp_path / "many.db")
    return Archive(tmp_path / "many.db")


def test_contents_find_any_document_by_its_id(qtmodeltester, tmp_path):
    archive = _many_documents(tmp_path, 450)
    ids = [d.id for d in archive.documents()]
    model = ContentsModel(archive)
    # Far down the list, before its page was fetched: the rest are fetched at once.
    far = model.document_index(ids[-2])
    assert far.row() == len(ids) - 2 and far.data(DocumentIdRole) == ids[-2]
    assert model.rowCount() == len(ids) and not model.canFetchMore()
    for row, document_id in enumerate(ids):
        index = model.document_index(document_id)
        assert (index.row(), index.data(DocumentIdRole)) == (row, document_id)
    assert not model.document_index("no-such-document").isValid()
    qtmodeltester.check(model)


def test_contents_fetch_all_then_pages_add_nothing(qtmodeltester, tmp_path):
    archive = _many_documents(tmp_path, 450)
    model = ContentsModel(archive)
    model.fetch_all()
    assert model.rowCount() == 450 and not model.canFetchMore()
    model.fetch_all()
    model.fetchMore()
    assert model.rowCount() == 450
    assert [model.index(r, 0).data() for r in (0, 449)] == ["Document 0", "Document 449"]
    qtmodeltester.check(model)


def test_contents_find_a_section_of_a_far_document(qtmodeltester, tmp_path):
    archive = _many_documents(tmp_path, 300, headings=True)
    document = archive.documents()[280]
    section = archive.sections(document.id)[-1]
    model = ContentsModel(archive)
    index = model.section_index(document.id, section.id)
    assert index.parent().row() == 280
    assert index.data() == section.heading
    assert (index.data(DocumentIdRole), index.data(PassageIdRole)) == \
        (document.id, archive.section_starts(document.id)[section.id])
    # A section of another document is not taken for one of this.
    other = archive.sections(archive.documents()[3].id)[-1]
    assert model.section_index(document.id, other.id) == model.document_index(document.id)
    qtmodeltester.check(model)


def _blocks_hold_their_passages(archive, document_id: str) -> set[str]:
    from desktop.gui.render import LINKED_QUOTATION_KINDS, render
    from desktop.gui.theme import THEMES

    passages = archive.passages(document_id)
    linked = {q.passage_id for q in archive.quotations_in(document_id)
              if q.kind in LINKED_QUOTATION_KINDS or q.source_id}
    layout = render(archive, document_id, THEMES["light"], 12.0)
    doc = layout.document
    for passage in passages:
        number = layout.block_of[passage.id]
        block = doc.findBlockByNumber(number)
        assert block.text() == passage.text
        assert layout.passages[number] == passage
        if passage.paragraph is not None:
            assert layout.labels[number] == f"¶ {passage.paragraph}"
        hrefs = set()
        it = block.begin()
        while not it.atEnd():
            hrefs.add(it.fragment().charFormat().anchorHref())
            it += 1
        assert any(h.startswith("quote:") for h in hrefs) == (passage.id in linked), \
            passage.id
    return linked


def test_a_long_document_puts_each_passage_in_its_own_block(qapp, tmp_path,
                                                            shipped_archive):
    """Runs of plain paragraphs go into the document at once: each still has its own
    block, its number in the margin, and its quotations made links."""
    from desktop.archive.folder import build_folder

    source = tmp_path / "long"
    source.mkdir()
    paragraphs = [f"Paragraph {n} of the chronicle." for n in range(300)]
    (source / "chronicle.txt").write_text("A history\n\nA heading\n\n"
                                          + "\n\n".join(paragraphs) + "\n")
    build_folder(source, tmp_path / "long.db")
    with Archive(tmp_path / "long.db") as archive:
        _blocks_hold_their_passages(archive, "chronicle")
        assert len(archive.passages("chronicle")) == 302
    with Archive(shipped_archive) as archive:
        assert _blocks_hold_their_passages(archive, "essay")  # quotations among runs
