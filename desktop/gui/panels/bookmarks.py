"""The bookmarks panel: bookmarks in reading order; go, rename, delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.marks import Marks
from desktop.gui.plain import tip
from desktop.notes.changes import BOOKMARKS, Change
from desktop.notes.marks import Bookmark
from desktop.notes.places import locate, where
from desktop.notes.visible import visible

BookmarkIdRole = Qt.ItemDataRole.UserRole + 40
Index = QModelIndex | QPersistentModelIndex


class BookmarksModel(QAbstractListModel):
    """Bookmarks of one archive in reading order; the label is editable in place."""

    def __init__(self, marks: Marks) -> None:
        super().__init__()
        self.marks = marks
        self._rows: list[tuple[Bookmark, str]] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        bookmarks = self.marks.bookmarks()
        located = locate(self.marks.archive, bookmarks=bookmarks)
        ordered = sorted(bookmarks, key=lambda b: located[b.id].order)
        self._rows = [(b, where(located[b.id])) for b in ordered]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        bookmark, where = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # A control in the label, shown by name, cannot reorder the place after it.
            label = visible(bookmark.label or f"{bookmark.exact[:40]}…")
            return f"{label} — {where}"
        if role == Qt.ItemDataRole.EditRole:
            return bookmark.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"Go to {where} (F2 renames, Delete removes)")
        if role == BookmarkIdRole:
            return bookmark.id
        return None

    def update_one(self, bookmark: Bookmark) -> bool:
        """Take a renamed bookmark from a change's record; False if it is not listed."""
        row = next((i for i, (b, _where) in enumerate(self._rows) if b.id == bookmark.id), -1)
        if row < 0:
            return False
        self._rows[row] = (bookmark, self._rows[row][1])
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.marks.rename_bookmark(self._rows[index.row()][0].id, str(value))
        return True


class _List(QListView):
    deletePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and \
                self.state() != QListView.State.EditingState:
            self.deletePressed.emit()
            return
        super().keyPressEvent(event)


class BookmarksPanel(QWidget):
    goTo = Signal(str)

    def __init__(self, marks: Marks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarks-panel")
        self.marks = marks
        self.model = BookmarksModel(marks)
        self.list = _List()
        self.list.setObjectName("bookmarks-list")
        self.list.setAccessibleName("Bookmarks")
        self.list.setToolTip("Your bookmarks in reading order; click one to go there, F2 to "
                             "rename, Delete to remove")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.setEditTriggers(QListView.EditTrigger.EditKeyPressed
                                  | QListView.EditTrigger.DoubleClicked)
        self.hint = QLabel("Ctrl+D bookmarks the passage you are reading.")
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Bookmarks help")
        self.rename_button = QPushButton("Rename")
        self.rename_button.setAccessibleName("Rename bookmark")
        self.rename_button.setToolTip("Give the selected bookmark a label (F2)")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete bookmark")
        self.delete_button.setToolTip("Delete the selected bookmark (Ctrl+Z undoes it)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.list.clicked.connect(self._go)
        self.list.activated.connect(self._go)
        self.list.deletePressed.connect(self.delete_current)
        self.rename_button.clicked.connect(
            lambda: self.list.currentIndex().isValid() and self.list.edit(
                self.list.currentIndex()))
        self.delete_button.clicked.connect(self.delete_current)
        marks.changed.connect(self.apply_change)

    def apply_change(self, change: Change) -> None:
        """Bookmarks changed: a renamed one is redrawn from the change's record; one
        that came, went or moved reloads the list. Highlights are not shown here."""
        if not change.about(BOOKMARKS):
            return
        if change.touches("uri", "document_id", "state") or \
                not all(self.model.update_one(b) for b in change.marks):
            self._reload()

    def _reload(self) -> None:
        """Reload, keeping the selected bookmark selected (after a rename, say), and the
        keyboard in the list if it was there: a label being typed is closed by the
        reload, and its editor would otherwise take the focus away with it (to the next
        button), so that F2 and Delete did nothing until the list was clicked."""
        focus = QApplication.focusWidget()
        in_list = focus is not None and (focus is self.list or self.list.isAncestorOf(focus))
        current = self.list.currentIndex().data(BookmarkIdRole)
        self.model.reload()
        for row in range(self.model.rowCount()):
            if self.model.index(row).data(BookmarkIdRole) == current:
                self.list.setCurrentIndex(self.model.index(row))
        if in_list:
            self.list.setFocus()

    def _go(self, index: QModelIndex) -> None:
        if index.isValid():
            self.goTo.emit(index.data(BookmarkIdRole))
            # Stay in the list, so that F2 and Delete act on the bookmark just chosen.
            self.list.setFocus()

    def delete_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.marks.delete_bookmark(index.data(BookmarkIdRole))
