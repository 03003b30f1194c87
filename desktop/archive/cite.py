"""Dates as a person reads them: ``2008-02`` is February 2008.

Citations themselves are decided by :mod:`desktop.archive.attribution` (whose words)
and rendered by :mod:`desktop.archive.styles` (Chicago, MLA, APA through CSL).
"""

from __future__ import annotations

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def human_date(date: str | None) -> str:
    """``2008-02`` → ``February 2008``; ``1922`` stays; anything else is returned as is."""
    if not date:
        return ""
    year, _, month = date.partition("-")
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTHS[int(month) - 1]} {year}"
    return date
