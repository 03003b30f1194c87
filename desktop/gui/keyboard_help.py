"""Help → Keyboard Shortcuts: every key of the window, under its menu or its place.

Its own module, loaded when first asked for: its dialog, tree and item classes (and
their enums) are nothing a start needs.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)


class KeyboardHelp(QDialog):
    """Help → Keyboard Shortcuts: every key, under its menu or the place it works in."""

    def __init__(self, parent: QWidget,
                 sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        """``sections``: each heading with its rows of (what it does, keys), as
        ``desktop.gui.actions.keyboard_help`` gives them."""
        super().__init__(parent)
        self.setObjectName("keyboard-help")
        self.setWindowTitle("Keyboard Shortcuts")
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Command", "Keys"])
        bold = QFont(self.font())
        bold.setBold(True)
        for heading, rows in sections:
            section = QStandardItem(heading)
            section.setFont(bold)
            for what, keys in rows:
                section.appendRow([QStandardItem(what), QStandardItem(keys)])
            self.model.appendRow([section, QStandardItem()])
        for row in range(self.model.rowCount()):
            for item in (self.model.item(row, 0), self.model.item(row, 1)):
                item.setEditable(False)
                for child in range(item.rowCount()):
                    item.child(child, 0).setEditable(False)
                    item.child(child, 1).setEditable(False)
        self.view = QTreeView()
        self.view.setObjectName("keyboard-help-list")
        self.view.setAccessibleName("Keyboard shortcuts")
        self.view.setToolTip("Every command's keys, under its menu, and the keys of each "
                             "place in the window")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.expandAll()
        for row in range(self.model.rowCount()):
            self.view.setFirstColumnSpanned(row, self.view.rootIndex(), True)
        self.view.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setToolTip("Close the list of shortcuts")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        screen = parent.screen().availableGeometry() if parent.screen() else None
        height = min(760, int(screen.height() * 0.85)) if screen is not None else 600
        width = self.view.columnWidth(0) + self.view.sizeHintForColumn(1) + 80
        self.resize(max(520, width), height)
