"""A reading pane: a reader with its own document, place and history, and the commands that
act in it. The window has one, or two side by side (View → Side by Side); the menus and
panels act on the pane that has the focus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

from desktop.archive.store import Archive
from desktop.gui.commands.links import LinkCommands
from desktop.gui.commands.marks import MarkCommands
from desktop.gui.commands.navigation import Navigator, Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.marks import Marks
from desktop.gui.marks_in_text import MarksInText
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView

MAIN, BESIDE = "main", "beside"
# How a pane is named where the window says which one a panel acts on.
SIDE_NAMES = {MAIN: "left", BESIDE: "right"}


class PaneParts(Struct, frozen=True):
    """What every pane of a window shares."""

    archive: Archive
    marks: Marks
    card: InfoCard
    open_note: Callable[[str, QPoint], None]
    show_source: Callable[[str], None]
    style: Callable[[], str]
    status: Status
    dialogs: Dialogs
    note_editor: Any


class Pane:
    """One reader, with its navigator (history), its links and its marking commands.
    ``elsewhere(pane, open)`` gives the navigator where a followed quotation or "Quoted
    in the essay" opens: the other pane's (opened first when ``open``)."""

    def __init__(self, key: str, parent: QWidget, parts: PaneParts,
                 elsewhere: Callable[[Pane, bool], Navigator],
                 toward: Callable[[Pane, str], Navigator] | None = None) -> None:
        self.key = key
        self.reader = ReaderView(parent)
        if key != MAIN:
            self.reader.setObjectName(f"reader-{key}")
        self.reader.setAccessibleName("Reader" if key == MAIN else "Reader beside")
        self.marks_in_text = MarksInText(self.reader, parts.marks)
        self.navigator = Navigator(parts.archive, self.reader, parts.status, parts.dialogs)
        self.links = LinkCommands(parts.archive, self.reader, parts.card, self.navigator,
                                  parts.open_note, parts.show_source, parts.style,
                                  elsewhere=lambda open_: elsewhere(self, open_),
                                  toward=(lambda document: toward(self, document))
                                  if toward is not None else None)
        self.marking = MarkCommands(self.reader, parts.marks, parts.note_editor,
                                    self.navigator, parts.status, parts.dialogs)
        self.reader.highlightClicked.connect(parts.open_note)

    @property
    def side(self) -> str:
        return SIDE_NAMES.get(self.key, self.key)
