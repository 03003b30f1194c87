"""The person's marks as data: highlights and bookmarks, their colours, tags and times.

Nothing here reads or writes a file: these are the records the notes store keeps,
exports write and imports read, and the small rules they all follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop.notes.anchoring import ANCHORED, Selector

COLOURS = ("yellow", "green", "blue", "pink", "purple")
# How each colour is drawn, and written into exports' stylesheets.
COLOUR_HEX = {"yellow": "#f7d038", "green": "#6cc96c", "blue": "#4fa3f7", "pink": "#f7839f",
              "purple": "#a77be8"}

# A stored time further ahead than this is a wrong clock or a hand-edited file, not a
# change still to come; it is neither trusted nor added to.
AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Highlight:
    """Some words of a passage the person marked, with a colour, a note and tags."""

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


@dataclass(frozen=True)
class Bookmark:
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
    """Tags as a person means them: trimmed, without a leading #, each once, sorted."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = "".join(c for c in str(tag) if c.isprintable() or c == " ")
        tag = " ".join(tag.strip().lstrip("#").split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(sorted(seen.values(), key=str.casefold))
