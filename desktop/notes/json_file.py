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
from pathlib import Path
from typing import Any

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
    """Parse a file as JSON, refusing anything a hostile file could use against us."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportError_(f"{path} is not a file.")
        if size > MAX_BYTES:
            raise ImportError_(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB, the "
                               "most that can be imported at once.")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportError_(f"{path} does not exist.") from exc
    except OSError as exc:
        raise ImportError_(f"{path} cannot be read ({exc.strerror}).") from exc
    if sum(raw.count(start) for start in _VALUE_STARTS) > MAX_VALUES:
        raise ImportError_(f"{path} holds more values than any export of annotations does.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path} is not UTF-8 text (byte {exc.start} is invalid).") from exc
    del raw  # the text is all that is needed now: the bytes would double the peak
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_bounded_int,
                          parse_float=_bounded_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path} is not valid JSON ({exc.msg.rstrip(' at')}, line "
                           f"{exc.lineno}, column {exc.colno}).") from exc
    except RecursionError as exc:
        # The parser refuses nesting deeper than Python's recursion limit, cleanly.
        raise ImportError_(f"{path} is nested too deeply to be annotations.") from exc
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        raise ImportError_(f"{path} holds text that is not valid Unicode (a lone surrogate).")
    return data
