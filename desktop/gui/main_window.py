"""The main window: the reader in the middle, contents, search and sources beside it."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QWidget,
)

from desktop.archive.cite import cite, human_date, place
from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from desktop.gui.annotations import AnnotationsPanel
from desktop.gui.bookmarks import BookmarksPanel
from desktop.gui.exchange import ExportChoice, ExportDialog, Progress
from desktop.gui.marks import COLOUR_LABELS, Marks, colour
from desktop.gui.models import ContentsModel
from desktop.gui.note_editor import NoteEditor
from desktop.gui.panels import ContentsPanel, SearchPanel, SourcesPanel
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView
from desktop.gui.theme import DEFAULT_THEME, THEMES, ZOOM_MAX, ZOOM_MIN, apply_palette
from desktop.notes.anchoring import MOVED, ORPHANED
from desktop.notes.errors import NotesError
from desktop.notes.export import Cancelled, collect, render_chunks, write_atomically
from desktop.notes.importer import ImportReport, import_file
from desktop.notes.reanchor import reanchor_all
from desktop.notes.store import COLOURS, Notes

APP_NAME = "Archive Browser"
# The window the application shows: kept here so that a window opened in place of
# another (File → Open Archive…) lives on after the call that made it.
OPEN_WINDOWS: list[MainWindow] = []
BACKUP_INTERVAL_MS = 10 * 60 * 1000
KIND_LABELS = {"direct": "Quotation", "term": "A term of the time",
               "scare": "The author’s quotation marks"}


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection that starts or ends inside a word to the whole word, and
    leave out spaces at its ends: a highlight is of words, as a reader means it."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class Place:
    """A place the person has been: a document and the passage at the top of the view."""

    document_id: str
    passage_id: str


class MainWindow(QMainWindow):
    def __init__(self, archive: Archive, settings: QSettings, notes: Notes) -> None:
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

        self.theme_name = str(settings.value("reader/theme", DEFAULT_THEME))
        if self.theme_name not in THEMES:
            self.theme_name = DEFAULT_THEME
        try:
            self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, int(settings.value("reader/zoom", 0))))
        except (TypeError, ValueError):
            self.zoom = 0
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
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
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
        for action, keys, tip in (
                (self.undo_action, ["Ctrl+Z"], "Undo the last change to your highlights, "
                 "notes, tags or bookmarks"),
                (self.redo_action, ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo what was undone")):
            action.setShortcuts([QKeySequence(k) for k in keys])
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
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(f"Ctrl+{number}"))
            toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel")
            view.addAction(toggle)
            self.addAction(toggle)
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
        self._action(go, "&Contents", "Move the keyboard focus to the contents",
                     self.contents.setFocus, "Ctrl+Shift+T")
        self._action(go, "&Reader", "Move the keyboard focus to the text", self.reader.setFocus,
                     "Ctrl+Shift+R")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", "List every keyboard shortcut",
                     self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "&About Archive Browser", "About this application",
                     self.show_about)
        self._update_history_actions()

    # -- opening and navigating ---------------------------------------------

    def _open_start(self) -> None:
        stored = str(self.settings.value(self._position_key(), ""))
        document_id, _, passage_id = stored.partition("|")
        if self.archive.document(document_id) is None:
            document_id, passage_id = self.archive.documents(0, 1)[0].id, ""
        self.show_document(document_id)
        # The text is laid out when the window is shown; scroll once it is.
        QTimer.singleShot(0, lambda: self._arrive(passage_id))

    def _arrive(self, passage_id: str) -> None:
        if self.closed:
            return
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

    def focus_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search.field.setFocus()
        self.search.field.selectAll()

    # -- following links ---------------------------------------------------------

    def _follow_link(self, kind: str, ident: str) -> None:
        if not ident.isdigit():
            return
        # Words can be both a link and highlighted: the card then offers the note too.
        click = self.reader.last_click
        self._under_click = self.reader.highlights_at(click) if click is not None else []
        if kind == "note":
            self.show_note(int(ident))
        elif kind == "quote":
            self.show_quotation(int(ident))
        elif kind == "back":
            self.back_to_essay(int(ident))

    def _card_near(self, href: str) -> QPoint:
        """Below the click that opened it, or below the link when the keyboard did."""
        line = self.reader.fontMetrics().height() * 2
        point = self.reader.last_click
        if point is None:
            point = self.reader.link_rect(href).bottomLeft()
        self.reader.last_click = None
        return self.reader.viewport().mapToGlobal(point + QPoint(-12, line))

    def show_note(self, footnote_id: int) -> None:
        note = next((f for f in self.archive.footnotes() if f.id == footnote_id), None)
        if note is None:
            return
        actions = []
        self._card_target = {}
        if note.source_id:
            self._card_target["source"] = note.source_id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        self._card_target["note"] = note.note_passage_id
        actions.append(("note", "Go to &Note", "Go to the note at the end of the essay"))
        self._offer_highlight(actions)
        self.card.fill(f"Note {note.marker}", [note.note], actions)
        self.card.show_at(self._card_near(f"note:{footnote_id}"))

    def show_quotation(self, quotation_id: int) -> None:
        quotation = next((q for q in self.archive.quotations() if q.id == quotation_id), None)
        if quotation is None:
            return
        source = self.archive.source(quotation.source_id) if quotation.source_id else None
        lines = []
        actions = []
        self._card_target = {}
        heading = KIND_LABELS.get(quotation.kind, "Quotation")
        if source is not None:
            heading += f" from {source.title}"
            if source.description:
                lines.append(source.description)
            self._card_target["source"] = source.id
            actions.append(("source", "Source &Record", "Show this source’s full record"))
        if quotation.excerpt_id is not None:
            excerpt = next(e for e in self.archive.excerpts() if e.id == quotation.excerpt_id)
            document = self.archive.document(excerpt.document_id)
            self._card_target["excerpt"] = excerpt.passage_id
            name = document.title if document else "the source"
            actions.insert(0, ("excerpt", "Read in &Context",
                               f"Go to these words in {name}"))
        self._offer_highlight(actions)
        self.card.fill(heading, lines, actions)
        self.card.show_at(self._card_near(f"quote:{quotation_id}"))

    def _offer_highlight(self, actions: list[tuple[str, str, str]]) -> None:
        if self._under_click:
            self._card_target["highlight"] = self._under_click[-1][0]
            actions.append(("highlight", "Your &Note", "Open your note on these highlighted "
                            "words"))

    def _card_action(self, key: str) -> None:
        target = self._card_target.get(key, "")
        if key == "highlight":
            self.note_editor.open_for(target, self.card.pos())
        elif key == "source":
            self.show_source(target)
        elif key in ("excerpt", "note"):
            passage = self.archive.passage(target)
            if passage is not None:
                self.navigate(passage.document_id, passage.id, ((0, len(passage.text)),))

    def show_source(self, source_id: str) -> None:
        self.sources_dock.show()
        self.sources_dock.raise_()
        self.sources.select(source_id)

    def back_to_essay(self, excerpt_id: int) -> None:
        excerpt = next((e for e in self.archive.excerpts() if e.id == excerpt_id), None)
        passage = self.archive.passage(excerpt.essay_passage_id) if excerpt else None
        if excerpt is not None and passage is not None:
            self.navigate(passage.document_id, passage.id, ((excerpt.start, excerpt.end),))

    # -- reading comfort -----------------------------------------------------------

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        self.settings.setValue("reader/zoom", self.zoom)
        self._apply_style()

    def set_theme(self, name: str) -> None:
        if name in THEMES:
            self.theme_name = name
            self.settings.setValue("reader/theme", name)
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

    def _position_key(self) -> str:
        return f"position/{self.archive.archive_id}"

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
            self.settings.setValue(self._position_key(),
                                   f"{place_.document_id}|{place_.passage_id}")
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
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
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
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

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

    # -- the person's marks --------------------------------------------------------

    def refresh_highlights(self) -> None:
        if self.reader.layout_ is None:
            return
        uris = set(self.reader.layout_.block_of_uri)
        shown = []
        document_id = self.reader.document_id or ""
        colours = {name: colour(name) for name in COLOURS}
        for uri, start, end, highlight_id, name, note in self.notes.marks_in(
                self.archive.archive_id, document_id):
            if uri in uris:
                shown.append((uri, start, end, highlight_id, colours[name], note))
        self.reader.show_highlights(shown)
        self.reader.show_bookmarks({b.uri for b in self.notes.bookmarks(self.archive.archive_id)
                                    if b.document_id == document_id})

    def highlight_selection(self, colour_name: str | None = None) -> str | None:
        selected = self.reader.selected_words()
        if selected is None:
            self.statusBar().showMessage("Select some words of one passage to highlight "
                                         "them.", 5000)
            return None
        passage, start, end, _words = selected
        start, end = whole_words(passage.text, start, end)
        made = self.marks.highlight(passage, start, end, colour_name)
        self.statusBar().showMessage(f"Highlighted in {made.colour}.", 3000)
        return made.id

    def _highlight_at_cursor(self) -> str | None:
        cursor = self.reader.textCursor()
        passage = self.reader.passage_under_cursor()
        if passage is None:
            return None
        offset = cursor.selectionStart() - cursor.block().position()
        found = [h for h in self.marks.at(passage.uri)
                 if h.selector.start <= offset < h.selector.end]
        return found[-1].id if found else None

    def edit_note_at_cursor(self) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is None and self.reader.selected_words() is not None:
            highlight_id = self.highlight_selection()
        if highlight_id is None:
            self.statusBar().showMessage("Put the cursor in a highlight, or select words, "
                                         "to write a note.", 5000)
            return
        rect = self.reader.cursorRect()
        self.note_editor.open_for(highlight_id,
                                  self.reader.viewport().mapToGlobal(rect.bottomLeft()))

    def delete_highlight_at_cursor(self) -> None:
        highlight_id = self._highlight_at_cursor()
        if highlight_id is not None:
            self.marks.delete(highlight_id)

    def go_to_highlight(self, highlight_id: str) -> None:
        highlight = self.notes.highlight(highlight_id)
        if highlight is None:
            return
        passage = self.archive.passage_by_uri(highlight.selector.uri)
        if passage is None or highlight.state == ORPHANED:
            self.statusBar().showMessage("These words are no longer in the archive; select "
                                         "where they belong and choose Re-attach.", 6000)
            return
        s = highlight.selector
        self.navigate(passage.document_id, passage.id, ((s.start, s.end),))
        self.reader.scroll_to(passage.id, ((s.start, s.end),), select=True)

    def reattach(self, highlight_id: str) -> None:
        selected = self.reader.selected_words()
        if selected is None:
            self.statusBar().showMessage("First select, in the text, the words this "
                                         "highlight belongs to.", 6000)
            return
        passage, start, end, _words = selected
        self.marks.reattach(highlight_id, passage, start, end)

    def toggle_bookmark(self, label: str = "") -> None:
        passage = self.reader.current_passage()
        if passage is None:
            return
        made = self.marks.toggle_bookmark(passage, label)
        self.statusBar().showMessage("Bookmarked." if made else "Bookmark removed.", 3000)

    def ask_label(self) -> str | None:
        """Ask for a bookmark's label (tests replace this method)."""
        text, ok = QInputDialog.getText(self, "Bookmark", "Label (optional):")
        return text if ok else None

    def bookmark_with_label(self) -> None:
        passage = self.reader.current_passage()
        if passage is None:
            return
        existing = self.notes.bookmark_at(self.archive.archive_id, passage.uri)
        label = self.ask_label()
        if label is None:
            return
        if existing is not None:
            self.marks.rename_bookmark(existing.id, label)
        else:
            self.marks.toggle_bookmark(passage, label)

    def go_to_bookmark(self, bookmark_id: str) -> None:
        bookmark = next((b for b in self.notes.bookmarks() if b.id == bookmark_id), None)
        passage = self.archive.passage_by_uri(bookmark.uri) if bookmark else None
        if passage is not None:
            self.navigate(passage.document_id, passage.id)

    def backup_notes(self) -> None:
        try:
            self.notes.backup(if_changed=True)
        except (OSError, sqlite3.Error) as exc:
            self.statusBar().showMessage(f"Your notes could not be backed up ({exc}).", 10000)

    # -- other archives ---------------------------------------------------------------

    def ask_archive_file(self) -> Path | None:
        """Ask which archive to open (tests replace this method)."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Open Archive", str(self.archive.path.parent),
            "Archives (*.db *.sqlite *.sqlite3);;All files (*)")
        return Path(chosen) if chosen else None

    def open_archive(self) -> MainWindow | None:
        path = self.ask_archive_file()
        return self.switch_archive(path) if path is not None else None

    def switch_archive(self, path: Path) -> MainWindow | None:
        """Open another archive in a new window in place of this one. Its reading
        position is its own; marks belong to the archive they were made in."""
        try:
            archive = Archive(path)
        except ArchiveError as exc:
            self.tell(str(exc))
            return None
        self.save_everything()
        try:
            successor = MainWindow(archive, self.settings, self.notes)
        except (sqlite3.Error, NotesError) as exc:
            archive.close()
            self.tell(f"The archive {path} could not be opened ({exc}).")
            return None
        self.settings.setValue("archive/last", str(Path(path).resolve()))
        successor.setGeometry(self.geometry())
        successor.show()
        OPEN_WINDOWS[:] = [successor]
        self.successor = successor
        self.close()
        self.archive.close()
        return successor

    # -- export and import ----------------------------------------------------------

    def ask_export(self) -> ExportChoice | None:
        """Ask what to export and where (tests replace this method)."""
        dialog = ExportDialog(self, self.archive, self.notes, self.settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        dialog.remember()
        return dialog.choice()

    def confirm(self, question: str) -> bool:
        """Ask a yes-or-no question (tests replace this method)."""
        answer = QMessageBox.question(self, APP_NAME, question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_import_file(self) -> Path | None:
        """Ask which file to import (tests replace this method)."""
        folder = str(self.settings.value("export/folder", "") or Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Import Annotations", folder, "W3C Web Annotations (*.json *.jsonld);;"
            "All files (*)")
        return Path(chosen) if chosen else None

    def export_annotations(self) -> Path | None:
        choice = self.ask_export()
        if choice is None:
            return None
        if choice.path.exists() and not self.confirm(
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

    def import_annotations(self) -> ImportReport | None:
        path = self.ask_import_file()
        if path is None:
            return None
        progress = Progress(self, "Checking the file…")
        try:
            preview = import_file(self.notes, self.archive, path, dry_run=True,
                                  progress=progress)
            progress.close()
            if not self.confirm(f"Import {path.name}? {preview.describe()}"):
                return None
            progress = Progress(self, "Importing annotations…")
            report = import_file(self.notes, self.archive, path, progress=progress)
        except Cancelled:
            self.statusBar().showMessage("Import cancelled; nothing was changed.", 6000)
            return None
        except NotesError as exc:
            self.tell(f"Nothing was imported. {exc}")
            return None
        finally:
            progress.close()
        self.marks.changed.emit()
        self.statusBar().showMessage(f"{path.name}: {report.describe()}", 10000)
        return report

    def tell(self, message: str) -> None:
        """Tell the person something that happened (tests replace this method)."""
        QMessageBox.information(self, APP_NAME, message)

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
        essay = self.archive.documents(0, 1)[0]
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"{APP_NAME}: a reading application for “{essay.title}” by "
                          f"{essay.author or 'its author'} ({human_date(essay.date)}), its "
                          "sources and the 1922 minutes it quotes.")
