"""Stamps: when a change was made and by which device, in one order every device agrees on.

A stamp is a hybrid logical clock reading written as one string that sorts as it
compares: ``WWWWWWWWWWWWW-CCCC-DDDDDDDDDDDDDDDD``, the wall time in milliseconds since
1970 (13 digits), a counter (4 digits) for changes the wall time cannot tell apart, and
the device's id (16 hex digits), which breaks the last ties. Two stamps compare as
their strings do.

Wall clocks are not trusted. Three rules keep a wrong one from deciding:

- A change's stamp is later than the stamp of the value it replaces, whatever the wall
  clock says (:meth:`Clock.tick`'s ``after``): an edit made after seeing another
  device's edit wins over it even when this device's clock is behind.
- A device's own stamps only go forward, across all its changes: its clock never
  issues a stamp twice, even after its notes were restored from a backup (it moves
  past any stamp of its own it meets in the folder).
- A device's wall time counts for at most :data:`AHEAD_MS` beyond the latest wall time
  it has seen in other devices' stamps. A laptop whose clock is a year ahead, once it
  has seen what the others wrote, stamps its changes no later than a day after theirs,
  so it does not win every conflict for a year. What a device has "seen" moves only
  up to its own clock plus the same day, so one wrong clock does not pull the others'
  bound along. A device that has never seen another's stamps has nothing to measure
  its clock against, and its wall time is taken as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from msgspec import Struct

from desktop.notes.marks import AHEAD

AHEAD_MS = int(AHEAD.total_seconds() * 1000)
DEVICE = re.compile(r"^[0-9a-f]{16}$")
STAMP = re.compile(r"^\d{13}-\d{4}-[0-9a-f]{16}$")
_COUNTER_LIMIT = 10_000  # the counter's four digits; beyond them the wall time moves on


def stamp(ms: int, counter: int, device: str) -> str:
    """The stamp of a change made at ``ms`` (milliseconds since 1970, UTC)."""
    return f"{ms:013d}-{counter:04d}-{device}"


def wall_ms(value: str) -> int:
    return int(value[:13])


def device_of(value: str) -> str:
    return value[-16:]


def iso(ms: int) -> str:
    """Milliseconds since 1970 as the notes write times: ``2026-11-26T15:47:00.123Z``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ms_of(text: str) -> int:
    """A time as the notes write it, in milliseconds since 1970; 0 when it is none."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int(moment.timestamp() * 1000))


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class Clock(Struct):
    """One device's clock, kept in its notes (``sync_device``), read and written in the
    same transaction as the changes it stamps."""

    device: str
    ms: int = 0  # the last stamp issued: its wall time ...
    counter: int = 0  # ... and counter
    seen_ms: int = 0  # the latest wall time seen in another device's stamp (bounded)

    def tick(self, wall: int, after: str = "") -> str:
        """A new stamp for a change made at ``wall`` (ms), later than every stamp this
        clock issued and than ``after``, the stamp of the value the change replaces."""
        if self.seen_ms:
            wall = min(wall, self.seen_ms + AHEAD_MS)
        if wall > self.ms:
            self.ms, self.counter = wall, 0
        else:
            self._next()
        if after and (wall_ms(after), int(after[14:18])) >= (self.ms, self.counter):
            self.ms, self.counter = wall_ms(after), int(after[14:18])
            self._next()
        return stamp(self.ms, self.counter, self.device)

    def _next(self) -> None:
        self.counter += 1
        if self.counter >= _COUNTER_LIMIT:
            self.ms, self.counter = self.ms + 1, 0

    def saw(self, value: str, now: int) -> None:
        """A stamp met in the folder. Another device's moves what this one has seen
        (never beyond ``now`` plus :data:`AHEAD_MS`); one of this device's own that is
        later than its clock (its notes were restored from an older backup) moves the
        clock past it, so that no stamp is ever issued twice."""
        if device_of(value) == self.device:
            if (wall_ms(value), int(value[14:18])) > (self.ms, self.counter):
                self.ms, self.counter = wall_ms(value), int(value[14:18])
        else:
            self.seen_ms = max(self.seen_ms, min(wall_ms(value), now + AHEAD_MS))
