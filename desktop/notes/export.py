"""Export a person's marks as Markdown, W3C Web Annotation JSON-LD, or CSV.

Every format carries, for each highlight, its words, where they are (document,
section, ¶ and the passage's URI), the note, the tags, the colour and the dates;
and for each bookmark, its label and place. Files are written atomically.
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

from desktop.archive.cite import citation
from desktop.archive.store import Archive, Passage
from desktop.notes.boundary import at_boundary
from desktop.notes.errors import NotesError
from desktop.notes.marks import COLOUR_HEX, Bookmark, Highlight
from desktop.notes.places import locate
from desktop.notes.store import Notes
from desktop.notes.visible import visible
from desktop.paths import usual_file_mode
from desktop.tempfiles import remove_leftovers, temporary_beside

FORMATS = {"markdown": ".md", "json": ".json", "csv": ".csv"}
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CSV_COLUMNS = ("kind", "id", "document", "section", "paragraph", "quote", "note", "tags",
               "colour", "label", "state", "created", "modified", "uri", "citation")
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
# ... and the rest of what Obsidian adds, each escaped only where it could form: a note
# may say "50%", "a = b" or "issue #12" as it likes, but not "%%", "==", "#word" or a
# "^id" that ends a line. (Each branch starts with its sign, which keeps the search quick.)
_MD_INLINE_OBSIDIAN = re.compile(
    _MD_INLINE.pattern
    # A tag, "#word": escaped wherever it stands, for Obsidian also starts one right after
    # markup or an escaped character, and a backslash too many is harmless.
    + r"|#(?=[0-9]*[^0-9" + _TAG_STOP + r"])"
    + r"|%(?:(?=%)|(?<=%%))"  # %%comments%%: every % of a run of two or more
    + r"|=(?:(?==)|(?<===))"  # ==highlights==: likewise
    + r"|\^(?=[\w-]+[ \t]*$)"  # a block id, ^id, at the end of a line
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


@dataclass
class Mark:
    """A highlight or bookmark with where it stands, ready for any format."""

    kind: str  # "highlight" or "bookmark"
    highlight: Highlight | None
    bookmark: Bookmark | None
    passage: Passage | None
    order: int
    document_title: str
    section: str

    @property
    def id(self) -> str:
        item = self.highlight or self.bookmark
        assert item is not None
        return item.id


@at_boundary
def collect(notes: Notes, archive: Archive, selection: Selection = Selection()) -> list[Mark]:
    """The marks of this archive that the selection keeps, highlights then bookmarks,
    each in reading order (orphans last)."""
    highlights = notes.highlights(archive.archive_id)
    bookmarks = notes.bookmarks(archive.archive_id)
    if selection.document:
        highlights = [h for h in highlights if h.document_id == selection.document]
        bookmarks = [b for b in bookmarks if b.document_id == selection.document]
    if selection.tag:
        wanted = selection.tag.lstrip("#").casefold()
        highlights = [h for h in highlights if wanted in {t.casefold() for t in h.tags}]
        bookmarks = []
    if selection.colour:
        highlights = [h for h in highlights if h.colour == selection.colour]
        bookmarks = []
    located = locate(archive, highlights, bookmarks)
    headings = {k: v or "Opening" for k, v in archive.headings(
        {spot.passage.section_id for spot in located.values()
         if spot.passage and spot.passage.section_id}).items()}
    marks = []
    for item in [*highlights, *bookmarks]:
        spot = located[item.id]
        passage = spot.passage
        marks.append(Mark(
            "highlight" if isinstance(item, Highlight) else "bookmark",
            item if isinstance(item, Highlight) else None,
            item if isinstance(item, Bookmark) else None,
            passage, spot.order, spot.title,
            headings.get(passage.section_id or "", "") if passage else ""))
    marks.sort(key=lambda m: (m.kind != "highlight", m.order, m.id))
    return marks


def _check(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and not progress(done, total):
        raise Cancelled


# -- Citations ------------------------------------------------------------------------


def _citation(archive: Archive, mark: Mark) -> str:
    """The citation of a placed mark: of a highlight's words, of a bookmark's passage.

    Every format asks here and nowhere else, so that whose words a highlight holds (the
    essay's own, or a source's quoted in it) and how they are cited is decided in one
    place. Today's citation depends on the passage alone: ``_cited_by`` says so, and
    changes with this function.
    """
    assert mark.passage is not None
    return citation(archive, mark.passage)


def _cited_by(mark: Mark) -> Hashable:
    """What ``_citation`` reads of a mark: marks that agree on it share one citation."""
    assert mark.passage is not None
    return mark.passage.id


def _citations(archive: Archive) -> Callable[[Mark], str]:
    """``_citation`` for one export: each citation worked out once, however many marks
    share it (an export of 100,000 marks cites a few dozen passages)."""
    cache: dict[Hashable, str] = {}

    def cite(mark: Mark) -> str:
        key = _cited_by(mark)
        if key not in cache:
            cache[key] = _citation(archive, mark)
        return cache[key]
    return cite


# -- Markdown -----------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text that CommonMark renders as itself, whatever it holds."""
    lines = []
    for line in text.split("\n"):
        # Control characters, and the ones that reorder text on screen, are shown by
        # name: an export must read as what was written.
        line = visible(line.rstrip("\r"))
        body = line.lstrip(" \t")
        # Leading spaces would start a code block: keep them, as inert entities.
        indent = "&#32;" * (len(line) - len(body))
        # Most lines hold none of Obsidian's signs, and the shorter pattern is quicker.
        obsidian = "#" in body or "%" in body or "=" in body or "^" in body
        body = (_MD_INLINE_OBSIDIAN if obsidian else _MD_INLINE).sub(r"\\\g<0>", body)
        body = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1)
                                  else f"{m.group(2)}\\{m.group(3)}", body)
        lines.append(indent + body)
    return "\n".join(lines)


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


def front_matter(title: str, archive_id: str, when: datetime, tags: Iterable[str]) -> str:
    """The YAML block that opens the Markdown export, for Obsidian (its properties),
    pandoc (its metadata) and the Zotero-to-Obsidian templates that read both: the title,
    the archive's id, when it was exported (ISO 8601, UTC), ``tags`` as Obsidian names
    them (as in the text's ``#tags``) and ``keywords``, the same tags as they were
    written. Every string is double-quoted, so that whatever it holds (a ":", quotes,
    "#", "yes", "1922") every YAML reader reads back the same string; control and
    text-reordering characters are shown by name, as in the text."""
    tags = list(dict.fromkeys(tags))  # each once before any work: 100,000 marks share a few
    written, names = _once(visible(t) for t in tags), _once(_tag_name(t) for t in tags)
    stamp = when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    lines = ["---", f"title: {_yaml_string(visible(title))}",
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
                progress: Progress | None = None) -> Iterator[str]:
    title = f"Annotations: {archive.meta.get('title') or archive.archive_id}"
    cite = _citations(archive)
    yield front_matter(title, archive.archive_id, when,
                       (t for m in marks if m.highlight for t in m.highlight.tags))
    yield (f"\n# {md_escape(title)}\n\n"
           f"Exported from Archive Browser on {when.day} {when:%B %Y at %H:%M} UTC.\n\n")
    document = section = None
    highlights = [m for m in marks if m.kind == "highlight"]
    bookmarks = [m for m in marks if m.kind == "bookmark"]
    for done, mark in enumerate(highlights, 1):
        _check(progress, done, len(marks))
        h = mark.highlight
        assert h is not None
        out = []
        if mark.document_title != document:
            document, section = mark.document_title, None
            out += [f"## {md_escape(document)}", ""]
        heading = mark.section if mark.passage else "Not found in this version of the archive"
        if heading and heading != section:
            section = heading
            out += [f"### {md_escape(section)}", ""]
        # Every line of the words in the quote: a line without "> " would be read as
        # the quote's lazy continuation, or (after a blank one) as text of its own.
        out += [*(f"> {line}" for line in md_escape(h.selector.exact).split("\n")), ""]
        where = cite(mark) if mark.passage else mark.document_title
        if mark.section and mark.passage:
            where += f" ({mark.section})"
        out += [f"— {md_escape(where)}", ""]
        for paragraph in _md_note(h.note) if h.note.strip() else []:
            out += [paragraph, ""]
        details = []
        if h.tags:
            details.append("Tags: " + " ".join(md_tag(t) for t in h.tags))
        details.append(f"Colour: {h.colour}")
        if h.state != "anchored":
            details.append(f"State: {h.state}")
        out += ["; ".join(details), "", "---", ""]
        yield "\n".join(out) + "\n"
    if bookmarks:
        yield "## Bookmarks\n\n"
        for done, mark in enumerate(bookmarks, len(highlights) + 1):
            _check(progress, done, len(marks))
            b = mark.bookmark
            assert b is not None
            where = cite(mark) if mark.passage else \
                f"{mark.document_title}, no longer found"
            label = md_escape(b.label or f"“{b.exact[:40].rstrip()}…”")
            yield f"- {label}: {md_escape(where)}\n"
        yield "\n"


# -- W3C Web Annotation JSON-LD ---------------------------------------------------------


def _style_class(colour: str) -> str:
    return f"archive-browser-{colour}"


def annotation(mark: Mark) -> dict[str, object]:
    """One mark as a W3C Web Annotation."""
    if mark.highlight is not None:
        h = mark.highlight
        s = h.selector
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
        item["target"] = {
            "source": s.uri, "styleClass": _style_class(h.colour),
            "selector": [
                {"type": "TextQuoteSelector", "exact": s.exact, "prefix": s.prefix,
                 "suffix": s.suffix},
                {"type": "TextPositionSelector", "start": s.start, "end": s.end},
            ],
        }
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
            progress: Progress | None = None) -> Iterator[str]:
    """The collection, written one annotation per line: compact, and easy to compare."""
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
            progress: Progress | None = None) -> Iterator[str]:
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark: spreadsheets then read the file as UTF-8
    # Every cell quoted, as OWASP asks: a separator or quote inside one stays inside it.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    cite = _citations(archive)
    for done, mark in enumerate(marks, 1):
        if done % 1000 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        _check(progress, done, len(marks))
        h, b, p = mark.highlight, mark.bookmark, mark.passage
        item = h or b
        assert item is not None
        row = {
            "kind": mark.kind, "id": mark.id, "document": mark.document_title,
            "section": mark.section, "paragraph": p.paragraph if p else "",
            "quote": h.selector.exact if h else "", "note": h.note if h else "",
            "tags": ", ".join(h.tags) if h else "", "colour": h.colour if h else "",
            "label": b.label if b else "", "state": item.state, "created": item.created,
            "modified": item.modified, "uri": h.selector.uri if h else b.uri if b else "",
            "citation": cite(mark) if p else "",
        }
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    yield out.getvalue()


WRITERS = {"markdown": to_markdown, "json": to_json, "csv": to_csv}


def render_chunks(fmt: str, marks: list[Mark], archive: Archive,
                  progress: Progress | None = None,
                  when: datetime | None = None) -> Iterator[str]:
    """The export as pieces of text, so that a large one is never whole in memory."""
    if fmt not in WRITERS:
        raise NotesError(f"“{fmt}” is not an export format; use markdown, json or csv.")
    return WRITERS[fmt](marks, archive, when or datetime.now(UTC), progress)


def render(fmt: str, marks: list[Mark], archive: Archive,
           progress: Progress | None = None, when: datetime | None = None) -> str:
    return "".join(render_chunks(fmt, marks, archive, progress, when))


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
