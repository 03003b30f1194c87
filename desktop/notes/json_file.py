"""Read a JSON file that may be hostile, with bounded memory: refuse it in one sentence.

Before anything is parsed, the file's size is checked and every place a value can
start is counted (``[``, ``{``, ``,`` and ``:``, which bound the number of containers,
keys and values from above). Parsed, a value costs Python 40 to 200 bytes, so a file
of 99 MB of ``[],`` would take gigabytes; counting refuses it while it is still bytes,
at about its own size in memory.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import orjson

from desktop.notes.errors import NotesError

MAX_BYTES = 100 * 1024 * 1024  # the largest file imported: about 120,000 annotations
# Our own export of 120,000 annotations (100 MB) has about 9 million places where a
# value starts; with room to spare, a file with more is not annotations. At most this
# many values cost about 1 GB once parsed, whatever they are.
MAX_VALUES = 12_000_000
_VALUE_STARTS = (b"[", b"{", b",", b":")


class ImportError_(NotesError):
    """The file cannot be imported; the message names the record and the reason."""


def text_field(value: Any, what: str, where: str) -> str:
    """A field that must be text (missing: empty); else the file is refused, saying
    ``where`` and ``what``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportError_(f"{where}: {what} must be text.")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _v in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ImportError_(f"The file repeats the key “{key}” in one object.")
    return result


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 15:
        raise ImportError_(f"The file holds a number too large to be a position or a count "
                           f"({text[:20]}…).")
    return int(text)


def _bounded_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ImportError_("The file holds a number too large to use.")
    return value


def _refuse_constant(name: str) -> None:
    raise ImportError_(f"The file holds {name}, which is not a number JSON allows.")


# What json.loads() would make with these: made once, for a file of 100,000 lines.
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_int=_bounded_int,
                            parse_float=_bounded_float, parse_constant=_refuse_constant)

# A lone surrogate can only come from a \\uD800-\\uDFFF escape: UTF-8 text cannot hold one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def read_json(path: Path) -> Any:
    """Parse a file as JSON, refusing anything a hostile file could use against us.

    A collection laid out as this application's exports are (its head on the first
    line, then one annotation a line) is given as :class:`Lines`, whose annotations are
    parsed as they are read, with the same checks: 100,000 of them are then never in
    memory at once, as text or as objects. Any other file is parsed whole."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportError_(f"{path} is not a file.")
        if size > MAX_BYTES:
            raise ImportError_(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB, the "
                               "most that can be imported at once.")
        lines = _by_line(path)
        if lines is not None:
            return lines
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportError_(f"{path} does not exist.") from exc
    except OSError as exc:
        raise ImportError_(f"{path} cannot be read ({exc.strerror}).") from exc
    if _value_starts(raw) > MAX_VALUES:
        raise _too_many_values(path)
    return _whole(path, raw)


def _value_starts(raw: bytes) -> int:
    return sum(raw.count(start) for start in _VALUE_STARTS)


def _value_starts_in(part: bytes) -> int:
    """:func:`_value_starts` of a part of a file, in one pass (it copies the rest of
    the part, which only a part read on its own can afford)."""
    return len(part) - len(part.translate(None, b"".join(_VALUE_STARTS)))


def _too_many_values(path: Path) -> ImportError_:
    return ImportError_(f"{path} holds more values than any export of annotations does.")


def _whole(path: Path, raw: bytes | None = None) -> Any:
    """The file parsed at once (its size and values counted already)."""
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ImportError_(f"{path} cannot be read ({exc.strerror}).") from exc
        if len(raw) > MAX_BYTES or _value_starts(raw) > MAX_VALUES:
            raise _too_many_values(path)  # changed since it was counted
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path} is not UTF-8 text (byte {exc.start} is invalid).") from exc
    del raw  # the text is all that is needed now: the bytes would double the peak
    data = _parsed(text, path)
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        raise ImportError_(f"{path} holds text that is not valid Unicode (a lone surrogate).")
    return data


def _parsed(text: str, path: Path) -> Any:
    try:
        if text.startswith("\ufeff"):  # as json.loads() says it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)",
                                       text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path} is not valid JSON ({exc.msg.rstrip(' at')}, line "
                           f"{exc.lineno}, column {exc.colno}).") from exc
    except RecursionError as exc:
        # The parser refuses nesting deeper than Python's recursion limit, cleanly.
        raise ImportError_(f"{path} is nested too deeply to be annotations.") from exc


# -- a collection, one annotation a line --------------------------------------------------

# How this application's export ends its head line and its file (see export.to_json).
_HEAD_END = b'"items": [\n'
_FILE_END = b"]}}\n"
_MAX_ITEMS = 500_000  # the importer's bound: a file that holds more is read whole, refused


def _by_line(path: Path) -> Lines | None:
    """The file as :class:`Lines`, if it is laid out so; else None. Its values are
    counted first, as a whole file's are: a file with too many is refused unparsed."""
    with path.open("rb") as file:
        head = file.readline(64 * 1024)
        if not head.endswith(_HEAD_END):
            return None
        starts, newlines, end = _value_starts_in(head), 1, b""
        while chunk := file.read(1024 * 1024):
            starts += _value_starts_in(chunk)
            newlines += chunk.count(b"\n")
            end = (end + chunk[-len(_FILE_END):])[-len(_FILE_END):]
    if starts > MAX_VALUES:
        raise _too_many_values(path)
    count = newlines - 2  # the head's line and the last, "]}}"
    if end != _FILE_END or not 0 <= count <= _MAX_ITEMS:
        return None
    try:
        text = head.decode("utf-8-sig")
        collection = _parsed(text + "]}}", path)
    except (UnicodeDecodeError, ImportError_):
        return None  # read whole, it says what is wrong, and where
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(collection):
        return None
    # The file is this head with the annotations in its last array: the first page's,
    # the last key of the collection's last key, as this application writes it.
    page = collection.get("first") if isinstance(collection, dict) else None
    if not (collection.get("type") == "AnnotationCollection" and list(collection)[-1] == "first"
            and isinstance(page, dict) and list(page)[-1] == "items" and page["items"] == []
            and "next" not in page):
        return None
    return Lines(path, collection, count)


class Lines:
    """A collection of annotations laid out as this application writes one: ``head``,
    the collection with its page's ``items`` empty, then ``count`` annotations, one a
    line, which :meth:`items` parses one at a time."""

    def __init__(self, path: Path, head: dict[str, Any], count: int) -> None:
        self.path, self.head, self.count = path, head, count

    def items(self, layout: msgspec.json.Decoder[list[Any]] | None = None) -> Iterator[Any]:
        """Each annotation, parsed with the checks a whole file has, a few hundred
        lines at a time (as one array: a parse costs as much as for the whole file).
        Should the lines not be one annotation each after all, or fail a check, the file
        is read whole: its refusal is then word for word a whole file's, and a file that
        is sound, laid out otherwise, gives the annotations that are left.

        ``layout``: a decoder of a list of typed records (msgspec Structs). Lines that
        are each such a record, every key once, are given as those records (see
        :func:`_as_layout`); the others as the checking parse gives them."""
        starts = done = 0
        rest = b""  # what follows the last annotation, read with it
        with self.path.open("rb") as file:
            file.readline()  # the head, read already
            while done < self.count:
                # Lines whole: a block, and the rest of its last line, however long.
                part = file.read(_BLOCK)
                if not part.endswith(b"\n"):
                    part += file.readline()
                lines = part.count(b"\n")
                if not lines:  # fewer lines than were counted
                    yield from self._whole_after(done)
                    return
                if done + lines > self.count:  # the file's end is in this block
                    lines, end = self.count - done, -1
                    for _ in range(lines):
                        end = part.index(b"\n", end + 1)
                    part, rest = part[:end + 1], part[end + 1:]
                starts += _value_starts_in(part)
                items = _annotations(part, lines, done + lines == self.count, layout) \
                    if starts <= MAX_VALUES else None
                if items is None:
                    yield from self._whole_after(done)
                    return
                yield from items
                done += lines
            if rest + file.read() != _FILE_END:
                yield from self._whole_after(self.count)

    def _whole_after(self, number: int) -> Iterator[Any]:
        data = _whole(self.path)  # raises what is wrong with the file, if anything is
        page = data.get("first") if isinstance(data, dict) else None
        items = page.get("items") if isinstance(page, dict) else None
        if not isinstance(items, list) or data.get("type") != "AnnotationCollection" or \
                "next" in page:
            raise ImportError_(f"{self.path} changed while it was being read; import it "
                               "again.")
        yield from items[number:]


_BLOCK = 256 * 1024  # bytes of lines parsed at once


def _annotations(joined: bytes, lines: int, last: bool,
                 layout: msgspec.json.Decoder[list[Any]] | None = None) -> list[Any] | None:
    """The annotations of some ``lines`` (joined), one a line, each but the file's last
    ending with a comma (as ``layout``'s records, when each is one); None when they are
    not so, or fail a check."""
    end = b"\n" if last else b",\n"
    if not joined.endswith(end):
        return None
    if layout is not None:
        typed = _as_layout(joined, len(end), layout)
        if typed is not None and len(typed) == lines:
            return typed
    quick = _quickly(joined, len(end))
    if quick is not None and len(quick) == lines:
        return quick
    try:
        text = joined[:-len(end)].decode("utf-8")
        items = _DECODER.decode(f"[{text}]")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ImportError_):
        return None
    if len(items) != lines or \
            (_SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(items)):
        return None
    return items


# What the quick parse leaves to the checking one: a colon written as an escape (which
# would hide a repeated key from the count of colons), and a run of 16 digits (a number
# the checking parse may refuse as too large), found as 16 zeros once every digit is a
# zero and everything else a space.
_COLON_ESCAPE = (b"\\u003a", b"\\u003A")
_DIGITS_AS_ZEROS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_SIXTEEN_DIGITS = b"0" * 16


def _quickly(lines: bytes, end: int = 0) -> list[Any] | None:
    """Lines of annotations parsed as one array by orjson (several times faster than
    the checking parse), when that gives exactly what the checking parse would; None
    when it may not, and the checking parse decides. The last ``end`` bytes are left
    out (the comma and newline after the last line, which hold no colon, digit or
    backslash), without a copy of the lines made for that.

    orjson refuses what the checks refuse (NaN and Infinity, numbers beyond a double,
    lone surrogates, bytes that are not UTF-8), but keeps the last value of a repeated
    key. A repeated key is seen by counting colons: each key is followed by one, and
    the others are in text, which orjson writes back as it read it (a colon written as
    the escape ``\\u003a`` is left to the checking parse). Written back, the parsed
    annotations hold as many colons as the lines only when no key was dropped."""
    if _colon_escaped(lines) or _SIXTEEN_DIGITS in lines.translate(_DIGITS_AS_ZEROS):
        return None
    try:
        items = orjson.loads(b"".join((b"[", memoryview(lines)[:len(lines) - end], b"]")))
        written = orjson.dumps(items)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # and nesting orjson reads
        return None  # deeper than it writes: the checking parse decides
    return items if _keys_kept(written, lines) else None


_ENCODER = msgspec.json.Encoder()


def _as_layout(lines: bytes, end: int, layout: msgspec.json.Decoder[list[Any]]
               ) -> list[Any] | None:
    """Lines of annotations parsed as one array of ``layout``'s records (in about half
    the time orjson takes to make dicts of them), when each is such a record and is read as the
    checking parse would read it; None when one may not be, and the other parses decide.

    msgspec refuses what the checks refuse (NaN and Infinity, lone surrogates, bytes
    that are not UTF-8, a value of another type than the record's field) and any key
    the record lacks (``forbid_unknown_fields``); its numbers are whole, and bounded by
    the record's fields as the checking parse bounds them. Like orjson, it keeps the
    last value of a repeated key, seen as in :func:`_quickly`: written back, records
    hold as many colons as their lines only when no key was dropped (a field left out
    of a line is left out when it is written: its default is ``msgspec.UNSET``)."""
    if _colon_escaped(lines):
        return None
    try:
        items = layout.decode(b"".join((b"[", memoryview(lines)[:len(lines) - end], b"]")))
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return None
    return items if _keys_kept(_ENCODER.encode(items), lines) else None


def _colon_escaped(lines: bytes) -> bool:
    """Whether a colon is written as an escape, which would hide a repeated key from a
    count of colons."""
    return b"\\u003" in lines and any(escape in lines for escape in _COLON_ESCAPE)


def _keys_kept(written: bytes, lines: bytes) -> bool:
    """Whether values parsed from ``lines`` and ``written`` back kept every key: a key
    is followed by a colon, and every other colon is in text, written back as read."""
    return written.count(b":") == lines.count(b":")
