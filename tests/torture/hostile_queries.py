"""Hostile search queries, generated from a seed: what a person might paste or type.

Long hyphenated tokens and phrases of common words (the costly kind), thousands of
words, FTS5's own syntax, unbalanced and curly quotes, NUL and control characters,
unpaired surrogates, right-to-left text and direction controls, huge prefixes,
emoji, and ordinary words among them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator

FTS5_SYNTAX = ("AND", "OR", "NOT", "NEAR", "NEAR(", ")", "(", "*", "^", "+", ":", "-", "{",
               "}", "text:", "passages_fts:", "rank:", '"', "''", "\\", "%", "_", ";", "--",
               "/*", "*/", "MATCH", "'; DROP TABLE passages; --", "NEAR/3", "col*", "'\"",
               "\x00", "0x", "1e999", "-9223372036854775808")
CONTROLS = "".join(chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0)))
DIRECTION = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
RTL_WORDS = ("שלום", "עולם", "مرحبا", "بالعالم", "ܫܠܡܐ", "ދިވެހި", "ﷺ", "‏ﻻ")
EMOJI = ("🙂", "🏳️‍🌈", "👩‍👩‍👧‍👦", "🇺🇦", "👍🏽", "🧑‍🚀", "❤️", "\U0001F9EC", "*️⃣", "🫠")
OTHER_SCRIPTS = ("коммунисты", "партия", "共産党", "共产主义", "कम्युनिस्ट", "κομμουνιστές",
                 "ﬁnal", "Æsir", "straße", "İstanbul", "ǅ", "ꙮ", "𝔭𝔞𝔯𝔱𝔶", "Ⅻ", "①②")
SPACES = (" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff", "\u2028")


class Generator:
    """Queries drawn from the archive's own words, with a seeded generator."""

    KINDS = ("long_hyphenated", "long_phrase", "thousands_of_words", "fts5_syntax", "quotes",
             "controls", "surrogates", "right_to_left", "prefixes", "emoji", "one_huge_token",
             "numbers", "scripts", "spaces", "random_code_points", "ordinary")

    def __init__(self, rng: random.Random, vocabulary: list[str], weights: list[int]) -> None:
        self.rng = rng
        ranked = [w for _c, w in sorted(zip(weights, vocabulary, strict=True), reverse=True)]
        self.common = ranked[:60]
        self.words = ranked
        self.kinds: list[Callable[[], str]] = [getattr(self, k) for k in self.KINDS]

    def queries(self, count: int) -> Iterator[str]:
        for n in range(count):
            yield self.kinds[n % len(self.kinds)]()

    def _some(self, k: int, common: bool = False) -> list[str]:
        return self.rng.choices(self.common if common else self.words, k=k)

    def long_hyphenated(self) -> str:
        words = self._some(self.rng.randint(20, 400), common=self.rng.random() < 0.5)
        return "-".join(words)

    def long_phrase(self) -> str:
        quote = self.rng.choice(('"', "“", "„", "«"))
        return quote + " ".join(self._some(self.rng.randint(10, 300), common=True)) + quote

    def thousands_of_words(self) -> str:
        return " ".join(self._some(self.rng.randint(1000, 5000)))

    def fts5_syntax(self) -> str:
        parts = [self.rng.choice(FTS5_SYNTAX) if self.rng.random() < 0.6 else w
                 for w in self._some(self.rng.randint(1, 30))]
        return self.rng.choice(("", " ")).join(parts)

    def quotes(self) -> str:
        marks = '"“”„«»\'‘’'
        return "".join(self.rng.choice(marks) if self.rng.random() < 0.4 else f" {w} "
                       for w in self._some(self.rng.randint(1, 40), common=True))

    def controls(self) -> str:
        return "".join(self.rng.choice(CONTROLS) + w for w in self._some(self.rng.randint(1, 20)))

    def surrogates(self) -> str:
        lone = [chr(self.rng.randint(0xD800, 0xDFFF)) for _ in range(self.rng.randint(1, 10))]
        return " ".join(self._some(3)) + "".join(lone) + self.rng.choice(self.words) + lone[0]

    def right_to_left(self) -> str:
        parts = [self.rng.choice(RTL_WORDS) if self.rng.random() < 0.5 else w
                 for w in self._some(self.rng.randint(1, 15))]
        return self.rng.choice(DIRECTION).join(parts) + self.rng.choice(DIRECTION)

    def prefixes(self) -> str:
        stems = [w[:self.rng.randint(1, 2)] for w in self._some(self.rng.randint(1, 40))]
        return " ".join(f"{s}*" for s in stems) if self.rng.random() < 0.7 else "a*" * 200

    def emoji(self) -> str:
        return "".join(self.rng.choice(EMOJI) + (w if self.rng.random() < 0.5 else "")
                       for w in self._some(self.rng.randint(1, 60)))

    def one_huge_token(self) -> str:
        size = self.rng.choice((500, 5_000, 100_000))
        letters = self.rng.choice((string.ascii_lowercase, "a", "жщ", "0123456789"))
        return "".join(self.rng.choices(letters, k=size)) + self.rng.choice(("", "*"))

    def numbers(self) -> str:
        return "-".join(str(self.rng.randint(0, 10**self.rng.randint(1, 30)))
                        for _ in range(self.rng.randint(1, 200)))

    def scripts(self) -> str:
        return " ".join(self.rng.choice(OTHER_SCRIPTS) + self.rng.choice(("", "*", "-", "'"))
                        for _ in range(self.rng.randint(1, 20)))

    def spaces(self) -> str:
        return "".join(self.rng.choice(SPACES) for _ in range(self.rng.randint(0, 2000)))

    def random_code_points(self) -> str:
        return "".join(chr(self.rng.randint(1, 0x10FFFF)) for _ in range(self.rng.randint(1, 300)))

    def ordinary(self) -> str:
        return " ".join(self._some(self.rng.randint(1, 4)))
