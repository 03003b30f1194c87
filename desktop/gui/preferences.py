"""Preferences: the citation style, chosen once and remembered, with an example."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from desktop.archive.attribution import attribute_passage
from desktop.archive.store import Archive
from desktop.archive.styles import STYLES, quote_with_citation

STYLE_LABELS = {"chicago": "Chicago (notes and bibliography, 17th edition)",
                "mla": "MLA (9th edition)", "apa": "APA (7th edition)"}
EXAMPLE_PASSAGE = "essay/p8"


class PreferencesDialog(QDialog):
    """The citation style of Copy with Citation, the quotation card and the exports."""

    def __init__(self, parent: QWidget, archive: Archive, style: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.archive = archive
        self.style_box = QComboBox()
        self.style_box.setAccessibleName("Citation style")
        self.style_box.setToolTip("How copied words are cited, and how the exports cite them")
        for key in STYLES:
            self.style_box.addItem(STYLE_LABELS.get(key, key), key)
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(style)))
        self.example = QLabel()
        self.example.setTextFormat(Qt.TextFormat.PlainText)
        self.example.setWordWrap(True)
        self.example.setAccessibleName("Example citation")
        self.example.setMinimumWidth(420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Citation style:", self.style_box)
        form.addRow("Example:", self.example)
        form.addRow(buttons)
        self.style_box.currentIndexChanged.connect(lambda _i: self._show_example())
        self._show_example()

    def style(self) -> str:
        return str(self.style_box.currentData())

    def _show_example(self) -> None:
        passage = self.archive.passage(EXAMPLE_PASSAGE) or next(
            iter(self.archive.passages(self.archive.documents(0, 1)[0].id)), None)
        if passage is None:
            self.example.setText("")
            return
        attribution = attribute_passage(self.archive, passage)
        self.example.setText(quote_with_citation(self.archive, attribution, self.style())
                             .splitlines()[-1])
