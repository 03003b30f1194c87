"""The archive's references written as files reference managers read: CSL-JSON (Zotero,
pandoc), BibTeX (with bibtexparser; biblatex's fields too, for pandoc and Better
BibTeX users) and RIS (with rispy; the fields Zotero's RIS import reads).

Each writer maps the CSL-JSON items of :mod:`desktop.archive.references` field by field
and adds nothing the items do not hold.
"""

from __future__ import annotations

import json
import re
from typing import Any

# CSL types as BibTeX entry types and RIS reference types. A generic article (the
# essay) has no journal, so it is @misc, not @article; the minutes and the letter are
# unpublished archival items.
_BIBTEX_TYPES = {"book": "book", "manuscript": "unpublished"}
_RIS_TYPES = {"book": "BOOK", "manuscript": "MANSCPT"}
# What LaTeX reads as markup; a backslash is escaped first, so that the others' are kept.
_LATEX = (("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("&", r"\&"),
          ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"), ("~", r"\textasciitilde{}"),
          ("^", r"\textasciicircum{}"))


def csl_json(items: list[dict[str, Any]]) -> str:
    """The items as a CSL-JSON file: an array of items, UTF-8, keys in a fixed order."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def bibtex(items: list[dict[str, Any]]) -> str:
    """The items as a BibTeX file (biblatex's ``date`` beside BibTeX's ``year`` and
    ``month``)."""
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    library = Library()
    for item in items:
        fields = [Field(name, value) for name, value in _bibtex_fields(item)]
        library.add(Entry(_BIBTEX_TYPES.get(item["type"], "misc"), item["id"], fields))
    return bibtexparser.write_string(library)


def _bibtex_fields(item: dict[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    names = [_bibtex_name(n) for n in item.get("author", [])]
    if names:
        fields.append(("author", " and ".join(names)))
    fields.append(("title", _protect(_latex(item["title"]))))
    parts = _date_parts(item)
    if parts:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p)
                                        for i, p in enumerate(parts))))
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:  # a number, as biblatex requires (pandoc reads it so too)
            fields.append(("month", str(parts[1])))
    for csl, field in (("publisher", "publisher"), ("genre", "type"), ("archive", "note"),
                       ("URL", "url"), ("abstract", "abstract")):
        if item.get(csl):
            fields.append((field, item[csl] if field == "url" else _latex(item[csl])))
    return fields  # bibtexparser puts each value in braces


def _bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + _latex(name["literal"]) + "}"  # braces keep an organisation whole
    return f"{_latex(name['family'])}, {_latex(name['given'])}"


def _protect(title: str) -> str:
    """Capitalised words after the first in braces, as Better BibTeX writes them: BibTeX
    styles and pandoc lower-case a title's other words ("june", "moscow") otherwise."""
    return re.sub(r"(?<= )([^\W\d_][\w’'-]*)",
                  lambda word: f"{{{word[1]}}}" if word[1][0].isupper() else word[1], title)


def _latex(text: str) -> str:
    for char, escaped in _LATEX:
        text = text.replace(char, escaped)
    return text


def ris(items: list[dict[str, Any]]) -> str:
    """The items as an RIS file, written by rispy."""
    import rispy

    class Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # no "1." line before each record: RIS readers need none

    return rispy.dumps([_ris_record(item) for item in items], implementation=Writer)


def _ris_record(item: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"type_of_reference": _RIS_TYPES.get(item["type"], "GEN"),
                              "id": item["id"]}
    names = [n.get("literal") or f"{n['family']}, {n['given']}" for n in item.get("author", [])]
    if names:
        record["authors"] = names
    record["title"] = item["title"]
    if item.get("title-short"):
        record["short_title"] = item["title-short"]
    parts = _date_parts(item)
    if parts:
        record["year"] = str(parts[0])
        record["date"] = "/".join([str(parts[0]), *(f"{p:02d}" for p in parts[1:])]
                                  + [""] * (4 - len(parts)))
    # DB is what Zotero reads as the archive holding an item (DP is its catalogue); M3
    # is the kind of work only where the type gives it one (on GEN it is read as a DOI).
    for csl, key in (("publisher", "publisher"), ("archive", "name_of_database"),
                     ("abstract", "abstract")):
        if item.get(csl):
            record[key] = item[csl]
    if item.get("genre") and record["type_of_reference"] != "GEN":
        record["type_of_work"] = item["genre"]
    if item.get("URL"):
        record["urls"] = [item["URL"]]
    return record


def _date_parts(item: dict[str, Any]) -> list[int]:
    issued = item.get("issued") or {}
    return list(issued.get("date-parts", [[]])[0])
