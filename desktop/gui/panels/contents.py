"""The contents panel: the archive's documents and their sections."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTreeView, QWidget

from desktop.gui.models import ContentsModel, DocumentIdRole, PassageIdRole

# The documents a large archive shows first are fetched with the window; the rest a
# moment after it is shown (see ContentsPanel), not while it opens.
FETCH_REST_AFTER_MS = 500


class ContentsPanel(QTreeView):
    """Documents and their sections; activating one goes there."""

    goTo = Signal(str, str)

    def __init__(self, model: ContentsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contents")
        self.setAccessibleName("Contents")
        self.setToolTip("The archive’s documents and their sections; click one to go there")
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.activated.connect(self._go)
        self.clicked.connect(self._go)
        model.modelReset.connect(self._expand_small)
        self._expand_small()
        # Going to a document must not wait for the rows above it to be fetched (and
        # the whole list laid out again): once the window is up, they are all fetched
        # in one go, and finding a document's row is a lookup from then on.
        self._fetch_rest = QTimer(self)
        self._fetch_rest.setSingleShot(True)
        self._fetch_rest.setInterval(FETCH_REST_AFTER_MS)
        self._fetch_rest.timeout.connect(model.fetch_all)
        model.modelReset.connect(self._fetch_later)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fetch_later()

    def _fetch_later(self) -> None:
        model = self.model()
        if self.isVisible() and model.canFetchMore() and not self._fetch_rest.isActive():
            self._fetch_rest.start()

    def _expand_small(self) -> None:
        """Open every document of a small archive; a large one opens as it is read."""
        model = self.model()
        if model.rowCount() <= 20:
            for row in range(model.rowCount()):
                self.expand(model.index(row, 0))

    def _go(self, index: QModelIndex) -> None:
        document_id = index.data(DocumentIdRole)
        if document_id:
            self.goTo.emit(document_id, index.data(PassageIdRole) or "")

    def show_current(self, document_id: str, section_id: str | None) -> None:
        """Select the section being read (or its document), without going anywhere."""
        model = self.model()
        assert isinstance(model, ContentsModel)
        index = model.section_index(document_id, section_id)
        if index.parent().isValid():
            self.expand(index.parent())
        if index.isValid() and index != self.currentIndex():
            self.selectionModel().setCurrentIndex(
                index, self.selectionModel().SelectionFlag.ClearAndSelect)
