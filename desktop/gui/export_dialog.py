"""The export dialog: format, what to export and where; the last choices are remembered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.gui import plain
from desktop.gui import settings as keys
from desktop.gui.marks import Marks
from desktop.gui.settings import Settings
from desktop.notes.export import FORMATS, Selection, default_name
from desktop.notes.marks import COLOURS

FORMAT_LABELS = {"markdown": "Markdown (.md): for reading and notes apps",
                 "json": "W3C Web Annotation JSON (.json): for other tools, and to import back",
                 "csv": "CSV (.csv): for spreadsheets"}


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    path: Path
    selection: Selection
    citations: str = "text"  # or "pandoc": [@key, ¶ 8] (Markdown only)
    replace: bool = False  # the file exists, and the person said in the dialog to replace it


def _combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    return combo


class ExportDialog(QDialog):
    """Format, what to export and where; the last choices are remembered."""

    def __init__(self, parent: QWidget, marks: Marks, settings: Settings) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.settings = settings
        self._replace = False
        self.format = _combo("Format", "The file format of the export")
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.citations = _combo("Citations", "How each highlight is cited: in the style chosen "
                                "in Preferences, or as pandoc citation keys for a manuscript")
        self.citations.addItem("In the citation style of Preferences", "text")
        self.citations.addItem("As pandoc citations ([@key, ¶ 8]), for pandoc --citeproc",
                               "pandoc")
        self.document = _combo("Document", "Export only the annotations in one document")
        self.document.addItem("All documents", "")
        for doc_id, title in sorted(marks.archive.titles(marks.marked_documents()).items(),
                                    key=lambda item: item[1].casefold()):
            self.document.addItem(title, doc_id)
        self.tag = _combo("Tag", "Export only the highlights with this tag")
        self.tag.addItem("Any tag", "")
        for tag in marks.tags():
            self.tag.addItem(f"#{tag}", tag)
        self.colour = _combo("Colour", "Export only the highlights of this colour")
        self.colour.addItem("Any colour", "")
        for name in COLOURS:
            self.colour.addItem(name.capitalize(), name)
        self.path = QLineEdit()
        self.path.setAccessibleName("File")
        self.path.setToolTip("The file to write")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose the file")
        browse.setToolTip("Choose where to save the export")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format:", self.format)
        form.addRow("Document:", self.document)
        form.addRow("Tag:", self.tag)
        form.addRow("Colour:", self.colour)
        form.addRow("Citations:", self.citations)
        form.addRow("Save as:", where)
        form.addRow(buttons)
        self._restore()
        self.format.currentIndexChanged.connect(lambda _i: self._fit_suffix())
        self.format.currentIndexChanged.connect(lambda _i: self._fit_citations())
        self._fit_citations()

    def _restore(self) -> None:
        for combo, setting in ((self.format, keys.EXPORT_FORMAT),
                               (self.document, keys.EXPORT_DOCUMENT),
                               (self.tag, keys.EXPORT_TAG), (self.colour, keys.EXPORT_COLOUR),
                               (self.citations, keys.EXPORT_CITATIONS)):
            index = combo.findData(self.settings.get(setting))
            if index >= 0:
                combo.setCurrentIndex(index)
        folder = Path(self.settings.get(keys.EXPORT_FOLDER) or Path.home())
        self.path.setText(str(folder / default_name(self.format.currentData())))

    def _fit_citations(self) -> None:
        """pandoc's citation keys are for Markdown; the other formats cite as text."""
        markdown = self.format.currentData() == "markdown"
        self.citations.setEnabled(markdown)
        if not markdown:
            self.citations.setCurrentIndex(0)

    def _fit_suffix(self) -> None:
        path = Path(self.path.text() or default_name(self.format.currentData()))
        self.path.setText(str(path.with_suffix(FORMATS[self.format.currentData()])))

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export Annotations", self.path.text(),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if chosen:
            self.path.setText(chosen)

    def ask_replace(self, path: Path) -> bool:
        """Ask whether to replace the file at ``path`` (tests replace this)."""
        answer = plain.message(self, self.windowTitle(),
                               f"{path.name} already exists. Replace it?",
                               QMessageBox.Icon.Question,
                               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        """Export, after asking before a file is replaced: No comes back to the dialog,
        with the file's name chosen for another to be typed."""
        path = self.choice().path
        if path.is_file() and not self.ask_replace(path):
            self.path.setFocus()
            self.path.selectAll()
            return
        self._replace = path.is_file()
        super().accept()

    def choice(self) -> ExportChoice:
        return ExportChoice(self.format.currentData(), Path(self.path.text()).expanduser(),
                            Selection(self.document.currentData(), self.tag.currentData(),
                                      self.colour.currentData()),
                            self.citations.currentData(), self._replace)

    def remember(self) -> None:
        choice = self.choice()
        self.settings.set(keys.EXPORT_FORMAT, choice.fmt)
        self.settings.set(keys.EXPORT_DOCUMENT, choice.selection.document)
        self.settings.set(keys.EXPORT_TAG, choice.selection.tag)
        self.settings.set(keys.EXPORT_COLOUR, choice.selection.colour)
        self.settings.set(keys.EXPORT_CITATIONS, choice.citations)
        self.settings.set(keys.EXPORT_FOLDER, str(choice.path.parent))
