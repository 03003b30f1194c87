"""Export a person's marks as Markdown, W3C Web Annotation JSON-LD, or CSV.

Every format carries, for each highlight, its words, where they are (document,
section, ¶ and the passage's URI), the note, the tags, the colour and the dates;
for each link, both ends' words and places, the relation and the note; and for each
bookmark, its label and place. A highlight across passages is one mark whose words are
all its parts', in reading order, cited from its first part to its last. Markdown and
CSV cite each mark as the archive attributes its words, in a citation style (Markdown
also for pandoc). Files are written atomically.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import json
import os
import queue
import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast, overload

from desktop.archive.attribution import Attributions, attribute, attribute_passage
from desktop.archive.entities import Entity, Mention
from desktop.archive.places import lost
from desktop.archive.store import Archive, Passage
from desktop.archive.styles import STYLES, format_citation
from desktop.notes.anchoring import ORPHANED, Selector
from desktop.notes.boundary import at_boundary
from desktop.notes.errors import Cancelled as Cancelled
from desktop.notes.errors import NotesError
from desktop.notes.marks import ANCHORED, COLOUR_HEX, Bookmark, Highlight, Link
from desktop.notes.places import ORPHAN_ORDER, Located, locate, locate_links
from desktop.notes.store import Notes
from desktop.notes.visible import HIDDEN, visible
from desktop.paths import usual_file_mode
from desktop.tempfiles import remove_leftovers, temporary_beside

FORMATS = {"markdown": ".md", "json": ".json", "csv": ".csv"}
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CSV_COLUMNS = ("kind", "id", "document", "section", "paragraph", "quote", "note", "tags",
               "colour", "label", "state", "created", "modified", "uri", "citation",
               # Added later, at the end, so that readers of the first columns read on:
               # where a highlight across passages ends, and a link's relation and second end.
               "last_paragraph", "last_uri", "relation", "other_document", "other_section",
               "other_paragraph", "other_quote", "other_uri", "other_citation")
# Spreadsheets run a cell that starts with one of these as a formula (OWASP's list),
# and skip blanks and invisible characters before it; full-width and small forms
# (＝, ﹢) are read as the ASCII ones, so cells are compared in their NFKC form.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SKIPPED_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf")
# What ends an Obsidian tag: blanks, ASCII punctuation but "-", "_" and "/", and general
# punctuation (U+2000-206F, U+2E00-2E7F). Obsidian's own pattern; a tag of digits alone
# is no tag to it.
_TAG_STOP = r"\s!-,.:-@\[-^`{-~\u2000-\u206f\u2e00-\u2e7f"
# What a backslash must make literal anywhere in a line, so that a person's words render
# as written in CommonMark and in Obsidian: CommonMark's inline markup, GFM's tables and
# strike-through, and $maths$ ...
_MD_INLINE = re.compile(r"[\\`*_\[\]<>&|~$]")
# ... and what Obsidian and pandoc add, each escaped only where it could form: a note may
# say "50%", "a = b", "issue #12" or "me@example.org" as it likes, but not "%%", "==",
# "#word", "@word" or a "^id" that ends a line. (Each branch starts with its sign, which
# keeps the search quick.)
_MD_IN_CONTEXT = re.compile(
    _MD_INLINE.pattern
    # A tag, "#word": escaped wherever it stands, for Obsidian also starts one right after
    # markup or an escaped character, and a backslash too many is harmless.
    + r"|#(?=[0-9]*[^0-9" + _TAG_STOP + r"])"
    + r"|%(?:(?=%)|(?<=%%))"  # %%comments%%: every % of a run of two or more
    + r"|=(?:(?==)|(?<===))"  # ==highlights==: likewise
    + r"|\^(?=[\w-]+[ \t]*$)"  # a block id, ^id, at the end of a line
    # A citation, "@key" or "@{key}", to pandoc: not after a letter or digit (an address).
    + r"|(?<![^\W_])@(?=[\w{])"
)
_NOT_IN_TAG = re.compile("[" + _TAG_STOP + "]+")
# What starts a block only at the start of a line: headings, quotes (and so Obsidian's
# callouts, "> [!note]"), lists, rules, setext underlines, numbered lists ("1." or "1)").
_MD_LINE_START = re.compile(r"^([#>+=-])|^(\d+)([.)])")
# Whatever md_escape() changes: the signs above, anywhere or at the start of a line,
# spaces that start a line, and what visible() names.
_MD_ANYTHING = re.compile(
    f"[{_MD_INLINE.pattern[1:-1]}#%=^@{HIDDEN.pattern[1:-1]}]" + r"|^[ \t+-]|^\d+[.)]",
    re.MULTILINE)
# The same, asked in three parts, for most texts are one line: the signs alone (a
# class of characters, which the search skips through at once), then the start of the
# text; only a text of several lines is searched for every line's start.
_MD_SIGNS = re.compile(f"[{_MD_INLINE.pattern[1:-1]}#%=^@{HIDDEN.pattern[1:-1]}]")
_MD_START = re.compile(r"[ \t+-]|\d+[.)]")

Progress = Callable[[int, int], bool]  # (done, total) -> carry on?


@dataclass(frozen=True)
class Selection:
    """Which marks to export; empty fields mean all."""

    document: str = ""
    tag: str = ""
    colour: str = ""


@dataclass(frozen=True)
class Where:
    """Where a link's second end stands: its passage (None when no longer found), the
    title of its document, its section, and the words' start and end in the passage."""

    passage: Passage | None
    document_title: str
    section: str
    span: tuple[int, int] | None = None


@dataclass
class Mark:
    """A highlight, link or bookmark with where it stands, ready for any format. For a
    link, ``passage``, ``document_title`` and ``section`` are its first end's, and
    ``other`` its second's."""

    kind: str  # "highlight", "link" or "bookmark"
    highlight: Highlight | None
    bookmark: Bookmark | None
    passage: Passage | None
    order: int
    document_title: str
    section: str
    link: Link | None = None
    # Where a highlight across passages ends, when that is another passage.
    last: Passage | None = None
    # The words cited: their start in ``passage`` and end in ``last`` (or ``passage``).
    span: tuple[int, int] | None = None
    other: Where | None = None

    @property
    def id(self) -> str:
        item = self.highlight or self.link or self.bookmark
        assert item is not None
        return item.id


# Highlights first, then links, then bookmarks: the order of the Markdown's sections.
_KINDS = ("highlight", "link", "bookmark")


# A highlight of one part, as the writers take it: a plain tuple of these fields, made
# for each of 100,000 highlights as it is written (a record of each, and all of them
# in memory, would cost ten times the time and hundreds of megabytes).
#   id, document_id, title (its document's), section (its heading), passage (None: not
#   found), uri, start, end, exact, prefix, suffix, colour, note, tags (in order), state,
#   created, modified, order (its place in reading order, as Mark.order)
Plain = tuple[str, str, str, str, Passage | None, str, int, int, str, str, str, str, str,
              tuple[str, ...], str, str, str, int]


class Marks(Sequence[Mark]):
    """The marks an export writes: highlights, then links, then bookmarks, each in
    reading order (orphans last), as :func:`collect` selects them.

    Highlights of one part, nearly all of them, are read from the notes as they are
    written (:meth:`items` gives them as :data:`Plain` tuples), in one query that SQLite
    sorts; the few others (highlights of several parts, links, bookmarks) are read at
    once, as marks. How many there are is counted at once too: should the notes change
    before the export is written, it stops rather than write a number that is not so.
    Iterating gives every one as a :class:`Mark`, as a list of them would."""

    def __init__(self, notes: Notes, archive: Archive, selection: Selection) -> None:
        self._notes, self._archive = notes, archive
        archive_id = archive.archive_id
        across = notes.highlights_across(archive_id)
        bookmarks = notes.bookmarks(archive_id)
        links = notes.links(archive_id)
        tags: set[str] | None = None
        if selection.document:
            across = [h for h in across if h.document_id == selection.document]
            bookmarks = [b for b in bookmarks if b.document_id == selection.document]
            links = [link for link in links
                     if selection.document in (link.first.document_id, link.second.document_id)]
        if selection.tag:
            wanted = selection.tag.lstrip("#").casefold()
            tags = {t for t in notes.tags_of_highlights(archive_id) if t.casefold() == wanted}
            across = [h for h in across if wanted in {t.casefold() for t in h.tags}]
            bookmarks, links = [], []
        if selection.colour:
            across = [h for h in across if h.colour == selection.colour]
            bookmarks, links = [], []
        self._filters = {"document": selection.document, "colour": selection.colour,
                         "tags": tags}
        self._count = notes.count_plain_highlights(archive_id, **self._filters)
        # Where the highlights of one part may stand: every passage that one names.
        places = archive.places(notes.uris_of_highlights(archive_id)) if self._count else {}
        self._passages = {uri: passage for uri, (_n, passage) in places.items()}
        self._positions = {uri: number * 100_000 for uri, (number, _p) in places.items()}
        self._titles = _Titles(archive)
        self._others = self._marks(across, bookmarks, links)
        self._sections = {uri: self._headings.get(passage.section_id or "", "")
                          for uri, passage in self._passages.items()}

    def _marks(self, across: list[Highlight], bookmarks: list[Bookmark],
               links: list[Link]) -> list[Mark]:
        """The marks that are not highlights of one part, in order, as marks; and the
        headings of the sections any mark stands in (``self._headings``)."""
        archive = self._archive
        located = locate(archive, across, bookmarks)
        ends = locate_links(archive, links)
        spots = [*located.values(), *(spot for pair in ends.values() for spot in pair)]
        passages = [spot.passage for spot in spots if spot.passage]
        passages += self._passages.values()
        self._headings = {k: v or "Opening" for k, v in archive.headings(
            {p.section_id for p in passages if p.section_id}).items()}

        def section(spot: Located) -> str:
            return self._headings.get(spot.passage.section_id or "", "") if spot.passage \
                else ""

        marks = []
        for item in [*across, *bookmarks]:
            spot = located[item.id]
            marks.append(Mark(
                "highlight" if isinstance(item, Highlight) else "bookmark",
                item if isinstance(item, Highlight) else None,
                item if isinstance(item, Bookmark) else None,
                spot.passage, spot.order, spot.title, section(spot), last=spot.last,
                span=spot.span))
        for link in links:
            first, second = ends[link.id]
            marks.append(Mark("link", None, None, first.passage, first.order, first.title,
                              section(first), link=link, span=first.span,
                              other=Where(second.passage, second.title, section(second),
                                          second.span)))
        marks.sort(key=lambda m: (_KINDS.index(m.kind), m.order, m.id))
        return marks

    def __len__(self) -> int:
        return self._count + len(self._others)

    @overload
    def __getitem__(self, index: int) -> Mark: ...

    @overload
    def __getitem__(self, index: slice) -> list[Mark]: ...

    def __getitem__(self, index: int | slice) -> Mark | list[Mark]:
        return list(self)[index]

    def __iter__(self) -> Iterator[Mark]:
        for page in self.pages():
            yield from (item if isinstance(item, Mark) else self._mark(item) for item in page)

    def pages(self, unread: Collection[str] = ()) -> Iterator[list[Plain | Mark]]:
        """Every mark in order, a page at a time: a highlight of one part as a
        :data:`Plain` tuple, any other as a :class:`Mark`. Its fields ``unread`` (of
        prefix, suffix, created and modified: what a format does not write) are empty."""
        across = [m for m in self._others if m.kind == "highlight"]
        plain = self._plain(unread) if self._count else iter(())
        yield from _merged(plain, across) if across else plain
        others = [m for m in self._others if m.kind != "highlight"]
        if others:
            yield others

    def _plain(self, unread: Collection[str]) -> Iterator[list[Plain]]:
        pages, tagged = self._notes.plain_highlights(
            self._archive.archive_id, self._positions, **self._filters, unread=unread)
        passages, positions, sections = self._passages, self._positions, self._sections
        titles, in_order, tags_of = self._titles, _InOrder(), tagged.get
        count = 0
        for page in pages:
            yield [(i, document, titles[document],
                    sections[uri] if (passage := passages.get(uri) if state != ORPHANED
                                      else None) else "",
                    passage, uri, start, end, exact, prefix, suffix, colour, note,
                    in_order[tags_of(i)], state, created, modified,
                    positions[uri] + start if passage else ORPHAN_ORDER)
                   for i, document, uri, start, end, exact, prefix, suffix, colour, note,
                   state, created, modified in page]
            count += len(page)
        if count != self._count:
            raise NotesError("Your notes changed while they were being exported, so "
                             "nothing was written; export them again.")

    def _mark(self, plain: Plain) -> Mark:
        i, document, title, section, passage, uri, start, end, exact, prefix, suffix, \
            colour, note, tags, state, created, modified, order = plain
        highlight = Highlight(i, self._archive.archive_id, document,
                              Selector(uri, start, end, exact, prefix, suffix), colour, note,
                              tags, state, created, modified)
        return Mark("highlight", highlight, None, passage, order, title, section,
                    span=(start, end) if passage else None)

    def tags(self) -> list[str]:
        """The highlights' tags, each once, as :func:`front_matter` takes them: in the
        order they are met, when it matters (two tags that differ only in case, as
        written or as tag names, of which the first met is shown)."""
        found = self._notes.tags_of_highlights(self._archive.archive_id, **self._filters)
        if not _differ_in_case_only(found):
            return found
        return list(dict.fromkeys(t for page in self.pages(_OPTIONAL) for item in page
                                  for t in _tags_of(item)))


_OPTIONAL = ("prefix", "suffix", "created", "modified")  # what a page may leave unread


def _tags_of(item: Plain | Mark) -> tuple[str, ...]:
    if isinstance(item, Mark):
        return item.highlight.tags if item.highlight else ()
    return item[13]


def _differ_in_case_only(tags: list[str]) -> bool:
    """Whether two tags, or their forms in the front matter, differ only in case."""
    return any(len(set(forms)) != len({f.casefold() for f in forms}) for forms in (
        tags, [visible(t) for t in tags], [md_escape(t) for t in tags],
        [_tag_name(t) for t in tags]))


def _merged(plain: Iterator[list[Plain]],
            across: list[Mark]) -> Iterator[list[Plain | Mark]]:
    """Highlights of one part and of several, both in order, in one order."""
    pending = iter(across)
    after = next(pending, None)
    for page in plain:
        merged: list[Plain | Mark] = []
        for item in page:
            while after is not None and (after.order, after.id) < (item[17], item[0]):
                merged.append(after)
                after = next(pending, None)
            merged.append(item)
        yield merged
    if after is not None:
        yield [after, *pending]


class _Titles(dict[str, str]):
    """The titles of an archive's documents, each looked up when first asked for (an id
    that names no document is its own title)."""

    def __init__(self, archive: Archive) -> None:
        super().__init__()
        self._archive = archive

    def __missing__(self, document_id: str) -> str:
        title = self[document_id] = self._archive.titles({document_id}).get(document_id,
                                                                             document_id)
        return title


class _InOrder(dict[str | None, tuple[str, ...]]):
    """Tags as the notes give them (joined by U+001F, or None), as a highlight has them:
    sorted, each set once (a person uses a few)."""

    def __missing__(self, joined: str | None) -> tuple[str, ...]:
        tags = self[joined] = () if joined is None else \
            tuple(sorted(joined.split("\x1f"), key=str.casefold))
        return tags


@at_boundary
def collect(notes: Notes, archive: Archive, selection: Selection = Selection()) -> Marks:
    """The marks of this archive that the selection keeps, highlights, then links, then
    bookmarks, each in reading order (orphans last). A link is kept by a document when
    either end is in it, and never by a tag or a colour, which links do not have. The
    highlights are read from the notes as the export is written (see :class:`Marks`)."""
    return Marks(notes, archive, selection)


def _pages(marks: Sequence[Mark], unread: Collection[str] = ()) -> Iterable[list[Plain | Mark]]:
    """The marks to write, in order, a page at a time, a highlight of one part as a
    :data:`Plain` tuple: from :func:`collect`, as they are read (without the fields
    ``unread``); from a list of marks, by kind."""
    if isinstance(marks, Marks):
        return marks.pages(unread)
    return [[_plain(m) if m.highlight is not None and not m.highlight.more else m
             for m in sorted(marks, key=lambda m: _KINDS.index(m.kind))]]


def _plain(mark: Mark) -> Plain:
    h = mark.highlight
    assert h is not None
    s = h.selector
    return (h.id, h.document_id, mark.document_title, mark.section, mark.passage, s.uri,
            s.start, s.end, s.exact, s.prefix, s.suffix, h.colour, h.note, h.tags, h.state,
            h.created, h.modified, mark.order)


def _check(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and not progress(done, total):
        raise Cancelled


# -- Citations ------------------------------------------------------------------------

# How an export cites: in the words of a style, or for pandoc's citeproc to render.
CITATIONS = ("text", "pandoc")


def _citation(archive: Archive, mark: Mark, style: str = "chicago", fmt: str = "text", *,
              reading: Archive | None = None, other: bool = False) -> str:
    """The citation of a placed mark, of a highlight's words (from its first part to its
    last), a link's first end's (with ``other``, its second's) or a bookmark's passage,
    in ``style`` and ``fmt`` (``text``, or ``pandoc``: ``[@pirani2008communists, ¶ 8]``).

    Every format asks here and nowhere else. Whose words they are (the essay's own, or a
    source's quoted in it, cited as quoted in the essay) is the archive's one decision,
    :func:`desktop.archive.attribution.attribute`; how they are cited, its styles'.
    ``reading``: the archive as attribution reads it, when an export remembers its
    answers (:class:`_Remembering`).
    """
    first, last, span = mark.passage, mark.last or mark.passage, mark.span
    if other:
        assert mark.other is not None
        first = last = mark.other.passage
        span = mark.other.span
    assert first is not None and last is not None
    asked = reading or archive
    attribution = attribute(asked, first, span[0], last, span[1]) if span is not None \
        else attribute_passage(asked, first)
    return format_citation(archive, attribution, style, fmt)


class _Remembering:
    """An archive whose answers to the questions attribution asks (a passage's excerpts
    and quotations, a document's passages) are kept for one export: 100,000 highlights
    ask the same few hundred questions, and the archive does not change while it runs.
    Anything else is asked of the archive itself."""

    _KEPT = frozenset({"excerpts", "quotations", "passages", "passage", "document"})

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._answers: dict[Hashable, object] = {}

    def __getattr__(self, name: str) -> object:
        found = getattr(self._archive, name)
        if name not in self._KEPT:
            return found
        answers = self._answers

        def remembered(*args: Hashable, **kwargs: Hashable) -> object:
            key = (name, args, *kwargs.items())
            if key not in answers:
                answers[key] = found(*args, **kwargs)
            return answers[key]
        setattr(self, name, remembered)  # found here from now on, without __getattr__
        return remembered


class _Citing:
    """The citations of one export, in one style and form: ``cite(mark)``, and
    ``cite(mark, other=True)`` for a link's second end; :meth:`words` for a highlight
    of one part. The citation of each kind of words (whose, and where: see
    :class:`~desktop.archive.attribution.Attributions`) is worked out once."""

    def __init__(self, archive: Archive, style: str = "chicago", fmt: str = "text") -> None:
        self._archive, self._style, self._fmt = archive, style, fmt
        self._reading = cast(Archive, _Remembering(archive))
        self._keys = Attributions(self._reading)
        self._cited: dict[Hashable, str] = {}

    def __call__(self, mark: Mark, other: bool = False) -> str:
        return _citation(self._archive, mark, self._style, self._fmt, reading=self._reading,
                         other=other)

    def words(self, passage: Passage, start: int, end: int) -> str:
        """The citation of the words from ``start`` to ``end`` of ``passage``."""
        key = self._keys.key(passage, start, passage, end)
        cited = self._cited.get(key)
        if cited is None:  # the first words of their kind: cited as every mark is
            words = Mark("highlight", None, None, passage, 0, "", "", span=(start, end))
            cited = self._cited[key] = self(words)
        return cited


# -- Markdown -----------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text that CommonMark and Obsidian render as itself, whatever it holds, and in
    which pandoc finds no citation."""
    if not (_MD_SIGNS.search(text) or _MD_START.match(text)
            or ("\n" in text and _MD_ANYTHING.search(text))):
        return text  # most words and notes: nothing below would change them
    lines = []
    for line in text.split("\n"):
        # Control characters, and the ones that reorder text on screen, are shown by
        # name: an export must read as what was written.
        line = visible(line.rstrip("\r"))
        body = line.lstrip(" \t")
        # Leading spaces would start a code block: keep them, as inert entities.
        indent = "&#32;" * (len(line) - len(body))
        # Most lines hold none of these signs, and the shorter pattern is quicker.
        context = "#" in body or "%" in body or "=" in body or "^" in body or "@" in body
        body = (_MD_IN_CONTEXT if context else _MD_INLINE).sub(r"\\\g<0>", body)
        body = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1)
                                  else f"{m.group(2)}\\{m.group(3)}", body)
        lines.append(indent + body)
    return "\n".join(lines)


# Quotation marks a passage may open with, and the mark that closes each.
_CLOSING_QUOTE = {"“": "”", "„": "“", "«": "»", '"': '"'}


def opening_words(text: str, limit: int = 40) -> str:
    """The first words of a passage, quoted, to name a bookmark that has no label: cut
    after a whole word, with an ellipsis, when there are more than ``limit`` characters.

    One pair of quotation marks stands around them: a passage that opens with a
    quotation loses that quotation's own marks, and a quotation inside it is
    single-quoted, as a quotation within a quotation is.
    """
    words = " ".join(text.split())
    closing = _CLOSING_QUOTE.get(words[:1])
    if closing is not None:
        words = words[1:]
        at = words.find(closing)
        if at >= 0:
            words = words[:at] + words[at + 1:]
    words = words.replace("“", "‘").replace("”", "’")
    if len(words) > limit:
        space = words.rfind(" ", 0, limit + 1)
        words = (words[:space] if space > 0 else words[:limit]).rstrip(" ,;:–—-") + "…"
    return f"“{words}”"


def md_tag(tag: str) -> str:
    """A tag as notes apps write one: #word, with a hyphen for each run of spaces or
    punctuation that would end it (Obsidian's rule), so that all of it is the tag."""
    return "#" + _tag_name(tag)


def _tag_name(tag: str) -> str:
    return _NOT_IN_TAG.sub("-", tag).strip("-") or "tag"


def _md_note(note: str) -> list[str]:
    """A note as Markdown paragraphs, each line kept with a hard break."""
    note = note.strip()
    if "\n" not in note:
        return [md_escape(note)]  # a note of one line, as most are
    out = []
    for paragraph in re.split(r"\n\s*\n", note):
        lines = [md_escape(line) for line in paragraph.split("\n")]
        out.append("\\\n".join(lines))
    return out


def front_matter(title: str, archive_id: str, when: datetime, tags: Iterable[str], *,
                 markdown: bool = False) -> str:
    """The YAML block that opens the Markdown export, for Obsidian (its properties),
    pandoc (its metadata) and the Zotero-to-Obsidian templates that read both: the title,
    the archive's id, when it was exported (ISO 8601, UTC), ``tags`` as Obsidian names
    them (as in the text's ``#tags``) and ``keywords``, the same tags as they were
    written. Every string is double-quoted, so that whatever it holds (a ":", quotes,
    "#", "yes", "1922") every YAML reader reads back the same string; control and
    text-reordering characters are shown by name, as in the text.

    ``markdown``: the title and keywords escaped as the text is, for pandoc, which reads
    them as Markdown (a keyword "@at" would be a citation to it)."""
    shown = md_escape if markdown else visible
    tags = list(dict.fromkeys(tags))  # each once before any work: 100,000 marks share a few
    written, names = _once(shown(t) for t in tags), _once(_tag_name(t) for t in tags)
    stamp = when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    lines = ["---", f"title: {_yaml_string(shown(title))}",
             f"archive: {_yaml_string(visible(archive_id))}", f"exported: {stamp}"]
    for key, values in (("tags", names), ("keywords", written)):
        lines += [f"{key}:", *(f"  - {_yaml_string(v)}" for v in values)] if values \
            else [f"{key}: []"]
    return "\n".join([*lines, "---", ""])


def _once(values: Iterable[str]) -> list[str]:
    """Each value once, as first met (case aside, as Obsidian's tags), in alphabetical order."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return sorted(seen.values(), key=str.casefold)


def _yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: a backslash before ``"`` and ``\\``, and
    what is not printable (line breaks, tabs, invisible characters) as its code."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def to_markdown(marks: Sequence[Mark], archive: Archive, when: datetime,
                progress: Progress | None = None, *, style: str = "chicago",
                citations: str = "text") -> Iterator[str]:
    """Each highlight's words are a quotation (a highlight across passages quotes each
    part as a paragraph of one quotation), its citation a line of its own below ("— …"),
    or, for pandoc, a citation that ends the quotation, as in a manuscript. A link quotes
    both ends so, the relation between them."""
    title = f"Annotations: {archive.meta.get('title') or archive.archive_id}"
    pandoc = citations == "pandoc"
    cite = _Citing(archive, style, citations)
    naming = _Naming(archive)
    tags = marks.tags() if isinstance(marks, Marks) else \
        (t for m in marks if m.highlight for t in m.highlight.tags)
    yield front_matter(title, archive.archive_id, when, tags, markdown=pandoc)
    yield (f"\n# {md_escape(title)}\n\n"
           f"Exported from Archive Browser on {when.day} {when:%B %Y at %H:%M} UTC.\n\n")
    total = len(marks)
    document: str | None = None
    section: str | None = None
    kind = "highlight"
    shown: dict[str, str] = {}  # each citation as its line of Markdown, made once
    details: dict[tuple[tuple[str, ...], str, str], str] = {}  # and each line of details
    done = 0
    for page in _pages(marks, unread=("prefix", "suffix", "created", "modified")):
        out = []
        for item in page:
            done += 1
            if progress is not None:
                _check(progress, done, total)
            if type(item) is tuple:
                _i, _d, named, heading, passage, _u, start, end, exact, _p, _s, colour, \
                    note, tags, state, _c, _m, _o = item
                quote = "> " + md_escape(exact).replace("\n", "\n> ")
            elif item.kind == "highlight":
                h = item.highlight
                assert h is not None
                named, heading, passage, colour, note, tags, state = (
                    item.document_title, item.section, item.passage, h.colour, h.note,
                    h.tags, h.state)
                quote = "\n>\n".join("> " + md_escape(part.selector.exact).replace(
                    "\n", "\n> ") for part in h.parts)
            else:
                if item.kind != kind:
                    kind = item.kind
                    out.append("## Links\n\n" if kind == "link" else "## Bookmarks\n\n")
                out.append("\n".join(_md_link(item, cite, pandoc)) + "\n" if kind == "link"
                           else _md_bookmark(item, cite, pandoc))
                continue
            if named != document:
                document, section = named, None
                # A mark imported from elsewhere may name no document of this archive.
                out.append(f"## {md_escape(document or 'Not found in this archive')}\n\n")
            heading = heading if passage else \
                "Not found in this version of the archive" if document else None
            if heading and heading != section:
                section = heading
                out.append(f"### {md_escape(section)}\n\n")
            out.append(quote)
            if passage is None:  # where the words were, in place of a citation
                if document:
                    out.append(f"\n\n— {md_escape(document)}")
            else:
                cited = cite.words(passage, start, end) if type(item) is tuple \
                    else cite(item)
                line = shown.get(cited)
                if line is None:  # markup for pandoc to read is not escaped
                    line = shown[cited] = f" {cited}" if pandoc else \
                        f"\n\n— {md_escape(cited)}"
                out.append(line)
            out.append("\n\n")
            if stripped := note.strip():
                if "\n" not in stripped:  # a note of one line, as most are
                    out.append(md_escape(stripped) + "\n\n")
                else:
                    out += [f"{paragraph}\n\n" for paragraph in _md_note(stripped)]
            if passage is None:
                entities: list[Entity] = []
            elif type(item) is tuple:
                entities = naming.span(passage.id, start, end) if state == ANCHORED else []
            else:
                assert item.highlight is not None
                entities = naming(item.highlight)
            if entities:
                out.append("Names: " + ", ".join(f"{md_escape(e.name)} ({e.kind})"
                                                 for e in entities) + "\n\n")
            said = details.get((tags, colour, state))
            if said is None:
                said = details[tags, colour, state] = _md_details(tags, colour, state)
            out.append(said)
        yield "".join(out)
    if kind == "bookmark":
        yield "\n"


class _Naming:
    """The people, places, organisations and events a highlight's words name, each once,
    in the order they stand (none in parts no longer found). An export names them for
    thousands of highlights, most of them on the same passages: each passage's mentions
    and each entity are read once."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._mentions: dict[str, list[Mention]] = {}
        self._entities: dict[str, Entity | None] = {}

    def __call__(self, highlight: Highlight) -> list[Entity]:
        named: dict[str, Entity] = {}
        for part in highlight.parts:
            if part.state != ANCHORED:
                continue
            where = part.selector
            passage = self._archive.passage_by_uri(where.uri)
            if passage is not None:
                for entity in self.span(passage.id, where.start, where.end):
                    named.setdefault(entity.id, entity)
        return list(named.values())

    def span(self, passage_id: str, start: int, end: int) -> list[Entity]:
        """What the words from ``start`` to ``end`` of a passage name."""
        if passage_id not in self._mentions:
            self._mentions[passage_id] = self._archive.mentions_in(passage_id)
        named: dict[str, Entity] = {}
        for mention in self._mentions[passage_id]:
            if mention.start < end and mention.end > start:
                entity = self._entity(mention.entity_id)
                if entity is not None:
                    named.setdefault(entity.id, entity)
        return list(named.values())

    def _entity(self, entity_id: str) -> Entity | None:
        if entity_id not in self._entities:
            self._entities[entity_id] = self._archive.entity(entity_id)
        return self._entities[entity_id]


def _md_details(tags: tuple[str, ...], colour: str, state: str) -> str:
    """The line under a highlight that gives its tags, colour and state, and its rule."""
    details = []
    if tags:
        details.append("Tags: " + " ".join(md_tag(t) for t in tags))
    details.append(f"Colour: {colour}")
    if state != "anchored":
        details.append(f"State: {state}")
    return "; ".join(details) + "\n\n---\n\n"


def _md_bookmark(mark: Mark, cite: Callable[..., str], pandoc: bool) -> str:
    b = mark.bookmark
    assert b is not None
    if mark.passage is None:
        where = md_escape(lost(mark.document_title))
    else:
        where = cite(mark) if pandoc else md_escape(cite(mark))
    label = md_escape(b.label or opening_words(b.exact))
    return f"- {label}: {where}\n"


def _md_quoted(texts: list[str], mark: Mark, cite: Callable[..., str], pandoc: bool, *,
               other: bool = False, say_lost: bool = False) -> list[str]:
    """Words as one quotation, each of ``texts`` (a highlight's parts) a paragraph of it,
    then the citation (of a link's second end, with ``other``); where the words are no
    longer found, their document instead, and with ``say_lost`` that they are not found
    (a mark imported from elsewhere names no document here: nothing, or only that)."""
    quote: list[str] = []
    for text in texts:
        # Every line of the words in the quote: a line without "> " would be read as
        # the quote's lazy continuation, or (after a blank one) as text of its own.
        quote += [">"] if quote else []
        quote += [f"> {line}" for line in md_escape(text).split("\n")]
    where = mark.other if other else mark
    assert where is not None
    if where.passage is None:
        place = lost(where.document_title) if say_lost else where.document_title
        return [*quote, "", f"— {md_escape(place)}", ""] if place else [*quote, ""]
    if pandoc:
        quote[-1] += f" {cite(mark, other=other)}"  # markup for pandoc to read: not escaped
        return [*quote, ""]
    return [*quote, "", f"— {md_escape(cite(mark, other=other))}", ""]


def _md_link(mark: Mark, cite: Callable[..., str], pandoc: bool) -> list[str]:
    """A link: the first end's words and citation, the relation, the second end's, the
    note."""
    link = mark.link
    assert link is not None
    # A link's section has no heading for ends no longer found: each end says so.
    out = _md_quoted([link.first.selector.exact], mark, cite, pandoc, say_lost=True)
    out += [f"*{md_escape(link.relation)}*", ""]
    out += _md_quoted([link.second.selector.exact], mark, cite, pandoc, other=True,
                      say_lost=True)
    for paragraph in _md_note(link.note) if link.note.strip() else []:
        out += [paragraph, ""]
    if link.state != "anchored":
        out += [f"State: {link.state}", ""]
    return [*out, "---", ""]


# -- W3C Web Annotation JSON-LD ---------------------------------------------------------


def _style_class(colour: str) -> str:
    return f"archive-browser-{colour}"


def _target(selector: Selector, colour: str | None = None) -> dict[str, object]:
    """Words of a passage as a W3C target: the passage's URI, its quote and position."""
    target: dict[str, object] = {"source": selector.uri}
    if colour is not None:
        target["styleClass"] = _style_class(colour)
    target["selector"] = [
        {"type": "TextQuoteSelector", "exact": selector.exact, "prefix": selector.prefix,
         "suffix": selector.suffix},
        {"type": "TextPositionSelector", "start": selector.start, "end": selector.end},
    ]
    return target


def _link_annotation(link: Link) -> dict[str, object]:
    """A link as one annotation whose motivation is ``linking`` and whose two targets are
    its ends, in order (first, then second: "first *relation* second").

    The relation is a TextualBody whose purpose is ``classifying``: the model's word for
    a body that says what kind of thing the annotation is, which a relation between two
    passages is (it supports, contradicts, tells the same event, or is worth seeing
    too). ``tagging`` would make it one of the person's tags to every tool that reads
    tags, as this application's import and Hypothesis's do; the relation is no tag. The
    note is a ``commenting`` body, as a highlight's is."""
    bodies: list[dict[str, object]] = [
        {"type": "TextualBody", "value": link.relation, "purpose": "classifying"}]
    if link.note:
        bodies.append({"type": "TextualBody", "value": link.note, "format": "text/plain",
                       "purpose": "commenting"})
    return {"@context": CONTEXT, "id": f"urn:uuid:{link.id}", "type": "Annotation",
            "motivation": "linking", "created": link.created, "modified": link.modified,
            "body": bodies, "target": [_target(end.selector) for end in link.ends]}


def annotation(mark: Mark) -> dict[str, object]:
    """One mark as a W3C Web Annotation. A highlight across passages is one annotation
    whose target is a list, a target for each part in reading order. The model reads
    several targets as annotated alike, in no order of its own: the order is the file's
    (a JSON list keeps it), which this application's import reads back. The model's
    ``List`` resource would say "together, in this order" in RDF too, but the schemas of
    the W3C's own test suite refuse it as a target."""
    if mark.link is not None:
        return _link_annotation(mark.link)
    if mark.highlight is not None:
        h = mark.highlight
        bodies: list[dict[str, object]] = []
        if h.note:
            bodies.append({"type": "TextualBody", "value": h.note, "format": "text/plain",
                           "purpose": "commenting"})
        bodies += [{"type": "TextualBody", "value": t, "purpose": "tagging"} for t in h.tags]
        motivation = "commenting" if h.note else "tagging" if h.tags else "highlighting"
        item: dict[str, object] = {
            "@context": CONTEXT, "id": f"urn:uuid:{h.id}", "type": "Annotation",
            "motivation": motivation, "created": h.created, "modified": h.modified,
        }
        if bodies:
            item["body"] = bodies if len(bodies) > 1 else bodies[0]
        # The colour travels as the model's own styling: a CSS class on the target.
        item["stylesheet"] = {"type": "CssStylesheet",
                              "value": f".{_style_class(h.colour)} {{ background-color: "
                                       f"{COLOUR_HEX[h.colour]}; }}"}
        item["target"] = [_target(part.selector, h.colour) for part in h.parts] if h.more \
            else _target(h.selector, h.colour)
        return item
    b = mark.bookmark
    assert b is not None
    item = {"@context": CONTEXT, "id": f"urn:uuid:{b.id}", "type": "Annotation",
            "motivation": "bookmarking", "created": b.created, "modified": b.modified,
            "target": {"source": b.uri, "selector": {"type": "TextQuoteSelector",
                                                     "exact": b.exact}}}
    if b.label:
        item["body"] = {"type": "TextualBody", "value": b.label, "purpose": "describing"}
    return item


def to_json(marks: Sequence[Mark], archive: Archive, when: datetime,
            progress: Progress | None = None, *, style: str = "chicago",
            citations: str = "text") -> Iterator[str]:
    """The collection, written one annotation per line: compact, and easy to compare.
    (The Web Annotation model has no place for a citation: ``style`` and ``citations``
    change nothing.)"""
    total = len(marks)
    head = json.dumps({
        "@context": CONTEXT, "type": "AnnotationCollection",
        "label": f"Annotations on {archive.meta.get('title') or archive.archive_id}",
        "generator": {"type": "Software", "name": "Archive Browser"},
        "generated": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "total": total,
    }, ensure_ascii=False)
    yield head[:-1] + ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": [\n'
    tagged: dict[tuple[str, ...], str] = {}
    sources: dict[str, str] = {}
    done = 0
    for page in _pages(marks):
        out = []
        for item in page:
            done += 1
            if progress is not None:
                _check(progress, done, total)
            if type(item) is tuple:
                out.append(_json_plain(item, tagged, sources))
            else:
                out.append(json.dumps(annotation(item), ensure_ascii=False,
                                      separators=(",", ":")))
        if out:  # one annotation a line, a comma after each but the last
            yield ",\n".join(out) + (",\n" if done < total else "\n")
    yield "]}}\n"


# A highlight of one part as annotation() makes it, written as json.dumps() writes that,
# without the dictionaries: each string through json's own encoder, and what every
# highlight of a colour, or with a set of tags, shares written once.
_JSON_STRING = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False
_JSON_HEAD = '{"@context":' + _JSON_STRING(CONTEXT) + ',"id":'


@functools.cache
def _json_colour(colour: str) -> tuple[str, str]:
    """The stylesheet of a colour, and the start of a target of that colour."""
    stylesheet = json.dumps({"type": "CssStylesheet",
                             "value": f".{_style_class(colour)} {{ background-color: "
                                      f"{COLOUR_HEX[colour]}; }}"},
                            ensure_ascii=False, separators=(",", ":"))
    return (f',"stylesheet":{stylesheet},"target":{{"source":',
            f',"styleClass":{_JSON_STRING(_style_class(colour))},"selector":'
            '[{"type":"TextQuoteSelector","exact":')


def _json_plain(plain: Plain, tagged: dict[tuple[str, ...], str],
                sources: dict[str, str]) -> str:
    """``json.dumps(annotation(mark), ensure_ascii=False, separators=(",", ":"))`` for
    a highlight of one part, as quickly as a Python function can say it: the bodies of
    each set of tags (``tagged``) and each passage's URI (``sources``) encoded once, and
    a date written twice encoded once."""
    i, _d, _t, _h, _p, uri, start, end, exact, prefix, suffix, colour, note, tags, _st, \
        created, modified, _o = plain
    bodies = tagged.get(tags)
    if bodies is None:
        bodies = tagged[tags] = ",".join(
            '{"type":"TextualBody","value":' + _JSON_STRING(t) + ',"purpose":"tagging"}'
            for t in tags)
    if note:
        noted = ('{"type":"TextualBody","value":' + _JSON_STRING(note) +
                 ',"format":"text/plain","purpose":"commenting"}')
        body = f',"body":[{noted},{bodies}]' if tags else f',"body":{noted}'
        motivation = "commenting"
    elif tags:
        body = f',"body":[{bodies}]' if len(tags) > 1 else f',"body":{bodies}'
        motivation = "tagging"
    else:
        body, motivation = "", "highlighting"
    stylesheet, target = _json_colour(colour)
    source = sources.get(uri)
    if source is None:
        source = sources[uri] = _JSON_STRING(uri)
    made = _JSON_STRING(created)
    changed = made if modified == created else _JSON_STRING(modified)
    return (f'{_JSON_HEAD}{_JSON_STRING("urn:uuid:" + i)},"type":"Annotation",'
            f'"motivation":"{motivation}","created":{made},"modified":{changed}{body}'
            f'{stylesheet}{source}{target}{_JSON_STRING(exact)},"prefix":'
            f'{_JSON_STRING(prefix)},"suffix":{_JSON_STRING(suffix)}}},'
            f'{{"type":"TextPositionSelector","start":{start},"end":{end}}}]}}}}')


# -- CSV ------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A cell that no spreadsheet runs as a formula: one that starts, after any blanks
    and invisible characters, with = + - @ (in any width), or with a tab or carriage
    return, gets a leading apostrophe, as OWASP's CSV-injection guidance says."""
    text = "" if value is None else str(value)
    return "'" + text if _runs_as_formula(text) else text


def _runs_as_formula(text: str) -> bool:
    if not text:
        return False
    first = text[0]
    # Most cells start with a visible ASCII character that no spreadsheet reads as a
    # formula: decided at once, without looking at Unicode categories (an export has
    # millions of cells).
    if first.isascii() and first.isprintable() and first not in "=+-@ ":
        return False
    if text.startswith(_FORMULA_START):
        return True
    start = next((c for c in text if unicodedata.category(c) not in _SKIPPED_CATEGORIES), "")
    return unicodedata.normalize("NFKC", start).startswith(_FORMULA_START)


def to_csv(marks: Sequence[Mark], archive: Archive, when: datetime,
           progress: Progress | None = None, *, style: str = "chicago",
           citations: str = "text") -> Iterator[str]:
    """One row a mark, with its citation as text in ``style`` (whatever ``citations``).
    A highlight across passages is one row: its words the parts' joined by " … ", with
    where its last part is; a link is one row, its first end where a highlight's words
    are and its second in the ``other_`` columns, with its relation."""
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark: spreadsheets then read the file as UTF-8
    # Every cell quoted, as OWASP asks: a separator or quote inside one stays inside it.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    cite = _Citing(archive, style)
    total = len(marks)
    # A highlight's row is written as the writer would write it (_csv_quoted); what many
    # rows share (a document, a passage, a citation, a set of tags) is made once.
    shared = _CsvCells()
    rest = ',""' * (len(CSV_COLUMNS) - 15)  # the columns of highlights across and links
    done = 0
    for page in _pages(marks, unread=("prefix", "suffix")):
        rows = [out.getvalue()]  # the writer's rows so far, then each row of the page
        out.seek(0)
        out.truncate()
        for item in page:
            done += 1
            if progress is not None:
                _check(progress, done, total)
            if type(item) is not tuple:
                writer.writerow(_csv_row(item, cite))
                rows.append(out.getvalue())
                out.seek(0)
                out.truncate()
                continue
            i, _d, title, section, passage, uri, start, end, exact, _p, _s, colour, note, \
                tags, state, created, modified, _o = item
            if passage is None:
                paragraph = cited = ""
            else:
                paragraph = "" if passage.paragraph is None else str(passage.paragraph)
                cited = cite.words(passage, start, end)
            made = _csv_quoted(created)
            rows.append(f'"highlight",{_csv_quoted(i)},{shared[title]},{shared[section]},'
                        f'{shared[paragraph]},{_csv_quoted(exact)},{_csv_quoted(note)},'
                        f'{shared[", ".join(tags)]},{shared[colour]},"",{shared[state]},'
                        f'{made},{made if modified == created else _csv_quoted(modified)},'
                        f'{shared[uri]},{shared[cited]}{rest}\r\n')
        yield "".join(rows)
    yield out.getvalue()


# A first character no spreadsheet reads as a formula: csv_cell() leaves such a cell be.
_SAFE_START = frozenset(c for c in map(chr, range(128)) if c.isprintable() and c not in "=+-@ ")


def _csv_quoted(text: str) -> str:
    """A cell made safe (csv_cell) and quoted, as the CSV writer quotes every cell: in
    double quotes, with each one inside doubled."""
    if text and text[0] not in _SAFE_START:
        text = csv_cell(text)
    return '"' + text.replace('"', '""') + '"'


class _CsvCells(dict[str, str]):
    """Cells many rows share, each made safe and quoted once."""

    def __missing__(self, text: str) -> str:
        cell = self[text] = _csv_quoted(text)
        return cell


def _csv_row(mark: Mark, cite: Callable[..., str]) -> list[str]:
    """The cells of a mark's row (see :func:`to_csv`)."""
    h, b, link, p = mark.highlight, mark.bookmark, mark.link, mark.passage
    item = h or b or link
    assert item is not None
    first = h.selector if h else link.first.selector if link else None
    row = {
        "kind": mark.kind, "id": mark.id, "document": mark.document_title,
        "section": mark.section, "paragraph": p.paragraph if p else "",
        "quote": h.quote if h else first.exact if first else "",
        "note": item.note if not isinstance(item, Bookmark) else "",
        "tags": ", ".join(h.tags) if h else "", "colour": h.colour if h else "",
        "label": b.label if b else "", "state": item.state, "created": item.created,
        "modified": item.modified, "uri": first.uri if first else b.uri if b else "",
        "citation": cite(mark) if p else "",
    }
    if h is not None and h.more:
        last = mark.last or p
        row |= {"last_paragraph": last.paragraph if last else "",
                "last_uri": h.parts[-1].selector.uri}
    if link is not None and mark.other is not None:
        other = mark.other
        row |= {"relation": link.relation, "other_document": other.document_title,
                "other_section": other.section,
                "other_paragraph": other.passage.paragraph if other.passage else "",
                "other_quote": link.second.selector.exact,
                "other_uri": link.second.selector.uri,
                "other_citation": cite(mark, other=True) if other.passage else ""}
    return [csv_cell(row.get(c)) for c in CSV_COLUMNS]


WRITERS = {"markdown": to_markdown, "json": to_json, "csv": to_csv}


def render_chunks(fmt: str, marks: list[Mark], archive: Archive,
                  progress: Progress | None = None, when: datetime | None = None, *,
                  style: str = "chicago", citations: str = "text") -> Iterator[str]:
    """The export as pieces of text, so that a large one is never whole in memory; its
    citations in ``style`` (chicago, mla or apa), as text or (Markdown only) for pandoc."""
    if fmt not in WRITERS:
        raise NotesError(f"“{fmt}” is not an export format; use markdown, json or csv.")
    if style not in STYLES:
        raise NotesError(f"“{style}” is not a citation style; use {', '.join(STYLES)}.")
    if citations not in CITATIONS:
        raise NotesError(f"“{citations}” is not a form of citation; use text or pandoc.")
    if citations == "pandoc" and fmt != "markdown":
        raise NotesError("Pandoc citations are written in the Markdown export only; export "
                         "as markdown, or leave out --citations pandoc.")
    return WRITERS[fmt](marks, archive, when or datetime.now(UTC), progress, style=style,
                        citations=citations)


def render(fmt: str, marks: list[Mark], archive: Archive,
           progress: Progress | None = None, when: datetime | None = None, *,
           style: str = "chicago", citations: str = "text") -> str:
    """The whole export as one string (see :func:`render_chunks`)."""
    return "".join(render_chunks(fmt, marks, archive, progress, when, style=style,
                                 citations=citations))


def default_name(fmt: str, when: datetime | None = None) -> str:
    """A file name that is safe on every platform: letters, digits and hyphens."""
    day = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    return f"archive-browser-annotations-{day}{FORMATS[fmt]}"


def write_atomically(path: Path, text: str | Iterable[str], *, overwrite: bool) -> None:
    """Write a temporary file beside ``path``, then rename it: a crash leaves the old
    file, or none, never half a file; and the next export removes the temporary file
    that a killed one left."""
    path = Path(path)
    _refuse_target(path, overwrite)
    chunks = [text] if isinstance(text, str) else text
    remove_leftovers(path.parent)
    try:
        with temporary_beside(path) as tmp:
            with tmp.open("wb") as out:
                _write_chunks(out, chunks)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, usual_file_mode())
            os.replace(tmp, path)
    except OSError as exc:
        raise _writing_error(path, exc) from exc


def _write_chunks(out: BinaryIO, chunks: Iterable[str]) -> None:
    """Write the chunks, as they are made, in UTF-8: written by a thread of their own,
    so that the next chunk is made while the last is handed to the system. What either
    side raises stops both, and is raised here (the file system's refusal first)."""
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def write() -> None:
        while (data := pending.get()) is not None:
            if not failed:
                try:
                    out.write(data)
                except BaseException as exc:  # said by the caller's thread
                    failed.append(exc)

    writer = threading.Thread(target=write, name="export-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            pending.put(chunk.encode("utf-8"))
    finally:
        pending.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _refuse_target(path: Path, overwrite: bool) -> None:
    if path.is_dir():
        raise NotesError(f"{path} is a folder; give the name of a file in it to export to.")
    if path.exists() and not path.is_file():
        raise NotesError(f"{path} is not a regular file; give a file name to export to.")
    if path.exists() and not overwrite:
        raise NotesError(f"{path} already exists; choose another name, or use --force to "
                         "replace it.")


def _writing_error(path: Path, exc: OSError) -> Exception:
    """What to tell the person when the file system refuses the export."""
    folder = path.parent
    if exc.errno == errno.ENOENT and not folder.exists():
        return NotesError(f"The folder {folder} does not exist; create it, or export to "
                          "another folder.")
    if exc.errno == errno.ENOTDIR:
        return NotesError(f"{folder} is not a folder; export to a file in a folder.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NotesError(f"The folder {folder} cannot be written to; export to a folder "
                          "you can write in.")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return NotesError(f"The disk holding {folder} is full; free some space, or export "
                          "to another disk.")
    return exc
