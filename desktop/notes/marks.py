"""The person's marks as data: highlights, bookmarks and links, their colours, tags and times.

Nothing here reads or writes a file: these are the records the notes store keeps,
exports write and imports read, and the small rules they all follow.

A highlight selected from one passage into the next is one highlight with several
parts, one a passage, in reading order: its :attr:`Highlight.selector` is the first
part's, :attr:`Highlight.more` holds the others, and :attr:`Highlight.parts` all of
them. Each part is placed again on its own after the archive changes (anchored, moved
or orphaned); the highlight's :attr:`~Highlight.state` is the worst of its parts'.

A :class:`Link` joins two passages' words (in one document or two) by a relation, one
of :data:`RELATIONS` or the person's own word, with a note. Each :class:`End` is placed
again on its own; the link's state is the worse of its ends'.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from msgspec import Struct
from msgspec.structs import replace

from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, Selector

COLOURS = ("yellow", "green", "blue", "pink", "purple")
# How each colour is drawn, and written into exports' stylesheets.
COLOUR_HEX = {"yellow": "#f7d038", "green": "#6cc96c", "blue": "#4fa3f7", "pink": "#f7839f",
              "purple": "#a77be8"}

# A stored time further ahead than this is a wrong clock or a hand-edited file, not a
# change still to come; it is neither trusted nor added to.
AHEAD = timedelta(days=1)

# From best to worst: a mark of several parts (or ends) is as lost as its most lost one.
STATES = (ANCHORED, MOVED, ORPHANED)
# How the words of a highlight's parts are joined where they are written as one text
# (the CSV's quote, a list's row): the ellipsis says that words of the text lie between.
PART_GAP = " … "
# The most parts one highlight has: a selection runs across a few passages, and a file
# to import that claims thousands is not one.
MAX_PARTS = 100
# The furthest place in a passage a position may name: no passage is this long, and the
# notes file stores no larger whole number.
MAX_POSITION = 2**31 - 1


def worst(*states: str) -> str:
    """The worst of some states: orphaned over moved over anchored."""
    return max(states, key=STATES.index)


class Part(Struct, frozen=True):
    """One part of a highlight: words of one passage, and whether they were found where
    they were marked (``anchored``), elsewhere (``moved``) or not at all (``orphaned``)."""

    selector: Selector
    state: str = ANCHORED


class Highlight(Struct, frozen=True):
    """Some words the person marked, with a colour, a note and tags.

    Words marked across passages are one highlight of several parts: ``selector`` is
    the first part's, ``more`` the parts after it, in reading order (empty for words of
    one passage, as every highlight had before). ``state`` is the highlight's: the worst
    of its parts' states; ``first_state`` is the first part's own when it is better than
    that (empty otherwise). Make one of several parts with :meth:`with_parts`, which
    keeps these fields consistent; every part lies in ``document_id``.
    """

    id: str
    archive_id: str
    document_id: str
    selector: Selector
    colour: str
    note: str = ""
    tags: tuple[str, ...] = ()
    state: str = ANCHORED
    created: str = ""
    modified: str = ""
    more: tuple[Part, ...] = ()
    first_state: str = ""

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every part, the first included, in reading order, each with its own state."""
        return (Part(self.selector, self.first_state or self.state), *self.more)

    @property
    def quote(self) -> str:
        """The highlighted words, the parts' joined by :data:`PART_GAP`."""
        if not self.more:
            return self.selector.exact
        return PART_GAP.join(part.selector.exact for part in self.parts)

    def with_parts(self, parts: Sequence[Part]) -> Highlight:
        """This highlight on ``parts`` (at least one, in reading order): the first gives
        ``selector``, and the highlight's state becomes the worst of theirs."""
        if not parts:
            raise ValueError("A highlight has at least one part.")
        first, *more = parts
        state = worst(*(part.state for part in parts))
        return replace(self, selector=first.selector, more=tuple(more), state=state,
                       first_state="" if first.state == state else first.state)


class End(Struct, frozen=True):
    """One end of a link: words of a passage of ``document_id``, and whether they were
    found where they were marked (``anchored``), elsewhere (``moved``) or not at all."""

    document_id: str
    selector: Selector
    state: str = ANCHORED


class Link(Struct, frozen=True):
    """A connection the person drew between two passages' words: ``first`` relation
    ``second`` ("this claim *supports* that one"), with a note."""

    id: str
    archive_id: str
    first: End
    second: End
    relation: str  # one of RELATIONS, or the person's own word (see clean_relation)
    note: str = ""
    created: str = ""
    modified: str = ""

    @property
    def ends(self) -> tuple[End, End]:
        return (self.first, self.second)

    @property
    def state(self) -> str:
        """The link's state: the worse of its ends' (one end lost, it is an orphan)."""
        return worst(self.first.state, self.second.state)


# The relations offered; a person may write their own word instead.
RELATIONS = ("supports", "contradicts", "same event", "see also")
# A relation is a word or a few, drawn beside the link's markers: a longer text is a note.
MAX_RELATION = 40


def clean_relation(relation: str) -> str:
    """A link's relation as a person means it: trimmed, each run of spaces one space,
    without control or invisible characters (which would hide or reorder it); one of
    :data:`RELATIONS` in its own spelling whatever its case. Raises :class:`ValueError`
    (its message the end of a sentence that starts "A link's relation") for one that is
    empty or longer than :data:`MAX_RELATION`."""
    text = "".join(c for c in str(relation) if c.isprintable() or c.isspace())
    text = " ".join(text.split())
    known = {r.casefold(): r for r in RELATIONS}
    text = known.get(text.casefold(), text)
    if not text or len(text) > MAX_RELATION:
        raise ValueError(f"must be a word or a few, at most {MAX_RELATION} characters")
    return text


class Bookmark(Struct, frozen=True):
    """A passage the person wants to come back to, with an optional label."""

    id: str
    archive_id: str
    document_id: str
    uri: str
    label: str = ""
    exact: str = ""  # the passage's opening words, to find it again after a change
    state: str = ANCHORED
    created: str = ""
    modified: str = ""


def now() -> str:
    """The time as ISO 8601 in UTC, to the millisecond: ``2026-11-26T15:47:00.123Z``."""
    return _stamp(datetime.now(UTC))


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def later_than(stamp: str) -> str:
    """The time now, or a millisecond after ``stamp`` if that is not yet past: each
    change of a mark has a later ``modified`` than the one before, which merges and
    re-anchoring rely on.

    Never fails, whatever is stored: a time that cannot be read, or that is more than
    :data:`AHEAD` in the future (``9999-12-31T23:59:59.999Z`` has no millisecond
    after it), gives way to the time now.
    """
    current = datetime.now(UTC)
    current = current.replace(microsecond=current.microsecond // 1000 * 1000)
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return _stamp(current)
    if moment < current or moment > current + AHEAD:
        return _stamp(current)
    return _stamp(moment + timedelta(milliseconds=1))


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as a person means them: trimmed, without a leading #, each once, sorted.
    A person uses a few sets of tags on thousands of marks: each set is cleaned once."""
    given = tuple(tags)
    try:
        return _cleaned(given)
    except TypeError:  # a tag that is not text and cannot be a key: cleaned as it is
        return _cleaned.__wrapped__(given)


@functools.lru_cache(maxsize=4096)
def _cleaned(tags: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        tag = "".join(c for c in str(tag) if c.isprintable() or c == " ")
        tag = " ".join(tag.strip().lstrip("#").split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(sorted(seen.values(), key=str.casefold))
