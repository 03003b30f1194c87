"""Links between passages from the text: making one in two steps, its card, going there.

Annotate → Link Passages with words selected remembers them as the first end; with
words selected next (in the other pane, or elsewhere in the same one) it asks for the
relation and a note, and makes the link. A link's marker in the margin, or Show Link
from the keyboard, opens its card: the relation, the other end's words and place, the
note, and buttons to go there, edit the link or delete it.
"""

from __future__ import annotations

from typing import Protocol

from msgspec import Struct
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from desktop.archive.places import place
from desktop.archive.store import Passage
from desktop.gui.commands.marks import Words
from desktop.gui.commands.navigation import Navigator, Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.marks import Marks
from desktop.gui.panes import Pane
from desktop.gui.popup import InfoCard
from desktop.gui.undo import short
from desktop.notes.anchoring import ORPHANED, whole_words
from desktop.notes.marks import End, Link
from desktop.notes.places import locate_links
from desktop.notes.visible import visible


class Window(Protocol):
    """What linking uses of the window: its panes, and which one is being read."""

    panes: dict[str, Pane]
    active: Pane

    def opposite(self, pane: Pane) -> Pane | None: ...
    def elsewhere(self, pane: Pane, open_: bool) -> Navigator: ...


class FirstEnd(Struct, frozen=True):
    """The words chosen as a link's first end, while the person chooses the other."""

    passage: Passage
    start: int
    end: int
    pane: Pane  # where they were chosen, marked until the link is made or given up

    @property
    def words(self) -> str:
        return self.passage.text[self.start:self.end]


class Shown(Struct, frozen=True):
    """The link whose card is open: from which pane, and which end is there."""

    link_id: str
    pane: Pane
    here_first: bool  # the card was opened at the link's first end


class LinkingCommands:
    """Link Passages, Show Link, Cancel Link, and the link card's buttons."""

    def __init__(self, window: Window, marks: Marks, card: InfoCard, dialogs: Dialogs,
                 status: Status, *, reading_area: QWidget | None = None) -> None:
        self.window = window
        self.marks = marks
        self.card = card
        self.dialogs = dialogs
        self.status = status
        # Escape in the text gives up a link being made: a shortcut of the reading area
        # alone, and only meanwhile, so that Escape in a panel or card keeps its meaning.
        self._escape: QShortcut | None = None
        if reading_area is not None:
            self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), reading_area)
            self._escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._escape.activated.connect(self.cancel)
        self._pending: FirstEnd | None = None
        self.pending = None
        self.shown: Shown | None = None
        self._cycle: tuple[str, int] = ("", -1)  # Show Link: the passage, the link last shown
        card.action.connect(self.card_action)

    # -- making a link ---------------------------------------------------------------

    @property
    def pending(self) -> FirstEnd | None:
        """The first end chosen, while the other is being chosen."""
        return self._pending

    @pending.setter
    def pending(self, first: FirstEnd | None) -> None:
        self._pending = first
        if self._escape is not None:
            self._escape.setEnabled(first is not None)

    def _selected(self, pane: Pane) -> Words | None:
        selected = pane.reader.selected_words()
        if selected is None:
            return None
        passage, start, end, _words = selected
        start, end = whole_words(passage.text, start, end)
        return (passage, start, end) if start < end else None

    def link_passages(self) -> Link | None:
        """The first time, remember the words selected as the first end; the second,
        ask for the relation and note and link them to the words now selected."""
        pane = self.window.active
        chosen = self._selected(pane)
        if chosen is None and pane.reader.selection_across() is not None:
            self.status("Each end of a link is words of one passage: select words within "
                        "one passage.", 6000)
            return None
        if self.pending is None:
            if chosen is None:
                self.status("Select the words to link from, then choose Link Passages.", 6000)
                return None
            self.pending = FirstEnd(*chosen, pane)
            passage, start, end = chosen
            pane.reader.mark(passage.id, ((start, end),))  # shown until the link is made
            self.status(f"Link from {place(passage)} “{short(self.pending.words, 48)}” — now "
                        "select the other end and choose Link Passages again (Escape "
                        "cancels).", 0)
            return None
        if chosen is None:
            self.cancel()
            return None
        first = self.pending
        if (first.passage.id, first.start, first.end) == (chosen[0].id, *chosen[1:]):
            self.status("These are the words the link starts from: select the other end, "
                        "here or in the other pane.", 6000)
            return None
        passage, start, end = chosen
        answer = self.dialogs.ask_link(first.words, passage.text[start:end])
        if answer is None:
            self.status("No link made: select another end and choose Link Passages, or "
                        "press Escape.", 6000)
            return None
        relation, note = answer
        made = self.marks.add_link((first.passage, first.start, first.end), chosen,
                                   relation, note)
        self._forget()
        self.status(f"Linked ({made.relation}): {place(first.passage)} to {place(passage)}.",
                    4000)
        return made

    def cancel(self) -> None:
        """Forget the first end chosen."""
        if self.pending is not None:
            self._forget()
            self.status("No link made.", 3000)

    def _forget(self) -> None:
        assert self.pending is not None
        reader = self.pending.pane.reader
        if reader.document_id == self.pending.passage.document_id:
            reader.mark(None, ())  # the first end's words, marked while the other was chosen
        self.pending = None

    # -- the card ----------------------------------------------------------------------

    def show_link_at_cursor(self) -> None:
        """The card of a link at the passage being read (again: the next link there)."""
        pane = self.window.active
        reader = pane.reader
        passage = reader.reading_passage()
        layout = reader.layout_
        number = layout.block_of.get(passage.id) if passage and layout else None
        links = reader.linked.get(number, []) if number is not None else []
        if passage is None or not links:
            self.status("No link here: links are marked ⇄ in the margin, and listed in the "
                        "Highlights panel.", 5000)
            return
        last_uri, last = self._cycle
        index = (last + 1) % len(links) if last_uri == passage.uri else 0
        self._cycle = (passage.uri, index)
        rect = reader.cursorRect()
        point = reader.viewport().mapToGlobal(rect.bottomLeft())
        self.show_link(pane, links[index][0], passage.uri, point)

    def show_link(self, pane: Pane, link_id: str, uri: str, point: QPoint) -> None:
        """Open a link's card, from its end at the passage ``uri`` in ``pane``."""
        link = self.marks.link(link_id)
        if link is None:
            return
        here_first = link.first.selector.uri == uri and \
            link.first.document_id == pane.reader.document_id
        there = link.second if here_first else link.first
        spot = locate_links(self.marks.archive, [link])[link.id][1 if here_first else 0]
        lines = [f"{'To' if here_first else 'From'} {spot.label()}:",
                 f"“{visible(there.selector.exact)}”"]
        if link.note:
            lines.append(visible(link.note))
        actions = [("link-edit", "&Edit Link…", "Change the relation or the note"),
                   ("link-delete", "&Delete Link", "Delete this link (Ctrl+Z undoes it)")]
        if there.state != ORPHANED and spot.passage is not None:
            where = "in the other pane" if self.window.opposite(pane) else "there"
            actions.insert(0, ("link-go", "&Go There", f"Show the other end's words {where}"))
        self.shown = Shown(link.id, pane, here_first)
        # One card serves every command: its buttons act for the one that filled it.
        self.card.filled_by = self  # type: ignore[attr-defined]
        self.card.fill(f"Linked: {visible(link.relation)}", lines, actions)
        self.card.show_at(point)

    def card_action(self, key: str) -> None:
        if getattr(self.card, "filled_by", None) is not self or self.shown is None:
            return  # the card is a footnote's or a quotation's
        shown = self.shown
        if key == "link-go":
            link = self.marks.link(shown.link_id)
            if link is not None:
                self.go_to_end(link.second if shown.here_first else link.first,
                               self.window.elsewhere(shown.pane, False))
        elif key == "link-edit":
            self.edit(shown.link_id)
        elif key == "link-delete":
            self.marks.delete_link(shown.link_id)
            self.status("Link deleted (Ctrl+Z brings it back).", 4000)

    # -- going to a link, changing it ----------------------------------------------------

    def go_to_end(self, end: End, navigator: Navigator) -> bool:
        """Show an end's words, marked: False (and say so) if they are no longer found."""
        passage = self.marks.archive.passage_by_uri(end.selector.uri) \
            if end.state != ORPHANED else None
        if passage is None:
            self.status("These words are no longer in the archive; select where they belong "
                        "and choose Re-attach in the Highlights panel.", 6000)
            return False
        s = end.selector
        navigator.navigate(passage.document_id, passage.id, ((s.start, s.end),))
        return True

    def go_to_link(self, link_id: str) -> None:
        """Go to a link's first end (its second, if the first is lost), in the pane
        being read."""
        link = self.marks.link(link_id)
        if link is None:
            return
        end = link.first if link.first.state != ORPHANED else link.second
        self.go_to_end(end, self.window.active.navigator)

    def edit(self, link_id: str) -> None:
        link = self.marks.link(link_id)
        if link is None:
            return
        answer = self.dialogs.ask_link(link.first.selector.exact, link.second.selector.exact,
                                       relation=link.relation, note=link.note)
        if answer is not None:
            relation, note = answer
            self.marks.edit_link(link_id, relation=relation, note=note)

    def reattach(self, link_id: str) -> None:
        """Attach a link's lost end to the words selected in the pane being read."""
        chosen = self._selected(self.window.active)
        if chosen is None:
            self.status("First select, in the text, the words this link's lost end belongs "
                        "to.", 6000)
            return
        if self.marks.reattach_link(link_id, *chosen) is None:
            self.status("Both ends of this link are found: there is nothing to re-attach.",
                        5000)
