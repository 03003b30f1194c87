"""Qt models of the index of people, places, organisations and events, of an entity's
mentions, and of the timeline.

Each holds ids and the small rows of the pages it has fetched, never the whole index:
rows come a page at a time as the view scrolls (``canFetchMore``/``fetchMore``), so that
an archive of ten thousand entities and a million passages opens its lists as quickly as
the essay does. An archive built before the index (``Archive.has_index`` false) gives
empty models.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
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
IsYearRole = Qt.ItemDataRole.UserRole + 47
CurrentRole = Qt.ItemDataRole.UserRole + 48  # an event of a passage in view
LabelRole = Qt.ItemDataRole.UserRole + 49  # an event's label
SpotRole = Qt.ItemDataRole.UserRole + 50  # where in its document an event's words are: ¶ 8

Index = QModelIndex | QPersistentModelIndex

# The kinds of entity, as a list of them is headed and as one of them is called.
KIND_PLURALS = {"person": "People", "place": "Places", "organisation": "Organisations",
                "event": "Events"}
KIND_NAMES = {"person": "person", "place": "place", "organisation": "organisation",
              "event": "event"}


def mentions_phrase(count: int) -> str:
    """``1 mention``, ``12 mentions``."""
    return f"{count:,} mention{'' if count == 1 else 's'}"


def plain_snippet(snippet: str) -> str:
    return snippet.replace(HIT_START, "").replace(HIT_END, "")


class EntitiesModel(QAbstractListModel):
    """The entities of one kind (or all), by name or by their number of mentions (most
    first), fetched a page at a time."""

    PAGE = 200

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.kind: str | None = None
        self.order = "name"
        self._rows: list[Entity] = []
        self._total = 0
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
        self._total = archive.entity_count(self.kind) if archive is not None else 0
        self._rows = archive.entities(self.kind, order=self.order, limit=self.PAGE) \
            if archive is not None and self._total else []
        self.endResetModel()

    @property
    def total(self) -> int:
        """How many entities the list holds, fetched or not."""
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self.archive is None or len(self._rows) >= self._total:
            return
        more = self.archive.entities(self.kind, order=self.order, offset=len(self._rows),
                                     limit=self.PAGE)
        if not more:
            self._total = len(self._rows)  # the index holds fewer than it said
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entity = self._rows[index.row()]
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


class MentionsModel(QAbstractListModel):
    """An entity's mentions across the archive, in reading order, each with where it is
    and the words around it; fetched a page at a time."""

    PAGE = 50

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.entity: Entity | None = None
        self._rows: list[MentionHit] = []
        self._done = True

    def set_entity(self, archive: Archive | None, entity: Entity | None) -> None:
        """Show ``entity``'s mentions (None: none)."""
        self.beginResetModel()
        self.archive, self.entity = archive, entity
        self._rows = archive.mentions(entity.id, limit=self.PAGE) \
            if archive is not None and entity is not None else []
        self._done = entity is None or len(self._rows) < self.PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._done or self.archive is None or self.entity is None:
            return
        more = self.archive.mentions(self.entity.id, offset=len(self._rows), limit=self.PAGE)
        self._done = len(more) < self.PAGE
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        hit = self._rows[index.row()]
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


class TimelineModel(QAbstractItemModel):
    """The timeline: years, and under each the events dated in it (a range under the
    year it starts), in date order; the events come a page at a time.

    A year's row has internal id 0; an event's, its year's row + 1. The events of the
    passages in view (:meth:`set_current`) answer ``CurrentRole`` and are bold.
    """

    PAGE = 200

    def __init__(self, archive: Archive | None = None) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self._years: list[str] = []
        self._events: list[list[Event]] = []  # each year's events, by the year's row
        self._loaded = 0
        self._total = 0
        self._places: dict[str, tuple[str, str]] = {}  # passage id -> (title, "¶ 8")
        self.current: set[int] = set()  # the ids of the events of the passages in view
        if archive is not None:
            self.set_archive(archive)

    def set_archive(self, archive: Archive) -> None:
        self.beginResetModel()
        self.archive = archive
        self._years, self._events, self._places = [], [], {}
        self._loaded = 0
        self._total = archive.event_count()
        self.current = set()
        self._take(archive.events(limit=self.PAGE) if self._total else [])
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def _take(self, events: list[Event]) -> None:
        """File events under their years (the caller tells the views)."""
        for event in events:
            year = event.date_start[:4]
            if not self._years or self._years[-1] != year:
                self._years.append(year)
                self._events.append([])
            self._events[-1].append(event)
        self._loaded += len(events)

    # -- fetching as shown ------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._loaded < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self.archive is None or self._loaded >= self._total:
            return
        more = self.archive.events(offset=self._loaded, limit=self.PAGE)
        if not more:
            self._total = self._loaded
            return
        # Events of the last year shown go under it; the rest bring years of their own.
        last = len(self._years) - 1
        same = [e for e in more if last >= 0 and e.date_start[:4] == self._years[last]]
        if same:
            parent_index = self.index(last, 0)
            first = len(self._events[last])
            self.beginInsertRows(parent_index, first, first + len(same) - 1)
            self._events[last].extend(same)
            self._loaded += len(same)
            self.endInsertRows()
        rest = more[len(same):]
        if rest:
            years = len({e.date_start[:4] for e in rest})
            self.beginInsertRows(QModelIndex(), len(self._years), len(self._years) + years - 1)
            self._take(rest)
            self.endInsertRows()

    # -- the model --------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._years) else QModelIndex()
        if parent.internalId() != 0 or not 0 <= parent.row() < len(self._events):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1) \
            if row < len(self._events[parent.row()]) else QModelIndex()

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._years)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._events[parent.row()])

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        if not parent.isValid():
            return bool(self._years)
        return parent.internalId() == 0 and bool(self._events[parent.row()])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def event_at(self, index: Index) -> Event | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        events = self._events[index.internalId() - 1]
        return events[index.row()] if 0 <= index.row() < len(events) else None

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
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self._years):
                return None
            year = self._years[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return year
            if role == IsYearRole:
                return True
            count = len(self._events[index.row()])
            events = f"{count} event{'' if count == 1 else 's'}"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{year}, {events}"
            if role == Qt.ItemDataRole.ToolTipRole:
                more = self.canFetchMore() and index.row() == len(self._years) - 1
                return f"{events} dated in {year}{' so far' if more else ''}"
            return None
        event = self.event_at(index)
        if event is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{event.when}: {event.label}"
        if role == IsYearRole:
            return False
        if role == EventIdRole:
            return event.id
        if role == WhenRole:
            return event.when
        if role == WordsRole:
            return event.text
        if role == PassageIdRole:
            return event.passage_id
        if role == MentionSpanRole:
            return (event.start, event.end)
        if role == LocationRole:
            return self.place_of(event)
        if role == SpotRole:
            return self._where(event)[1]
        if role == LabelRole:
            return event.label
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
        for year_row, events in enumerate(self._events):
            for row, event in enumerate(events):
                if event.id in changed:
                    index = self.createIndex(row, 0, year_row + 1)
                    self.dataChanged.emit(index, index)

    def event_index(self, event_id: int, date_start: str) -> QModelIndex:
        """An event's row, fetching pages of the timeline until its date is among them;
        invalid if it is not there."""
        while True:
            for year_row, events in enumerate(self._events):
                for row, event in enumerate(events):
                    if event.id == event_id:
                        return self.createIndex(row, 0, year_row + 1)
            last = self._events[-1][-1].date_start if self._events else ""
            if not self.canFetchMore() or last > date_start:
                return QModelIndex()
            self.fetchMore()
