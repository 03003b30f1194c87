"""Qt models of the index of people, places, organisations and events, of an entity's
mentions, and of the timeline.

Each holds ids and the small rows of the pages it has fetched, never the whole index:
rows come a page at a time as the view scrolls (``canFetchMore``/``fetchMore``), so that
an archive of ten thousand entities and a million passages opens its lists as quickly as
the essay does. An archive built before the index (``Archive.has_index`` false) gives
empty models.
"""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from desktop.archive.entities import Entity, Event, MentionHit
from desktop.archive.places import in_document, place, where
from desktop.archive.search import HIT_END, HIT_START
from desktop.archive.store import Archive
from desktop.gui.models import DocumentIdRole, LocationRole, PassageIdRole, SnippetRole
from desktop.gui.plain import tip

EntityIdRole = Qt.ItemDataRole.UserRole + 40
EntityKindRole = Qt.ItemDataRole.UserRole + 41
CountRole = Qt.ItemDataRole.UserRole + 42
MentionSpanRole = Qt.ItemDataRole.UserRole + 43  # (start, end) of a mention in its passage
EventIdRole = Qt.ItemDataRole.UserRole + 44
WhenRole = Qt.ItemDataRole.UserRole + 45  # an event's date as a person reads it
WordsRole = Qt.ItemDataRole.UserRole + 46  # the words that date an event
YearRole = Qt.ItemDataRole.UserRole + 47  # the year an event is dated in (or starts)
FirstOfYearRole = Qt.ItemDataRole.UserRole + 51  # the first event of its year
CurrentRole = Qt.ItemDataRole.UserRole + 48  # an event of a passage in view
LabelRole = Qt.ItemDataRole.UserRole + 49  # an event's label
SpotRole = Qt.ItemDataRole.UserRole + 50  # where in its document an event's words are: ¶ 8

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

# The kinds of entity, as a list of them is headed and as one of them is called.
KIND_PLURALS = {"person": "People", "place": "Places", "organisation": "Organisations",
                "event": "Events"}
KIND_NAMES = {"person": "person", "place": "place", "organisation": "organisation",
              "event": "event"}


_WORDS = re.compile(r"[\s\-–(]+")  # what parts a name's words: Rogozhsko-Simonovskii


def mentions_phrase(count: int) -> str:
    """``1 mention``, ``12 mentions``."""
    return f"{count:,} mention{'' if count == 1 else 's'}"


def plain_snippet(snippet: str) -> str:
    return snippet.replace(HIT_START, "").replace(HIT_END, "")


class PagedListModel(QAbstractListModel, Generic[Row]):
    """A list that holds the rows of the pages it has fetched, and fetches the next page
    as the view scrolls to it (``canFetchMore``/``fetchMore``), up to the number of rows
    it was told there are (``total``); a subclass says how to read a page (:meth:`page`).
    """

    PAGE = 200

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self._total = 0

    def page(self, offset: int, limit: int) -> list[Row]:
        """The rows from ``offset``, at most ``limit`` of them."""
        raise NotImplementedError

    def _took(self, first: int, rows: list[Row]) -> None:
        """Rows from ``first`` have been taken in (a subclass indexes them)."""

    def _restart(self, total: int) -> None:
        """Hold the first page of ``total`` rows (to call inside a model reset)."""
        self._total = total
        self._rows = self.page(0, self.PAGE) if total else []
        self._took(0, self._rows)

    @property
    def total(self) -> int:
        """How many rows the list holds, fetched or not."""
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        more = self.page(len(self._rows), self.PAGE)
        if not more:
            self._total = len(self._rows)  # the archive holds fewer than it said
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self._took(first, more)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def row_at(self, index: Index) -> Row | None:
        """The row of a valid index of this list, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]


class EntitiesModel(PagedListModel[Entity]):
    """The entities of one kind (or all), by name or by their number of mentions (most
    first), fetched a page at a time."""

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.kind: str | None = None
        self.order = "name"
        if archive is not None:
            self.set_archive(archive)

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self._load()

    def set_kind(self, kind: str | None) -> None:
        """Show only entities of ``kind`` (None: every kind)."""
        if kind != self.kind:
            self.kind = kind
            self._load()

    def set_order(self, order: str) -> None:
        """``name`` (A to Z) or ``count`` (most mentioned first)."""
        if order != self.order:
            self.order = order
            self._load()

    def _load(self) -> None:
        self.beginResetModel()
        archive = self.archive
        self._restart(archive.entity_count(self.kind) if archive is not None else 0)
        self.endResetModel()

    def page(self, offset: int, limit: int) -> list[Entity]:
        if self.archive is None:
            return []
        return self.archive.entities(self.kind, order=self.order, offset=offset, limit=limit)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entity = self.row_at(index)
        if entity is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entity.name
        if role == CountRole:
            return entity.mention_count
        if role == EntityIdRole:
            return entity.id
        if role == EntityKindRole:
            return entity.kind
        if role == Qt.ItemDataRole.ToolTipRole:
            said = f"{entity.name} ({KIND_NAMES.get(entity.kind, entity.kind)}), " \
                   f"{mentions_phrase(entity.mention_count)}"
            return tip(f"{said}\n{entity.description}" if entity.description else said)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (f"{entity.name}, {KIND_NAMES.get(entity.kind, entity.kind)}, "
                    f"{mentions_phrase(entity.mention_count)}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return entity.description or ""
        return None

    def match(self, start: Index, role: int, value: Any, hits: int = 1,
              flags: Qt.MatchFlag = Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchWrap
              ) -> list[QModelIndex]:
        """As Qt matches, but a name is also found by the start of any of its words, as
        typing in the list finds it: “Zin” finds Grigorii Zinoviev. A name that starts
        with the words typed comes first (“S” is Sergei Mikhailov, not the Moscow
        soviet)."""
        starts_with = Qt.MatchFlag(flags) & Qt.MatchFlag.MatchTypeMask \
            == Qt.MatchFlag.MatchStartsWith
        if role != Qt.ItemDataRole.DisplayRole or not starts_with or not isinstance(
                value, str) or not value or hits != 1 or start.parent().isValid():
            return super().match(start, role, value, hits, flags)
        typed = value.casefold()
        count = len(self._rows)
        first = max(0, start.row())
        order = [*range(first, count)]
        if Qt.MatchFlag(flags) & Qt.MatchFlag.MatchWrap:
            order += range(0, first)
        for found in (lambda name: name.startswith(typed),
                      lambda name: any(word.startswith(typed)
                                       for word in _WORDS.split(name)[1:])):
            for row in order:
                if found(self._rows[row].name.casefold()):
                    return [self.index(row)]
        return []

    def entity_at(self, row: int) -> Entity | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, entity_id: str) -> int:
        """An entity's row, fetching pages until it is among them; -1 if it is not in
        the list (another kind)."""
        while True:
            for row, entity in enumerate(self._rows):
                if entity.id == entity_id:
                    return row
            if not self.canFetchMore():
                return -1
            self.fetchMore()


class MentionsModel(PagedListModel[MentionHit]):
    """An entity's mentions across the archive, in reading order, each with where it is
    and the words around it; fetched a page at a time, as many as the entity's count."""

    PAGE = 50

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.entity: Entity | None = None

    def set_entity(self, archive: Archive | None, entity: Entity | None) -> None:
        """Show ``entity``'s mentions (None: none)."""
        self.beginResetModel()
        self.archive, self.entity = archive, entity
        self._restart(entity.mention_count if archive is not None and entity is not None
                      else 0)
        self.endResetModel()

    def page(self, offset: int, limit: int) -> list[MentionHit]:
        if self.archive is None or self.entity is None:
            return []
        return self.archive.mentions(self.entity.id, offset=offset, limit=limit)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.row_at(index)
        if hit is None:
            return None
        location = in_document(hit.document_title, where(hit.paragraph, hit.kind))
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{location}: {plain_snippet(hit.snippet)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{location}: {plain_snippet(hit.snippet)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"Go to {location}")
        if role == SnippetRole:
            return hit.snippet
        if role == LocationRole:
            return location
        if role == PassageIdRole:
            return hit.mention.passage_id
        if role == DocumentIdRole:
            return hit.document_id
        if role == MentionSpanRole:
            return (hit.mention.start, hit.mention.end)
        if role == EntityIdRole:
            return hit.mention.entity_id
        return None


class TimelineModel(PagedListModel[Event]):
    """The timeline: the events in date order (a range by its start), each row saying
    its year and whether it is its year's first, under which the view groups them; the
    events come a page at a time.

    Years are not rows of their own: every row has the same height, so that a list of
    ten thousand events lays out without measuring each (a list of rows of two heights
    is measured whole at each page fetched). The events of the passages in view
    (:meth:`set_current`) answer ``CurrentRole`` and are bold.
    """

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self._rows_of: dict[int, int] = {}  # event id -> its row
        self._places: dict[str, tuple[str, str]] = {}  # passage id -> (title, "¶ 8")
        self.current: set[int] = set()  # the ids of the events of the passages in view
        if archive is not None:
            self.set_archive(archive)

    def set_archive(self, archive: Archive) -> None:
        self.beginResetModel()
        self.archive = archive
        self._rows_of, self._places = {}, {}
        self.current = set()
        self._restart(archive.event_count())
        self.endResetModel()

    def page(self, offset: int, limit: int) -> list[Event]:
        return self.archive.events(offset=offset, limit=limit) if self.archive else []

    def _took(self, first: int, rows: list[Event]) -> None:
        for row, event in enumerate(rows, first):
            self._rows_of[event.id] = row

    # -- the model --------------------------------------------------------------

    def event_at(self, index: Index) -> Event | None:
        return self.row_at(index)

    def _where(self, event: Event) -> tuple[str, str]:
        """The title of the document an event's words are in, and where in it: ¶ 14."""
        if event.passage_id not in self._places and self.archive is not None:
            passage = self.archive.passage(event.passage_id)
            if passage is None:
                self._places[event.passage_id] = ("", "")
            else:
                titles = self.archive.titles([passage.document_id])
                self._places[event.passage_id] = (titles.get(passage.document_id, ""),
                                                  place(passage))
        return self._places.get(event.passage_id, ("", ""))

    def place_of(self, event: Event) -> str:
        """Where an event's words stand: ``The communists’ dilemma, ¶ 14``."""
        title, spot = self._where(event)
        return in_document(title, spot) if title else spot

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.event_at(index)
        if event is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{event.when}: {event.label}"
        if role == YearRole:
            return event.date_start[:4]
        if role == FirstOfYearRole:
            row = index.row()
            return row == 0 or self._rows[row - 1].date_start[:4] != event.date_start[:4]
        if role == EventIdRole:
            return event.id
        if role == WhenRole:
            return event.when
        if role == WordsRole:
            return event.text
        if role == LabelRole:
            return event.label
        if role == PassageIdRole:
            return event.passage_id
        if role == MentionSpanRole:
            return (event.start, event.end)
        if role == LocationRole:
            return self.place_of(event)
        if role == SpotRole:
            return self._where(event)[1]
        if role == CurrentRole:
            return event.id in self.current
        if role == Qt.ItemDataRole.FontRole and event.id in self.current:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(f"Go to “{event.text}”, {self.place_of(event)}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            shown = ", in view" if event.id in self.current else ""
            return (f"{event.when}: {event.label}; “{event.text}”, "
                    f"{self.place_of(event)}{shown}")
        return None

    # -- the events of the passages in view -------------------------------------

    def set_current(self, event_ids: set[int]) -> None:
        """Mark the events of the passages in view (and unmark the others)."""
        if event_ids == self.current:
            return
        changed = self.current ^ event_ids
        self.current = set(event_ids)
        for event_id in changed:
            row = self._rows_of.get(event_id)
            if row is not None:
                self.dataChanged.emit(self.index(row), self.index(row))

    def event_index(self, event_id: int) -> QModelIndex:
        """An event's row if its page has been fetched; else invalid."""
        row = self._rows_of.get(event_id)
        return self.index(row) if row is not None else QModelIndex()

    def still_to_come(self, date_start: str) -> bool:
        """Whether an event of this date may be on a page not yet fetched."""
        return self.canFetchMore() and (
            not self._rows or self._rows[-1].date_start <= date_start)
