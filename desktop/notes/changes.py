"""What an operation on the person's marks changed: a record each view decides from.

Every change to highlights, bookmarks or links is announced as a :class:`Change`: the kind
of mark, which marks, which of their fields, and the marks as they now are (as they
were, for those deleted). A view that does not show that kind ignores it; one that
does updates the rows named from the marks carried, without reading the notes again.
"""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct

from desktop.notes.marks import Bookmark, Highlight, Link

HIGHLIGHTS = "highlights"
BOOKMARKS = "bookmarks"
LINKS = "links"
EVERYTHING = "everything"  # marks changed in bulk (an import): views reload

# Pseudo-fields: the marks named came into being, or went.
ADDED = "added"
DELETED = "deleted"

Mark = Highlight | Bookmark | Link


class Change(Struct, frozen=True):
    kind: str
    ids: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    marks: tuple[Mark, ...] = ()  # as they now are; as they were, for deleted marks

    def about(self, kind: str) -> bool:
        """Whether this change may concern a view of marks of ``kind``."""
        return self.kind in (kind, EVERYTHING)

    @property
    def everything(self) -> bool:
        return self.kind == EVERYTHING

    @property
    def rows(self) -> bool:
        """Whether marks came or went (a list must add or remove rows)."""
        return self.everything or ADDED in self.fields or DELETED in self.fields

    def touches(self, *fields: str) -> bool:
        """Whether any of ``fields`` may have changed (came or went counts as all)."""
        return self.rows or not self.fields.isdisjoint(fields)

    def mark(self, mark_id: str) -> Mark | None:
        return next((m for m in self.marks if m.id == mark_id), None)


def _kind(mark: Mark) -> str:
    if isinstance(mark, Highlight):
        return HIGHLIGHTS
    return LINKS if isinstance(mark, Link) else BOOKMARKS


def added(mark: Mark) -> Change:
    return Change(_kind(mark), frozenset({mark.id}), frozenset({ADDED}), (mark,))


def deleted(mark: Mark) -> Change:
    return Change(_kind(mark), frozenset({mark.id}), frozenset({DELETED}), (mark,))


def edited(mark: Mark, fields: Iterable[str]) -> Change:
    return Change(_kind(mark), frozenset({mark.id}), frozenset(fields), (mark,))


def everything() -> Change:
    return Change(EVERYTHING)
