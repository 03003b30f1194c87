"""The export dialog, and progress with a Cancel button for long exports and imports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from desktop.archive.store import Archive
from desktop.notes.export import FORMATS, Selection, default_name
from desktop.notes.store import COLOURS, Notes

FORMAT_LABELS = {"markdown": "Markdown (.md): for reading and notes apps",
                 "json": "W3C Web Annotation JSON (.json): for other tools, and to import back",
                 "csv": "CSV (.csv): for spreadsheets"}


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    path: Path
    selection: Selection


def _combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    return combo


class ExportDialog(QDialog):
    """Format, what to export and where; the last choices are remembered."""

    def __init__(self, parent: QWidget, archive: Archive, notes: Notes,
                 settings: QSettings) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.settings = settings
        self.format = _combo("Format", "The file format of the export")
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.document = _combo("Document", "Export only the annotations in one document")
        self.document.addItem("All documents", "")
        marked = {h.document_id for h in notes.highlights(archive.archive_id)} | \
            {b.document_id for b in notes.bookmarks(archive.archive_id)}
        for doc_id, title in sorted(archive.titles(marked).items(),
                                    key=lambda item: item[1].casefold()):
            self.document.addItem(title, doc_id)
        self.tag = _combo("Tag", "Export only the highlights with this tag")
        self.tag.addItem("Any tag", "")
        for tag in notes.tags():
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
        form.addRow("Save as:", where)
        form.addRow(buttons)
        self._restore()
        self.format.currentIndexChanged.connect(lambda _i: self._fit_suffix())

    def _restore(self) -> None:
        for combo, key in ((self.format, "format"), (self.document, "document"),
                           (self.tag, "tag"), (self.colour, "colour")):
            index = combo.findData(str(self.settings.value(f"export/{key}", "")))
            if index >= 0:
                combo.setCurrentIndex(index)
        folder = Path(str(self.settings.value("export/folder", "") or Path.home()))
        self.path.setText(str(folder / default_name(self.format.currentData())))

    def _fit_suffix(self) -> None:
        path = Path(self.path.text() or default_name(self.format.currentData()))
        self.path.setText(str(path.with_suffix(FORMATS[self.format.currentData()])))

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export Annotations", self.path.text(),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if chosen:
            self.path.setText(chosen)

    def choice(self) -> ExportChoice:
        return ExportChoice(self.format.currentData(), Path(self.path.text()).expanduser(),
                            Selection(self.document.currentData(), self.tag.currentData(),
                                      self.colour.currentData()))

    def remember(self) -> None:
        choice = self.choice()
        self.settings.setValue("export/format", choice.fmt)
        self.settings.setValue("export/document", choice.selection.document)
        self.settings.setValue("export/tag", choice.selection.tag)
        self.settings.setValue("export/colour", choice.selection.colour)
        self.settings.setValue("export/folder", str(choice.path.parent))


class Progress:
    """Report the progress of long work in a dialog with a Cancel button.

    Called by the notes layer as ``progress(done, total)``; returns False once the
    person has pressed Cancel, and the work then stops and changes nothing.
    """

    EVERY = 250

    def __init__(self, parent: QWidget, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle("Archive Browser")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)  # short work finishes before it appears
        self.dialog.setAutoClose(False)

    def __call__(self, done: int, total: int) -> bool:
        if done % self.EVERY == 0 or done == total:
            self.dialog.setMaximum(max(1, total))
            self.dialog.setValue(min(done, total))
            QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
