"""Qt models over the archive layer. They hold ids and small rows, never Qt copies of text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop.archive.places import in_document, where
from desktop.archive.search import HIT_END, HIT_START, Hit, Results
from desktop.archive.store import Archive, Document, Section, Source
from desktop.gui.plain import tip

DocumentIdRole = Qt.ItemDataRole.UserRole + 1
PassageIdRole = Qt.ItemDataRole.UserRole + 2
SnippetRole = Qt.ItemDataRole.UserRole + 3
SpansRole = Qt.ItemDataRole.UserRole + 4
LocationRole = Qt.ItemDataRole.UserRole + 5
SourceIdRole = Qt.ItemDataRole.UserRole + 6

Index = QModelIndex | QPersistentModelIndex
UNTITLED_SECTION = "Opening"


class ContentsModel(QAbstractItemModel):
    """The archive's documents, and under each its sections, fetched as they are shown.

    Documents come in pages of :data:`PAGE` as the view scrolls (``fetchMore``), and a
    document's sections when it is expanded, so that an archive of ten thousand
    documents opens as quickly as one of three.
    """

    PAGE = 200

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self._documents: list[Document] = []
        self._total = 0
        self._rows: dict[str, int] = {}  # document id -> its row, for the rows fetched
        self._sections: dict[int, list[Section]] = {}  # document row -> its sections
        self._section_rows: dict[str, int] = {}  # section id -> its row under its document
        self._starts: dict[str, str] = {}
        if archive is not None:
            self.set_archive(archive)

    def set_archive(self, archive: Archive) -> None:
        self.beginResetModel()
        self.archive = archive
        self._total = archive.document_count()
        self._documents = archive.documents(0, self.PAGE)
        self._rows = {d.id: row for row, d in enumerate(self._documents)}
        self._sections = {}
        self._section_rows = {}
        self._starts = {}
        self.endResetModel()

    # -- fetching as shown ------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        if not parent.isValid():
            return len(self._documents) < self._total
        return parent.internalId() == 0 and parent.row() not in self._sections

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if self.archive is None:
            return
        if not parent.isValid():
            self._fetch_documents(self.PAGE)
            return
        row = parent.row()
        if parent.internalId() != 0 or row in self._sections:
            return
        document = self._documents[row]
        sections = self.archive.sections(document.id)
        self._starts.update(self.archive.section_starts(document.id))
        self._section_rows.update((s.id, number) for number, s in enumerate(sections))
        if sections:
            self.beginInsertRows(self.index(row, 0), 0, len(sections) - 1)
            self._sections[row] = sections
            self.endInsertRows()
        else:
            self._sections[row] = []

    def fetch_all(self) -> None:
        """Fetch every document not yet fetched, at once.

        A view lays out all its rows again whenever rows are added at the top, so the
        rest are added in one go: once they are in, finding any document's row is a
        lookup, and going to the ten-thousandth costs what going to the second does.
        """
        if self.archive is not None and self.canFetchMore():
            self._fetch_documents(-1)

    def _fetch_documents(self, limit: int) -> None:
        assert self.archive is not None
        more = self.archive.documents(len(self._documents), limit)
        if more:
            first = len(self._documents)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._documents.extend(more)
            self._rows.update((d.id, row) for row, d in enumerate(more, first))
            self.endInsertRows()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        if not parent.isValid():
            return self._total > 0
        if parent.internalId() != 0:
            return False
        # Not yet fetched: say yes, so that the view offers to expand it.
        return bool(self._sections.get(parent.row(), True))

    # -- the model --------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._documents) else QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()
        sections = self._sections.get(parent.row(), [])
        return self.createIndex(row, 0, parent.row() + 1) if row < len(sections) \
            else QModelIndex()

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._documents)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._sections.get(parent.row(), []))

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            document = self._documents[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return document.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return tip(f"{document.title}: {document.description}"
                           if document.description else document.title)
            if role == DocumentIdRole:
                return document.id
            return None
        section = self._sections[index.internalId() - 1][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return section.heading or UNTITLED_SECTION
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"Go to the section “{section.heading or UNTITLED_SECTION}”")
        if role == DocumentIdRole:
            return section.document_id
        if role == PassageIdRole:
            return self._starts.get(section.id)
        return None

    # No flags() here: QAbstractItemModel's own (enabled and selectable) is what every row
    # needs, and a view asks it of every row each time it lays them out; written in
    # Python it cost more than the rest of going to a document far down the list.

    def section_index(self, document_id: str, section_id: str | None) -> QModelIndex:
        """The row of a section, or of its document when the passage is in none."""
        parent = self.document_index(document_id)
        if parent.isValid() and section_id:
            if self.canFetchMore(parent):
                self.fetchMore(parent)
            row = self._section_rows.get(section_id)
            sections = self._sections.get(parent.row(), [])
            if row is not None and row < len(sections) and sections[row].id == section_id:
                return self.index(row, 0, parent)
        return parent

    def document_index(self, document_id: str) -> QModelIndex:
        """A document's row; the documents not yet fetched are fetched if it is among them."""
        row = self._rows.get(document_id)
        if row is None and self.canFetchMore() and self.archive is not None \
                and self.archive.document(document_id) is not None:
            self.fetch_all()
            row = self._rows.get(document_id)
        return self.index(row, 0) if row is not None else QModelIndex()


class SearchResultsModel(QAbstractListModel):
    """The passages that match a search, with snippets and match offsets.

    Pages after the first are asked for with ``more(offset)`` as the view scrolls,
    and arrive later through :meth:`add_page` (they are searched off the GUI thread).
    """

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[Hit] = []
        self.total = 0
        self.counted = True  # whether total is the count, or only how many are shown
        self.query = ""
        self._more: Callable[[int], object] | None = None
        self._exhausted = True
        self._asked = False  # a page is on its way

    def set_results(self, results: Results,
                    more: Callable[[int], object] | None = None) -> None:
        """Show a first page of results; ``more(offset)`` asks for the next pages."""
        self.beginResetModel()
        self._hits = list(results.hits)
        self.total = results.total
        self.counted = results.counted
        self.query = results.query
        self._more = more
        self._exhausted = more is None or (results.counted and len(self._hits) >= self.total)
        self._asked = False
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count of a first page shown before it was counted."""
        self.total, self.counted = total, True
        self._exhausted = self._exhausted or len(self._hits) >= total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._asked

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._asked or self._more is None:
            return
        self._asked = True
        self._more(len(self._hits))

    def add_page(self, offset: int, page: Results) -> None:
        """Add a page that was asked for; one of another search or place is dropped."""
        if not self._asked or offset != len(self._hits) or page.query != self.query:
            return
        self._asked = False
        if page.stopped:
            return  # not the end of the results: the next scroll asks for them again
        if not page.hits:
            self._exhausted = True
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + len(page.hits) - 1)
        self._hits.extend(page.hits)
        self.endInsertRows()
        self._exhausted = self.counted and len(self._hits) >= self.total

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            plain = hit.snippet.replace(HIT_START, "").replace(HIT_END, "")
            return f"{in_document(hit.document_title, where(hit.paragraph, hit.kind))}: {plain}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"Go to {in_document(hit.document_title, where(hit.paragraph, hit.kind))}")
        if role == SnippetRole:
            return hit.snippet
        if role == LocationRole:
            return in_document(hit.document_title, where(hit.paragraph, hit.kind))
        if role == PassageIdRole:
            return hit.passage_id
        if role == DocumentIdRole:
            return hit.document_id
        if role == SpansRole:
            return hit.n
        return None


class SourcesModel(QAbstractListModel):
    """Every source the essay draws on, in the catalogue's order."""

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self._sources: list[Source] = archive.sources() if archive is not None else []

    def set_archive(self, archive: Archive) -> None:
        self.beginResetModel()
        self._sources = archive.sources()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._sources)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sources):
            return None
        source = self._sources[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return source.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(source.description or source.title)
        if role == SourceIdRole:
            return source.id
        return None

    def row_of(self, source_id: str) -> int:
        return next((i for i, s in enumerate(self._sources) if s.id == source_id), -1)
