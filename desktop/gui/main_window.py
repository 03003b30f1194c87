"""The main window: the reader in the middle, contents, search and sources beside it."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QWidget,
)

from desktop.archive.cite import cite, place
from desktop.archive.store import Archive
from desktop.gui import plain
from desktop.gui import settings as keys
from desktop.gui.marks import COLOUR_LABELS, Marks
from desktop.gui.models import ContentsModel
from desktop.gui.note_editor import NoteEditor
from desktop.gui.panels.annotations import AnnotationsPanel
from desktop.gui.panels.bookmarks import BookmarksPanel
from desktop.gui.panels.contents import ContentsPanel
from desktop.gui.panels.search import SearchPanel
from desktop.gui.panels.sources import SourcesPanel
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView
from desktop.gui.settings import Settings
from desktop.gui.theme import DEFAULT_THEME, THEMES, ZOOM_MAX, ZOOM_MIN, apply_palette
from desktop.gui.window_files import FileCommands
from desktop.gui.window_links import LinkCommands
from desktop.gui.window_marks import MarkCommands
from desktop.notes.anchoring import MOVED, ORPHANED
from desktop.notes.errors import NotesError
from desktop.notes.reanchor import reanchor_all
from desktop.notes.store import COLOURS, Notes

APP_NAME = "Archive Browser"
# The window the application shows: kept here so that a window opened in place of
# another (File → Open Archive…) lives on after the call that made it.
OPEN_WINDOWS: list[MainWindow] = []
BACKUP_INTERVAL_MS = 10 * 60 * 1000
KIND_LABELS = {"direct": "Quotation", "term": "A term of the time",
               "scare": "The author’s quotation marks"}


@dataclass(frozen=True)
class Place:
    """A place the person has been: a document and the passage at the top of the view."""

    document_id: str
    passage_id: str


class MainWindow(LinkCommands, MarkCommands, FileCommands, QMainWindow):
    def __init__(self, archive: Archive, settings: Settings, notes: Notes) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.archive = archive
        self.settings = settings
        self.notes = notes
        self.closed = False
        self.marks = Marks(notes, archive)
        try:
            self.reanchored = reanchor_all(notes, archive)
        except sqlite3.Error as exc:
            raise NotesError(f"Your notes in {notes.folder} could not be read ({exc}).") from exc
        self.back_stack: list[Place] = []
        self.forward_stack: list[Place] = []
        self.reader = ReaderView(self)
        self.setCentralWidget(self.reader)
        self.card = InfoCard(self)
        self.card.action.connect(self._card_action)
        self._card_target: dict[str, str] = {}
        self._under_click: list[tuple[str, str]] = []

        self.contents_model = ContentsModel(archive)
        self.contents = ContentsPanel(self.contents_model)
        self.search = SearchPanel()
        self.search.set_archive(archive)
        self.sources = SourcesPanel()
        self.sources.set_archive(archive)
        self.annotations = AnnotationsPanel(self.marks)
        self.bookmarks = BookmarksPanel(self.marks)
        self.note_editor = NoteEditor(self.marks, self)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.contents_dock = self._dock("Contents", self.contents, left)
        self.search_dock = self._dock("Search", self.search, right)
        self.sources_dock = self._dock("Sources", self.sources, right)
        self.annotations_dock = self._dock("Annotations", self.annotations, right)
        self.bookmarks_dock = self._dock("Bookmarks", self.bookmarks, left)
        self.tabifyDockWidget(self.search_dock, self.sources_dock)
        self.tabifyDockWidget(self.sources_dock, self.annotations_dock)
        self.tabifyDockWidget(self.contents_dock, self.bookmarks_dock)
        self.search_dock.raise_()
        self.contents_dock.raise_()

        self.location = QLabel()
        self.location.setTextFormat(Qt.TextFormat.PlainText)
        self.location.setAccessibleName("Reading position")
        self.location.setToolTip("The document and paragraph at the top of the reader")
        self.statusBar().addPermanentWidget(self.location)

        self.contents.goTo.connect(lambda d, p: self.navigate(d, p or None))
        self.search.goTo.connect(lambda d, p, spans: self.navigate(d, p, spans))
        self.sources.goTo.connect(lambda d, p: self.navigate(d, p))
        self.reader.linkFollowed.connect(self._follow_link)
        self.reader.rendered.connect(self.refresh_highlights)
        self.reader.highlightClicked.connect(self.note_editor.open_for)
        self.marks.changed.connect(self.refresh_highlights)
        self.marks.changed_one.connect(self.refresh_one)
        self.annotations.goTo.connect(self.go_to_highlight)
        self.annotations.reattachRequested.connect(self.reattach)
        self.bookmarks.goTo.connect(self.go_to_bookmark)
        self.annotations_dock.visibilityChanged.connect(self.annotations.set_shown)
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self._backup_timer.timeout.connect(self.backup_notes)
        self._backup_timer.start()
        # quit() and logging out end the event loop without closing windows: save first.
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.save_everything)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(800)
        self._save_timer.timeout.connect(self.save_position)
        self.reader.verticalScrollBar().valueChanged.connect(self._scrolled)

        self.theme_name = settings.get(keys.THEME)
        if self.theme_name not in THEMES:
            self.theme_name = DEFAULT_THEME
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, settings.get(keys.ZOOM)))
        self._build_menus()
        self._apply_style()
        self._fit_to_screen()
        self._restore_layout()
        self._open_start()

    # -- construction ---------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}-dock")
        dock.setAccessibleName(f"{title} panel")
        dock.setToolTip(f"The {title.lower()} panel")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu, text: str, tip: str, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in shortcuts])
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open Archive…", "Open another archive file",
                     self.open_archive, QKeySequence.StandardKey.Open)
        file.addSeparator()
        self._action(file, "&Export Annotations…", "Export your highlights, notes, tags and "
                     "bookmarks as Markdown, W3C JSON or CSV", self.export_annotations,
                     "Ctrl+Shift+E")
        self._action(file, "&Import Annotations…", "Import annotations from a W3C Web "
                     "Annotation JSON file", self.import_annotations, "Ctrl+Shift+I")
        file.addSeparator()
        self._action(file, "&Quit", "Close the window and quit", self.close,
                     QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self.marks.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.marks.undo_stack.createRedoAction(self, "&Redo")
        for action, shortcuts, tip in (
                (self.undo_action, ["Ctrl+Z"], "Undo the last change to your highlights, "
                 "notes, tags or bookmarks"),
                (self.redo_action, ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo what was undone")):
            action.setShortcuts([QKeySequence(k) for k in shortcuts])
            action.setToolTip(tip)
            action.setStatusTip(tip)
            edit.addAction(action)
            self.addAction(action)
        edit.addSeparator()
        self._action(edit, "&Copy", "Copy the selected words", self.reader.copy,
                     QKeySequence.StandardKey.Copy)
        self.cite_action = self._action(
            edit, "Copy with &Citation", "Copy the selected words, or the current passage, "
            "with a citation naming author, title, date and ¶", self.copy_citation,
            "Ctrl+Shift+C")
        edit.addSeparator()
        self._action(edit, "&Find…", "Search the whole archive", self.focus_search,
                     QKeySequence.StandardKey.Find)
        view = bar.addMenu("&View")
        self._action(view, "Zoom &In", "Make the text larger", lambda: self.set_zoom(self.zoom + 1),
                     ["Ctrl++", "Ctrl+="])
        self._action(view, "Zoom &Out", "Make the text smaller",
                     lambda: self.set_zoom(self.zoom - 1), "Ctrl+-")
        self._action(view, "&Actual Size", "Return the text to its usual size",
                     lambda: self.set_zoom(0), "Ctrl+0")
        view.addSeparator()
        themes = view.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for number, theme in enumerate(THEMES.values(), 1):
            action = self._action(themes, theme.label, f"Read in the {theme.label.lower()} theme",
                                  lambda name=theme.name: self.set_theme(name),
                                  f"Ctrl+Shift+{number}")
            action.setCheckable(True)
            group.addAction(action)
            self.theme_actions[theme.name] = action
        view.addSeparator()
        docks = (self.contents_dock, self.search_dock, self.sources_dock,
                 self.annotations_dock, self.bookmarks_dock)
        for number, dock in enumerate(docks, 1):
            self._action(view, f"{dock.windowTitle()} Panel",
                         f"Bring the {dock.windowTitle().lower()} panel to the front, or hide "
                         "it if it is in front", lambda d=dock: self.toggle_panel(d),
                         f"Ctrl+{number}")
        annotate = bar.addMenu("&Annotate")
        self._action(annotate, "&Highlight", "Highlight the selected words in the last colour "
                     "used", lambda: self.highlight_selection(), "Ctrl+H")
        colours = annotate.addMenu("Highlight in &Colour")
        for number, name in enumerate(COLOURS, 1):
            self._action(colours, COLOUR_LABELS[name], f"Highlight the selected words in {name}",
                         lambda n=name: self.highlight_selection(n), f"Ctrl+Alt+{number}")
        self._action(annotate, "Edit &Note…", "Write or edit the note on the highlight at the "
                     "cursor", self.edit_note_at_cursor, "Ctrl+Shift+N")
        self._action(annotate, "&Delete Highlight", "Delete the highlight at the cursor",
                     self.delete_highlight_at_cursor, "Ctrl+Shift+Backspace")
        annotate.addSeparator()
        self._action(annotate, "Toggle &Bookmark", "Bookmark the passage you are reading, or "
                     "remove its bookmark", self.toggle_bookmark, "Ctrl+D")
        self._action(annotate, "Bookmark with &Label…", "Bookmark the passage you are reading "
                     "and give the bookmark a label", self.bookmark_with_label, "Ctrl+Shift+D")
        go = bar.addMenu("&Go")
        self.back_action = self._action(go, "&Back", "Go back to where you were",
                                        self.go_back, QKeySequence("Alt+Left"))
        self.forward_action = self._action(go, "&Forward", "Go forward again",
                                           self.go_forward, QKeySequence("Alt+Right"))
        self._action(go, "&Start of Document", "Go to the start of this document",
                     lambda: self.go_to_end(first=True), "Ctrl+Home")
        self._action(go, "&End of Document", "Go to the end of this document",
                     lambda: self.go_to_end(first=False), "Ctrl+End")
        self._action(go, "Go to &Paragraph…", "Go to a paragraph of this document by its ¶ "
                     "number", self.go_to_paragraph, "Ctrl+G")
        self._action(go, "Focus on the &Contents", "Move the keyboard focus to the contents",
                     self.contents.setFocus, "Ctrl+Shift+T")
        self._action(go, "Focus on the &Text", "Move the keyboard focus to the text",
                     self.reader.setFocus,
                     "Ctrl+Shift+R")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", "List every keyboard shortcut",
                     self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "&About Archive Browser", "About this application",
                     self.show_about)
        self._update_history_actions()

    # -- opening and navigating ---------------------------------------------

    def _open_start(self) -> None:
        stored = self.settings.get(keys.POSITION, archive=self.archive.archive_id)
        document_id, _, passage_id = stored.partition("|")
        if self.archive.document(document_id) is None:
            document_id, passage_id = self.archive.documents(0, 1)[0].id, ""
        self.show_document(document_id)
        # The text is laid out when the window is shown; scroll once it is.
        QTimer.singleShot(0, lambda: self._arrive(passage_id))

    def _arrive(self, passage_id: str) -> None:
        if self.closed:
            return
        self._bring_saved_panels_forward()
        if passage_id:
            self.reader.scroll_to(passage_id)
        self._update_location()

    def show_document(self, document_id: str) -> None:
        if self.reader.document_id != document_id:
            self.reader.show_document(self.archive, document_id)
        document = self.archive.document(document_id)
        if document is not None:
            self.setWindowTitle(f"{document.title} — {APP_NAME}")
        self._update_location()

    def here(self) -> Place | None:
        passage = self.reader.current_passage()
        if self.reader.document_id is None or passage is None:
            return None
        return Place(self.reader.document_id, passage.id)

    def navigate(self, document_id: str, passage_id: str | None = None,
                 spans: tuple[tuple[int, int], ...] = (), *, record: bool = True) -> None:
        """Go to a passage (or a document's start), remembering where we were."""
        if self.archive.document(document_id) is None:
            return
        current = self.here()
        if record and current is not None:
            self.back_stack.append(current)
            self.forward_stack.clear()
        self.show_document(document_id)
        if passage_id:
            self.reader.scroll_to(passage_id, tuple(spans or ()))
        else:
            self.reader.verticalScrollBar().setValue(0)
            self.reader.mark(None, ())
        self.reader.setFocus()
        self._update_history_actions()
        self._update_location()
        self.save_position()

    def go_back(self) -> None:
        if not self.back_stack:
            return
        current = self.here()
        if current is not None:
            self.forward_stack.append(current)
        target = self.back_stack.pop()
        self.navigate(target.document_id, target.passage_id, record=False)

    def go_forward(self) -> None:
        if not self.forward_stack:
            return
        current = self.here()
        if current is not None:
            self.back_stack.append(current)
        target = self.forward_stack.pop()
        self.navigate(target.document_id, target.passage_id, record=False)

    def _update_history_actions(self) -> None:
        self.back_action.setEnabled(bool(self.back_stack))
        self.forward_action.setEnabled(bool(self.forward_stack))

    def ask_paragraph(self, maximum: int) -> int | None:
        """Ask for a ¶ number (tests replace this method)."""
        number, ok = QInputDialog.getInt(self, "Go to Paragraph",
                                         f"Paragraph number (1–{maximum}):", 1, 1, maximum)
        return number if ok else None

    def go_to_paragraph(self) -> None:
        if self.reader.document_id is None:
            return
        numbered = {p.paragraph: p.id for p in self.archive.passages(self.reader.document_id)
                    if p.paragraph is not None}
        if not numbered:
            self.statusBar().showMessage("This document has no numbered paragraphs.", 4000)
            return
        number = self.ask_paragraph(max(numbered))
        if number is not None and number in numbered:
            self.navigate(self.reader.document_id, numbered[number])

    def go_to_end(self, *, first: bool) -> None:
        if self.reader.document_id is None:
            return
        passages = self.archive.passages(self.reader.document_id)
        if passages:
            self.navigate(self.reader.document_id, (passages[0] if first else passages[-1]).id)

    def toggle_panel(self, dock: QDockWidget) -> None:
        """Show a panel in front of those tabbed with it; hide it if it is in front."""
        in_front = dock.isVisible() and not dock.visibleRegion().isEmpty()
        if in_front:
            dock.hide()
        else:
            dock.show()
            dock.raise_()

    def focus_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search.field.setFocus()
        self.search.field.selectAll()

    # -- reading comfort -----------------------------------------------------------

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        self.settings.set(keys.ZOOM, self.zoom)
        self._apply_style()

    def set_theme(self, name: str) -> None:
        if name in THEMES:
            self.theme_name = name
            self.settings.set(keys.THEME, name)
            self._apply_style()

    def _apply_style(self) -> None:
        theme = THEMES[self.theme_name]
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_palette(app, theme)
        self.theme_actions[self.theme_name].setChecked(True)
        self.reader.set_style(theme, self.zoom)

    # -- citation ------------------------------------------------------------------

    def copy_citation(self) -> str:
        selected = self.reader.selection_across()
        if selected is not None:
            first, last, words = selected
            text = cite(self.archive, first, words, last)
        else:
            passage = self.reader.reading_passage()
            if passage is None:
                return ""
            text = cite(self.archive, passage)
        QApplication.clipboard().setText(text)
        self.statusBar().showMessage("Copied with a citation.", 4000)
        return text

    # -- position and layout ------------------------------------------------------

    def _scrolled(self) -> None:
        self._update_location()
        self._save_timer.start()

    def _update_location(self) -> None:
        if self.closed:
            return  # replaced by another archive's window: its archive is closed
        passage = self.reader.current_passage()
        document = self.archive.document(self.reader.document_id or "")
        if passage is None or document is None:
            self.location.setText("")
            return
        self.location.setText(f"{document.title} — {place(passage)}")
        self.contents.show_current(document.id, passage.section_id)

    def save_position(self) -> None:
        place_ = self.here()
        if place_ is not None:
            self.settings.set(keys.POSITION, f"{place_.document_id}|{place_.passage_id}",
                              archive=self.archive.archive_id)
            self.settings.sync()

    def _fit_to_screen(self) -> None:
        """A first window as large as is comfortable, and never larger than the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1280, 820
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.92))
        self.resize(width, height)

    def _restore_layout(self) -> None:
        geometry = self.settings.get(keys.GEOMETRY)
        state = self.settings.get(keys.LAYOUT)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if not state.isEmpty():
            self.restoreState(state)
        else:
            self.size_panels()

    def size_panels(self) -> None:
        """Side panels of about a fifth and a quarter of the window, the text between."""
        width = self.width()
        self.resizeDocks([self.contents_dock, self.search_dock],
                         [min(250, width // 5), min(330, width // 4)],
                         Qt.Orientation.Horizontal)

    def save_everything(self) -> None:
        """Write what is not yet written: the note being typed, the place, the layout."""
        self.note_editor.save()
        self.save_position()
        self.settings.set(keys.GEOMETRY, self.saveGeometry())
        self.settings.set(keys.LAYOUT, self.saveState())
        # Which of the tabbed panels are in front (the window's state keeps only which
        # are open).
        self.settings.set(keys.FRONT_PANELS, ",".join(
            dock.objectName() for dock in self.findChildren(QDockWidget)
            if dock.isVisible() and not dock.visibleRegion().isEmpty()))
        self.settings.sync()

    def _bring_saved_panels_forward(self) -> None:
        front = self.settings.get(keys.FRONT_PANELS).split(",")
        for dock in self.findChildren(QDockWidget):
            if dock.objectName() in front and dock.isVisible():
                dock.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_everything()
        self.closed = True
        self._save_timer.stop()
        self._backup_timer.stop()
        app = QApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.aboutToQuit.disconnect(self.save_everything)
        self.note_editor.hide()
        self.card.hide()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        # Qt creates the tab bars of tabbed panels itself; name them for screen readers.
        for bar in self.findChildren(QTabBar):
            bar.setAccessibleName("Panel tabs")
            bar.setToolTip("Switch between the panels docked here")

    def tell(self, message: str) -> None:
        """Tell the person something that happened (tests replace this method)."""
        plain.message(self, APP_NAME, message)

    def report_start(self) -> None:
        """Say what opening the notes found: damage repaired, marks moved or lost."""
        for message in self.notes.report.messages:
            self.tell(message)
        orphans = self.reanchored.get(ORPHANED, 0)
        moved = self.reanchored.get(MOVED, 0)
        if orphans:
            self.statusBar().showMessage(
                f"{orphans} of your marks could not be found in this version of the archive; "
                "they are kept in the Annotations panel as “orphaned”.", 15000)
        elif moved:
            self.statusBar().showMessage(f"{moved} of your marks moved with the archive's "
                                         "text.", 8000)

    # -- help ----------------------------------------------------------------------

    def shortcut_list(self) -> list[tuple[str, str]]:
        rows = []
        for action in self.actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            if keys:
                rows.append((action.text().replace("&", ""), keys))
        return rows

    def show_shortcuts(self) -> None:
        text = "\n".join(f"{name}: {keys}" for name, keys in self.shortcut_list())
        QMessageBox.information(self, "Keyboard Shortcuts", text)

    def show_about(self) -> None:
        title = self.archive.meta.get("title") or self.archive.archive_id
        count = self.archive.document_count()
        plain.message(self, f"About {APP_NAME}",
                      f"{APP_NAME}: read closely, follow each quotation to its source, and "
                      f"keep your own notes.\n\nThis archive: {title} ({count:,} "
                      f"document{'s' if count != 1 else ''}), at {self.archive.path}.")
