"""Dates of events, as precise as the words that give them, and dates found in text.

An event's date is a year (``1921``), a month (``1921-03``, March 1921), a day
(``1921-03-05``), or a range of two of these written with a slash (``1922/1923``,
``1921-04/1921-05``). Written so, dates sort as text into timeline order: a vague
``1921`` before ``1921-03``, and a range by its start.

A date is *supported* by words when they give it: each of its years as a year (or as
the short end of a range, ``1922-23``, or as a decade, ``1920s``), and each month it
names by the month's name. The build and ``archive-browser check`` hold every event to
its passage's words so.
"""

from __future__ import annotations

import re

from msgspec import Struct

from desktop.archive.cite import MONTHS, human_date

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTH = "|".join(MONTHS)
FIRST_YEAR, LAST_YEAR = 1000, 2099
# What joins two dates of a range in prose: 1922-23, 1922–1923, April-May, February
# and March.
_TO = r"(?:-|–|—| and | to )"
# Years stand alone: not inside a longer number (19220, 1,922, 3.1922) or a word.
_BEFORE = r"(?<![\w.,])"
_AFTER = r"(?![\w]|[.,]\d)"
_FOUND = re.compile(
    rf"{_BEFORE}(?:(?P<m1>{_MONTH}){_TO}(?P<m2>{_MONTH}) (?P<my>\d{{4}})"
    rf"|(?P<month>{_MONTH}) (?P<year>\d{{4}})"
    rf"|(?P<decade>\d{{3}}0)s"
    rf"|(?P<from>\d{{4}})(?:-|–|/)(?P<to>\d{{4}}|\d{{2}})"
    rf"|(?P<alone>\d{{4}})){_AFTER}")


def _check_one(text: str) -> str:
    found = _DATE.fullmatch(text)
    if not found:
        raise ValueError(f"“{text}” is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(f"“{text}” is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"“{text}” names no month")
    if day is not None and not 1 <= int(day) <= 31:
        raise ValueError(f"“{text}” names no day")
    return text


def parse_date(text: str) -> tuple[str, str]:
    """The start and end of a date as written in a catalogue (the end is the start for
    one date); a :class:`ValueError` says what is wrong with it."""
    start, slash, end = text.strip().partition("/")
    first = _check_one(start)
    last = _check_one(end) if slash else first
    if last[:len(first)] < first[:len(last)]:
        raise ValueError(f"“{text}” ends before it starts")
    return first, last


def written(start: str, end: str | None) -> str:
    """A date as a catalogue writes it: ``1922-06``, or ``1922/1923`` for a range."""
    return start if not end or end == start else f"{start}/{end}"


def human(start: str, end: str | None = None) -> str:
    """A date as a person reads it: ``June 1922``, ``1922–1923``, ``April–May 1921``."""
    if not end or end == start:
        return human_date(start)
    if len(start) == len(end) == 7 and start[:4] == end[:4]:
        return f"{human_date(start).split()[0]}–{human_date(end)}"
    return f"{human_date(start)}–{human_date(end)}"


def _years(text: str) -> set[int]:
    """Every year the words give, with the short ends of ranges and decades' bounds."""
    years: set[int] = set()
    for found in _FOUND.finditer(text):
        if found["decade"]:
            decade = int(found["decade"])
            years |= {decade, decade + 9}
        elif found["from"]:
            first = int(found["from"])
            years.add(first)
            last = _range_end(first, found["to"])
            if last is not None:
                years.add(last)
        else:
            years.add(int(found["my"] or found["year"] or found["alone"]))
    return years


def _range_end(first: int, to: str) -> int | None:
    last = int(to) if len(to) == 4 else first // 100 * 100 + int(to)
    return last if last > first else None


def supported(start: str, end: str, words: str) -> bool:
    """Whether ``words`` give the date from ``start`` to ``end``: its years, and the
    names of the months it names."""
    years = _years(words)
    for date in {start, end}:
        year, _, rest = date.partition("-")
        if int(year) not in years:
            return False
        if rest and not re.search(rf"\b{MONTHS[int(rest[:2]) - 1]}\b", words):
            return False
    return True


class FoundDate(Struct, frozen=True):
    """A date found in text by its pattern: where it stands, and the date it gives."""

    start: int
    end: int
    date_start: str
    date_end: str

    @property
    def date(self) -> str:
        return written(self.date_start, self.date_end)


def find_dates(text: str) -> list[FoundDate]:
    """The dates a text gives by pattern: years from 1000 to 2099, a month and year
    (``June 1922``), ranges (``1922-23``, ``1922–1923``, ``April-May 1921``) and
    decades (``1920s``), in the order they stand."""
    found: list[FoundDate] = []
    for m in _FOUND.finditer(text):
        if m["m1"]:
            year = m["my"]
            first = f"{year}-{MONTHS.index(m['m1']) + 1:02d}"
            last = f"{year}-{MONTHS.index(m['m2']) + 1:02d}"
        elif m["month"]:
            first = last = f"{m['year']}-{MONTHS.index(m['month']) + 1:02d}"
        elif m["decade"]:
            first, last = m["decade"], str(int(m["decade"]) + 9)
        elif m["from"]:
            end = _range_end(int(m["from"]), m["to"])
            first, last = m["from"], str(end) if end is not None else m["from"]
        else:
            first = last = m["alone"]
        try:
            parse_date(written(first, last))
        except ValueError:
            continue  # a number that is no year of the range: 0900, 3000
        found.append(FoundDate(m.start(), m.end(), first, last))
    return found
