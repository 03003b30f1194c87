"""The main window: assembles the reader, the panels and the commands, and keeps its layout.

The window owns no command itself: each family of commands is an object given
only what it uses (see ``desktop/gui/commands``), the menus come from the actions
table (``actions.py``), and the person's marks are reached through one door
(``marks.py``). What the window keeps is its own: docks, the reading position and
layout across starts, and closing cleanly.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.archive.places import place
from desktop.archive.store import Archive
from desktop.gui import settings as keys
from desktop.gui.actions import Menus
from desktop.gui.commands.files import FileCommands
from desktop.gui.commands.linking import LinkingCommands
from desktop.gui.commands.links import LinkCommands
from desktop.gui.commands.marks import MarkCommands
from desktop.gui.commands.navigation import Navigator
from desktop.gui.commands.reading import ReadingCommands
from desktop.gui.dialogs import APP_NAME, Dialogs
from desktop.gui.entity_search import token_for
from desktop.gui.following import Following
from desktop.gui.marks import Marks
from desktop.gui.marks_in_text import MarksInText
from desktop.gui.models import ContentsModel
from desktop.gui.names import NameCards, hover_card
from desktop.gui.note_editor import NoteEditor
from desktop.gui.panels.contents import ContentsPanel
from desktop.gui.panels.search import SearchPanel
from desktop.gui.panels.timeline import TimelinePanel
from desktop.gui.panes import BESIDE, MAIN, Pane, PaneParts
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView
from desktop.gui.settings import Settings
from desktop.gui.sync import WindowSync
from desktop.notes.anchoring import MOVED, ORPHANED

if TYPE_CHECKING:  # made when first shown (see ``panel``), not at every start
    from desktop.gui.panels.bookmarks import BookmarksPanel
    from desktop.gui.panels.highlights import HighlightsPanel
    from desktop.gui.panels.index import IndexPanel
    from desktop.gui.panels.sources import SourcesPanel

BACKUP_INTERVAL_MS = 10 * 60 * 1000
# The panels behind others in the first layout: made when first shown or asked for, and
# (all but the highlights, which thousands of marks make the costliest) just after the
# window is first drawn.
LATER = ("sources", "highlights", "bookmarks", "index")
AFTER_FIRST_PAINT = ("sources", "bookmarks", "index")
# The room kept for each in its dock, in characters and lines of the panels' font.
LATER_PANEL_SIZES = {"sources": (30, 11), "highlights": (30, 21), "bookmarks": (30, 10),
                     "index": (31, 14)}
SETTLE_MS = 5000  # the latest the icon and those panels wait for, shown or not
SPLIT_MINIMUM = 200  # the narrowest a reader may be side by side (800 × 600 screens)


def later_panel_size(key: str, widget: QWidget) -> QSize:
    """The room a dock keeps for a panel made later (see ``LATER``): each such panel
    needs no more (as a test checks), so that the docks' sizes, and the text's width,
    are the same before it is made as after."""
    characters, lines = LATER_PANEL_SIZES[key]
    metrics = widget.fontMetrics()
    return QSize(metrics.averageCharWidth() * characters, metrics.height() * lines)


@functools.cache
def window_icon() -> QIcon:
    """The application's icon, from its PNG sizes (each drawn from the SVG, and held to it
    by a test): Qt reads PNG itself, where the SVG would load the QtSvg library and its
    icon plug-in before the window is first shown. Each size is read as a picture
    (QIcon's files would have it look through its icon plug-ins first: 14 ms against 2).
    Read once, for the application and each window."""
    icon = QIcon()
    for size in paths.ICON_SIZES:
        icon.addPixmap(QPixmap(str(paths.icon_png(size))))
    return icon


class MainWindow(QMainWindow):
    closing = Signal()  # the window is about to close: everything is saved
    # What the first frame left for later is done: the timeline's events are read and
    # the panels behind others made (see ``_after_first_paint``).
    settled = Signal()

    def __init__(self, archive: Archive, settings: Settings, marks: Marks,
                 open_in_place: Callable[[Path], Any] = lambda _path: None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.archive = archive
        self.settings = settings
        self.marks = marks
        self.closed = False
        self.reanchored = marks.reanchor()
        self.dialogs = Dialogs(self)
        status = self.statusBar().showMessage

        # -- the parts ------------------------------------------------------------------
        self.card = InfoCard(self)
        self.contents = ContentsPanel(ContentsModel(archive))
        self.search = SearchPanel()
        self.search.set_archive(archive)
        # The panels behind others at start, made when first shown or asked for, or
        # just after the window is first drawn (see ``panel``).
        self._panels: dict[str, QWidget] = {}
        self._painted = self._settled = False
        # Its events are read just after the first frame, or when first asked for (see
        # ``timeline``): the frame shows the text that much sooner, the list empty.
        self._timeline = TimelinePanel()
        if not archive.has_index:  # nothing to read: what it says instead, at once
            self._timeline.set_archive(archive)
        self.name_card = hover_card(self)  # a name's card under the pointer
        self._names: dict[str, NameCards] = {}
        self.note_editor = NoteEditor(marks, self)
        # The reading area: one pane, or two side by side; the menus and the panels act
        # on the pane with the focus (``active``).
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("reading-area")
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._pane_parts = PaneParts(archive, marks, self.card, self.note_editor.open_for,
                                     self.show_source, lambda: self.reading.style, status,
                                     self.dialogs, self.note_editor)
        self.panes: dict[str, Pane] = {}
        self._targets: dict[str, QLabel] = {}  # each panel's line naming its pane
        self.active = self._make_pane(MAIN)
        self.linked = settings.get(keys.LINKED)
        self.following = Following(archive, self.opposite, lambda: self.linked)
        self.following.attach(self.active)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {
            "contents": self._dock("Contents", self.contents, left),
            "search": self._dock("Search", self.search, right),
            "sources": self._dock("Sources", None, right),
            # Named as before the panel was renamed, so that a saved layout finds it.
            "highlights": self._dock("Highlights", None, right,
                                      name="annotations-dock"),
            "bookmarks": self._dock("Bookmarks", None, left),
            "index": self._dock("Index", None, right),
            "timeline": self._dock("Timeline", self._timeline, left),
        }
        self.tabifyDockWidget(self.docks["search"], self.docks["sources"])
        self.tabifyDockWidget(self.docks["sources"], self.docks["highlights"])
        self.tabifyDockWidget(self.docks["highlights"], self.docks["index"])
        # Under the contents rather than behind them: the timeline marks where the person
        # is reading as they read.
        self.splitDockWidget(self.docks["contents"], self.docks["timeline"],
                             Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["contents"], self.docks["bookmarks"])
        self.docks["search"].raise_()
        self.docks["contents"].raise_()
        self.location = QLabel()
        self.location.setTextFormat(Qt.TextFormat.PlainText)
        self.location.setAccessibleName("Reading position")
        self.location.setToolTip("The document and paragraph being read")
        self.statusBar().addPermanentWidget(self.location)

        # -- the commands, each given what it uses -------------------------------------
        self.reading = ReadingCommands(archive, lambda: self.reader, settings, status,
                                       self.dialogs, self.readers)
        self.files = FileCommands(self, marks, settings, self.dialogs, status, open_in_place,
                                  lambda: self.reading.style)
        self.linking = LinkingCommands(self, marks, self.card, self.dialogs, status,
                                       reading_area=self.splitter)
        self.syncing = WindowSync(self, marks)  # File → Sync Folder…, and syncing by itself
        self.menus = Menus(self, self.menuBar(), self)
        self._connect_pane(self.active)

        # The panels act on the pane with the focus (looked up at each use).
        self.contents.goTo.connect(lambda d, p: self.navigator.navigate(d, p or None))
        self.search.goTo.connect(lambda d, p, spans: self.navigator.navigate(d, p, spans))
        # A new search's words: the last one's marks go from both panes.
        self.search.queryChanged.connect(
            lambda _text: [reader.mark(None, ()) for reader in self.readers()])
        self._timeline.goTo.connect(lambda d, p, spans: self.navigator.navigate(d, p, spans))
        for key in LATER:
            self.docks[key].visibilityChanged.connect(
                lambda shown, key=key: self._panel_shown(key, shown))
        self.docks["timeline"].visibilityChanged.connect(
            lambda shown: self._show_reading() if shown else None)
        self.reading.styleChanged.connect(self.menus.refresh)
        QApplication.instance().focusChanged.connect(self._focus_changed)

        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self._backup_timer.timeout.connect(self.marking.back_up)
        self._backup_timer.start()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(800)
        self._save_timer.timeout.connect(self.save_position)

        self.reading.apply_style()
        self._fit_to_screen()
        self._restore_layout()
        self._open_start()
        if settings.get(keys.SIDE_BY_SIDE):
            self.set_side_by_side(True, restoring=True)

    # -- the panes ----------------------------------------------------------------------

    def _make_pane(self, key: str) -> Pane:
        pane = Pane(key, self, self._pane_parts, self.elsewhere, self.essay_pane)
        self.panes[key] = pane
        self.splitter.addWidget(pane.reader)
        return pane

    def _connect_pane(self, pane: Pane) -> None:
        pane.navigator.moved.connect(lambda: self._moved(pane))
        pane.navigator.arrived.connect(self.save_position)
        # A pane that went somewhere is the one being read (its reader takes the focus too,
        # but focus is not given to a window in the background).
        pane.navigator.arrived.connect(
            lambda: self._activate(pane) if pane is not self.active else None)
        pane.navigator.historyChanged.connect(self.menus.refresh)
        pane.reader.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled(pane))
        pane.reader.linkMarkerClicked.connect(lambda *a: self.linking.show_link(pane, *a))
        self._names[pane.key] = NameCards(self.archive, pane.reader, self.card, self.name_card,
                                          {"index": self.show_entity,
                                           "search": self.search_entity,
                                           "notes": self.notes_on})

    # The active pane's parts, for the menus (actions.py), the panels and the tests.
    @property
    def reader(self) -> ReaderView:
        return self.active.reader

    @property
    def navigator(self) -> Navigator:
        return self.active.navigator

    @property
    def links(self) -> LinkCommands:
        return self.active.links

    @property
    def marking(self) -> MarkCommands:
        return self.active.marking

    @property
    def marks_in_text(self) -> MarksInText:
        return self.active.marks_in_text

    def readers(self) -> list[ReaderView]:
        return [pane.reader for pane in self.panes.values()]

    @property
    def side_by_side(self) -> bool:
        beside = self.panes.get(BESIDE)
        return beside is not None and not beside.reader.isHidden()

    def opposite(self, pane: Pane) -> Pane | None:
        """The pane across from ``pane`` when two are shown."""
        if not self.side_by_side:
            return None
        return self.panes[BESIDE if pane.key == MAIN else MAIN]

    def elsewhere(self, pane: Pane, open_: bool) -> Navigator:
        """Where a link followed in ``pane`` opens: the pane across (opened first when
        ``open_``), else ``pane`` itself."""
        if open_ and not self.side_by_side:
            self.set_side_by_side(True)
        other = self.opposite(pane)
        return (other or pane).navigator

    def essay_pane(self, pane: Pane, document_id: str) -> Navigator:
        """Where "Quoted in the essay" leads from ``pane``: the pane across if it shows
        that document, else ``pane`` itself, as any link would (the pane across keeps
        what the person put there)."""
        other = self.opposite(pane)
        if other is not None and other.reader.document_id == document_id:
            return other.navigator
        return pane.navigator

    def set_side_by_side(self, on: bool, *, restoring: bool = False) -> None:
        """Show a second reader beside the first (its own document, place and history),
        or only the first again."""
        if on == self.side_by_side:
            return
        if not on:
            beside = self.panes[BESIDE]
            self.save_position()
            beside.reader.hide()
            if self.active is beside:
                self._activate(self.panes[MAIN])
                self.reader.setFocus()
        else:
            beside = self.panes.get(BESIDE)
            if beside is None:
                beside = self._make_pane(BESIDE)
                self._connect_pane(beside)
                self.menus.attach_reader(beside.reader)
                # The text's menu acts on the pane it was opened in.
                menu = beside.reader.context_menu
                menu.aboutToShow.connect(lambda: self._activate_pane(beside))
                self.panes[MAIN].reader.context_menu.aboutToShow.connect(
                    lambda: self._activate_pane(self.panes[MAIN]))
                self.following.attach(beside)
                beside.reader.set_style(self.reader.theme, self.reading.zoom)
                beside.reader.show()
                self._open_beside(beside)
            else:
                beside.reader.show()
            width = self.splitter.width()
            self.splitter.setSizes([width // 2, width - width // 2])
        for reader in self.readers():
            reader.minimum_width = SPLIT_MINIMUM if on else ReaderView.minimum_width
            reader.updateGeometry()
        if not restoring:
            self.settings.set(keys.SIDE_BY_SIDE, on)
        self._say_active()
        self.menus.refresh()

    def toggle_side_by_side(self) -> None:
        self.set_side_by_side(not self.side_by_side)

    def set_linked(self, on: bool) -> None:
        self.linked = on
        self.settings.set(keys.LINKED, on)
        self.menus.refresh()

    def focus_other_pane(self) -> None:
        other = self.opposite(self.active)
        if other is not None:
            other.reader.setFocus()

    def _open_beside(self, pane: Pane) -> None:
        """The pane beside opens where it was last; the first time, on the document after
        the one being read (the minutes, beside the essay)."""
        stored = self.settings.get(keys.POSITION_BESIDE, archive=self.archive.archive_id)
        document_id, _, passage_id = stored.partition("|")
        if self.archive.document(document_id) is None:
            documents = [d.id for d in self.archive.documents(0, 2)]
            here = self.panes[MAIN].reader.document_id
            document_id = next((d for d in documents if d != here), documents[0])
            passage_id = ""
        pane.navigator.show_document(document_id)
        QTimer.singleShot(0, lambda: self._arrive_in(pane, passage_id))

    def _arrive_in(self, pane: Pane, passage_id: str) -> None:
        if self.closed:
            return
        if passage_id:
            with self.following.held():  # back where it was: the other pane stays put
                pane.reader.scroll_to(passage_id)
        self._update_location()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.closed or new is None:
            return
        for pane in self.panes.values():
            if new is pane.reader or pane.reader.isAncestorOf(new):
                if pane is not self.active:
                    self._activate(pane)
                return

    def _activate_pane(self, pane: Pane) -> None:
        if pane is not self.active:
            self._activate(pane)

    def _activate(self, pane: Pane) -> None:
        self.active = pane
        self._moved(pane)
        self._say_active()
        self.menus.refresh()

    def _say_active(self) -> None:
        """With two panes, a line above each panel says which pane it acts on."""
        document = self.archive.document(self.reader.document_id or "")
        text = f"In the {self.active.side} pane: {document.title if document else ''}"
        for target in self._targets.values():
            target.setVisible(self.side_by_side)
            if self.side_by_side:
                target.setText(text)
                target.setToolTip(f"This panel acts on the {self.active.side} pane, the one "
                                  "being read")
        self._update_location()

    # -- construction ---------------------------------------------------------

    def _dock(self, title: str, widget: QWidget | None, area: Qt.DockWidgetArea, *,
              name: str = "") -> QDockWidget:
        """A panel's dock; with no ``widget``, the panel is put in it when first made."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name or f"{title.lower()}-dock")
        dock.setAccessibleName(f"{title} panel")
        dock.setToolTip(f"The {title.lower()} panel")
        # Side by side, a line above the panel says which pane it acts on.
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        target = QLabel()
        target.setObjectName("pane-target")
        target.setTextFormat(Qt.TextFormat.PlainText)
        target.setContentsMargins(6, 2, 6, 2)
        # A long title is cut at the panel's edge rather than widening the panel.
        target.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        target.hide()
        column.addWidget(target)
        if widget is not None:
            column.addWidget(widget, 1)
        else:
            # As narrow as the panel made later may be, so that making it moves nothing.
            holder.setMinimumSize(later_panel_size(title.lower(), holder))
        self._targets[title] = target
        dock.setWidget(holder)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    # -- opening and where the reader is ---------------------------------------------

    def _open_start(self) -> None:
        stored = self.settings.get(keys.POSITION, archive=self.archive.archive_id)
        document_id, _, passage_id = stored.partition("|")
        if self.archive.document(document_id) is None:
            document_id, passage_id = self.archive.documents(0, 1)[0].id, ""
        self.navigator.show_document(document_id)
        # The text is laid out when the window is shown; scroll once it is.
        QTimer.singleShot(0, lambda: self._arrive(passage_id))

    def _arrive(self, passage_id: str) -> None:
        if self.closed:
            return
        self._bring_saved_panels_forward()
        if passage_id:
            with self.following.held():
                self.panes[MAIN].reader.scroll_to(passage_id)
        self._update_location()

    def _moved(self, pane: Pane | None = None) -> None:
        if pane is not None and pane is not self.active:
            self._save_timer.start()
            return
        document = self.archive.document(self.reader.document_id or "")
        if document is not None:
            self.setWindowTitle(f"{document.title} — {APP_NAME}")
        if self.side_by_side:
            self._say_active()
        else:
            self._update_location()

    def _scrolled(self, pane: Pane | None = None) -> None:
        if pane is None or pane is self.active:
            self._update_location()
        self._save_timer.start()

    def _update_location(self) -> None:
        if self.closed:
            return  # replaced by another archive's window: its archive is closed
        passage = self.reader.reading_passage()
        document = self.archive.document(self.reader.document_id or "")
        if passage is None or document is None:
            self.location.setText("")
            return
        side = f"{self.active.side.capitalize()}: " if self.side_by_side else ""
        self.location.setText(f"{side}{document.title} — {place(passage)}")
        self.contents.show_current(document.id, passage.section_id)
        self._show_reading()

    def _show_reading(self) -> None:
        """Mark on the timeline the events of the passages in view (while it is shown,
        once it has its events)."""
        if self.closed or self._timeline.archive is None or \
                not self.docks["timeline"].isVisible():
            return
        self._timeline.show_reading(p.id for p in Following.passages_in_view(self.active))

    def save_position(self) -> None:
        if self.closed:
            return
        for key, setting in ((MAIN, keys.POSITION), (BESIDE, keys.POSITION_BESIDE)):
            pane = self.panes.get(key)
            visit = pane.navigator.here() if pane is not None else None
            if visit is not None:
                self.settings.set(setting, f"{visit.document_id}|{visit.passage_id}",
                                  archive=self.archive.archive_id)
        self.settings.sync()

    # -- panels -----------------------------------------------------------------------

    @property
    def timeline(self) -> TimelinePanel:
        """The timeline, its events read the first time it is asked for, or just after
        the window is first drawn: reading and drawing them cost the first frame some
        30 ms (a tenth of the start), and the list fills a frame later."""
        self._read_timeline()
        return self._timeline

    def _read_timeline(self) -> None:
        if self._timeline.archive is None and not self.closed:
            self._timeline.set_archive(self.archive)
            self._show_reading()

    @property
    def sources(self) -> SourcesPanel:
        return self.panel("sources")  # type: ignore[return-value]

    @property
    def highlights(self) -> HighlightsPanel:
        return self.panel("highlights")  # type: ignore[return-value]

    @property
    def bookmarks(self) -> BookmarksPanel:
        return self.panel("bookmarks")  # type: ignore[return-value]

    @property
    def index(self) -> IndexPanel:
        return self.panel("index")  # type: ignore[return-value]

    def panel(self, key: str) -> QWidget:
        """One of the panels behind others at start (``LATER``), made the first time it
        is shown or asked for, or just after the window is first drawn: its module, its
        widgets and what it reads cost the first drawing nothing."""
        panel = self._panels.get(key)
        if panel is None:
            panel = self._made_panel(key)
            holder = self.docks[key].widget()
            holder.layout().addWidget(panel, 1)  # type: ignore[union-attr]
            holder.setMinimumSize(0, 0)  # the room kept for it: its own size rules now
            panel.show()
            self._panels[key] = panel
            dock = self.docks[key]
            if hasattr(panel, "set_shown"):
                panel.set_shown(dock.isVisible() and not dock.visibleRegion().isEmpty())
        return panel

    def _made_panel(self, key: str) -> QWidget:
        if key == "sources":
            from desktop.gui.panels.sources import SourcesPanel

            sources = SourcesPanel()
            sources.set_archive(self.archive)
            sources.goTo.connect(lambda d, p: self.navigator.navigate(d, p))
            return sources
        if key == "bookmarks":
            from desktop.gui.panels.bookmarks import BookmarksPanel

            bookmarks = BookmarksPanel(self.marks)
            bookmarks.goTo.connect(lambda *a: self.marking.go_to_bookmark(*a))
            return bookmarks
        if key == "index":
            from desktop.gui.panels.index import IndexPanel

            index = IndexPanel()
            index.set_archive(self.archive)
            index.goTo.connect(lambda d, p, spans: self.navigator.navigate(d, p, spans))
            index.searchFor.connect(self.search_entity)
            index.notesOn.connect(self.notes_on)
            return index
        from desktop.gui.panels.highlights import HighlightsPanel

        highlights = HighlightsPanel(self.marks)
        highlights.goTo.connect(lambda *a: self.marking.go_to_highlight(*a))
        highlights.reattachRequested.connect(lambda *a: self.marking.reattach(*a))
        highlights.goToLink.connect(lambda *a: self.linking.go_to_link(*a))
        highlights.reattachLinkRequested.connect(lambda *a: self.linking.reattach(*a))
        return highlights

    def _panel_shown(self, key: str, shown: bool) -> None:
        if shown or key in self._panels:
            panel = self.panel(key)
            if hasattr(panel, "set_shown"):
                panel.set_shown(shown)

    def toggle_panel(self, key: str) -> None:
        """Show a panel in front of those tabbed with it; hide it if it is in front."""
        dock = self.docks[key]
        if key in LATER:
            self.panel(key)  # made before it is shown, to take the keyboard
        in_front = dock.isVisible() and not dock.visibleRegion().isEmpty()
        if in_front:
            dock.hide()
        else:
            dock.show()
            dock.raise_()

    def focus_search(self) -> None:
        self.docks["search"].show()
        self.docks["search"].raise_()
        self.search.field.setFocus()
        self.search.field.selectAll()

    def focus_sources(self) -> None:
        self.docks["sources"].show()
        self.docks["sources"].raise_()
        self.sources.list.setFocus()

    def show_entity(self, entity_id: str) -> None:
        """Show an entity in the Index panel, with its mentions."""
        self.docks["index"].show()
        self.docks["index"].raise_()
        self.index.select(entity_id)
        self.index.list.setFocus()

    def search_entity(self, entity_id: str) -> None:
        """Search for the passages that name an entity (``entity:ID``)."""
        entity = self.archive.entity(entity_id)
        if entity is not None:
            self.focus_search()
            self.search.search_for(token_for(entity))

    def notes_on(self, entity_id: str) -> None:
        """Show the person's highlights and links on the passages that name an entity."""
        self.docks["highlights"].show()
        self.docks["highlights"].raise_()
        self.highlights.filter_entity(entity_id)

    def show_source(self, source_id: str) -> None:
        self.docks["sources"].show()
        self.docks["sources"].raise_()
        self.sources.select(source_id)

    # -- layout across starts ---------------------------------------------------------

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
        """Side panels of about a fifth and a quarter of the window, the text between; on
        the left, the contents above the timeline."""
        width = self.width()
        self.resizeDocks([self.docks["contents"], self.docks["search"]],
                         [min(250, width // 5), min(330, width // 4)],
                         Qt.Orientation.Horizontal)
        # The contents are short; the timeline below them takes most of the height.
        height = self.height()
        self.resizeDocks([self.docks["contents"], self.docks["timeline"]],
                         [height * 3 // 10, height * 7 // 10], Qt.Orientation.Vertical)

    def save_everything(self) -> None:
        """Write what is not yet written: the note being typed, the place, the layout."""
        if self.closed:
            return
        self.note_editor.save()
        self.save_position()
        self.settings.set(keys.GEOMETRY, self.saveGeometry())
        self.settings.set(keys.LAYOUT, self.saveState())
        # Which of the tabbed panels are in front (the window's state keeps only which
        # are open).
        self.settings.set(keys.FRONT_PANELS, ",".join(
            dock.objectName() for dock in self.docks.values()
            if dock.isVisible() and not dock.visibleRegion().isEmpty()))
        self.settings.sync()

    def _bring_saved_panels_forward(self) -> None:
        front = self.settings.get(keys.FRONT_PANELS).split(",")
        for dock in self.docks.values():
            if dock.objectName() in front and dock.isVisible():
                dock.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_everything()
        self.closing.emit()
        self.closed = True
        self._save_timer.stop()
        self._backup_timer.stop()
        app = QApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.aboutToQuit.disconnect(self.save_everything)
        self.note_editor.hide()
        self.card.hide()
        self.name_card.hide()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._tend_tab_bars()
        if not self._settled:  # (were the window never to paint itself)
            QTimer.singleShot(SETTLE_MS, self._after_first_paint)

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().paintEvent(event)
        if not self._painted:
            # Once the first frame is drawn and what its drawing queued is done.
            self._painted = True
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._after_first_paint))

    def _after_first_paint(self) -> None:
        """What the first frame need not wait for: the timeline's events, the icon (its
        first picture read has Qt look through its image plug-ins, some 4 ms), for this
        window and the dialogs, and the panels behind others (asked for before, they
        are made then)."""
        if self._settled or self.closed:
            return
        self._settled = True
        icon = window_icon()
        self.setWindowIcon(icon)
        if QApplication.windowIcon().isNull():
            QApplication.setWindowIcon(icon)
        try:
            self._read_timeline()
            for key in AFTER_FIRST_PAINT:
                self.panel(key)
        finally:  # should the archive fail them (said as any error is), still settled
            self.settled.emit()

    def _tend_tab_bars(self) -> None:
        """Qt makes the tab bars of tabbed panels itself, when panels are put together: name
        them for screen readers, and keep their names whole (arrows scroll the tabs when
        the panels are narrow, as on an 800 × 600 screen) rather than cut to "Se…"."""
        # The window's own: Qt makes them its direct children (none of its panels' own
        # tab bars, deeper down, is looked at).
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            bar.setAccessibleName("Panel tabs")
            bar.setToolTip("Switch between the panels docked here")
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
            for button in bar.findChildren(QToolButton):
                side = "left" if "Left" in button.objectName() else "right"
                button.setToolTip(f"Show the panel tabs to the {side}")
                button.setAccessibleName(f"Scroll the panel tabs {side}")

    # -- telling the person -----------------------------------------------------------

    def report_start(self) -> None:
        """Say what opening the notes found: damage repaired, marks moved or lost."""
        for message in self.marks.start_messages():
            self.dialogs.tell(message)
        orphans = self.reanchored.get(ORPHANED, 0)
        moved = self.reanchored.get(MOVED, 0)
        if orphans:
            self.statusBar().showMessage(
                f"{orphans} of your marks could not be found in this version of the archive; "
                "they are kept in the Highlights panel as “orphaned”.", 15000)
        elif moved:
            self.statusBar().showMessage(f"{moved} of your marks moved with the archive's "
                                         "text.", 8000)

    def show_about(self) -> None:
        title = self.archive.meta.get("title") or self.archive.archive_id
        count = self.archive.document_count()
        self.dialogs.tell(f"{APP_NAME} {paths.version()}: read closely, follow each "
                          "quotation to its source, and keep your own notes.\n\n"
                          f"This archive: {title} ({count:,} "
                          f"document{'s' if count != 1 else ''}), at {self.archive.path}.",
                          title=f"About {APP_NAME}")

