"""Finding where people, places, organisations and events are named in a text.

Every name and alias of every entity goes into one regular expression, written as a
trie (``Petr(?:ograd|zhek)``) so that a passage is read once, at the cost of its own
length, however many names there are. A name is found only as whole words:

* not inside a longer word (“Lenin” is not in “Leningrad” or “Leninist”), nor inside
  a hyphenated word (“Bolshevik” is not in “non-Bolshevik”), unless the name itself
  carries the hyphen (“civil-war”);
* a possessive is found by its name (“Petrzhek” in “Petrzhek’s” and “Bolsheviks” in
  “Bolsheviks’”), the text's curly apostrophe or a straight one;
* case counts: “White” (the armies) is not “white-collar”;
* at one place the longest name wins, so “Vladimir Petrzhek” is one mention, not a
  mention of “Vladimir Petrzhek” and another of “Petrzhek”; “Moscow soviet” is the
  soviet, not the city.

An apostrophe inside a name matches either apostrophe in the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

_APOSTROPHES = "'’"
# A name ends where no letter or digit follows it (nor a hyphen followed by one); that it
# starts where none stands before it (nor a hyphen joined to one) is seen outside the
# pattern: a look-behind at its head would cost re its quick skip to the places where a
# name can start, and four times the time.
_AFTER = r"(?!\w)(?!-\w)"


def _key(text: str) -> str:
    return text.replace("'", "’")


def _trie(names: Iterable[str]) -> str:
    """One pattern matching exactly ``names``, longest first at each place."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for name in names:
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(root)


def _char(ch: str) -> str:
    return f"[{_APOSTROPHES}]" if ch == "’" else re.escape(ch)


def _emit(node: dict) -> str:  # type: ignore[type-arg]
    # A run of single children is written as the literal it is: no group per letter.
    literal = ""
    while len(node) == 1 and "" not in node:
        ch, node = next(iter(node.items()))
        literal += _char(ch)
    branches = [_char(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return literal
    inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a name ends here, and longer ones go on: try the longer first
        return f"{literal}(?:{inner})?"
    return literal + inner


class Found(NamedTuple):
    """One place a name stands: its span in the text and the entity it names."""

    start: int
    end: int
    entity_id: str


class Finder:
    """Finds every name of a set of entities in texts; ``names`` maps each name or alias
    to the id of the entity it names."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = {_key(name): entity for name, entity in names.items() if name}
        self.pattern = (re.compile(f"(?:{_trie(self.names)}){_AFTER}")
                        if self.names else None)

    def __bool__(self) -> bool:
        return self.pattern is not None

    def find(self, text: str) -> list[Found]:
        """Every name in ``text``, in the order they stand, none overlapping."""
        return [found for _n, found in self.find_in([text])]

    def find_in(self, texts: list[str]) -> Iterator[tuple[int, Found]]:
        """Every name in each of ``texts`` (the passages of a document), with the
        number of the text it stands in; the texts are read as one, a line apart, which
        costs less than reading each alone."""
        if self.pattern is None:
            return
        whole = "\n".join(texts)
        starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        search, names = self.pattern.search, self.names
        at = 0
        number = 0
        while (m := search(whole, at)) is not None:
            start = m.start()
            if start and (_in_word(whole[start - 1]) or (
                    whole[start - 1] == "-" and start > 1 and _in_word(whole[start - 2]))):
                at = start + 1  # inside a word: no name starts here
                continue
            at = m.end()
            while number + 1 < len(starts) and starts[number + 1] <= start:
                number += 1
            offset = starts[number]
            yield number, Found(start - offset, at - offset, names[_key(m.group())])


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
