"""Every question the application asks a person, behind one small object.

Commands ask through :class:`Dialogs`; tests replace its methods to answer
without a modal dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

# The dialogs' classes are looked up when a question is asked: PySide makes a class, and
# its enums, when it is first named, and a start asks nothing.
from PySide6 import QtWidgets

from desktop.archive.store import Archive
from desktop.gui import plain
from desktop.gui.marks import Marks
from desktop.gui.settings import Settings

# The dialogs' own modules are loaded when one is first asked for, not at every start.
if TYPE_CHECKING:
    from desktop.gui.export_dialog import ExportChoice

APP_NAME = "Archive Browser"
# CSL-JSON first: what Zotero imports and pandoc reads best.
BIBLIOGRAPHY_FILTERS = {"CSL-JSON (*.json)": "csl-json", "BibTeX (*.bib)": "bibtex",
                        "RIS (*.ris)": "ris"}
BIBLIOGRAPHY_SUFFIXES = {"bibtex": ".bib", "csl-json": ".json", "ris": ".ris"}


def bibliography_target(path: Path, chosen: str) -> tuple[Path, str]:
    """The file and format of a bibliography: a name's own suffix (``refs.json``) decides
    the format, else the file type chosen gives both."""
    for fmt, suffix in BIBLIOGRAPHY_SUFFIXES.items():
        if path.suffix.lower() == suffix:
            return path, fmt
    return path.with_name(path.name + BIBLIOGRAPHY_SUFFIXES[chosen]), chosen


class Dialogs:
    """Questions and messages, shown over ``parent``."""

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        self.parent = parent

    def tell(self, message: str, title: str = APP_NAME) -> None:
        """Tell the person something that happened."""
        plain.message(self.parent, title, message)

    def confirm(self, question: str) -> bool:
        """Ask a yes-or-no question."""
        box = QtWidgets.QMessageBox
        answer = plain.message(self.parent, APP_NAME, question, box.Icon.Question,
                               box.StandardButton.Yes | box.StandardButton.No)
        return answer == box.StandardButton.Yes

    def ask_archive_file(self, folder: Path) -> Path | None:
        """Ask which archive to open."""
        chosen, _filter = QtWidgets.QFileDialog.getOpenFileName(
            self.parent, "Open Archive", str(folder),
            "Archives (*.db *.sqlite *.sqlite3);;All files (*)")
        return Path(chosen) if chosen else None

    def ask_import_file(self, folder: Path) -> Path | None:
        """Ask which file of annotations to import."""
        chosen, _filter = QtWidgets.QFileDialog.getOpenFileName(
            self.parent, "Import Annotations", str(folder),
            "W3C Web Annotations or Hypothesis JSON (*.json *.jsonld);;All files (*)")
        return Path(chosen) if chosen else None

    def ask_export(self, marks: Marks, settings: Settings) -> ExportChoice | None:
        """Ask what to export and where; the choices are remembered for next time."""
        from desktop.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self.parent, marks, settings)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return None
        dialog.remember()
        return dialog.choice()

    def ask_label(self) -> str | None:
        """Ask for a bookmark's label."""
        text, ok = QtWidgets.QInputDialog.getText(self.parent, "Bookmark", "Label (optional):")
        return text if ok else None

    def ask_link(self, first: str, second: str, *, relation: str = "",
                 note: str = "") -> tuple[str, str] | None:
        """Ask how ``first`` (words) is linked to ``second``: the relation (one offered,
        or the person's own word, checked) and a note; given a relation, edit a link.
        None if the person cancelled."""
        from desktop.gui.link_dialog import LinkDialog

        dialog = LinkDialog(self.parent, first, second, relation=relation, note=note,
                            editing=bool(relation))
        return dialog.answer() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_paragraph(self, maximum: int) -> int | None:
        """Ask for a ¶ number."""
        number, ok = QtWidgets.QInputDialog.getInt(
            self.parent, "Go to Paragraph", f"Paragraph number (1–{maximum}):", 1, 1, maximum)
        return number if ok else None

    def ask_style(self, archive: Archive, style: str) -> str | None:
        """Ask for the citation style (Preferences); None if the person cancelled."""
        from desktop.gui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.parent, archive, style)
        return dialog.style() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_bibliography_file(self, folder: Path) -> tuple[Path, str] | None:
        """Ask where to save the bibliography, and in which format (by the file type)."""
        chosen, kind = QtWidgets.QFileDialog.getSaveFileName(
            self.parent, "Export Bibliography", str(folder / "archive-browser-sources.json"),
            ";;".join(BIBLIOGRAPHY_FILTERS))
        if not chosen:
            return None
        return bibliography_target(Path(chosen), BIBLIOGRAPHY_FILTERS.get(kind, "bibtex"))

    def show_list(self, title: str, text: str) -> None:
        QtWidgets.QMessageBox.information(self.parent, title, text)
