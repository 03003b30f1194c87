"""Every command of the window, declared once: its menu, words, keys and handler.

The menus, the keyboard-shortcut list (Help → Keyboard Shortcuts, F1) and the
README's keyboard table (checked by a test) all come from :data:`ACTIONS`. A
handler, and an ``enabled``/``checked`` rule, is given the window's parts (an
object with the attributes ``files``, ``links``, ``marking``, ``navigator``,
``reading``, ``marks``, ``reader`` and the window's own methods).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from desktop.gui.theme import COLOUR_LABELS, THEMES
from desktop.notes.marks import COLOURS

Key = str | QKeySequence.StandardKey
Parts = Any  # the window's parts, as above
StandardKey = QKeySequence.StandardKey


@dataclass(frozen=True)
class Action:
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


PANELS = (("contents", "Contents"), ("search", "Search"), ("sources", "Sources"),
          ("highlights", "Highlights"), ("bookmarks", "Bookmarks"))


ACTIONS: tuple[Action, ...] = (
    Action("open-archive", "&File", "&Open Archive…", "Open another archive file",
           lambda p: p.files.open_archive(), (StandardKey.Open,)),
    Action("export", "&File", "&Export Annotations…", "Export your highlights, notes, tags "
           "and bookmarks as Markdown, W3C JSON or CSV", lambda p: p.files.export_annotations(),
           ("Ctrl+Shift+E",), separator=True),
    Action("import", "&File", "&Import Annotations…", "Import annotations from a W3C Web "
           "Annotation JSON file", lambda p: p.files.import_annotations(), ("Ctrl+Shift+I",)),
    Action("quit", "&File", "&Quit", "Close the window and quit", lambda p: p.close(),
           (StandardKey.Quit,), separator=True),

    Action("undo", "&Edit", "&Undo", "Undo the last change to your highlights, notes, tags "
           "or bookmarks", lambda p: p.marks.undo_stack.undo(), ("Ctrl+Z",),
           make=lambda p, parent: p.marks.undo_stack.createUndoAction(parent, "&Undo")),
    Action("redo", "&Edit", "&Redo", "Redo what was undone", lambda p: p.marks.undo_stack.redo(),
           ("Ctrl+Shift+Z", "Ctrl+Y"),
           make=lambda p, parent: p.marks.undo_stack.createRedoAction(parent, "&Redo")),
    Action("copy", "&Edit", "&Copy", "Copy the selected words", lambda p: p.reader.copy(),
           (StandardKey.Copy,), separator=True),
    Action("copy-citation", "&Edit", "Copy with &Citation", "Copy the selected words, or the "
           "current passage, with a citation naming author, title, date and ¶",
           lambda p: p.reading.copy_citation(), ("Ctrl+Shift+C",)),
    Action("find", "&Edit", "&Find…", "Search the whole archive", lambda p: p.focus_search(),
           (StandardKey.Find,), separator=True),
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
             "the front, or hide it if it is in front",
             lambda p, key=key: p.toggle_panel(key), (f"Ctrl+{number}",),
             separator=number == 1)
      for number, (key, title) in enumerate(PANELS, 1)),

    Action("highlight", "&Annotate", "&Highlight", "Highlight the selected words in the last "
           "colour used", lambda p: p.marking.highlight_selection(), ("Ctrl+H",)),
    *(Action(f"highlight-{name}", "&Annotate/Highlight in &Colour", COLOUR_LABELS[name],
             f"Highlight the selected words in {name}",
             lambda p, name=name: p.marking.highlight_selection(name), (f"Ctrl+Alt+{number}",))
      for number, name in enumerate(COLOURS, 1)),
    Action("edit-note", "&Annotate", "Edit &Note…", "Write or edit the note on the highlight "
           "at the cursor", lambda p: p.marking.edit_note_at_cursor(), ("Ctrl+Shift+N",)),
    Action("delete-highlight", "&Annotate", "&Delete Highlight", "Delete the highlight at the "
           "cursor", lambda p: p.marking.delete_highlight_at_cursor(),
           ("Ctrl+Shift+Backspace",)),
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
           lambda p: p.navigator.go_to_end(first=True), ("Ctrl+Home",)),
    Action("end", "&Go", "&End of Document", "Go to the end of this document",
           lambda p: p.navigator.go_to_end(first=False), ("Ctrl+End",)),
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
           lambda p: p.show_shortcuts(), (StandardKey.HelpContents,)),
    Action("about", "&Help", "&About Archive Browser", "About this application",
           lambda p: p.show_about()),
)


def sequences(action: Action) -> list[QKeySequence]:
    """The action's keys; a standard key is its platform's first binding (Ctrl+O, F1)."""
    return [QKeySequence(key) for key in action.keys]


def shortcut_list() -> list[tuple[str, str]]:
    """(name, keys) of every action with a shortcut, as this platform writes them."""
    rows = []
    for action in ACTIONS:
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in sequences(action))
        if keys:
            rows.append((action.text.replace("&", ""), keys))
    return rows


class Menus:
    """The window's menus and QActions, built from :data:`ACTIONS`."""

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
                action.triggered.connect(lambda _checked=False, run=spec.run: self._run(run))
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
        self.refresh()

    @staticmethod
    def _menu(bar: QMenuBar, menus: dict[str, QMenu], path: str) -> QMenu:
        if path not in menus:
            parent, _, title = path.rpartition("/")
            owner = Menus._menu(bar, menus, parent) if parent else bar
            menus[path] = owner.addMenu(title)
        return menus[path]

    def _run(self, run: Callable[[Parts], object]) -> None:
        run(self.parts)
        self.refresh()

    def refresh(self) -> None:
        """Bring every action's enabled state and check mark up to date."""
        for spec in ACTIONS:
            action = self.actions[spec.name]
            if spec.enabled is not None:
                action.setEnabled(spec.enabled(self.parts))
            if spec.checked is not None:
                action.setChecked(spec.checked(self.parts))
