"""The person's marks in the GUI: one controller over the notes layer, with undo.

Every change goes through a QUndoCommand that writes through :class:`Notes` at
once (each write is durable when it returns) and then emits :attr:`changed`, so
that the reader, the annotations panel and the bookmarks panel refresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack

from desktop.archive.store import Archive, Passage
from desktop.notes.anchoring import ANCHORED, Selector, select
from desktop.notes.store import COLOUR_HEX, COLOURS, Bookmark, Highlight, Notes

# Highlight colours, drawn translucent so that overlapping highlights stay readable.
COLOUR_VALUES = COLOUR_HEX
COLOUR_LABELS = {name: name.capitalize() for name in COLOURS}
NOTE_MERGE_ID = 4242


def colour(name: str, alpha: int = 95) -> QColor:
    value = QColor(COLOUR_VALUES.get(name, COLOUR_VALUES["yellow"]))
    value.setAlpha(alpha)
    return value


class _PutMark(QUndoCommand):
    """Put a mark as it was before or after a change; None means it did not exist.

    The change is already written when the command is pushed (``QUndoStack.push``
    calls ``redo`` at once, and there is nothing to write then); undo and redo write
    it again.
    """

    FIELDS: tuple[str, ...] = ()  # what a change of the mark may change

    def __init__(self, marks: Marks, text: str, before: Any, after: Any,
                 fields: tuple[str, ...] | None = None) -> None:
        super().__init__(text)
        self.marks = marks
        self.before, self.after = before, after
        # The fields this step wrote. Its before and after are read apart from the
        # write, so they may also differ in a field another window saved meanwhile:
        # undo and redo must not put that back.
        self.fields = self.FIELDS if fields is None else fields
        self.done = True

    def _put(self, mark: Any) -> None:
        raise NotImplementedError

    def _update(self, mark_id: str, changes: dict[str, Any]) -> None:
        raise NotImplementedError

    def _exists(self, mark_id: str) -> bool:
        raise NotImplementedError

    def _delete(self, mark_id: str) -> None:
        raise NotImplementedError

    def _apply(self, old: Any, new: Any) -> None:
        if new is None:
            if old is not None:
                self._delete(old.id)
        elif old is not None and self._exists(new.id):
            # Only what this command changed goes back or forth: what another window
            # saved meanwhile in another field stays, and the mark's date moves on.
            self._update(new.id, {name: getattr(new, name) for name in self.fields
                                  if getattr(old, name) != getattr(new, name)})
        else:
            self._put(new)
        self._tell()

    def _tell(self) -> None:
        """One mark changed: views update that mark, not everything."""
        mark = self.after or self.before
        self.marks.changed_one.emit(mark.id if mark is not None else "")

    def redo(self) -> None:
        if self.done:
            self.done = False
            self._tell()
            return
        self._apply(self.before, self.after)

    def undo(self) -> None:
        self._apply(self.after, self.before)


class PutHighlight(_PutMark):
    """Create, change or delete a highlight."""

    FIELDS = ("note", "colour", "tags", "selector", "state", "document_id")

    def _put(self, mark: Highlight) -> None:
        self.marks.notes.put_highlight(mark)

    def _update(self, mark_id: str, changes: dict[str, Any]) -> None:
        self.marks.notes.update_highlight(mark_id, **changes)

    def _exists(self, mark_id: str) -> bool:
        return self.marks.notes.highlight(mark_id) is not None

    def _delete(self, mark_id: str) -> None:
        self.marks.notes.delete_highlight(mark_id)

    def id(self) -> int:
        # Consecutive saves of the same note while typing undo as one step.
        if self.before and self.after and self.before.id == self.after.id \
                and self.text().startswith("Edit Note"):
            return NOTE_MERGE_ID
        return -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, PutHighlight) or other.id() != NOTE_MERGE_ID \
                or other.after is None or self.after is None \
                or other.after.id != self.after.id:
            return False
        self.after = other.after
        self.fields = tuple(dict.fromkeys(self.fields + other.fields))
        return True


class PutBookmark(_PutMark):
    """Create, rename or delete a bookmark."""

    FIELDS = ("label", "uri", "document_id", "state")

    def _put(self, mark: Bookmark) -> None:
        self.marks.notes.put_bookmark(mark)

    def _update(self, mark_id: str, changes: dict[str, Any]) -> None:
        self.marks.notes.update_bookmark(mark_id, **changes)

    def _exists(self, mark_id: str) -> bool:
        return self.marks.notes.bookmark(mark_id) is not None

    def _delete(self, mark_id: str) -> None:
        self.marks.notes.delete_bookmark(mark_id)


class Marks(QObject):
    """The window's access to the person's marks on one archive."""

    changed = Signal()  # marks changed in bulk (an import): views reload
    changed_one = Signal(str)  # one mark was made, changed or deleted: its id

    def __init__(self, notes: Notes, archive: Archive) -> None:
        super().__init__()
        self.notes = notes
        self.archive = archive
        self.undo_stack = QUndoStack(self)
        self.last_colour = COLOURS[0]

    # -- highlights -----------------------------------------------------------

    def highlight(self, passage: Passage, start: int, end: int,
                  colour_name: str | None = None) -> Highlight:
        colour_name = colour_name or self.last_colour
        self.last_colour = colour_name
        selector = select(passage.uri, passage.text, start, end)
        made = self.notes.add_highlight(self.archive.archive_id, passage.document_id,
                                        selector, colour_name)
        # The write is done; the command only records it for undo and redo.
        self.undo_stack.push(PutHighlight(self, f"Highlight “{_short(selector.exact)}”",
                                          None, made))
        return made

    def edit(self, highlight_id: str, *, note: str | None = None,
             colour_name: str | None = None, tags: list[str] | None = None) -> Highlight | None:
        before = self.notes.highlight(highlight_id)
        if before is None:
            return None
        after = self.notes.update_highlight(highlight_id, note=note, colour=colour_name,
                                            tags=tags)
        given = {"note": note, "colour": colour_name, "tags": tags}
        fields = tuple(name for name, value in given.items() if value is not None
                       and getattr(before, name) != getattr(after, name))
        if not fields:
            return after
        what = " and ".join(name.capitalize() for name in fields)
        if colour_name:
            self.last_colour = colour_name
        self.undo_stack.push(PutHighlight(self, f"Edit {what}", before, after, fields))
        return after

    def reattach(self, highlight_id: str, passage: Passage, start: int, end: int) -> None:
        before = self.notes.highlight(highlight_id)
        if before is None:
            return
        selector: Selector = select(passage.uri, passage.text, start, end)
        after = self.notes.update_highlight(highlight_id, selector=selector, state=ANCHORED,
                                            document_id=passage.document_id)
        self.undo_stack.push(PutHighlight(self, "Re-attach Highlight", before, after,
                                          ("selector", "state", "document_id")))

    def delete(self, highlight_id: str) -> None:
        before = self.notes.delete_highlight(highlight_id)
        if before is not None:
            words = _short(before.selector.exact)
            self.undo_stack.push(PutHighlight(self, f"Delete Highlight “{words}”", before, None))

    def at(self, uri: str) -> list[Highlight]:
        return self.notes.highlights_at(self.archive.archive_id, uri)

    # -- bookmarks --------------------------------------------------------------

    def toggle_bookmark(self, passage: Passage, label: str = "") -> Bookmark | None:
        existing = self.notes.bookmark_at(self.archive.archive_id, passage.uri)
        if existing is not None:
            # Every bookmark on the passage goes (an import may have put two there).
            self.undo_stack.beginMacro("Remove Bookmark")
            while existing is not None:
                self.notes.delete_bookmark(existing.id)
                self.undo_stack.push(PutBookmark(self, "Remove Bookmark", existing, None))
                existing = self.notes.bookmark_at(self.archive.archive_id, passage.uri)
            self.undo_stack.endMacro()
            return None
        made = self.notes.add_bookmark(self.archive.archive_id, passage.document_id,
                                       passage.uri, passage.text[:64], label)
        self.undo_stack.push(PutBookmark(self, "Add Bookmark", None, made))
        return made

    def rename_bookmark(self, bookmark_id: str, label: str) -> None:
        before = next((b for b in self.notes.bookmarks() if b.id == bookmark_id), None)
        if before is None:
            return
        after = self.notes.update_bookmark(bookmark_id, label=label)
        if after.label != before.label:
            self.undo_stack.push(PutBookmark(self, "Rename Bookmark", before, after,
                                             ("label",)))

    def delete_bookmark(self, bookmark_id: str) -> None:
        before = self.notes.delete_bookmark(bookmark_id)
        if before is not None:
            self.undo_stack.push(PutBookmark(self, "Delete Bookmark", before, None))


def _short(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
