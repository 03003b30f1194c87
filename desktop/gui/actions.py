"""Every command of the window, declared once: its menu, words, keys and handler.

The menus, the text's own menu (right click), the keyboard-shortcut list (Help →
Keyboard Shortcuts, F1) and the README's keyboard table (checked by a test) all come
from :data:`ACTIONS`, with the keys that are no command of a menu declared beside it in
:data:`CONTEXT_KEYS`. A handler, and an ``enabled``/``checked`` rule, is given the
window's parts (an object with the attributes ``files``, ``links``, ``marking``,
``navigator``, ``reading``, ``marks``, ``reader``, ``docks``, ``search``, ``contents``,
``card``, ``note_editor`` and the window's own methods).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget

from desktop.gui.theme import COLOUR_LABELS, THEMES
from desktop.notes.marks import COLOURS

if TYPE_CHECKING:  # the list of keys, made when first asked for
    from desktop.gui.keyboard_help import KeyboardHelp

Key = str | QKeySequence.StandardKey
Parts = Any  # the window's parts, as above
StandardKey = QKeySequence.StandardKey


class InCard(Struct, frozen=True):
    """What a command's keys do while the note card has the keyboard, instead of what
    every other command's keys do there: close the card (its note is saved) and do the
    command."""

    does: str  # said in the keyboard help; empty: the key does nothing in the card
    # None: the card keeps the key for its text fields (Ctrl+Z undoes typing there)
    run: Callable[[Parts], object] | None = None


class Action(Struct, frozen=True):
    name: str  # stable, for tests and the object's name
    menu: str  # "&Annotate", or a submenu: "&Annotate/Highlight in &Colour"
    text: str
    tip: str
    run: Callable[[Parts], object]
    keys: tuple[Key, ...] = ()
    enabled: Callable[[Parts], bool] | None = None  # enabled when this holds
    checked: Callable[[Parts], bool] | None = None  # checkable, checked when this holds
    group: str = ""  # checkable actions of a group exclude one another
    # An action Qt keeps up to date itself (Undo names what it undoes); ``run`` is then
    # not connected, the made action does it.
    make: Callable[[Parts, QWidget], QAction] | None = None
    separator: bool = False  # a separator before it in its menu
    in_card: InCard | None = None  # what its keys do in the note card, if not the command


PANELS = (("contents", "Contents"), ("search", "Search"), ("sources", "Sources"),
          ("highlights", "Highlights"), ("bookmarks", "Bookmarks"), ("index", "Index"),
          ("timeline", "Timeline"))


def first_control(panel: QWidget) -> QWidget:
    """The control of a panel that Tab would reach first: its search field or its list."""
    if panel.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return panel
    widget = panel.nextInFocusChain()
    while widget is not None and widget is not panel:
        if panel.isAncestorOf(widget) and widget.isVisibleTo(panel) and \
                widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return widget
        widget = widget.nextInFocusChain()
    return panel


def panel_key(p: Parts, key: str) -> None:
    """Ctrl+1…7: bring a panel to the front with the keyboard in it; pressed again from
    inside the panel, hide it and give the keyboard back to the text."""
    dock = p.docks[key]
    focus = QApplication.focusWidget()
    in_front = dock.isVisible() and not dock.visibleRegion().isEmpty()
    if in_front and focus is not None and dock.isAncestorOf(focus):
        p.toggle_panel(key)
        p.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return
    if not in_front:
        p.toggle_panel(key)
    first_control(dock.widget()).setFocus(Qt.FocusReason.ShortcutFocusReason)


def search_words(selected: str) -> str:
    """What Search for the Selection types into the search field: the selected words as
    one phrase (their own quotation marks dropped, as the search would read them as
    phrase marks), or the word alone."""
    words = "".join(" " if c in "\u2029\"“”„«»" else c for c in selected).split()
    return f"“{' '.join(words)}”" if len(words) > 1 else "".join(words)


def search_selection(p: Parts) -> None:
    """Put the selected words in the search panel and search for them."""
    words = search_words(p.reader.textCursor().selectedText())
    if not words:
        p.statusBar().showMessage("Select words in the text to search for them.", 5000)
        return
    p.focus_search()
    p.search.field.setText(words)
    p.search.run_search()


ACTIONS: tuple[Action, ...] = (
    Action("open-archive", "&File", "&Open Archive…", "Open another archive file",
           lambda p: p.files.open_archive(), (StandardKey.Open,)),
    Action("export", "&File", "&Export Annotations…", "Export your highlights, notes, tags "
           "and bookmarks as Markdown, W3C JSON or CSV", lambda p: p.files.export_annotations(),
           ("Ctrl+Shift+E",), separator=True),
    Action("import", "&File", "&Import Annotations…", "Import annotations from a W3C Web "
           "Annotation JSON file", lambda p: p.files.import_annotations(), ("Ctrl+Shift+I",)),
    Action("sync-folder", "&File", "S&ync Folder…", "Choose a folder that Syncthing, "
           "Nextcloud or Dropbox keeps the same on your computers, and sync your marks "
           "through it; or stop syncing", lambda p: p.syncing.choose_folder(), separator=True),
    Action("sync-now", "&File", "Sync &Now", "Sync your marks with your other computers now",
           lambda p: p.syncing.run_now(), enabled=lambda p: p.syncing.folder is not None),
    # Ctrl+Q as the README says, not the platform's Quit key: Windows has none, and the
    # keys of the note card must be testable where Qt's offscreen platform has none.
    Action("quit", "&File", "&Quit", "Close the window and quit", lambda p: p.close(),
           ("Ctrl+Q",), separator=True),

    Action("undo", "&Edit", "&Undo", "Undo the last change to your highlights, notes, tags "
           "or bookmarks", lambda p: p.marks.undo_stack.undo(), ("Ctrl+Z",),
           make=lambda p, parent: p.marks.undo_stack.createUndoAction(parent, "&Undo"),
           in_card=InCard("Undo typing in the note or tags")),
    Action("redo", "&Edit", "&Redo", "Redo what was undone", lambda p: p.marks.undo_stack.redo(),
           ("Ctrl+Shift+Z", "Ctrl+Y"),
           make=lambda p, parent: p.marks.undo_stack.createRedoAction(parent, "&Redo"),
           in_card=InCard("Redo typing in the note or tags")),
    Action("copy", "&Edit", "&Copy", "Copy the selected words", lambda p: p.reader.copy(),
           (StandardKey.Copy,), separator=True,
           in_card=InCard("Copy the words selected in the note or tags")),
    Action("copy-citation", "&Edit", "Copy &with Citation", "Copy the selected words, or the "
           "current passage, with a citation naming author, title, date and ¶",
           lambda p: p.reading.copy_citation(), ("Ctrl+Shift+C",)),
    Action("find", "&Edit", "&Find…", "Search the whole archive", lambda p: p.focus_search(),
           (StandardKey.Find,), separator=True),
    Action("search-selection", "&Edit", "Search for the &Selection", "Search the archive "
           "for the words selected in the text", search_selection,
           enabled=lambda p: p.reader.textCursor().hasSelection()),
    Action("preferences", "&Edit", "Pr&eferences…", "Choose the citation style of copied "
           "words and exports: Chicago, MLA or APA", lambda p: p.reading.choose_style(),
           separator=True),

    Action("zoom-in", "&View", "Zoom &In", "Make the text larger",
           lambda p: p.reading.set_zoom(p.reading.zoom + 1), ("Ctrl++", "Ctrl+=")),
    Action("zoom-out", "&View", "Zoom &Out", "Make the text smaller",
           lambda p: p.reading.set_zoom(p.reading.zoom - 1), ("Ctrl+-",)),
    Action("actual-size", "&View", "&Actual Size", "Return the text to its usual size",
           lambda p: p.reading.set_zoom(0), ("Ctrl+0",)),
    *(Action(f"theme-{theme.name}", "&View/&Theme", theme.label,
             f"Read in the {theme.label.lower()} theme",
             lambda p, name=theme.name: p.reading.set_theme(name), (f"Ctrl+Shift+{number}",),
             checked=lambda p, name=theme.name: p.reading.theme_name == name, group="theme",
             separator=number == 1)
      for number, theme in enumerate(THEMES.values(), 1)),
    Action("side-by-side", "&View", "&Side by Side", "Read two documents side by side, "
           "each pane with its own place and history; the panels act on the pane with the "
           "focus", lambda p: p.toggle_side_by_side(), ("Ctrl+\\",),
           checked=lambda p: p.side_by_side, separator=True),
    Action("linked-scrolling", "&View", "&Linked Scrolling", "Side by side, bring into view "
           "what the passage being read quotes, or what quotes it, in the other pane",
           lambda p: p.set_linked(not p.linked), checked=lambda p: p.linked,
           enabled=lambda p: p.side_by_side),
    Action("other-pane", "&View", "&Other Pane", "Move the keyboard focus to the other pane",
           lambda p: p.focus_other_pane(), ("F6",), enabled=lambda p: p.side_by_side),
    *(Action(f"panel-{key}", "&View", f"{title} Panel", f"Bring the {title.lower()} panel to "
             "the front with the keyboard in it; from inside it, hide it",
             lambda p, key=key: panel_key(p, key), (f"Ctrl+{number}",),
             separator=number == 1)
      for number, (key, title) in enumerate(PANELS, 1)),

    Action("highlight", "&Annotate", "&Highlight", "Highlight the selected words in the last "
           "colour used", lambda p: p.marking.highlight_selection(), ("Ctrl+H",),
           in_card=InCard("")),
    *(Action(f"highlight-{name}", "&Annotate/Highlight in &Colour", COLOUR_LABELS[name],
             f"Highlight the selected words in {name}",
             lambda p, name=name: p.marking.highlight_selection(name), (f"Ctrl+Alt+{number}",),
             in_card=InCard(f"Make this highlight {name}",
                            lambda p, name=name: p.note_editor.set_colour(name)))
      for number, name in enumerate(COLOURS, 1)),
    Action("edit-note", "&Annotate", "Edit &Note…", "Write or edit the note on the highlight "
           "at the cursor", lambda p: p.marking.edit_note_at_cursor(), ("Ctrl+Shift+N",),
           in_card=InCard("Go to the note's text", lambda p: p.note_editor.note.setFocus())),
    Action("delete-highlight", "&Annotate", "&Delete Highlight", "Delete the highlight at the "
           "cursor", lambda p: p.marking.delete_highlight_at_cursor(),
           ("Ctrl+Shift+Backspace",),
           in_card=InCard("Delete this highlight", lambda p: p.note_editor.delete())),
    Action("link-passages", "&Annotate", "Lin&k Passages…", "Link the selected words to "
           "words you select next, in the other pane or the same document, with a relation "
           "and a note (first select one end and choose this, then the other)",
           lambda p: p.linking.link_passages(), ("Ctrl+L",), separator=True),
    Action("show-link", "&Annotate", "Show L&ink", "Show the link marked beside the passage "
           "you are reading: its relation, the other end and the note (again for the next)",
           lambda p: p.linking.show_link_at_cursor(), ("Ctrl+Shift+L",)),
    # Escape gives it up too, in the text (see CONTEXT_KEYS): not a key of this action,
    # which would take Escape from the panels and cards.
    Action("cancel-link", "&Annotate", "Canc&el Link", "Stop making a link: forget the words "
           "chosen as its first end", lambda p: p.linking.cancel(),
           enabled=lambda p: p.linking.pending is not None),
    Action("bookmark", "&Annotate", "Toggle &Bookmark", "Bookmark the passage you are "
           "reading, or remove its bookmark", lambda p: p.marking.toggle_bookmark(),
           ("Ctrl+D",), separator=True),
    Action("bookmark-label", "&Annotate", "Bookmark with &Label…", "Bookmark the passage you "
           "are reading and give the bookmark a label",
           lambda p: p.marking.bookmark_with_label(), ("Ctrl+Shift+D",)),

    Action("back", "&Go", "&Back", "Go back to where you were", lambda p: p.navigator.go_back(),
           ("Alt+Left",), enabled=lambda p: p.navigator.can_go_back()),
    Action("forward", "&Go", "&Forward", "Go forward again",
           lambda p: p.navigator.go_forward(), ("Alt+Right",),
           enabled=lambda p: p.navigator.can_go_forward()),
    Action("start", "&Go", "&Start of Document", "Go to the start of this document",
           lambda p: p.navigator.go_to_end(first=True), ("Ctrl+Home",),
           in_card=InCard("Go to the start of the note")),
    Action("end", "&Go", "&End of Document", "Go to the end of this document",
           lambda p: p.navigator.go_to_end(first=False), ("Ctrl+End",),
           in_card=InCard("Go to the end of the note")),
    Action("paragraph", "&Go", "Go to &Paragraph…", "Go to a paragraph of this document by "
           "its ¶ number", lambda p: p.navigator.go_to_paragraph(), ("Ctrl+G",)),
    Action("focus-contents", "&Go", "Focus on the &Contents", "Move the keyboard focus to the "
           "contents", lambda p: p.contents.setFocus(), ("Ctrl+Shift+T",)),
    Action("focus-text", "&Go", "Focus on the &Text", "Move the keyboard focus to the text",
           lambda p: p.reader.setFocus(), ("Ctrl+Shift+R",)),

    Action("bibliography", "&Sources", "Export &Bibliography…", "Save every source and the "
           "essay as BibTeX, CSL-JSON or RIS, for Zotero, pandoc and other reference managers",
           lambda p: p.files.export_bibliography()),
    Action("show-sources", "&Sources", "Show the &Sources", "Bring the sources panel to the "
           "front", lambda p: p.focus_sources()),

    Action("shortcuts", "&Help", "&Keyboard Shortcuts", "List every keyboard shortcut",
           lambda p: show_keyboard_help(p), (StandardKey.HelpContents,)),
    Action("about", "&Help", "&About Archive Browser", "About this application",
           lambda p: p.show_about()),
)


class ContextKey(Struct, frozen=True):
    """A key that is no command of a menu, and where it works; the widget there does the
    work. Listed in the keyboard help and the README's table."""

    where: str  # "in the text": the help's heading, and the README's "(in the text)"
    keys: tuple[str, ...]  # as a person reads them
    does: str


TEXT, PANEL, BOOKMARKS = "in the text", "in a panel", "in the Bookmarks panel"
INDEX = "in the Index panel"
SEARCH, CARD, NOTE_CARD = "in the Search panel", "in a quotation, footnote or name card", \
    "in the note card"
CONTEXT_KEYS: tuple[ContextKey, ...] = (
    ContextKey(TEXT, ("Tab",), "Go to the next link after the cursor (or the view's top)"),
    ContextKey(TEXT, ("Shift+Tab",), "Go to the link before the cursor (or the view's "
               "bottom)"),
    ContextKey(TEXT, ("Enter",), "Follow the link at the cursor: open its card"),
    ContextKey(TEXT, ("Shift+arrow keys",), "Select words"),
    ContextKey(TEXT, ("Menu",), "Open the text's menu (as a right click does)"),
    ContextKey(TEXT, ("Escape",), "While making a link, give it up (Annotate › Cancel Link)"),
    ContextKey(PANEL, ("Enter",), "Go to the chosen section, result or mark"),
    ContextKey(PANEL, ("Escape",), "Give the keyboard back to the text"),
    ContextKey(SEARCH, ("Down",), "Move from the search field into the results"),
    ContextKey(INDEX, ("Menu", "Shift+F10"), "Open the chosen entry's menu: its first "
               "mention, Search for This, Your Notes on This"),
    ContextKey(BOOKMARKS, ("F2",), "Rename the chosen bookmark"),
    ContextKey(BOOKMARKS, ("Delete",), "Delete the chosen bookmark"),
    ContextKey(CARD, ("Tab", "Shift+Tab"), "Move between its buttons"),
    ContextKey(CARD, ("Enter", "Space"), "Press the button that has the keyboard"),
    ContextKey(CARD, ("Alt+underlined letter",), "Press that button"),
    ContextKey(CARD, ("Escape",), "Close the card and go back to the text"),
    ContextKey(NOTE_CARD, ("Tab", "Shift+Tab"), "Move between colours, note and tags"),
    ContextKey(NOTE_CARD, ("Escape",), "Close the card (the note is saved as you type)"),
    ContextKey(NOTE_CARD, ("Other shortcuts",), "Close the card, note saved, and do their "
               "command"),
)

# The text's own menu (right click, or the Menu key), by the names of ACTIONS entries;
# a (title, names) pair is a submenu, None a separator, and "select-all" the text's own
# Select All.
ReaderMenuItem = str | tuple[str, tuple[str, ...]] | None
READER_MENU: tuple[ReaderMenuItem, ...] = (
    ("&Highlight", tuple(f"highlight-{name}" for name in COLOURS)),
    "edit-note",
    "bookmark",
    "link-passages",
    "copy-citation",
    "search-selection",
    None,
    "copy",
    "select-all",
)


def sequences(action: Action) -> list[QKeySequence]:
    """The action's keys; a standard key is its platform's first binding (Ctrl+O, F1)."""
    return [QKeySequence(key) for key in action.keys]


def key_text(action: Action) -> str:
    """The action's keys as this platform writes them: "Ctrl+Shift+Z, Ctrl+Y"."""
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                     for k in sequences(action))


def shortcut_list() -> list[tuple[str, str]]:
    """(name, keys) of every action with a shortcut, as this platform writes them."""
    return [(action.text.replace("&", ""), key_text(action)) for action in ACTIONS
            if key_text(action)]


def keyboard_help() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key, under a heading: the commands under their menu, named by the rest of
    their menu path ("Highlight in Colour › Yellow"), then the keys of each place
    ("In the text"); in the note card, the commands' keys that do something else there.
    Each row is (what it does, keys)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for action in ACTIONS:
        if key_text(action):
            top, *sub = action.menu.replace("&", "").split("/")
            what = " › ".join([*sub, action.text.replace("&", "")])
            sections.setdefault(top, []).append((what, key_text(action)))
    for key in CONTEXT_KEYS:
        heading = key.where[0].upper() + key.where[1:]
        if heading not in sections:
            sections[heading] = [
                (action.in_card.does, key_text(action)) for action in ACTIONS
                if action.in_card is not None and action.in_card.does and key_text(action)
            ] if key.where == NOTE_CARD else []
        sections[heading].append((key.does, ", ".join(key.keys)))
    return list(sections.items())


def show_keyboard_help(window: QWidget) -> KeyboardHelp:
    """Show the list of keys (one window of it, brought forward if open)."""
    from desktop.gui.keyboard_help import KeyboardHelp  # (made when first asked for)

    dialog = window.findChild(KeyboardHelp) or KeyboardHelp(window, keyboard_help())
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


# The quotation and footnote card's own keys: Ctrl+C copies the words selected in it.
CARD_KEEPS = ("copy",)


class Menus:
    """The window's menus and QActions, built from :data:`ACTIONS`; their keys work in
    the cards over the text too, Escape in a panel gives the keyboard back to the text,
    and the text's own menu is made of the same QActions."""

    def __init__(self, window: QWidget, bar: QMenuBar, parts: Parts) -> None:
        self.parts = parts
        self.actions: dict[str, QAction] = {}
        menus: dict[str, QMenu] = {}
        groups: dict[str, QActionGroup] = {}
        for spec in ACTIONS:
            menu = self._menu(bar, menus, spec.menu)
            if spec.separator and menu.actions():
                menu.addSeparator()
            if spec.make is not None:
                action = spec.make(parts, window)
            else:
                action = QAction(spec.text, window)
                action.triggered.connect(lambda _checked=False, s=spec: self._run(s))
            action.setObjectName(f"action-{spec.name}")
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
            action.setShortcuts(sequences(spec))
            if spec.checked is not None:
                action.setCheckable(True)
                if spec.group:
                    if spec.group not in groups:
                        groups[spec.group] = QActionGroup(window)
                    groups[spec.group].addAction(action)
            menu.addAction(action)
            window.addAction(action)
            self.actions[spec.name] = action
        for menu in menus.values():
            menu.aboutToShow.connect(self.refresh)  # Search for the Selection follows it
        self._keys_in_cards()
        self._escape_from_panels()
        self.attach_reader(parts.reader)
        self.refresh()

    @staticmethod
    def _menu(bar: QMenuBar, menus: dict[str, QMenu], path: str) -> QMenu:
        if path not in menus:
            parent, _, title = path.rpartition("/")
            owner = Menus._menu(bar, menus, parent) if parent else bar
            menus[path] = owner.addMenu(title)
        return menus[path]

    def _keys_in_cards(self) -> None:
        """A card over the text is a window of its own, where the window's shortcuts
        would not reach: give them to the cards too, except the keys the note card
        keeps for its text fields (Ctrl+Z, Ctrl+C…)."""
        for spec in ACTIONS:
            if spec.name not in CARD_KEEPS:
                self.parts.card.addAction(self.actions[spec.name])
            if spec.in_card is None or spec.in_card.run is not None:
                self.parts.note_editor.addAction(self.actions[spec.name])

    def _escape_from_panels(self) -> None:
        for dock in self.parts.docks.values():
            escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), dock)
            escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            escape.activated.connect(
                lambda: self.parts.reader.setFocus(Qt.FocusReason.ShortcutFocusReason))

    def attach_reader(self, reader: Any) -> None:
        """Give a reader the text's own menu, made of the window's QActions (so that
        their words, keys and enabled states are those of the menus)."""
        select_all = QAction("Select &All", reader)
        select_all.setObjectName("action-select-all")
        select_all.setShortcut(QKeySequence(StandardKey.SelectAll))
        select_all.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        select_all.setToolTip("Select the whole document")
        select_all.triggered.connect(reader.selectAll)
        reader.addAction(select_all)
        menu = QMenu(reader)
        menu.setObjectName("reader-menu")
        menu.setAccessibleName("Text menu")
        found = {**self.actions, "select-all": select_all}
        for item in READER_MENU:
            if item is None:
                menu.addSeparator()
            elif isinstance(item, tuple):
                title, names = item
                submenu = menu.addMenu(title)
                for name in names:
                    submenu.addAction(found[name])
            else:
                menu.addAction(found[item])
        menu.aboutToShow.connect(self.refresh)
        reader.context_menu = menu

    def _run(self, spec: Action) -> None:
        parts = self.parts
        if parts.note_editor.isVisible() and spec.in_card is not None:
            if spec.in_card.run is not None:
                spec.in_card.run(parts)
        else:
            # A key pressed in a card: the card closes first (a note is saved as it
            # closes), and the keyboard goes back to the window, where the command acts.
            for card in (parts.note_editor, parts.card):
                if card.isVisible():
                    card.hide()
            spec.run(parts)
        self.refresh()

    def refresh(self) -> None:
        """Bring every action's enabled state and check mark up to date."""
        for spec in ACTIONS:
            action = self.actions[spec.name]
            if spec.enabled is not None:
                action.setEnabled(spec.enabled(self.parts))
            if spec.checked is not None:
                action.setChecked(spec.checked(self.parts))
