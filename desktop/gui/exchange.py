"""The export dialog, and progress with a Cancel button for long exports and imports."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
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

from desktop.gui import settings as keys
from desktop.gui.marks import Marks
from desktop.gui.settings import Settings
from desktop.notes.export import FORMATS, Selection, default_name
from desktop.notes.marks import COLOURS

T = TypeVar("T")

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

    def __init__(self, parent: QWidget, marks: Marks, settings: Settings) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.settings = settings
        self.format = _combo("Format", "The file format of the export")
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
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
        form.addRow("Save as:", where)
        form.addRow(buttons)
        self._restore()
        self.format.currentIndexChanged.connect(lambda _i: self._fit_suffix())

    def _restore(self) -> None:
        for combo, setting in ((self.format, keys.EXPORT_FORMAT),
                               (self.document, keys.EXPORT_DOCUMENT),
                               (self.tag, keys.EXPORT_TAG), (self.colour, keys.EXPORT_COLOUR)):
            index = combo.findData(self.settings.get(setting))
            if index >= 0:
                combo.setCurrentIndex(index)
        folder = Path(self.settings.get(keys.EXPORT_FOLDER) or Path.home())
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
        self.settings.set(keys.EXPORT_FORMAT, choice.fmt)
        self.settings.set(keys.EXPORT_DOCUMENT, choice.selection.document)
        self.settings.set(keys.EXPORT_TAG, choice.selection.tag)
        self.settings.set(keys.EXPORT_COLOUR, choice.selection.colour)
        self.settings.set(keys.EXPORT_FOLDER, str(choice.path.parent))


class ProgressDialog:
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


class _Relay(QObject):
    """Signals from the worker thread, delivered on the GUI thread (queued by Qt, since
    this object and the dialog live there)."""

    maximum = Signal(int)
    value = Signal(int)
    finished = Signal()


class Background(ProgressDialog):
    """A progress dialog with Cancel for work on a thread of its own: the window keeps drawing
    and answering while it runs.

    The work receives this object as its ``progress(done, total)``; it opens its own
    connections (one SQLite connection per thread) and only reports numbers, which
    reach the dialog as signals: widgets are touched on the GUI thread alone.
    """

    def __init__(self, parent: QWidget, label: str, *, cancellable: bool = True) -> None:
        super().__init__(parent, label)
        if not cancellable:
            self.dialog.setCancelButton(None)  # type: ignore[arg-type]
        self._cancelled = threading.Event()
        self.dialog.canceled.connect(self._cancelled.set)
        self._relay = _Relay()
        self._relay.maximum.connect(self.dialog.setMaximum)
        self._relay.value.connect(self.dialog.setValue)

    def __call__(self, done: int, total: int) -> bool:
        if done % self.EVERY == 0 or done == total:
            self._relay.maximum.emit(max(1, total))
            self._relay.value.emit(min(done, total))
        return not self._cancelled.is_set()

    def run(self, work: Callable[[Background], T]) -> T:
        """Run ``work(self)`` on a worker thread, processing the window's events until
        it ends; return its result or raise its exception here."""
        outcome: list[tuple[bool, Any]] = []

        def target() -> None:
            try:
                outcome.append((True, work(self)))
            except BaseException as exc:  # handed to the GUI thread, raised there
                outcome.append((False, exc))
            finally:
                self._relay.finished.emit()

        loop = QEventLoop()
        self._relay.finished.connect(loop.quit)
        # Shown (and modal) at once: nothing in the window may change while it works.
        self.dialog.show()
        thread = threading.Thread(target=target, name="notes-import", daemon=True)
        thread.start()
        loop.exec()
        thread.join()
        (ok, result), = outcome
        if not ok:
            raise result
        return result  # type: ignore[no-any-return]
