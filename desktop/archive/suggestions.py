"""What ``build --explain`` suggests: names and dates in the texts that no one listed.

A build finds the mentions of the entities its catalogue or side files list, and the
events they date; it adds nothing on its own. Explained, it also reports what looks like
a name (a run of capitalised words) that no mention covers, and every date its pattern
finds (:func:`desktop.archive.dates.find_dates`) that no event covers, for a person to
list or leave. A word that opens a sentence is capitalised whatever it is: it is taken for
a name only if it is not an ordinary word of the text (“Workers returned…” beside “the
workers”) nor a common opening (“The”, “In”, “Equally”), and, standing alone, only if the
text also capitalises it inside a sentence (“Compared to…” is not a name). Months and
“I” are never names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.archive.cite import MONTHS
from desktop.archive.dates import find_dates

if TYPE_CHECKING:
    from desktop.archive.build import Built

LIMIT = 200  # of each kind of suggestion listed; the rest are counted
_WORD = re.compile(r"[^\W\d_][\w’'\-]*[\w]|[^\W\d_]")
_POSSESSIVE = re.compile(r"(?:[’']s|(?<=s)[’'])$")
_SENTENCE_END = re.compile(r"[.!?:;]")
_CONNECTORS = frozenset({"of"})
_NEVER = frozenset({*MONTHS, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                    "Saturday", "Sunday", "I", "II", "III", "IV", "V", "VI", "X"})
_OPENINGS = frozenset(re.findall(r"\w+", """
a about after all also although an and any as at because before
both but by can could each equally even every few for from he her here his how however if
in indeed into it its let many may meanwhile might more most much my no none not now of on
once one only or other our she should since so some still such than that the their then
there these they this those though through throughout thus to today too under unless until
upon we were what when where whether which while who whom whose why will with within
without would yet you your"""))


def _capitalised(word: str) -> bool:
    """Every part of the word starts with a capital: “Rogozhsko-Simonovskii”, not
    “Bolshevik-led” or “Non-party”."""
    return all(part[:1].isupper() for part in word.split("-"))


@dataclass
class _Name:
    count: int
    first: str
    inside: bool = False  # seen inside a sentence, not only opening one


@dataclass
class Suggestions:
    """Names and dates found in the texts of a build and listed nowhere."""

    names: dict[str, _Name] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    more_dates: int = 0

    def add(self, built: Built) -> None:
        """Look through one build's passages (a document, or the curated archive)."""
        named: dict[str, list[tuple[int, int]]] = {}
        for row in built.mentions:
            named.setdefault(row["passage_id"], []).append((row["start"], row["end"]))
        dated: dict[str, list[tuple[int, int]]] = {}
        for row in built.events:
            dated.setdefault(row["passage_id"], []).append((row["start"], row["end"]))
        # Excerpts repeat the words of the essay they come from.
        passages = [(p.id, p.text) for p in built.passages if p.kind != "excerpt"]
        ordinary = {w.lower() for _id, text in passages for w in _WORD.findall(text)
                    if w[0].islower()}
        for passage_id, text in passages:
            spans = named.get(passage_id, [])
            for start, end, name, opening in _names_in(text, ordinary):
                if not _overlaps(spans, start, end):
                    found = self.names.setdefault(name, _Name(0, passage_id))
                    found.count += 1
                    found.inside = found.inside or not opening
            spans = dated.get(passage_id, [])
            for date in find_dates(text):
                if _overlaps(spans, date.start, date.end):
                    continue
                if len(self.dates) >= LIMIT:
                    self.more_dates += 1
                    continue
                self.dates.append(f"suggestion: date {date.date} "
                                  f"“{text[date.start:date.end]}” in {passage_id}")

    def lines(self) -> list[str]:
        """The suggestions, names most frequent first, then dates in reading order."""
        ranked = sorted(((name, found) for name, found in self.names.items() if found.inside),
                        key=lambda item: (-item[1].count, item[0]))
        out = [f"suggestion: name “{name}” ({found.count} time"
               f"{'' if found.count == 1 else 's'}, first in {found.first})"
               for name, found in ranked[:LIMIT]]
        if len(ranked) > LIMIT:
            out.append(f"suggestion: … and {len(ranked) - LIMIT} more names")
        out += self.dates
        if self.more_dates:
            out.append(f"suggestion: … and {self.more_dates} more dates")
        return out


def suggest(built: Built) -> list[str]:
    """The suggestions for one build."""
    found = Suggestions()
    found.add(built)
    return found.lines()


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)


def _names_in(text: str, ordinary: set[str]) -> Iterable[tuple[int, int, str, bool]]:
    """Runs of capitalised words that may be names, with where they stand, and whether
    the run is one word that opens a sentence."""
    run: list[tuple[int, int, str]] = []
    run_opens = False
    after = 0  # where the last word ended
    opening = True  # the next word opens a sentence
    pending: tuple[int, int, str] | None = None  # "of" inside a run, if a name follows

    def finish() -> Iterable[tuple[int, int, str, bool]]:
        if run:
            yield (run[0][0], run[-1][1], " ".join(w for _s, _e, w in run),
                   run_opens and len(run) == 1)
        run.clear()

    for m in _WORD.finditer(text):
        gap = text[after:m.start()]
        word = m.group()
        start, end = m.start(), m.end()
        after = end
        starts_sentence = opening or bool(_SENTENCE_END.search(gap))
        opening = False
        possessive = _POSSESSIVE.search(word)
        if possessive:
            word = word[:possessive.start()]
            end -= len(possessive.group())
        joined = gap == " " and not starts_sentence
        if len(word) < 2 or not _capitalised(word) or all(
                part in _NEVER for part in word.split("-")):
            if joined and run and word in _CONNECTORS and pending is None:
                pending = (start, end, word)
                continue
            pending = None
            yield from finish()
            continue
        if starts_sentence and (word.lower() in ordinary or word.lower() in _OPENINGS):
            yield from finish()  # an ordinary word that opens a sentence
            pending = None
            continue
        if not (joined and run):
            yield from finish()
            run_opens = starts_sentence
        elif pending is not None:
            run.append(pending)
        pending = None
        run.append((start, end, word))
        if possessive:
            yield from finish()
    yield from finish()
