"""The small dialog that asks how two passages' words are linked: a relation and a note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.notes.marks import MAX_RELATION, RELATIONS, clean_relation
from desktop.notes.visible import visible

QUOTE_CHARS = 160  # of each end's words shown; the rest is in the text


def _quoted(words: str) -> str:
    words = " ".join(visible(words).split())
    return f"“{words if len(words) <= QUOTE_CHARS else words[:QUOTE_CHARS - 1] + '…'}”"


class LinkDialog(QDialog):
    """Choose a relation (one offered, or one's own word) and write a note."""

    def __init__(self, parent: QWidget | None, first: str, second: str, *,
                 relation: str = "", note: str = "", editing: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("link-dialog")
        self.setWindowTitle("Edit Link" if editing else "Link Passages")
        self.setAccessibleName(self.windowTitle())
        ends = []
        for name, words in (("From", first), ("To", second)):
            label = QLabel(f"{name}: {_quoted(words)}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setAccessibleName(f"{name} these words")
            ends.append(label)
        self.relation = QComboBox()
        self.relation.setObjectName("link-relation")
        self.relation.setEditable(True)
        self.relation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.relation.addItems(RELATIONS)
        self.relation.setCurrentText(relation or RELATIONS[0])
        self.relation.lineEdit().setMaxLength(MAX_RELATION * 2)  # cleaned, then checked
        self.relation.setAccessibleName("Relation")
        self.relation.setToolTip("How the first words stand to the second: choose one, or "
                                 "type your own word")
        self.note = QPlainTextEdit(note)
        self.note.setObjectName("link-note")
        self.note.setTabChangesFocus(True)  # Tab goes on to the buttons, as in a form
        self.note.setAccessibleName("Note")
        self.note.setToolTip("Your note on this link (optional)")
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 5)
        self.error = QLabel()
        self.error.setObjectName("link-error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Save" if editing else "Link")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Relation:", self.relation)
        form.addRow("&Note:", self.note)
        layout = QVBoxLayout(self)
        for label in ends:
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.relation.setFocus()

    def accept(self) -> None:
        """Close only with a relation the notes will keep; else say why, and stay."""
        try:
            clean_relation(self.relation.currentText())
        except ValueError as exc:
            self.error.setText(f"A link's relation {exc}.")
            self.error.show()
            self.relation.setFocus()
            return
        super().accept()

    def answer(self) -> tuple[str, str]:
        """The relation, as the notes keep it, and the note."""
        return clean_relation(self.relation.currentText()), self.note.toPlainText()
