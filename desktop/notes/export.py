"""Export a person's marks as Markdown, W3C Web Annotation JSON-LD, or CSV.

Every format carries, for each highlight, its words, where they are (document,
section, ¶ and the passage's URI), the note, the tags, the colour and the dates;
for each link, both ends' words and places, the relation and the note; and for each
bookmark, its label and place. A highlight across passages is one mark whose words are
all its parts', in reading order, cited from its first part to its last. Markdown and
CSV cite each mark as the archive attributes its words, in a citation style (Markdown
also for pandoc); Markdown also names, under each highlight, the people, places,
organisations and events its words mention. Files are written atomically.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from desktop.archive.attribution import attribute, attribute_passage
from desktop.archive.entities import Entity, Mention
from desktop.archive.places import lost
from desktop.archive.store import Archive, Passage
from desktop.archive.styles import STYLES, format_citation
from desktop.notes.anchoring import Selector
from desktop.notes.boundary import at_boundary
from desktop.notes.errors import NotesError
from desktop.notes.marks import ANCHORED, COLOUR_HEX, Bookmark, Highlight, Link
from desktop.notes.places import Located, locate, locate_links
from desktop.notes.store import Notes
from desktop.notes.visible import visible
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

Progress = Callable[[int, int], bool]  # (done, total) -> carry on?


class Cancelled(Exception):
    """The person cancelled a long export or import."""


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


@at_boundary
def collect(notes: Notes, archive: Archive, selection: Selection = Selection()) -> list[Mark]:
    """The marks of this archive that the selection keeps, highlights, then links, then
    bookmarks, each in reading order (orphans last). A link is kept by a document when
    either end is in it, and never by a tag or a colour, which links do not have."""
    highlights = notes.highlights(archive.archive_id)
    bookmarks = notes.bookmarks(archive.archive_id)
    links = notes.links(archive.archive_id)
    if selection.document:
        highlights = [h for h in highlights if h.document_id == selection.document]
        bookmarks = [b for b in bookmarks if b.document_id == selection.document]
        links = [link for link in links
                 if selection.document in (link.first.document_id, link.second.document_id)]
    if selection.tag:
        wanted = selection.tag.lstrip("#").casefold()
        highlights = [h for h in highlights if wanted in {t.casefold() for t in h.tags}]
        bookmarks, links = [], []
    if selection.colour:
        highlights = [h for h in highlights if h.colour == selection.colour]
        bookmarks, links = [], []
    located = locate(archive, highlights, bookmarks)
    ends = locate_links(archive, links)
    spots = [*located.values(), *(spot for pair in ends.values() for spot in pair)]
    headings = {k: v or "Opening" for k, v in archive.headings(
        {spot.passage.section_id for spot in spots
         if spot.passage and spot.passage.section_id}).items()}

    def section(spot: Located) -> str:
        return headings.get(spot.passage.section_id or "", "") if spot.passage else ""

    marks = []
    for item in [*highlights, *bookmarks]:
        spot = located[item.id]
        span = spot.span
        if isinstance(item, Highlight) and span is None and spot.passage is not None:
            span = (item.selector.start, item.selector.end)  # a highlight of one passage
        marks.append(Mark(
            "highlight" if isinstance(item, Highlight) else "bookmark",
            item if isinstance(item, Highlight) else None,
            item if isinstance(item, Bookmark) else None,
            spot.passage, spot.order, spot.title, section(spot), last=spot.last,
            span=span))
    for link in links:
        first, second = ends[link.id]
        marks.append(Mark("link", None, None, first.passage, first.order, first.title,
                          section(first), link=link, span=first.span,
                          other=Where(second.passage, second.title, section(second),
                                      second.span)))
    marks.sort(key=lambda m: (_KINDS.index(m.kind), m.order, m.id))
    return marks


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


def _citations(archive: Archive, style: str = "chicago",
               fmt: str = "text") -> Callable[..., str]:
    """``_citation`` for one export, in one style and form: ``cite(mark)``, and
    ``cite(mark, other=True)`` for a link's second end."""
    reading = cast(Archive, _Remembering(archive))
    return lambda mark, other=False: _citation(archive, mark, style, fmt, reading=reading,
                                               other=other)


# -- Markdown -----------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text that CommonMark and Obsidian render as itself, whatever it holds, and in
    which pandoc finds no citation."""
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
    out = []
    for paragraph in re.split(r"\n\s*\n", note.strip()):
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


def to_markdown(marks: list[Mark], archive: Archive, when: datetime,
                progress: Progress | None = None, *, style: str = "chicago",
                citations: str = "text") -> Iterator[str]:
    """Each highlight's words are a quotation (a highlight across passages quotes each
    part as a paragraph of one quotation), its citation a line of its own below ("— …"),
    or, for pandoc, a citation that ends the quotation, as in a manuscript. A link quotes
    both ends so, the relation between them."""
    title = f"Annotations: {archive.meta.get('title') or archive.archive_id}"
    pandoc = citations == "pandoc"
    cite = _citations(archive, style, citations)
    naming = _Naming(archive)
    yield front_matter(title, archive.archive_id, when,
                       (t for m in marks if m.highlight for t in m.highlight.tags),
                       markdown=pandoc)
    yield (f"\n# {md_escape(title)}\n\n"
           f"Exported from Archive Browser on {when.day} {when:%B %Y at %H:%M} UTC.\n\n")
    document = section = None
    highlights = [m for m in marks if m.kind == "highlight"]
    links = [m for m in marks if m.kind == "link"]
    bookmarks = [m for m in marks if m.kind == "bookmark"]
    for done, mark in enumerate(highlights, 1):
        _check(progress, done, len(marks))
        h = mark.highlight
        assert h is not None
        out = []
        if mark.document_title != document:
            document, section = mark.document_title, None
            # A mark imported from elsewhere may name no document of this archive.
            out += [f"## {md_escape(document or 'Not found in this archive')}", ""]
        heading = mark.section if mark.passage else \
            "Not found in this version of the archive" if document else None
        if heading and heading != section:
            section = heading
            out += [f"### {md_escape(section)}", ""]
        out += _md_quoted([h.selector.exact, *(part.selector.exact for part in h.more)],
                          mark, cite, pandoc)
        for paragraph in _md_note(h.note) if h.note.strip() else []:
            out += [paragraph, ""]
        named = naming(h) if mark.passage is not None else []
        if named:
            out += ["Names: " + ", ".join(f"{md_escape(e.name)} ({e.kind})" for e in named),
                    ""]
        details = []
        if h.tags:
            details.append("Tags: " + " ".join(md_tag(t) for t in h.tags))
        details.append(f"Colour: {h.colour}")
        if h.state != "anchored":
            details.append(f"State: {h.state}")
        out += ["; ".join(details), "", "---", ""]
        yield "\n".join(out) + "\n"
    if links:
        yield "## Links\n\n"
        for done, mark in enumerate(links, len(highlights) + 1):
            _check(progress, done, len(marks))
            yield "\n".join(_md_link(mark, cite, pandoc)) + "\n"
    if bookmarks:
        yield "## Bookmarks\n\n"
        for done, mark in enumerate(bookmarks, len(highlights) + len(links) + 1):
            _check(progress, done, len(marks))
            b = mark.bookmark
            assert b is not None
            if mark.passage is None:
                where = md_escape(lost(mark.document_title))
            else:
                where = cite(mark) if pandoc else md_escape(cite(mark))
            label = md_escape(b.label or opening_words(b.exact))
            yield f"- {label}: {where}\n"
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
            for mention in self._in(where.uri):
                if mention.start < where.end and mention.end > where.start:
                    entity = self._entity(mention.entity_id)
                    if entity is not None:
                        named.setdefault(entity.id, entity)
        return list(named.values())

    def _in(self, uri: str) -> list[Mention]:
        if uri not in self._mentions:
            passage = self._archive.passage_by_uri(uri)
            self._mentions[uri] = self._archive.mentions_in(passage.id) if passage else []
        return self._mentions[uri]

    def _entity(self, entity_id: str) -> Entity | None:
        if entity_id not in self._entities:
            self._entities[entity_id] = self._archive.entity(entity_id)
        return self._entities[entity_id]


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


def to_json(marks: list[Mark], archive: Archive, when: datetime,
            progress: Progress | None = None, *, style: str = "chicago",
            citations: str = "text") -> Iterator[str]:
    """The collection, written one annotation per line: compact, and easy to compare.
    (The Web Annotation model has no place for a citation: ``style`` and ``citations``
    change nothing.)"""
    head = json.dumps({
        "@context": CONTEXT, "type": "AnnotationCollection",
        "label": f"Annotations on {archive.meta.get('title') or archive.archive_id}",
        "generator": {"type": "Software", "name": "Archive Browser"},
        "generated": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "total": len(marks),
    }, ensure_ascii=False)
    yield head[:-1] + ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": [\n'
    for done, mark in enumerate(marks, 1):
        _check(progress, done, len(marks))
        line = json.dumps(annotation(mark), ensure_ascii=False, separators=(",", ":"))
        yield line + (",\n" if done < len(marks) else "\n")
    yield "]}}\n"


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


def to_csv(marks: list[Mark], archive: Archive, when: datetime,
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
    cite = _citations(archive, style)
    for done, mark in enumerate(marks, 1):
        if done % 1000 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        _check(progress, done, len(marks))
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
        writer.writerow([csv_cell(row.get(c)) for c in CSV_COLUMNS])
    yield out.getvalue()


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
                for chunk in chunks:
                    out.write(chunk.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, usual_file_mode())
            os.replace(tmp, path)
    except OSError as exc:
        raise _writing_error(path, exc) from exc


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
