"""The contents panel: the archive's documents and their sections."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QTreeView, QWidget

from desktop.gui.models import ContentsModel, DocumentIdRole, PassageIdRole


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
