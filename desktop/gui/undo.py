"""Undo and redo of the person's marks: each step puts marks back as they were.

The change is already written when its command is pushed (``QUndoStack.push`` calls
``redo`` at once, and there is nothing to write then: the command only announces
it); undo and redo write it again through the marks door, and announce it.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from desktop.notes.changes import BOOKMARKS, HIGHLIGHTS, LINKS, Change, added, deleted, edited


class Writer(Protocol):
    """What undo and redo write through: the marks door."""

    def put(self, mark: Any) -> None: ...
    def update(self, kind: str, mark_id: str, changes: dict[str, Any]) -> Any: ...
    def exists(self, kind: str, mark_id: str) -> bool: ...
    def remove(self, kind: str, mark_id: str) -> None: ...
    def announce(self, change: Change) -> None: ...

NOTE_MERGE_ID = 4242


def short(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


class _PutMark(QUndoCommand):
    """Put a mark as it was before or after a change; None means it did not exist."""

    KIND = ""
    FIELDS: tuple[str, ...] = ()  # what a change of the mark may change

    def __init__(self, marks: Writer, text: str, before: Any, after: Any,
                 fields: tuple[str, ...] | None = None) -> None:
        super().__init__(text)
        self.marks = marks
        self.before, self.after = before, after
        # The fields this step wrote. Its before and after are read apart from the
        # write, so they may also differ in a field another window saved meanwhile:
        # undo and redo must not put that back.
        self.fields = self.FIELDS if fields is None else fields
        self.done = True

    def _apply(self, old: Any, new: Any) -> None:
        if new is None:
            if old is not None:
                self.marks.remove(self.KIND, old.id)
        elif old is not None and self.marks.exists(self.KIND, new.id):
            # Only what this command changed goes back or forth: what another window
            # saved meanwhile in another field stays, and the mark's date moves on.
            # The record announced is the mark as written, with those other fields.
            new = self.marks.update(self.KIND, new.id, {
                name: getattr(new, name) for name in self.fields
                if getattr(old, name) != getattr(new, name)})
        else:
            self.marks.put(new)
        self._announce(old, new)

    def _announce(self, old: Any, new: Any) -> None:
        if new is None and old is not None:
            self.marks.announce(deleted(old))
        elif old is None and new is not None:
            self.marks.announce(added(new))
        elif new is not None:
            self.marks.announce(edited(new, self.fields))

    def redo(self) -> None:
        if self.done:
            self.done = False
            self._announce(self.before, self.after)
            return
        self._apply(self.before, self.after)

    def undo(self) -> None:
        self._apply(self.after, self.before)


class PutHighlight(_PutMark):
    """Create, change or delete a highlight."""

    KIND = HIGHLIGHTS
    # ``more`` (the parts after the first) and ``first_state`` (the first part's own
    # state) with ``selector`` and ``state``: a highlight across passages is put back
    # exactly, every part where it was and in the state it had.
    FIELDS = ("note", "colour", "tags", "selector", "state", "document_id", "more",
              "first_state")

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

    KIND = BOOKMARKS
    FIELDS = ("label", "uri", "document_id", "state")


class PutLink(_PutMark):
    """Create, change, re-attach or delete a link between passages."""

    KIND = LINKS
    FIELDS = ("relation", "note", "first", "second")
