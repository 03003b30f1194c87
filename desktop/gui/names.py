"""Names in the text: the people, places, organisations and events of the archive's index
are quiet links in the reader.

Nothing is drawn on a name while it is read. Under the pointer it is underlined, faintly
and dotted, and when the pointer rests there a small card says what it is (its kind, its
description, how often the archive names it); the card takes neither the keyboard nor
the mouse, and goes when the pointer leaves the name. A click on the name, or Enter on it
once Tab has reached it (as for quotations and footnotes), opens the same card with
buttons: show it in the Index panel, search for it, your notes on the passages that
name it.

The names are not links of the text's formats (a format for each of a long document's
ten thousand names would cost its opening a second): where they stand is read once the
document is shown, and the reader asks this module of them (``ReaderView.names``). A
name inside another link (a quotation, a note marker) is that link's words for Tab and
a click; its card still shows under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
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
        # block number -> the names its passage holds, in order; read once the document
        # is shown (``None`` until then: the first question reads them at once)
        self._by_block: dict[int, list[Mention]] | None = None
        self.under: tuple[int, Mention] | None = None  # the name under the pointer
        self._shown: tuple[int, Mention] | None = None  # the name the hover card is of
        self._entity = ""  # the entity of the card with buttons
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._rested)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._read_soon)
        reader.names = self
        reader.viewport().installEventFilter(self)
        reader.rendered.connect(self._document_shown)
        reader.verticalScrollBar().valueChanged.connect(lambda _v: self.leave())
        card.action.connect(self.card_action)

    # -- where the names are ----------------------------------------------------------

    def _document_shown(self) -> None:
        self.leave()
        self._by_block = None
        self._soon.start()  # after the document's first paint, not before it

    def _read_soon(self) -> None:
        if self.reader.isVisible():  # not a window closed meanwhile (its archive is)
            self.names_by_block()

    def names_by_block(self) -> dict[int, list[Mention]]:
        """The names of the document shown, by the block of their passage."""
        if self._by_block is None:
            layout, document_id = self.reader.layout_, self.reader.document_id
            self._by_block = {}
            if layout is not None and document_id is not None:
                for mention in self.archive.mentions_in_document(document_id):
                    number = layout.block_of.get(mention.passage_id)
                    if number is not None:
                        self._by_block.setdefault(number, []).append(mention)
        return self._by_block

    # -- under the pointer --------------------------------------------------------------

    def name_at(self, point: QPoint) -> tuple[int, Mention] | None:
        """The name drawn under a point of the viewport: its block and mention."""
        by_block = self.names_by_block()
        if not by_block:
            return None
        cursor = self.reader.cursorForPosition(point)
        block = cursor.block()
        names = by_block.get(block.blockNumber())
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
        if event.type() in (QEvent.Type.Leave, QEvent.Type.MouseButtonPress,
                            QEvent.Type.Wheel):
            self.leave()
        return False

    def pointed(self, point: QPoint) -> bool:
        """The pointer is at ``point``: mark the name there, and show its card once the
        pointer rests on it; whether a name is there."""
        found = self.name_at(point)
        if found == self.under:
            return found is not None
        self.under = found
        if self._shown is not None and found != self._shown:
            self._hide_hover()
        if found is None:
            self.reader.mark_name(None)
            self._rest.stop()
            return False
        number, mention = found
        self.reader.mark_name(number, mention.start, mention.end)
        self._rest.start()
        return True

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

    # -- followed: a click, Tab and Enter -------------------------------------------------

    def _in_link(self, position: int) -> bool:
        """Whether the character at a position of the text is another link's."""
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(position + 1)  # a cursor's format is the character's before it
        return cursor.charFormat().isAnchor()

    def clicked(self, point: QPoint) -> bool:
        """A click at ``point``: on a name, its card opens (once the click is done)."""
        found = self.name_at(point)
        if found is None:
            return False
        entity_id = found[1].entity_id
        QTimer.singleShot(0, lambda: self.show_card(entity_id))
        return True

    def next_from(self, origin: int, forward: bool) -> tuple[int, int] | None:
        """The first name that starts at ``origin`` or after it (that ends at it or before
        it, backwards), other links' words aside: where it starts and ends in the text."""
        by_block = self.names_by_block()
        if not by_block:
            return None
        doc = self.reader.document()
        block = doc.findBlock(origin)
        while block.isValid():
            names = by_block.get(block.blockNumber(), [])
            base = block.position()
            for mention in (names if forward else reversed(names)):
                start, end = base + mention.start, base + mention.end
                if (start >= origin if forward else end <= origin) and not self._in_link(start):
                    return start, end
            block = block.next() if forward else block.previous()
        return None

    def _selected(self) -> Mention | None:
        """The name the selection is, if it is one."""
        cursor = self.reader.textCursor()
        if not cursor.hasSelection():
            return None
        block = self.reader.document().findBlock(cursor.selectionStart())
        start = cursor.selectionStart() - block.position()
        end = cursor.selectionEnd() - block.position()
        return next((m for m in self.names_by_block().get(block.blockNumber(), [])
                     if (m.start, m.end) == (start, end)), None)

    def follow_selection(self) -> bool:
        """Enter: on a name chosen with Tab, its card opens."""
        mention = self._selected()
        if mention is None:
            return False
        self.reader.last_click = None
        self.show_card(mention.entity_id)
        return True

    def said(self) -> str:
        """What a screen reader is told of a name chosen with Tab (the words selected
        are read out too)."""
        return "a name in the index: Enter shows what it is" if self._selected() else ""

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
        if point is None:  # the keyboard's: below the name chosen
            point = self.reader.cursorRect().bottomLeft()
        line = self.reader.fontMetrics().height() * 2
        self.card.show_at(self.reader.viewport().mapToGlobal(point + QPoint(-12, line)))

    def card_action(self, key: str) -> None:
        if getattr(self.card, "filled_by", None) is not self:
            return  # the card is another pane's, or a quotation's
        run = self.actions.get(key)
        if run is not None and self._entity:
            run(self._entity)
