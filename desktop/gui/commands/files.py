"""Files: another archive in place of this one, and exporting and importing marks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QWidget

from desktop.archive.errors import ArchiveError
from desktop.gui import settings as keys
from desktop.gui.commands.navigation import Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.marks import Marks
from desktop.gui.progress import Background, ProgressDialog
from desktop.gui.settings import Settings
from desktop.notes.errors import Cancelled, NotesError

if TYPE_CHECKING:  # export and import are loaded when first used, not at every start
    from desktop.notes.importer import ImportPlan, ImportReport

T = TypeVar("T")


class FileCommands:
    """File → Open Archive…, Export Annotations… and Import Annotations…"""

    def __init__(self, parent: QWidget, marks: Marks, settings: Settings, dialogs: Dialogs,
                 status: Status, open_in_place: Callable[[Path], Any],
                 style: Callable[[], str]) -> None:
        self.parent = parent
        self.marks = marks
        self.settings = settings
        self.dialogs = dialogs
        self.status = status
        # Asks the application for a window on another archive in place of this one.
        self.open_in_place = open_in_place
        self.style = style  # the citation style the person chose

    def open_archive(self) -> Any:
        path = self.dialogs.ask_archive_file(self.marks.archive.path.parent)
        return self.open_in_place(path) if path is not None else None

    def export_bibliography(self) -> Path | None:
        """Sources → Export Bibliography…: every source and the essay, as BibTeX, CSL-JSON
        or RIS, with the citation keys the exports use."""
        folder = self.settings.get(keys.EXPORT_FOLDER) or str(Path.home())
        chosen = self.dialogs.ask_bibliography_file(Path(folder))
        if chosen is None:
            return None
        path, fmt = chosen
        from desktop.archive.references import bibliography
        from desktop.notes.export import write_atomically

        try:
            write_atomically(path, bibliography(self.marks.archive, fmt), overwrite=True)
        except (ArchiveError, NotesError, OSError) as exc:
            self.dialogs.tell(f"The bibliography could not be exported: {exc}")
            return None
        self.settings.set(keys.EXPORT_FOLDER, str(path.parent))
        self.status(f"Exported the bibliography to {path}.", 8000)
        return path

    # -- export and import ----------------------------------------------------------

    def export_annotations(self) -> Path | None:
        choice = self.dialogs.ask_export(self.marks, self.settings)
        if choice is None:
            return None
        # A folder is refused below, by name: it is not a file to replace.
        # The dialog asks itself when it was the person who chose an existing file.
        if choice.path.is_file() and not choice.replace and not self.dialogs.confirm(
                f"{choice.path.name} already exists. Replace it?"):
            return None
        progress = ProgressDialog(self.parent, "Exporting your annotations…")
        try:
            count = self.marks.export(choice.fmt, choice.selection, choice.path, progress,
                                      style=self.style(), citations=choice.citations)
        except Cancelled:
            self.status("Export cancelled; nothing was written.", 6000)
            return None
        except (NotesError, ArchiveError, OSError) as exc:
            self.dialogs.tell(f"The annotations could not be exported: {exc}")
            return None
        finally:
            progress.close()
        self.status(f"Exported {count} annotations and bookmarks to {choice.path}.", 8000)
        return choice.path

    def import_annotations(self) -> ImportReport | None:
        """Check and place the file's marks on a worker (with progress and Cancel), show
        what would change, then write that same work: the file is read once."""
        try:
            self.marks.ensure_writable()  # before a file is asked for, let alone read
        except NotesError as exc:
            self.dialogs.tell(str(exc))
            return None
        folder = self.settings.get(keys.EXPORT_FOLDER) or str(Path.home())
        path = self.dialogs.ask_import_file(Path(folder))
        if path is None:
            return None

        def checked(progress: Background) -> ImportPlan:
            plan = self.marks.check_import(path, progress)
            if not progress(1, 1):  # pressed while the last steps ran
                raise Cancelled
            return plan

        try:
            plan = self._in_background("Checking the file…", checked)
            if not self.dialogs.confirm(f"Import {path.name}? {plan.report.describe()}"):
                return None
            # One transaction, all or nothing: once begun it is not cancelled.
            report = self._in_background("Importing annotations…",
                                         lambda _progress: self.marks.write_import(plan),
                                         cancellable=False)
        except Cancelled:
            self.status("Import cancelled; nothing was changed.", 6000)
            return None
        except (NotesError, ArchiveError) as exc:
            self.dialogs.tell(f"Nothing was imported. {exc}")
            return None
        self.marks.imported()
        self.status(f"{path.name}: {report.describe()}", 10000)
        return report

    def _in_background(self, label: str, work: Callable[[Background], T], *,
                       cancellable: bool = True) -> T:
        progress = Background(self.parent, label, cancellable=cancellable)
        try:
            return progress.run(work)
        finally:
            progress.close()
