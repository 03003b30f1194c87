"""Hostile import files: the suite's own, and many more generated from a seed.

Each file comes with what must happen to it: ``refuse`` (it cannot be annotations),
``import`` (it is a sound export in disguise), or ``either`` (refused in one
sentence, or imported correctly: the judge is the import case, not this list).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.corpus import essay_statistics
from tests.torture.common import Scale

REFUSE, IMPORT, EITHER = "refuse", "import", "either"
FIELD_VALUES: tuple[object, ...] = (None, 0, -1, 1.5, True, [], {}, "", "x" * 1000, [[]],
                                    {"a": 1}, 2**62, "\x00", "\u202e")
DATES = ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59-12:00", "10000-01-01T00:00:00Z",
         "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z",
         "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
         "2016-12-31T23:59:60Z", "2026-01-01T00:00:00+99:00", "2026-01-01",
         "2026-01-01T00:00:00.123456789123Z", "2999-01-01T00:00:00Z", "yesterday", "")
WORDS = ("lorem", "ipsum", "quux", "zebra", "xylophone", "qwerty", "plugh", "frobnicate")


@dataclass(frozen=True)
class Hostile:
    name: str
    expect: str
    path: Path

    @property
    def big(self) -> bool:
        return self.path.is_file() and self.path.stat().st_size > 1_000_000


def _annotation(n: int, source: str, exact: str) -> dict[str, object]:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "id": f"urn:torture:{n}",
            "type": "Annotation", "motivation": "commenting",
            "created": "2026-11-26T12:00:00Z", "modified": "2026-11-26T12:00:00Z",
            "body": [{"type": "TextualBody", "value": f"note {n}", "purpose": "commenting"},
                     {"type": "TextualBody", "value": "tag", "purpose": "tagging"}],
            "target": {"source": source, "styleClass": "archive-browser-blue",
                       "selector": [{"type": "TextQuoteSelector", "exact": exact},
                                    {"type": "TextPositionSelector", "start": 0, "end": 4}]}}


def _hypothesis(n: int, uri: str, exact: str) -> dict[str, object]:
    """An annotation as Hypothesis's API returns it (tests/test_import_hypothesis.py)."""
    return {"id": f"torture{n}", "created": "2024-12-09T07:17:52.123456+00:00",
            "updated": "2024-12-09T07:17:52.123456+00:00", "user": "acct:t@hypothes.is",
            "uri": uri, "text": f"note {n}", "tags": ["tag"], "group": "__world__",
            "permissions": {"read": ["group:__world__"]}, "document": {"title": ["t"]},
            "links": {"html": f"https://hypothes.is/a/torture{n}"}, "flagged": False,
            "hidden": False,
            "target": [{"source": uri,
                        "selector": [{"type": "TextQuoteSelector", "exact": exact},
                                     {"type": "TextPositionSelector", "start": 0, "end": 4},
                                     {"type": "RangeSelector", "startContainer": "/p[1]",
                                      "startOffset": 0, "endContainer": "/p[1]",
                                      "endOffset": 4}]}]}


def _parted(n: int, first: tuple[str, str], second: tuple[str, str],
            motivation: str = "commenting") -> dict[str, object]:
    """An annotation with two targets: a highlight across passages (or, ``linking``, a
    link), as the export writes them."""
    item = _annotation(n, *first)
    item["motivation"] = motivation
    if motivation == "linking":
        item["body"] = [{"type": "TextualBody", "value": "supports", "purpose": "classifying"},
                        {"type": "TextualBody", "value": f"note {n}", "purpose": "commenting"}]
    item["target"] = [item["target"], _annotation(n, *second)["target"]]
    return item


def _with(item: dict[str, object], path: tuple[str | int, ...],
          value: object) -> dict[str, object]:
    """A deep copy of an annotation with one field (a path of keys) replaced; a number in
    the path picks that item of a list, and a list met on the way is otherwise entered
    at its first item."""
    copy = json.loads(json.dumps(item))
    place: object = copy
    for at, key in enumerate(path[:-1]):
        place = place[key]  # type: ignore[index]
        if isinstance(place, list) and not isinstance(path[at + 1], int):
            place = place[0]
    place[path[-1]] = value  # type: ignore[index]
    return copy


def generate(folder: Path, export: bytes, suite: dict[str, bytes], scale: Scale,
             rng: random.Random) -> list[Hostile]:
    """Write every hostile file into ``folder``; return them with what must happen."""
    folder.mkdir(parents=True, exist_ok=True)
    found: list[Hostile] = []

    def add(name: str, expect: str, content: bytes) -> None:
        path = folder / f"{len(found):04d}.json"  # the name may hold anything
        path.write_bytes(content)
        found.append(Hostile(name, expect, path))

    for name, content in sorted(suite.items()):
        add(f"suite-{name}", REFUSE, content)
    generated = list(_small(export, rng, scale))
    rng.shuffle(generated)
    for name, expect, content in generated[:scale.import_files]:
        add(name, expect, content)
    for name, expect, content in _always(scale, rng):
        add(name, expect, content)
    for name, make in (("a-folder", os.mkdir), ("a-fifo", os.mkfifo)):
        path = folder / f"{len(found):04d}"
        make(path)
        found.append(Hostile(name, REFUSE, path))
    found.append(Hostile("missing", REFUSE, folder / "no-such-file.json"))
    return found


def _small(export: bytes, rng: random.Random, scale: Scale) -> Iterator[tuple[str, str, bytes]]:
    yield "sound-export", IMPORT, export
    yield "utf8-bom", IMPORT, b"\xef\xbb\xbf" + export
    yield "two-boms", EITHER, b"\xef\xbb\xbf\xef\xbb\xbf" + export
    text = export.decode()
    for codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"):
        yield f"encoded-{codec}", EITHER, text.encode(codec, "replace")
    yield "latin-1-accents", REFUSE, json.dumps([{"id": "é"}], ensure_ascii=False).encode(
        "latin-1")
    yield "cesu-surrogates", REFUSE, b'[{"id": "\xed\xa0\x80"}]'
    yield "nul-bytes", REFUSE, export.replace(b"{", b"\x00{", 3)
    yield "random-bytes", REFUSE, rng.randbytes(4096)
    for cut in sorted(rng.sample(range(1, len(export) - 1), min(12, len(export) - 2))):
        yield f"truncated-at-{cut}", REFUSE, export[:cut]
    for depth in (100, 900, 5_000, 200_000):
        yield f"deep-lists-{depth}", EITHER, b'{"type": "AnnotationPage", "items": [' + \
            b"[" * depth + b"]" * depth + b"]}"
        yield f"deep-objects-{depth}", EITHER, b'[' + b'{"a":' * depth + b"1" + \
            b"}" * depth + b"]"
    base = _annotation(0, "archive-browser://communists-dilemma/essay/p25",
                       "the security police to decide")
    for path in (("id",), ("type",), ("motivation",), ("body",), ("body", "value"),
                 ("body", "purpose"), ("target",), ("target", "source"),
                 ("target", "selector"), ("target", "selector", "exact"),
                 ("target", "selector", "prefix"), ("target", "styleClass"), ("created",),
                 ("modified",), ("@context",)):
        for value in FIELD_VALUES:
            yield (f"wrong-type-{'.'.join(path)}-{json.dumps(value)[:12]}", EITHER,
                   json.dumps([_with(base, path, value)]).encode())
    for date in DATES:
        for key in ("created", "modified"):
            yield f"date-{key}-{date}", EITHER, json.dumps([_with(base, (key,), date)]).encode()
    for start, end in ((2**62, 2**62 + 1), (-5, 3), (3, 3), (0, 10**15), (1.5, 2)):
        item = _with(base, ("target", "selector"),
                     [{"type": "TextPositionSelector", "start": start, "end": end},
                      {"type": "TextQuoteSelector", "exact": "the security police"}])
        yield f"positions-{start}-{end}", EITHER, json.dumps([item]).encode()
    for source in ("archive-browser://communists-dilemma/../../etc/passwd", "javascript:x()",
                   "archive-browser://" + "x/" * 5000, "", "\u202eevil"):
        yield f"source-{source[:20]}", EITHER, json.dumps(
            [_with(base, ("target", "source"), source)]).encode()
    # A highlight across passages and a link, each field of their second target wrong.
    ends = (("archive-browser://communists-dilemma/essay/p25", "the security police to decide"),
            ("archive-browser://communists-dilemma/essay/p8", "proprietorial instincts"))
    for motivation in ("commenting", "linking"):
        two = _parted(1, *ends, motivation=motivation)
        yield f"sound-two-targets-{motivation}", IMPORT, json.dumps([two]).encode()
        for path in (("target", 1), ("target", 1, "source"), ("target", 1, "selector"),
                     ("target", 1, "selector", 0, "exact"), ("target", 1, "selector", 1, "start"),
                     ("target", 1, "styleClass"), ("body", 0, "value"), ("body", 0, "purpose")):
            for value in FIELD_VALUES:
                yield (f"{motivation}-{'.'.join(map(str, path))}-{json.dumps(value)[:12]}",
                       EITHER, json.dumps([_with(two, path, value)]).encode())
        yield f"{motivation}-many-targets", EITHER, json.dumps(
            [_with(two, ("target",), two["target"] * 60)]).encode()
    hypothesis = _hypothesis(0, "archive-browser://communists-dilemma/essay/p25",
                             "the security police to decide")
    yield "hypothesis-search", IMPORT, json.dumps({"total": 1, "rows": [hypothesis]}).encode()
    yield "hypothesis-export", IMPORT, json.dumps(
        {"export_date": "2024-12-10T09:00:00.000Z", "export_userid": "acct:t@hypothes.is",
         "client_version": "1.1484.0", "annotations": [hypothesis]}).encode()
    for path in (("id",), ("uri",), ("text",), ("tags",), ("created",), ("updated",),
                 ("references",), ("target",), ("target", "source"), ("target", "selector"),
                 ("target", "selector", "exact"), ("target", "selector", "prefix"),
                 ("target", "selector", "type"), ("document",), ("document", "title"),
                 ("permissions",), ("hidden",)):
        for value in FIELD_VALUES:
            yield (f"hypothesis-wrong-type-{'.'.join(path)}-{json.dumps(value)[:12]}", EITHER,
                   json.dumps({"total": 1, "rows": [_with(hypothesis, path, value)]}).encode())
    for total in (0, 2, -1, 2**62, "1", None, 1.0, True, [1]):
        yield f"hypothesis-total-{json.dumps(total)}", EITHER, json.dumps(
            {"total": total, "rows": [hypothesis]}).encode()
    huge_exact = " ".join(rng.choices(WORDS, k=200_000))
    yield "huge-exact", EITHER, json.dumps([_with(base, ("target", "selector", "exact"),
                                                   huge_exact)]).encode()
    yield "duplicate-ids", EITHER, json.dumps([base, _with(base, ("body", "value"), "x")]).encode()
    yield "escaped-lone-surrogate-in-note", REFUSE, json.dumps(
        [_with(base, ("body", "value"), "\ud800")]).encode(errors="surrogatepass").replace(
        b"\xed\xa0\x80", b"\\ud800")
    yield "many-pages", EITHER, _pages(20_000)
    yield "too-many-items", REFUSE, ("[" + ",".join(['{"id":"a","type":"Annotation"}'] *
                                                    500_001) + "]").encode()


def _pages(count: int) -> bytes:
    """A collection whose pages chain through ``next``, as deep as JSON nests them."""
    inner = b'{"type": "AnnotationPage", "items": []}'
    for _ in range(count):
        inner = b'{"type": "AnnotationPage", "items": [], "next": ' + inner + b"}"
    return b'{"type": "AnnotationCollection", "first": ' + inner + b"}"


def _always(scale: Scale, rng: random.Random) -> Iterator[tuple[str, str, bytes]]:
    """The files a run never leaves out: the large ones, and the slow one."""
    # The essay's own words in an order it never has: each is looked for everywhere
    # before it is kept as an orphan, and the longer the quote, the longer that takes.
    vocabulary = essay_statistics()[0]
    orphans = [_annotation(n, f"https://example.org/{n}",
                           " ".join(rng.choices(vocabulary, k=rng.randint(20, 40))))
               for n in range(scale.unplaceable)]
    yield f"unplaceable-{scale.unplaceable}", IMPORT, json.dumps(orphans).encode()
    size = scale.big_mb * 1024 * 1024
    yield f"{scale.big_mb}MB-empty-arrays", REFUSE, b"[" + b"[]," * (size // 3) + b"[]]"
    yield f"{scale.big_mb}MB-numbers", REFUSE, b"[" + b"1," * (size // 2) + b"1]"
    yield f"{scale.big_mb}MB-empty-strings", REFUSE, b"[" + b'"",' * (size // 3) + b'""]'
    yield f"{scale.big_mb}MB-whitespace", EITHER, b" " * size + b"[]"
    note = "ж" * (size // 4)
    yield f"{scale.big_mb // 2}MB-note", EITHER, json.dumps(
        [_with(_annotation(1, "archive-browser://communists-dilemma/essay/p25",
                           "the security police to decide"), ("body", "value"), note)],
        ensure_ascii=False).encode()
