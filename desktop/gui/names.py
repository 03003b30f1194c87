"""Names in the text: the people, places, organisations and events of the archive's index
are quiet links in the reader.

Nothing is drawn on a name while it is read. Under the pointer it is underlined, faintly
and dotted, and when the pointer rests there a small card says what it is (its kind, its
description, how often the archive names it); the card takes neither the keyboard nor
the mouse, and goes when the pointer leaves the name. A click on the name, or Enter on it
once Tab has reached it (as for quotations and footnotes), opens the same card with
buttons: show it in the Index panel, search for it, your notes on the passages that
name it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QWidget

from desktop.archive.entities import Entity, Mention
from desktop.archive.store import Archive
from desktop.gui.index_models import KIND_NAMES, mentions_phrase
from desktop.gui.popup import InfoCard
from desktop.gui.reader import ReaderView

REST_MS = 350  # how long the pointer rests on a name before its card shows
CARD_ACTIONS = (("index", "Show in &Index", "Show it in the Index panel, with every place "
                 "the archive names it"),
                ("search", "&Search for This", "List in the Search panel the passages that "
                 "name it"),
                ("notes", "Your &Notes on This", "Show in the Highlights panel your "
                 "highlights and notes on the passages that name it"))


def hover_card(parent: QWidget) -> InfoCard:
    """A card that shows over the text without taking the keyboard or the mouse."""
    card = InfoCard(parent)
    card.setObjectName("name-card")
    card.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
    card.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    card.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    card.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    card.setMinimumWidth(240)
    card.setMaximumWidth(380)
    return card


def describe(entity: Entity) -> tuple[str, list[str]]:
    """A card's heading and lines for an entity: ``Person · 12 mentions``, then what
    the index says of it."""
    kind = KIND_NAMES.get(entity.kind, entity.kind)
    lines = [f"{kind[:1].upper()}{kind[1:]} · {mentions_phrase(entity.mention_count)}"]
    if entity.description:
        lines.append(entity.description)
    return entity.name, lines


class NameCards(QObject):
    """The names of one reader: the faint underline and the card under the pointer, and
    the card with buttons when a name is followed. ``actions`` maps a button's key
    (``index``, ``search``, ``notes``) to what it does with the entity's id."""

    def __init__(self, archive: Archive, reader: ReaderView, card: InfoCard, hover: InfoCard,
                 actions: dict[str, Callable[[str], object]]) -> None:
        super().__init__(reader)
        self.archive = archive
        self.reader = reader
        self.card = card
        self.hover = hover
        self.actions = actions
        self.under: tuple[int, Mention] | None = None  # the name under the pointer
        self._shown: tuple[int, Mention] | None = None  # the name the hover card is of
        self._entity = ""  # the entity of the card with buttons
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._rested)
        reader.viewport().installEventFilter(self)
        reader.linkFollowed.connect(self.follow)
        reader.rendered.connect(self.leave)
        reader.verticalScrollBar().valueChanged.connect(lambda _v: self.leave())
        card.action.connect(self.card_action)

    # -- under the pointer --------------------------------------------------------------

    def name_at(self, point: QPoint) -> tuple[int, Mention] | None:
        """The name drawn under a point of the viewport: its block and mention."""
        layout = self.reader.layout_
        if layout is None or not layout.names:
            return None
        cursor = self.reader.cursorForPosition(point)
        block = cursor.block()
        names = layout.names.get(block.blockNumber())
        if not names:
            return None
        offset = cursor.position() - block.position()
        for mention in names:
            if mention.start <= offset <= mention.end and self._covers(block.position(),
                                                                      mention, point):
                return block.blockNumber(), mention
        return None

    def _covers(self, base: int, mention: Mention, point: QPoint) -> bool:
        """Whether the name's words are drawn under ``point``: the nearest place to a point
        beside a line, or below the text, is a name's edge too."""
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(base + mention.start)
        first = self.reader.cursorRect(cursor)
        cursor.setPosition(base + mention.end)
        last = self.reader.cursorRect(cursor)
        if first.top() == last.top():  # on one line
            return first.left() <= point.x() <= last.left() and \
                first.top() <= point.y() <= first.bottom()
        # Broken over two lines: on the first line from its start, or on the last to its end.
        return (first.top() <= point.y() <= first.bottom() and point.x() >= first.left()) or \
            (last.top() <= point.y() <= last.bottom() and point.x() <= last.left())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            self.pointed(event.position().toPoint())
        elif kind in (QEvent.Type.Leave, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self.leave()
        return False

    def pointed(self, point: QPoint) -> None:
        """The pointer is at ``point``: mark the name there, and show its card once the
        pointer rests on it."""
        found = self.name_at(point)
        if found == self.under:
            return
        self.under = found
        if self._shown is not None and found != self._shown:
            self._hide_hover()
        if found is None:
            self.reader.mark_name(None)
            self._rest.stop()
            return
        number, mention = found
        self.reader.mark_name(number, mention.start, mention.end)
        self._rest.start()

    def leave(self) -> None:
        """The pointer left the names (or the text moved under it)."""
        self._rest.stop()
        self.under = None
        self.reader.mark_name(None)
        self._hide_hover()

    def _hide_hover(self) -> None:
        self._shown = None
        self.hover.hide()

    def _rested(self) -> None:
        if self.under is not None and self.reader.isVisible():
            self.show_hover(*self.under)

    def show_hover(self, number: int, mention: Mention) -> None:
        """Show the card of the name ``mention`` (in block ``number``), below its line."""
        entity = self.archive.entity(mention.entity_id)
        if entity is None:
            return
        heading, lines = describe(entity)
        self.hover.fill(heading, lines, [])
        block = self.reader.document().findBlockByNumber(number)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + mention.start)
        rect = self.reader.cursorRect(cursor)
        self._shown = (number, mention)
        self.hover.show_at(self.reader.viewport().mapToGlobal(rect.bottomLeft()
                                                              + QPoint(-12, 6)))

    # -- followed: the card with buttons --------------------------------------------------

    def follow(self, kind: str, ident: str) -> None:
        if kind == "entity":
            self.show_card(ident)

    def show_card(self, entity_id: str) -> None:
        """The card of an entity, with its buttons, at the name clicked (or reached by
        the keyboard)."""
        entity = self.archive.entity(entity_id)
        if entity is None:
            return
        self.leave()
        heading, lines = describe(entity)
        self._entity = entity.id
        self.card.filled_by = self  # type: ignore[attr-defined]
        self.card.fill(heading, lines, [a for a in CARD_ACTIONS if a[0] in self.actions])
        point = self.reader.last_click
        self.reader.last_click = None
        if point is None:
            point = self.reader.cursorRect().bottomLeft()
        line = self.reader.fontMetrics().height() * 2
        self.card.show_at(self.reader.viewport().mapToGlobal(point + QPoint(-12, line)))

    def card_action(self, key: str) -> None:
        if getattr(self.card, "filled_by", None) is not self:
            return  # the card is another pane's, or a quotation's
        run = self.actions.get(key)
        if run is not None and self._entity:
            run(self._entity)
