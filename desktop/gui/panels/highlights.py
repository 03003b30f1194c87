"""The highlights panel: every highlight with its note and tags, and every link between
passages with its relation and note, filtered and sorted."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.archive.entities import Entity
from desktop.archive.places import NEVER_FOUND, NOT_FOUND, place
from desktop.archive.store import Passage
from desktop.gui.accessibility import highlight_phrase
from desktop.gui.index_models import KIND_NAMES
from desktop.gui.marks import Marks
from desktop.gui.models import LocationRole
from desktop.gui.panels.rows import RowDelegate, fill, paint_item, panel_combo
from desktop.gui.plain import tip
from desktop.gui.theme import COLOUR_LABELS, colour
from desktop.notes.anchoring import ORPHANED
from desktop.notes.changes import ADDED, DELETED, HIGHLIGHTS, LINKS, Change
from desktop.notes.marks import COLOURS, RELATIONS, Highlight, Link
from desktop.notes.places import ORPHAN_ORDER, Located, locate, locate_links
from desktop.notes.places import where as where  # its old home, kept
from desktop.notes.visible import visible

IdRole = Qt.ItemDataRole.UserRole + 20
NoteRole = Qt.ItemDataRole.UserRole + 21
TagsRole = Qt.ItemDataRole.UserRole + 22
ColourRole = Qt.ItemDataRole.UserRole + 23
DocumentRole = Qt.ItemDataRole.UserRole + 24
StateRole = Qt.ItemDataRole.UserRole + 26
OrderRole = Qt.ItemDataRole.UserRole + 27
CreatedRole = Qt.ItemDataRole.UserRole + 28
SearchTextRole = Qt.ItemDataRole.UserRole + 29
KindRole = Qt.ItemDataRole.UserRole + 30  # HIGHLIGHT or LINK
RelationRole = Qt.ItemDataRole.UserRole + 31  # a link's relation; "" for a highlight
DocumentsRole = Qt.ItemDataRole.UserRole + 32  # the documents a mark is in (a link: two)
UrisRole = Qt.ItemDataRole.UserRole + 33  # the passages a mark's words are in (their URIs)

HIGHLIGHT, LINK = "highlight", "link"
# What a change of a highlight's place touches: its row may have to move in the list.
PLACE = ("selector", "state", "document_id", "more", "first_state")
PAGE = 200  # rows made at a time as the list scrolls
ANY_ENTITY = "Naming anyone or anything"

Index = QModelIndex | QPersistentModelIndex


def _end_place(spot: Located) -> str:
    if spot.passage is not None:
        return place(spot.passage)
    return NOT_FOUND if spot.title else NEVER_FOUND


def link_location(first: Located, second: Located) -> str:
    """Where a link's ends are, the places first (a long title is cut short after them):
    ``¶ 3 ⇄ ¶ 20 · The communists’ dilemma`` in one document, ``¶ 8 ⇄ ¶ 2 · The
    communists’ dilemma ⇄ Minutes…`` across two."""
    titles = " ⇄ ".join(dict.fromkeys(title for title in (first.title, second.title) if title))
    return f"{_end_place(first)} ⇄ {_end_place(second)}" + (f" · {titles}" if titles else "")


_OTHER = object()  # a role a link's row answers as a highlight's does


class HighlightsModel(QAbstractListModel):
    """Highlights and links of one archive, in the order chosen and as filtered.

    With 10,000 highlights the panel must open at once: the model reads only their ids
    in reading order (SQLite orders them), and makes rows a page at a time as the list
    scrolls (``canFetchMore``/``fetchMore``), reading each page's records whole. What
    else a filter asks of every highlight is read the first time a filter needs it:
    colour, document and passage; words and note (in one query, which SQLite answers
    as one text); the highlights of a tag, a tag at a time (a text filter looks for its
    words in the few hundred tags in use, not in every highlight's).
    """

    def __init__(self, marks: Marks) -> None:
        super().__init__()
        self.marks = marks
        self._all: list[str] = []  # every mark, in the order chosen
        self._ids: list[str] = []  # those the filter keeps, in that order
        self._fetched = 0  # how many of ``_ids`` are rows so far
        self._known: set[str] = set()  # every mark
        # Marks' places in reading order and dates made: those placed apart (links,
        # highlights of several parts) and those given rows; every mark's once an order
        # is made here (``_order_read``)
        self._order: dict[str, int] = {}
        self._made: dict[str, str] = {}
        self._order_read = False
        self._several: set[str] = set()  # the highlights of several parts
        # A highlight's id -> (document, uri, start, state, created, colour, several
        # parts), for every highlight once a filter has asked (``_rows_read``)
        self._rows: dict[str, tuple[str, str, int, str, str, str, int]] = {}
        self._rows_read = False
        self._cache: dict[str, Highlight] = {}  # the records of the pages made
        self._links: dict[str, Link] = {}
        # id -> (order, where it stands, the documents it is in) of a link or a highlight
        # of several parts, placed as a whole
        self._where: dict[str, tuple[int, str, tuple[str, ...]]] = {}
        self._said: dict[str, str] = {}  # where the others stand, once a row asks
        self._places: dict[str, tuple[int, Passage]] = {}
        self._titles: dict[str, str] = {}
        # The text a text filter looks in, casefolded: a highlight's words and note (its
        # tags apart), a link's words, note and relation; every mark's once a filter
        # has asked (``_words_read``)
        self._search: dict[str, str] = {}
        self._words_read = False
        # Every tag in use as written -> casefolded, once a filter has asked; the
        # highlights of each tag a filter has asked about
        self._tag_names: dict[str, str] | None = None
        self._tagged: dict[str, set[str]] = {}
        self.criteria: HighlightFilter | None = None  # the filter, if one is set
        self.newest_first = False

    # -- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        self._cache, self._links, self._search, self._where = {}, {}, {}, {}
        self._rows, self._said, self._order, self._made, self._tagged = {}, {}, {}, {}, {}
        self._tag_names = None
        self._rows_read = self._words_read = self._order_read = False
        self._several = set()
        self._places = self.marks.archive.places(self.marks.highlight_uris())
        self._titles = self.marks.archive.titles(self.marks.highlight_documents())
        for h in self.marks.highlights_across():
            self._take_whole(h)
        self._take_links(self.marks.links())
        # SQLite orders them all, the marks placed apart among the others.
        self._all = self.marks.highlights_in_order(
            self._passage_order(), [(i, order, self._made[i]) for i, (order, _said, _docs)
                                    in self._where.items()])
        self._known = set(self._all)
        self._refilter()

    def _passage_order(self) -> dict[str, int]:
        return {uri: n for uri, (n, _passage) in self._places.items()}

    def _read_order(self) -> None:
        """Every mark's place and date, to order them here (once)."""
        if self._order_read:
            return
        self._order_read = True
        # The passages of highlights made since the list was read are numbered too.
        self._places.update(self.marks.archive.places(self.marks.highlight_uris()))
        for mark_id, order, made in self.marks.highlight_places(self._passage_order()):
            if mark_id not in self._several:
                self._order[mark_id], self._made[mark_id] = order, made

    def _order_of(self, mark_id: str) -> int:
        order = self._order.get(mark_id)
        if order is None:  # a row's, from its record
            h = self._record(mark_id)
            spot = self._places.get(h.selector.uri) if h.state != ORPHANED else None
            order = spot[0] * 100_000 + h.selector.start if spot else ORPHAN_ORDER
        return order

    def _read_rows(self) -> None:
        """Every highlight's document, place, state and colour, for a filter (once)."""
        if self._rows_read:
            return
        self._rows_read = True
        self._rows = {r[0]: r[1:] for r in self.marks.highlight_list()}

    def _take_whole(self, h: Highlight) -> None:
        """A highlight's record, and where it stands worked out from it (one of several
        parts, or one just made)."""
        self._cache[h.id] = h
        if self._rows_read:
            self._rows[h.id] = (h.document_id, h.selector.uri, h.selector.start, h.state,
                                h.created, h.colour, int(bool(h.more)))
        located = locate(self.marks.archive, [h])[h.id]
        self._order[h.id], self._made[h.id] = located.order, h.created
        self._known.add(h.id)
        self._where[h.id] = (located.order, where(located), (h.document_id,))
        if h.more:
            self._several.add(h.id)
        self._titles.setdefault(h.document_id, located.title)
        if self._words_read:
            self._search[h.id] = f"{h.quote} {h.note}".casefold()
        self._retag(h)

    def _take_links(self, links: list[Link]) -> None:
        ends = locate_links(self.marks.archive, links) if links else {}
        for link in links:
            first, second = ends[link.id]
            self._links[link.id] = link
            self._order[link.id] = min(first.order, second.order)
            self._made[link.id] = link.created
            self._known.add(link.id)
            self._search[link.id] = " ".join([link.first.selector.exact,
                                              link.second.selector.exact, link.note,
                                              link.relation]).casefold()
            self._where[link.id] = (min(first.order, second.order),
                                    link_location(first, second),
                                    (link.first.document_id, link.second.document_id))

    def _read_words(self) -> None:
        """Every highlight's words and note, for a filter (once, in one query)."""
        if self._words_read:
            return
        self._words_read = True
        words = self.marks.highlight_words()  # the first part's words
        for mark_id in self._several:
            whole = self._cache.get(mark_id)
            if whole is not None and mark_id in words:
                words[mark_id] = f"{whole.quote} {whole.note}".casefold()
        words.update(self._search)  # the links', made as they were read
        self._search = words

    def _folded_tags(self) -> dict[str, str]:
        """Every tag in use, as written -> casefolded (read once)."""
        if self._tag_names is None:
            self._tag_names = {t: t.casefold() for t in self.marks.tags_as_written()}
        return self._tag_names

    def _with_tags(self, tags: list[str]) -> set[str]:
        """The highlights with one of ``tags`` (as written), each tag's read once."""
        unread = [t for t in tags if t not in self._tagged]
        if unread:
            self._tagged.update(self.marks.highlights_tagged(unread))
        if not tags:
            return set()
        if len(tags) == 1:
            return self._tagged[tags[0]]
        return set().union(*(self._tagged[t] for t in tags))

    def _retag(self, h: Highlight) -> None:
        """A highlight's tags as its record has them, in what has been read of tags."""
        if self._tag_names is not None:
            for tag in h.tags:
                self._tag_names.setdefault(tag, tag.casefold())
        for tag, ids in self._tagged.items():
            if tag in h.tags:
                ids.add(h.id)
            else:
                ids.discard(h.id)

    def _record(self, mark_id: str) -> Highlight:
        if mark_id not in self._cache:
            # A row asked for before its page was read (a view may ask ahead): read the
            # page it stands in.
            row = self._ids.index(mark_id)
            self._read_page(self._ids[row:row + PAGE])
        return self._cache[mark_id]

    def _read_page(self, ids: list[str]) -> None:
        wanted = [i for i in ids if i not in self._links and i not in self._cache]
        for h in self.marks.highlights_with_ids(wanted) if wanted else []:
            self._cache[h.id] = h

    def _location(self, mark_id: str) -> str:
        if mark_id in self._where:
            return self._where[mark_id][1]
        said = self._said.get(mark_id)
        if said is None:
            h = self._record(mark_id)
            spot = self._places.get(h.selector.uri) if h.state != ORPHANED else None
            title = self._titles.get(h.document_id, h.document_id)
            said = self._said[mark_id] = where(Located(self._order_of(mark_id),
                                                       spot[1] if spot else None, title))
        return said

    # -- the facts a filter asks of every mark, read or not ------------------------------------

    def kind_of(self, mark_id: str) -> str:
        return LINK if mark_id in self._links else HIGHLIGHT

    def relation_of(self, mark_id: str) -> str:
        link = self._links.get(mark_id)
        return link.relation if link is not None else ""

    def colour_of(self, mark_id: str) -> str:
        self._read_rows()
        row = self._rows.get(mark_id)
        return row[5] if row is not None else ""

    def documents_of(self, mark_id: str) -> tuple[str, ...]:
        if mark_id in self._where:
            return self._where[mark_id][2]
        self._read_rows()
        row = self._rows.get(mark_id)
        return (row[0],) if row is not None else ()

    def uris_of(self, mark_id: str) -> set[str]:
        link = self._links.get(mark_id)
        if link is not None:
            return {end.selector.uri for end in link.ends}
        whole = self._cache.get(mark_id)
        if whole is not None:
            return {part.selector.uri for part in whole.parts}
        self._read_rows()
        row = self._rows.get(mark_id)
        return {row[1]} if row is not None else set()

    # -- the rows -------------------------------------------------------------------------

    def set_filter(self, criteria: HighlightFilter | None) -> None:
        """Keep only the marks ``criteria`` keep (None: every one)."""
        self.criteria = criteria
        self._refilter()

    def kept_one(self, mark_id: str) -> set[str]:
        assert self.criteria is not None
        return self.kept(self.criteria, {mark_id})

    def kept(self, f: HighlightFilter, among: set[str] | None = None) -> set[str]:
        """The marks a filter keeps, worked out a criterion at a time over every id."""
        links = self._links
        ids = set(self._known) if among is None else among & self._known
        if f.text:
            self._read_words()
            texts = self._search
            for word in f.text.split():
                # A word is in a highlight's words or note, or in one of its tags.
                tagged = self._with_tags([t for t, folded in self._folded_tags().items()
                                          if word in folded])
                if len(ids) * 4 < len(texts):  # a few: each looked up
                    ids = {i for i in ids if i in tagged or word in texts.get(i, "")}
                else:  # most: every text looked through, without a lookup each
                    ids &= {i for i, text in texts.items() if word in text} | tagged
        if f.kind:
            ids = {i for i in ids if (i in links) == (f.kind == LINK)}
        if f.relation:
            ids = {i for i in ids if i in links and links[i].relation == f.relation}
        if f.tag:
            tag = f.tag.casefold()
            ids = ids & self._with_tags([t for t, folded in self._folded_tags().items()
                                         if folded == tag])
        if f.colour:
            self._read_rows()
            rows = self._rows
            ids = {i for i in ids if i in rows and rows[i][5] == f.colour}
        if f.passages is not None:
            ids = {i for i in ids if self.uris_of(i) & f.passages}  # type: ignore[operator]
        if f.document:
            ids = {i for i in ids if f.document in self.documents_of(i)}
        return ids

    def _refilter(self) -> None:
        self.beginResetModel()
        kept = self.kept(self.criteria) if self.criteria is not None else None
        self._ids = list(self._all) if kept is None else [i for i in self._all if i in kept]
        self._fetched = min(PAGE, len(self._ids))
        self._read_page(self._ids[:self._fetched])
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._fetched < len(self._ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        first = self._fetched
        last = min(first + PAGE, len(self._ids)) - 1
        if last < first:
            return
        self._read_page(self._ids[first:last + 1])
        self.beginInsertRows(QModelIndex(), first, last)  # ``last`` is inclusive
        self._fetched = last + 1
        self.endInsertRows()

    def fetch_all(self) -> None:
        while self.canFetchMore():
            self.fetchMore()

    def add(self, mark: Highlight | Link) -> None:
        """A highlight or link made (or brought back by undo): its row, where it sorts."""
        if mark.id in self._known:
            return
        if isinstance(mark, Link):
            self._take_links([mark])
        else:
            self._take_whole(mark)
        self._all = self._ordered()
        self._fit(mark.id)

    def _fit(self, mark_id: str) -> None:
        """Give a mark a row, or take its row away, as the filter now says of it."""
        wanted = mark_id in self._known and (self.criteria is None
                                             or mark_id in self.kept_one(mark_id))
        shown = mark_id in self._ids
        if wanted == shown:
            return
        if not wanted:
            self._drop(mark_id)
            return
        keys = {i: n for n, i in enumerate(self._all)}
        position = bisect_left([keys[i] for i in self._ids], keys[mark_id])
        if position <= self._fetched:
            self.beginInsertRows(QModelIndex(), position, position)
            self._ids.insert(position, mark_id)
            self._fetched += 1
            self.endInsertRows()
        else:
            self._ids.insert(position, mark_id)  # a row when the list scrolls that far

    def _drop(self, mark_id: str) -> None:
        position = self._ids.index(mark_id)
        if position < self._fetched:
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._ids[position]
            self._fetched -= 1
            self.endRemoveRows()
        else:
            del self._ids[position]

    def remove(self, mark_id: str) -> None:
        """A highlight or link deleted: its row goes."""
        if mark_id not in self._known:
            return
        if mark_id in self._ids:
            self._drop(mark_id)
        self._all.remove(mark_id)
        self._several.discard(mark_id)
        self._known.discard(mark_id)
        for held in (self._cache, self._links, self._search, self._where, self._rows,
                     self._order, self._made, self._said):
            held.pop(mark_id, None)  # type: ignore[attr-defined]
        for ids in self._tagged.values():
            ids.discard(mark_id)

    def _ordered(self) -> list[str]:
        # The model keeps its own order: sorting 10,000 rows here is a Python sort of
        # keys, where a proxy would ask data() twice per comparison.
        self._read_order()
        made = self._made.get  # a mark another window has deleted meanwhile: last
        if self.newest_first:
            by_date = [(made(i, ""), i) for i in self._known]
            by_date.sort(reverse=True)
            return [i for _made, i in by_date]
        order_of = self._order.get
        keyed = [(order_of(i, ORPHAN_ORDER), made(i, ""), i) for i in self._known]
        keyed.sort()
        return [i for _order, _made, i in keyed]

    def document_ids(self) -> set[str]:
        """The documents that hold a highlight or a link's end."""
        return self.marks.highlight_documents() | \
            {end.document_id for link in self._links.values() for end in link.ends}

    def relations(self) -> list[str]:
        """The relations offered, then the person's own words in use."""
        own = {link.relation for link in self._links.values()} - set(RELATIONS)
        return [*RELATIONS, *sorted(own, key=str.casefold)]

    def link_ids(self) -> list[str]:
        return list(self._links)

    def counts(self) -> tuple[int, int, int, int]:
        """(marks kept by the filter, every mark, links kept, every link)."""
        links = sum(1 for i in self._ids if i in self._links) if self._links else 0
        return len(self._ids), len(self._all), links, len(self._links)

    def passage_uris(self) -> set[str]:
        """The passages that hold a highlight's words or a link's end."""
        self._read_rows()
        return {row[1] for row in self._rows.values()} | \
            {part.selector.uri for h in self._cache.values() if h.more for part in h.parts} | \
            {end.selector.uri for link in self._links.values() for end in link.ends}

    def set_newest_first(self, newest_first: bool) -> None:
        self.newest_first = newest_first
        self._all = self._ordered()
        self._refilter()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._fetched

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._fetched:
            return None
        mark_id = self._ids[index.row()]
        if mark_id in self._links:
            link = self._links[mark_id]
            found = self._link_data(link, role)
            return found if found is not _OTHER else self._mark_data(link, role)
        h = self._record(mark_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return visible(h.quote)
        if role in (TagsRole, ColourRole, RelationRole, KindRole):
            return {TagsRole: list(h.tags), ColourRole: h.colour, RelationRole: "",
                    KindRole: HIGHLIGHT}[role]
        if role == DocumentRole:
            return h.document_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(visible(h.note)) if h.note else "Go to these words"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # The row is painted (a colour bar, then lines of text): a screen reader is
            # told what it shows, the colour by its name.
            state = "" if h.state == "anchored" else f"{h.state}, "
            return (f"“{visible(h.quote)}”, {highlight_phrase(h.colour, h.note)}; "
                    f"{state}{self._location(h.id)}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return "Tags: " + ", ".join(f"#{visible(t)}" for t in h.tags) if h.tags else ""
        return self._mark_data(h, role)

    def _mark_data(self, mark: Highlight | Link, role: int) -> Any:
        """What a highlight's row and a link's say alike."""
        if role == SearchTextRole:
            if isinstance(mark, Highlight):
                return " ".join([mark.quote, mark.note, *mark.tags]).casefold()
            return self._search[mark.id]
        if role == DocumentsRole:
            return self.documents_of(mark.id) if isinstance(mark, Link) \
                else (mark.document_id,)
        if role == NoteRole:
            return mark.note
        if role == LocationRole:
            return self._location(mark.id)
        if role == StateRole:
            return mark.state
        if role == IdRole:
            return mark.id
        if role == OrderRole:
            return self._order_of(mark.id)
        if role == CreatedRole:
            return mark.created
        if role == UrisRole:
            parts = mark.ends if isinstance(mark, Link) else mark.parts
            return {part.selector.uri for part in parts}
        return None

    def _link_data(self, link: Link, role: int) -> Any:
        """What only a link's row says; ``_OTHER`` for what it says as a highlight's does."""
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"“{visible(link.first.selector.exact)}” ⇄ "
                    f"“{visible(link.second.selector.exact)}”")
        if role in (TagsRole, ColourRole, RelationRole, KindRole):
            return {TagsRole: [], ColourRole: "", RelationRole: link.relation,
                    KindRole: LINK}[role]
        if role == DocumentRole:
            return link.first.document_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(visible(link.note)) if link.note else "Go to the first end's words"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "" if link.state == "anchored" else f"{link.state}, "
            note = f", with a note: “{visible(link.note)}”" if link.note else ""
            return (f"Link, {visible(link.relation)}: “{visible(link.first.selector.exact)}” "
                    f"to “{visible(link.second.selector.exact)}”{note}; {state}"
                    f"{self._where[link.id][1]}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return ""
        return _OTHER

    def update_one(self, mark: Highlight | Link, *, moved: bool = True) -> bool:
        """Take one changed highlight or link from a change's record; False if it moved,
        or is not in the list (the rows themselves change, and the model must be
        reloaded). ``moved``: whether the change may have moved its words (a highlight
        whose record was not read is taken to have moved if so)."""
        if mark.id not in self._known:
            return False
        if isinstance(mark, Link):
            old_link = self._links.get(mark.id)
            if old_link is None or old_link.first != mark.first or old_link.second != mark.second:
                return False
            self._links[mark.id] = mark
            self._search[mark.id] = " ".join([mark.first.selector.exact,
                                              mark.second.selector.exact, mark.note,
                                              mark.relation]).casefold()
        else:
            old = self._cache.get(mark.id)
            if old is None:
                # Its record was not read: it stays where it stood unless the change
                # moved its words.
                if moved or mark.id in self._several or mark.more:
                    return False
            elif old.parts != mark.parts or old.state != mark.state:
                return False
            self._cache[mark.id] = mark
            row = self._rows.get(mark.id)
            if row is not None:
                self._rows[mark.id] = (*row[:5], mark.colour, row[6])
            if self._words_read:
                self._search[mark.id] = f"{mark.quote} {mark.note}".casefold()
            self._retag(mark)
        self._fit(mark.id)  # a filter may now keep it, or not
        row_number = self.row_of(mark.id)
        if row_number >= 0:
            index = self.index(row_number)
            self.dataChanged.emit(index, index)
        return True

    def row_of(self, highlight_id: str) -> int:
        """The row of a mark among those made so far; -1 if it has none (yet)."""
        try:
            row = self._ids.index(highlight_id)
        except ValueError:
            return -1
        return row if row < self._fetched else -1

    def reveal(self, highlight_id: str) -> int:
        """The row of a mark the filter keeps, made if the list has not scrolled there."""
        try:
            row = self._ids.index(highlight_id)
        except ValueError:
            return -1
        while row >= self._fetched and self.canFetchMore():
            self.fetchMore()
        return row


class HighlightFilter(QSortFilterProxyModel):
    """Filters by text (quote, note and tags; a link's words, note and relation), tag,
    colour, document, kind (highlights or links), relation and passages (those that name
    an entry of the index). A tag or a colour leaves links out, which have neither; a
    relation leaves highlights out.

    The filter is worked out by the model over its ids (10,000 highlights, whose rows
    are made only as they are shown), not row by row here: with no filter set, there
    is no filtering pass at all.
    """

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.tag = ""
        self.colour = ""
        self.document = ""
        self.kind = ""
        self.relation = ""
        self.passages: frozenset[str] | None = None  # URIs; None: any passage

    def set_filter(self, *, text: str | None = None, tag: str | None = None,
                   colour_name: str | None = None, document: str | None = None,
                   kind: str | None = None, relation: str | None = None) -> None:
        if text is not None:
            self.text = text.casefold().strip()
        if tag is not None:
            self.tag = tag
        if colour_name is not None:
            self.colour = colour_name
        if document is not None:
            self.document = document
        if kind is not None:
            self.kind = kind
        if relation is not None:
            self.relation = relation
        self._apply()

    def set_passages(self, uris: frozenset[str] | None) -> None:
        """Keep only the marks with words in one of these passages (URIs); None: any."""
        self.passages = uris
        self._apply()

    def active(self) -> bool:
        return bool(self.text or self.tag or self.colour or self.document or self.kind
                    or self.relation or self.passages is not None)

    def _apply(self) -> None:
        model = self.sourceModel()
        if isinstance(model, HighlightsModel):
            model.set_filter(self if self.active() else None)


class HighlightDelegate(RowDelegate):
    """A colour bar; where the words are; the words; the note; the tags. A link: a bar
    in the theme's link colour; where its ends are; both ends' words; the note; the
    relation.

    Every row has the same height (longer text is elided), so that the list lays
    out 10,000 highlights without measuring each one.
    """

    PAD = 6

    def _fonts(self, base: QFont) -> dict[str, QFont]:
        where, quote, tags = QFont(base), QFont(base), QFont(base)
        where.setPointSizeF(base.pointSizeF() * 0.85)
        where.setWeight(QFont.Weight.DemiBold)
        quote.setItalic(True)
        tags.setPointSizeF(base.pointSizeF() * 0.9)
        return {"where": where, "quote": quote, "note": QFont(base), "tags": tags}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text_colour, muted = paint_item(self, painter, option, index)
        painter.save()
        painter.translate(option.rect.topLeft())
        bar = option.palette.link().color() if index.data(KindRole) == LINK \
            else colour(index.data(ColourRole), 255)
        fill(painter, QRect(2, 4, 5, option.rect.height() - 8), bar)
        lines = self.shown_lines(index)
        width = option.rect.width() - 2 * self.PAD - 8
        y = self.PAD
        for kind, font in self._fonts(option.font).items():
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(muted if kind in ("where", "tags") else text_colour)
            # Where: keep both ends (the state, and the ¶) and shorten the title between;
            # a link's places come first, its titles after.
            mode = Qt.TextElideMode.ElideMiddle if kind == "where" \
                and index.data(KindRole) != LINK else Qt.TextElideMode.ElideRight
            text = metrics.elidedText(lines[kind], mode, width)
            painter.drawText(QRect(self.PAD + 8, y, width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), text)
            y += metrics.height() + 1
        painter.restore()

    def shown_lines(self, index: Index) -> dict[str, str]:
        """The row's lines as drawn: the person's text with any control or direction
        character shown by name, so that none reorders the quote marks or the row."""
        state = index.data(StateRole)
        link = index.data(KindRole) == LINK
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        return {
            "where": ("" if state == "anchored" else f"{state.capitalize()} · ")
            + index.data(LocationRole),
            "quote": shown if link else f"“{shown}”",
            "note": " ".join(visible(index.data(NoteRole)).split()),
            "tags": f"Link: {visible(index.data(RelationRole))}" if link
            else " ".join(f"#{visible(t)}" for t in index.data(TagsRole)),
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = sum(QFontMetrics(f).height() + 1 for f in self._fonts(option.font).values())
        return QSize(200, height + 2 * self.PAD)


class _NamesCombo(QComboBox):
    """The entries of the index that the passages marked name. Listed when the list is
    opened, or reached by the keyboard, not at every change of the marks (``stale``)."""

    def __init__(self, fill: Callable[[], None]) -> None:
        super().__init__()
        self._fill = fill
        self.stale = True

    def fresh(self) -> None:
        if self.stale:
            self.stale = False
            self._fill()

    def showPopup(self) -> None:
        self.fresh()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fresh()
        super().focusInEvent(event)


class HighlightsPanel(QWidget):
    """Review every highlight and link: filter, sort, go to it, delete it, re-attach an
    orphan (or a link's lost end)."""

    goTo = Signal(str)
    reattachRequested = Signal(str)
    goToLink = Signal(str)
    reattachLinkRequested = Signal(str)

    def __init__(self, marks: Marks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("highlights-panel")
        self.marks = marks
        self.model = HighlightsModel(marks)
        self.proxy = HighlightFilter()
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("highlights-filter")
        self.filter.setPlaceholderText("Filter quotes, notes and tags")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter highlights")
        self.filter.setToolTip("Show only highlights whose words, note or tags hold this text")
        self.tag = panel_combo("Tag", "Show only highlights with this tag")
        self.colour = panel_combo("Colour", "Show only highlights of this colour")
        self.document = panel_combo("Document", "Show only highlights in this document")
        self.sort = panel_combo("Sort", "Order by place in the text or by date")
        self.kind = panel_combo("Kind", "Show highlights, links between passages, or both")
        self.kind.setObjectName("highlights-kind")
        self.kind.addItem("Highlights and links", "")
        self.kind.addItem("Highlights", HIGHLIGHT)
        self.kind.addItem("Links", LINK)
        self.relation = panel_combo("Relation", "Show only links of this relation")
        self.relation.setObjectName("highlights-relation")
        self.entity = panel_combo("Naming", "Show only your highlights and links on passages "
                                  "that name this person, place, organisation or event of "
                                  "the index", _NamesCombo(self._fill_entities))
        self.entity.setObjectName("highlights-entity")
        self.entity.addItem(ANY_ENTITY, "")
        self.sort.addItem("Reading order", OrderRole)
        self.sort.addItem("Newest first", CreatedRole)
        self.colour.addItem("Any colour", "")
        for name in COLOURS:
            self.colour.addItem(COLOUR_LABELS[name], name)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setAccessibleName("Number of highlights shown")
        self.count.setToolTip("How many highlights the filters show")
        self.list = QListView()
        self.list.setObjectName("highlights-list")
        self.list.setAccessibleName("Highlights")
        self.list.setToolTip("Your highlights and notes; click one to go to its words")
        self.list.setUniformItemSizes(True)
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(HighlightDelegate(self.list))
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete highlight or link")
        self.delete_button.setToolTip("Delete the selected highlight or link and its note "
                                      "(Ctrl+Z undoes it)")
        self.reattach_button = QPushButton("Re-attach")
        self.reattach_button.setAccessibleName("Re-attach highlight")
        self.reattach_button.setToolTip("Attach the selected highlight (or a link's lost end) "
                                        "to the words selected in the text (for words that "
                                        "were not found)")
        filters = QGridLayout()
        filters.setColumnStretch(0, 1)
        filters.setColumnStretch(1, 1)
        filters.addWidget(self.tag, 0, 0)
        filters.addWidget(self.colour, 0, 1)
        filters.addWidget(self.document, 1, 0)
        filters.addWidget(self.sort, 1, 1)
        filters.addWidget(self.kind, 2, 0)
        filters.addWidget(self.relation, 2, 1)
        filters.addWidget(self.entity, 3, 0, 1, 2)
        for combo in (self.tag, self.colour, self.document, self.sort, self.kind,
                      self.relation, self.entity):
            combo.setMinimumWidth(60)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reattach_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        # An archive built before the index has no names to choose from.
        self.entity.setHidden(not marks.archive.has_index)
        self.filter.textChanged.connect(lambda text: self._filter(text=text))
        self.tag.activated.connect(lambda _i: self._filter(tag=self.tag.currentData() or ""))
        self.colour.activated.connect(
            lambda _i: self._filter(colour_name=self.colour.currentData() or ""))
        self.document.activated.connect(
            lambda _i: self._filter(document=self.document.currentData() or ""))
        self.sort.activated.connect(lambda _i: self._sort())
        self.kind.activated.connect(lambda _i: self._filter(kind=self.kind.currentData() or ""))
        self.relation.activated.connect(
            lambda _i: self._filter(relation=self.relation.currentData() or ""))
        self.entity.activated.connect(
            lambda _i: self.filter_entity(self.entity.currentData() or ""))
        self.list.clicked.connect(self._go)
        self.list.activated.connect(self._go)
        self.delete_button.clicked.connect(self._delete)
        self.reattach_button.clicked.connect(self._reattach)
        self.list.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        marks.changed.connect(self.apply_change)
        self._stale = True
        self._shown = False
        self._update_buttons()

    def apply_change(self, change: Change) -> None:
        """Highlights or links changed: redraw their rows from the change's record, or
        reload if they came, went or moved. Bookmarks are not shown here."""
        if not (change.about(HIGHLIGHTS) or change.about(LINKS)):
            return
        if not self._shown:
            self._stale = True
        elif change.everything:
            self.reload()
        elif ADDED in change.fields or DELETED in change.fields:
            current = self.current_id()
            for mark in change.marks:
                if ADDED in change.fields:
                    self.model.add(mark)  # type: ignore[arg-type]
                else:
                    self.model.remove(mark.id)
            if current is not None and self.model.row_of(current) < 0:
                # The one chosen went: nothing is chosen in its place, so that a second
                # Delete never removes a highlight the person did not choose.
                self.list.setCurrentIndex(QModelIndex())
                self.list.clearSelection()
            self._fill_choices()
            self._update_count()
            self._update_buttons()
        elif not all(self.model.update_one(m, moved=change.touches(*PLACE))  # type: ignore[arg-type]
                     for m in change.marks):
            self.reload()  # moved (re-attached): its place and order change
        else:
            if "tags" in change.fields:
                self._fill_tags()
            if "relation" in change.fields:
                self._fill_relations()
            self._update_count()

    def set_shown(self, shown: bool) -> None:
        """The panel's tab came into view (or left it): load what changed meanwhile."""
        self._shown = shown
        if shown and self._stale:
            self.reload()

    def reload(self) -> None:
        """Load the highlights again; while the panel is out of view, only note that it
        must, so that thousands of highlights never slow down what the person sees."""
        if not self._shown:
            self._stale = True
            return
        self._stale = False
        current = self.current_id()
        self.model.reload()
        self._fill_choices()
        self._update_count()
        if current is not None:
            self.select(current)
        self._update_buttons()

    def _fill_choices(self) -> None:
        self._fill_tags()
        self._fill_documents()
        self._fill_relations()
        self.entity.stale = True  # type: ignore[attr-defined]

    def _fill_entities(self) -> None:
        """The entries of the index named in the passages that hold marks (and the one
        chosen), by name."""
        archive = self.marks.archive
        chosen = self.entity.currentData() or ""
        found: dict[str, Entity] = {}
        for _n, passage in archive.places(sorted(self.model.passage_uris())).values():
            for entity in archive.entities_in(passage.id):
                found.setdefault(entity.id, entity)
        if chosen and chosen not in found:
            entity = archive.entity(chosen)
            if entity is not None:
                found[chosen] = entity
        self.entity.clear()
        self.entity.addItem(ANY_ENTITY, "")
        for entity in sorted(found.values(), key=lambda e: (e.name.casefold(), e.id)):
            self.entity.addItem(f"{entity.name} ({KIND_NAMES.get(entity.kind, entity.kind)})",
                                entity.id)
        self.entity.setCurrentIndex(max(0, self.entity.findData(chosen)))

    def filter_entity(self, entity_id: str) -> None:
        """Show only the highlights and links on passages that name an entry of the index
        (its mentions' passages, whatever words of them are marked); "" shows all."""
        archive = self.marks.archive
        if entity_id and self.entity.findData(entity_id) < 0:
            self.entity.setCurrentIndex(0)
            self.entity.stale = True  # type: ignore[attr-defined]
            self.entity.fresh()  # type: ignore[attr-defined]
            if self.entity.findData(entity_id) < 0:
                entity = archive.entity(entity_id)
                if entity is None:
                    return
                self.entity.addItem(entity.name, entity.id)
        self.entity.setCurrentIndex(max(0, self.entity.findData(entity_id)))
        uris = frozenset(hit.uri for hit in archive.mentions(entity_id, limit=-1)) \
            if entity_id else None
        self.proxy.set_passages(uris)
        self._update_count()

    def _fill_relations(self) -> None:
        relation = self.relation.currentData()
        self.relation.clear()
        self.relation.addItem("Any relation", "")
        for name in self.model.relations():
            self.relation.addItem(visible(name), name)
        self.relation.setCurrentIndex(max(0, self.relation.findData(relation)))

    def _fill_tags(self) -> None:
        tag = self.tag.currentData()
        self.tag.clear()
        self.tag.addItem("Any tag", "")
        for name in self.marks.tags():
            self.tag.addItem(f"#{visible(name)}", name)
        self.tag.setCurrentIndex(max(0, self.tag.findData(tag)))

    def _fill_documents(self) -> None:
        document = self.document.currentData()
        self.document.clear()
        self.document.addItem("Any document", "")
        # The documents that have highlights (an archive may hold thousands), from
        # what the model has just loaded.
        ids = self.model.document_ids()
        for doc_id, title in sorted(self.marks.archive.titles(ids).items(),
                                    key=lambda item: item[1].casefold()):
            self.document.addItem(title, doc_id)
        self.document.setCurrentIndex(max(0, self.document.findData(document)))

    def _filter(self, **kw: str) -> None:
        self.proxy.set_filter(**kw)
        self._update_count()

    def _sort(self) -> None:
        self.model.set_newest_first(self.sort.currentData() == CreatedRole)

    def _update_count(self) -> None:
        shown, total, shown_links, links = self.model.counts()
        if total == 0:
            self.count.setText("No highlights yet: select words and press Ctrl+H.")
        elif not links:
            if shown == total:
                self.count.setText("1 highlight." if total == 1 else f"{total:,} highlights.")
            else:
                self.count.setText(f"{shown:,} of {total:,} highlights.")
        else:
            counts = ((shown - shown_links, total - links, "highlight"),
                      (shown_links, links, "link"))
            self.count.setText(", ".join(
                (f"{all_:,}" if shown == total else f"{some:,} of {all_:,}")
                + f" {name}{'' if all_ == 1 else 's'}" for some, all_, name in counts) + ".")

    def _update_buttons(self) -> None:
        index = self.list.currentIndex()
        self.delete_button.setEnabled(index.isValid())
        # A link is re-attached at an end that was lost, and only then.
        lost = index.data(StateRole) == ORPHANED if index.isValid() else False
        self.reattach_button.setEnabled(index.isValid() and
                                        (index.data(KindRole) != LINK or lost))

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def select(self, highlight_id: str) -> None:
        row = self.model.reveal(highlight_id)
        if row >= 0:
            self.list.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row)))

    def _is_link(self) -> bool:
        return self.list.currentIndex().data(KindRole) == LINK

    def _go(self, index: QModelIndex) -> None:
        if index.isValid():
            signal = self.goToLink if index.data(KindRole) == LINK else self.goTo
            signal.emit(index.data(IdRole))

    def _delete(self) -> None:
        current = self.current_id()
        if current is not None:
            if self._is_link():
                self.marks.delete_link(current)
            else:
                self.marks.delete(current)

    def _reattach(self) -> None:
        current = self.current_id()
        if current is not None:
            signal = self.reattachLinkRequested if self._is_link() else self.reattachRequested
            signal.emit(current)
