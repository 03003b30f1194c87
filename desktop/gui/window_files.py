"""The main window's commands for other archives, and exporting and importing marks."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.gui import plain
from desktop.gui import settings as keys
from desktop.gui.exchange import Background, ExportChoice, ExportDialog, Progress
from desktop.notes.errors import NotesError
from desktop.notes.export import Cancelled, collect, render_chunks, write_atomically
from desktop.notes.importer import ImportPlan, ImportReport, apply_import, plan_import
from desktop.notes.store import Notes

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

T = TypeVar("T")


class FileCommands:
    """Mixed into MainWindow: File → Open Archive…, Export and Import Annotations…"""

    def ask_archive_file(self: MainWindow) -> Path | None:
        """Ask which archive to open (tests replace this method)."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Open Archive", str(self.archive.path.parent),
            "Archives (*.db *.sqlite *.sqlite3);;All files (*)")
        return Path(chosen) if chosen else None

    def open_archive(self: MainWindow) -> MainWindow | None:
        path = self.ask_archive_file()
        return self.switch_archive(path) if path is not None else None

    def switch_archive(self: MainWindow, path: Path) -> MainWindow | None:
        """Open another archive in a new window in place of this one. Its reading
        position is its own; marks belong to the archive they were made in."""
        try:
            archive = Archive(path)
        except ArchiveError as exc:
            self.tell(str(exc))
            return None
        from desktop.gui.main_window import OPEN_WINDOWS, MainWindow

        self.save_everything()
        try:
            successor = MainWindow(archive, self.settings, self.notes)
        except (sqlite3.Error, NotesError) as exc:
            archive.close()
            self.tell(f"The archive {path} could not be opened ({exc}).")
            return None
        self.settings.set(keys.LAST_ARCHIVE, str(Path(path).resolve()))
        successor.setGeometry(self.geometry())
        successor.show()
        OPEN_WINDOWS[:] = [successor]
        self.successor = successor
        self.close()
        self.archive.close()
        return successor

    # -- export and import ----------------------------------------------------------

    def ask_export(self: MainWindow) -> ExportChoice | None:
        """Ask what to export and where (tests replace this method)."""
        dialog = ExportDialog(self, self.archive, self.notes, self.settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        dialog.remember()
        return dialog.choice()

    def confirm(self: MainWindow, question: str) -> bool:
        """Ask a yes-or-no question (tests replace this method)."""
        answer = plain.message(self, "Archive Browser", question,
                               QMessageBox.Icon.Question,
                               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_import_file(self: MainWindow) -> Path | None:
        """Ask which file to import (tests replace this method)."""
        folder = self.settings.get(keys.EXPORT_FOLDER) or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Import Annotations", folder, "W3C Web Annotations (*.json *.jsonld);;"
            "All files (*)")
        return Path(chosen) if chosen else None

    def export_annotations(self: MainWindow) -> Path | None:
        choice = self.ask_export()
        if choice is None:
            return None
        # A folder is refused below, by name: it is not a file to replace.
        if choice.path.is_file() and not self.confirm(
                f"{choice.path.name} already exists. Replace it?"):
            return None
        progress = Progress(self, "Exporting your annotations…")
        try:
            marks = collect(self.notes, self.archive, choice.selection)
            chunks = render_chunks(choice.fmt, marks, self.archive, progress)
            write_atomically(choice.path, chunks, overwrite=True)
        except Cancelled:
            self.statusBar().showMessage("Export cancelled; nothing was written.", 6000)
            return None
        except (NotesError, OSError) as exc:
            self.tell(f"The annotations could not be exported: {exc}")
            return None
        finally:
            progress.close()
        self.statusBar().showMessage(f"Exported {len(marks)} annotations and bookmarks to "
                                     f"{choice.path}.", 8000)
        return choice.path

    def import_annotations(self: MainWindow) -> ImportReport | None:
        """Check and place the file's marks on a worker (with progress and Cancel), show
        what would change, then write that same work: the file is read once."""
        try:
            self.notes.ensure_writable()  # before a file is asked for, let alone read
        except NotesError as exc:
            self.tell(str(exc))
            return None
        path = self.ask_import_file()
        if path is None:
            return None
        archive_path, folder = self.archive.path, self.notes.folder

        # The work runs on a worker with connections of its own, one per thread.
        def checked(progress: Background) -> ImportPlan:
            with closing(Archive(archive_path)) as archive, \
                    closing(Notes(folder, backup_now=False, recover=False)) as notes:
                plan = plan_import(notes, archive, path, progress=progress)
            if not progress(1, 1):  # pressed while the last steps ran
                raise Cancelled
            return plan

        def written(plan: ImportPlan) -> ImportReport:
            with closing(Notes(folder, backup_now=False, recover=False)) as notes:
                return apply_import(notes, plan)

        try:
            plan = self._in_background("Checking the file…", checked)
            if not self.confirm(f"Import {path.name}? {plan.report.describe()}"):
                return None
            # One transaction, all or nothing: once begun it is not cancelled.
            report = self._in_background("Importing annotations…",
                                         lambda _progress: written(plan), cancellable=False)
        except Cancelled:
            self.statusBar().showMessage("Import cancelled; nothing was changed.", 6000)
            return None
        except (NotesError, ArchiveError) as exc:
            self.tell(f"Nothing was imported. {exc}")
            return None
        except sqlite3.Error as exc:
            self.tell(f"Nothing was imported: your notes could not be written ({exc}).")
            return None
        self.marks.changed.emit()
        self.statusBar().showMessage(f"{path.name}: {report.describe()}", 10000)
        return report

    def _in_background(self: MainWindow, label: str, work: Callable[[Background], T], *,
                       cancellable: bool = True) -> T:
        progress = Background(self, label, cancellable=cancellable)
        try:
            return progress.run(work)
        finally:
            progress.close()
