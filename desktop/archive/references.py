"""The archive's works as references: citation keys and CSL-JSON items.

A reference item is made for each document that is not drawn from a source record
(the essay) and for every source record (the book, the minutes, the letter, …); the
minutes and the letter documents are cited as their source records. Each item holds
only what the archive knows: the essay names no place of publication and no publisher,
the letter has no date, the minutes' archive is "a Moscow archive", and so the items
have none either. :mod:`desktop.archive.bibfiles` writes them as BibTeX and RIS.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import Any

from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive, Document, Source

FORMATS = ("csl-json", "bibtex", "ris")

# Words a key never takes from a title (Better BibTeX's "skip words", in short).
_SKIP = frozenset(("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into",
                   "nor", "of", "on", "or", "over", "the", "to", "up", "via", "with", "yet"))

# The kind a source record gives, as a CSL type and, where it says more, a genre.
_KINDS: dict[str, tuple[str, str | None]] = {
    "book": ("book", None),
    "archival record": ("manuscript", None),
    "letter": ("manuscript", "letter"),
    "report": ("speech", "report"),  # a report to a party conference is a speech
}


@dataclass(frozen=True)
class Work:
    """One reference of the archive: a source record, or a document drawn from none."""

    key: str
    item: dict[str, Any]  # its CSL-JSON item
    source_id: str | None
    document_id: str | None


_cache: weakref.WeakKeyDictionary[Archive, list[Work]] = weakref.WeakKeyDictionary()


def works(archive: Archive) -> list[Work]:
    """Every reference of the archive with its key, the documents first, then the
    sources in the catalogue's order (read once per open archive)."""
    if archive not in _cache:
        _cache[archive] = _read_works(archive)
    return _cache[archive]


def citation_key(archive: Archive, *, source_id: str | None = None,
                 document_id: str | None = None) -> str:
    """Stable Better-BibTeX-style keys: the essay is ``pirani2008communists``; sources
    likewise from author/year/first significant title word; unique (suffix a, b…); the
    same across runs and rebuilds.

    A document drawn from a source record (the minutes, the letter) has its source's key.
    Without an author, the title's first significant word stands in its place
    (``minutes1922june``); words of the author's name are not taken from the title
    (``petrzhekletter``, not ``petrzhekvladimir``).
    """
    if document_id is not None and source_id is None:
        document = archive.document(document_id)
        if document is None:
            raise ArchiveError(f"The archive {archive.path} has no document “{document_id}”.")
        source_id = document.source_id
        if source_id is None:
            return _work(archive, lambda w: w.document_id == document_id).key
    return _work(archive, lambda w: w.source_id == source_id).key


def item_for(archive: Archive, *, source_id: str | None = None,
             document_id: str | None = None) -> dict[str, Any]:
    """The CSL-JSON item of a source, or of a document (its source's, if it has one)."""
    key = citation_key(archive, source_id=source_id, document_id=document_id)
    return next(w.item for w in works(archive) if w.key == key)


def csl_items(archive: Archive) -> list[dict[str, Any]]:
    """CSL-JSON: the essay and every source record; the minutes and the letter as
    archival items (manuscript); only what the archive knows — no invented place of
    publication, publisher or date."""
    return [dict(w.item) for w in works(archive)]


def bibliography(archive: Archive, fmt: str) -> str:
    """Every reference of the archive as a file of ``fmt``: "csl-json" | "bibtex" | "ris"."""
    from desktop.archive import bibfiles

    if fmt == "csl-json":
        return bibfiles.csl_json(csl_items(archive))
    if fmt == "bibtex":
        return bibfiles.bibtex(csl_items(archive))
    if fmt == "ris":
        return bibfiles.ris(csl_items(archive))
    raise ValueError(f"There is no bibliography format “{fmt}”; the formats are "
                     f"{', '.join(FORMATS)}.")


def _work(archive: Archive, wanted: Any) -> Work:
    found = next((w for w in works(archive) if wanted(w)), None)
    if found is None:
        raise ArchiveError(f"The archive {archive.path} has no such source or document.")
    return found


def _read_works(archive: Archive) -> list[Work]:
    drafts = [(_document_item(d), None, d.id) for d in archive.documents() if not d.source_id]
    drafts += [(_source_item(s), s.id, None) for s in archive.sources()]
    found: list[Work] = []
    taken: set[str] = set()
    for item, source_id, document_id in drafts:
        key = _unique(_key_of(item), taken)
        taken.add(key)
        found.append(Work(key, {"id": key, **item}, source_id, document_id))
    return found


def _unique(key: str, taken: set[str]) -> str:
    if key not in taken:
        return key
    suffix = "a"
    while key + suffix in taken:  # a…z, then aa, ab…: as Better BibTeX counts
        suffix = _next_suffix(suffix)
    return key + suffix


def _next_suffix(suffix: str) -> str:
    if suffix[-1] != "z":
        return suffix[:-1] + chr(ord(suffix[-1]) + 1)
    return (_next_suffix(suffix[:-1]) if suffix[:-1] else "a") + "a"


def _document_item(document: Document) -> dict[str, Any]:
    # The archive says what kind of writing a document is (an essay), not where it was
    # published: a CSL "article" with that genre, and no container.
    item: dict[str, Any] = {"type": "article", "genre": document.kind,
                            "title": document.title}
    item |= _author(document.author) | _issued(document.date)
    if document.description:
        item["abstract"] = document.description
    return item


def _source_item(source: Source) -> dict[str, Any]:
    csl_type, genre = _KINDS.get(source.kind, ("article", source.kind))
    item: dict[str, Any] = {"type": csl_type}
    if genre:
        item["genre"] = genre
    item["title"] = f"{source.title}: {source.subtitle}" if source.subtitle else source.title
    if source.subtitle:
        item["title-short"] = source.title
    item |= _author(source.author) | _issued(source.date or source.year)
    if source.publisher:
        item["publisher"] = source.publisher
    if source.archive:
        item["archive"] = source.archive
    if source.url:
        item["URL"] = source.url
    if source.description:
        item["abstract"] = source.description
    return item


def _author(name: str | None) -> dict[str, Any]:
    if not name:
        return {}
    words = name.split()
    # A person's name ends in a capitalised family name; a group's ("Workers Truth
    # group") does not, and is kept whole, as CSL keeps an organisation's name.
    if len(words) < 2 or not words[-1][:1].isupper():
        return {"author": [{"literal": name}]}
    return {"author": [{"family": words[-1], "given": " ".join(words[:-1])}]}


def _issued(date: str | None) -> dict[str, Any]:
    if not date:
        return {}
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if match is None:
        return {"issued": {"literal": date}}
    return {"issued": {"date-parts": [[int(part) for part in match.groups() if part]]}}


def _ascii_words(text: str) -> list[str]:
    # A possessive belongs to its word ("Petrzhek’s" is Petrzhek's, not two words).
    text = re.sub(r"['’]s\b", "", text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", folded)]


def _key_of(item: dict[str, Any]) -> str:
    authors = item.get("author") or []
    author = authors[0] if authors else {}
    name_words = _ascii_words(author.get("family") or author.get("literal") or "")
    all_name_words = set(_ascii_words(" ".join(str(v) for v in author.values())))
    title = [w for w in _ascii_words(str(item.get("title", "")))
             if w not in _SKIP and not w.isdigit() and w not in all_name_words]
    name = name_words[0] if name_words else (title.pop(0) if title else "anon")
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    year = str(issued[0]) if issued else ""
    return f"{name}{year}{title[0] if title else ''}"
