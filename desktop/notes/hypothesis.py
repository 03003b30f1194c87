"""Hypothesis (hypothes.is) annotations, read as the W3C Web Annotations they nearly are.

Two files hold them: the API's search response, ``{"total": N, "rows": [...]}``, and the
client's “Export annotations” file, ``{"export_date", "export_userid", "client_version",
"annotations": [...]}`` (hypothesis/client, ``src/sidebar/services/annotations-exporter``).
Each annotation there has ``id``, ``uri``, ``text``, ``tags``, ``created``, ``updated``
and ``target: [{"source", "selector": [...]}]``, whose selectors are the W3C's own.

Each annotation is turned into a W3C Web Annotation (``text`` the note, ``tags`` tagging
bodies, ``updated`` the ``modified``, its ``uri`` the target's source) so that the one
importer checks, places, merges and reports it as it does any other. Its id becomes
``https://hypothes.is/a/ID``, the annotation's own address, so that importing a newer
file again updates the marks it made. Only the quote and the position are kept of its
selectors (the quote places it first; a position alone is read in the passage its
``uri`` names): a ``RangeSelector`` addresses the layout of a web page, not words. What
marks no words (a reply, a page note, an annotation placed only in a page's layout or
by a position in another document's text) is skipped, and the report says why; a field
of the wrong type refuses the whole file, naming the record. Fields that nothing here
uses (``user``, ``group``, ``permissions``, ``links``, ``document``, ``flagged``,
``hidden``) are left unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.notes.json_file import ImportError_, text_field

ADDRESS = "https://hypothes.is/a/"
SELECTORS = ("TextQuoteSelector", "TextPositionSelector")  # the kinds that find words here
# Why an annotation was skipped, as the report names it: (one, several).
REPLY = ("reply", "replies")
PAGE_NOTE = ("page note", "page notes")
NO_QUOTE = ("annotation with no quote", "annotations with no quote")


@dataclass(frozen=True)
class Skipped:
    """An annotation that marks no words, and which of the reasons above it is."""

    reason: tuple[str, str]


def holds_hypothesis(data: Any) -> bool:
    """True for the two files Hypothesis writes: a search response or a client export."""
    return isinstance(data, dict) and "type" not in data and (
        "rows" in data or "annotations" in data)


def annotations_in(data: dict[str, Any]) -> list[Any]:
    """The annotations of a Hypothesis file; its replies (a search made with
    ``_separate_replies``) after them."""
    if "rows" in data:
        rows = data.get("rows")
        if not isinstance(rows, list):
            raise ImportError_("The Hypothesis search response’s “rows” is not a list of "
                               "annotations.")
        search_total(data)  # a wrong “total” is said before anything is read
        replies = data.get("replies", [])
        if not isinstance(replies, list):
            raise ImportError_("The Hypothesis search response’s “replies” is not a list "
                               "of annotations.")
        return [*rows, *replies]
    items = data.get("annotations")
    if not isinstance(items, list):
        raise ImportError_("The Hypothesis export’s “annotations” is not a list of "
                           "annotations.")
    return items


def search_total(data: Any) -> int | None:
    """How many annotations a search response says its search found (one page of a
    longer search holds fewer), or None for a file that does not say."""
    if not isinstance(data, dict) or "rows" not in data or data.get("total") is None:
        return None
    total = data["total"]
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ImportError_("The Hypothesis search response’s “total” must be a whole "
                           "number, the number of annotations it found.")
    return total


def not_in_file(data: Any) -> int:
    """How many annotations the search found that this page of its response does not
    hold (the API gives at most 200 a page)."""
    total = search_total(data)
    rows = data.get("rows") if isinstance(data, dict) else None
    if total is None or not isinstance(rows, list):
        return 0
    return max(0, total - len(rows))


def _texts(value: Any, what: str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportError_(f"{where}: its “{what}” must be a list of text.")
    return value


def to_web_annotation(item: Any, number: int) -> dict[str, Any] | Skipped:
    """One Hypothesis annotation as a W3C Web Annotation, or why it is skipped.

    Raises :class:`ImportError_` naming the record (its number in the file, and its
    address) when a field it needs is missing or of the wrong type.
    """
    where = f"Record {number}"
    if not isinstance(item, dict):
        raise ImportError_(f"{where} is not an annotation object.")
    raw_id = item.get("id")
    if raw_id is None or raw_id == "":
        raise ImportError_(f"{where} has no “id”.")
    if not isinstance(raw_id, str):
        raise ImportError_(f"{where}: its “id” must be text.")
    address = ADDRESS + raw_id
    where = f"Record {number} ({address[:60]})"
    uri = text_field(item.get("uri"), "its “uri”", where)
    if not uri:
        raise ImportError_(f"{where} has no “uri”, the document it annotates.")
    references = _texts(item.get("references"), "references", where)
    note = text_field(item.get("text"), "its “text”", where)
    tags = _texts(item.get("tags"), "tags", where)
    for key in ("created", "updated"):  # the dates themselves are read as W3C dates
        text_field(item.get(key), f"its “{key}”", where)
    targets = item.get("target")
    if not isinstance(targets, list) or not targets:
        raise ImportError_(f"{where}: its “target” must be a list of one target.")
    target = targets[0]
    if not isinstance(target, dict):
        raise ImportError_(f"{where}: its target must be an object.")
    selectors = target.get("selector")
    if selectors is None:
        return Skipped(REPLY if references else PAGE_NOTE)
    if not isinstance(selectors, list) or not all(isinstance(s, dict) for s in selectors):
        raise ImportError_(f"{where}: its target’s “selector” must be a list of objects.")
    kept = [s for s in selectors if s.get("type") in SELECTORS]
    if not kept:
        return Skipped(REPLY if references else NO_QUOTE)
    body = [{"type": "TextualBody", "value": note, "purpose": "commenting"}]
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]
    return {"id": address, "type": "Annotation", "motivation": "commenting",
            "created": item.get("created"), "modified": item.get("updated"),
            "body": body, "target": {"source": uri, "selector": kept}}
