"""Citations and bibliographies in Chicago, MLA and APA, rendered by CSL styles.

Whose words are cited is decided by :mod:`desktop.archive.attribution`; how a style
prints a reference, by the style's CSL file through :mod:`desktop.archive.csl`. What is
decided here is only how the two citations of a secondary citation are joined: each
style's manual has its own words for "quoted in", which CSL has no element for.

Output formats: ``text`` (plain), ``html`` (what citeproc-py writes: ``<i>`` for
italics), ``markdown`` (italics as ``*…*``, other signs escaped) and ``pandoc``: a
citation pandoc's ``--citeproc`` renders in the chosen style with the exported
bibliography, in the form

- the essay's words: ``[@pirani2008communists, ¶ 8]`` (``¶¶ 8–9`` for a range;
  ``[@pirani2008communists]`` for the whole essay);
- a source's words: ``[@minutes1922june; quoted in @pirani2008communists, ¶ 8]``.

Pandoc reads ``¶`` and ``¶¶`` as its "paragraph" locator and prints it in the style's
form (``para. 8``). The source comes first as a citation of its own and the essay
second, with the words of the style's secondary citation as its prefix ("quoted in",
MLA's "qtd. in", APA's "as cited in"), so that the ¶ belongs to the essay and both go
into the reference list. (Pandoc cannot take a citation inside another's suffix:
``[@minutes1922june, ¶ 8, quoted in @pirani2008communists]`` loses the essay.) Pandoc
joins the two with the style's delimiter, a semicolon; the text, HTML and Markdown
forms join them as each manual shows, with a comma.
"""

from __future__ import annotations

import weakref
from types import ModuleType
from typing import TYPE_CHECKING

from desktop.archive.attribution import Attribution
from desktop.archive.references import citation_key, csl_items, item_for
from desktop.archive.store import Archive

if TYPE_CHECKING:
    from desktop.archive import csl

STYLES: dict[str, str] = {
    "chicago": "chicago-notes-bibliography-17th-edition.csl",  # notes and bibliography, 17th
    "mla": "modern-language-association.csl",  # MLA Handbook, 9th edition
    "apa": "apa.csl",  # APA Style, 7th edition
}
FORMATS = ("text", "html", "markdown", "pandoc")

# The words that join an original source to the work that quotes it: Chicago 17th,
# 14.260 ("quoted in"); MLA Handbook 9th, 6.77 ("qtd. in"); APA 7th, 8.6 ("as cited in").
SECONDARY: dict[str, str] = {"chicago": "quoted in", "mla": "qtd. in", "apa": "as cited in"}


def _csl() -> ModuleType:
    """The CSL processing, imported when a citation is first rendered: citeproc-py and
    lxml take tens of milliseconds to load, which a window's start need not pay."""
    from desktop.archive import csl

    return csl


def style_of(style: str) -> csl.Style:
    """The parsed CSL style for one of :data:`STYLES`."""
    if style not in STYLES:
        raise ValueError(f"There is no citation style “{style}”; the styles are "
                         f"{', '.join(STYLES)}.")
    return _csl().load(STYLES[style].removesuffix(".csl"))


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"There is no citation format “{fmt}”; the formats are "
                         f"{', '.join(FORMATS)}.")


def format_citation(archive: Archive, attribution: Attribution, style: str = "chicago",
                    fmt: str = "text") -> str:
    """The citation alone, in the style, with the ¶ pinpoint in the style's form, and
    "quoted in" (the style's words for it) for a source's words. A note style's citation
    is the whole note, with its final period; an in-text style's, the parenthesis."""
    _check(fmt)
    if fmt == "pandoc":
        style_of(style)
        return _pandoc(archive, attribution, style)
    return _render(archive, attribution, style, fmt, bare=False)


# What has been rendered, by archive: a citation depends only on whose words and where,
# not on the words, and an export cites hundreds of highlights (a render takes ~20 ms).
_rendered: weakref.WeakKeyDictionary[Archive, dict[tuple[object, ...], str]] = (
    weakref.WeakKeyDictionary())


def _render(archive: Archive, attribution: Attribution, style: str, fmt: str, *,
            bare: bool) -> str:
    """The essay's citation at the pinpoint; for a source's words, the source's own
    citation and the style's "quoted in" before it, inside the same note or parenthesis."""
    done = _rendered.setdefault(archive, {})
    key = (attribution.source_id, attribution.document_id, attribution.paragraphs, style,
           fmt, bare)
    if key not in done:
        done[key] = _render_anew(archive, attribution, style, fmt, bare=bare)
    return done[key]


def _render_anew(archive: Archive, attribution: Attribution, style: str, fmt: str, *,
                 bare: bool) -> str:
    chosen = style_of(style)
    prefix = ""
    if attribution.source_id is not None:
        source = item_for(archive, source_id=attribution.source_id)
        original = _csl().render_citation(chosen, source, fmt, bare=True)
        prefix = f"{original}, {_csl().escape(SECONDARY[style], fmt)} "
    essay = item_for(archive, document_id=attribution.document_id)
    return _csl().render_citation(chosen, essay, fmt, paragraphs=attribution.pinpoint,
                               prefix=prefix, bare=bare)


def _pandoc(archive: Archive, attribution: Attribution, style: str) -> str:
    essay = "@" + citation_key(archive, document_id=attribution.document_id)
    if attribution.paragraphs is not None:
        first, last = attribution.paragraphs
        essay += f", ¶ {first}" if first == last else f", ¶¶ {first}–{last}"
    if attribution.source_id is None:
        return f"[{essay}]"
    source = citation_key(archive, source_id=attribution.source_id)
    return f"[@{source}; {SECONDARY[style]} {essay}]"


_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def quote_with_citation(archive: Archive, attribution: Attribution, style: str = "chicago",
                        fmt: str = "text") -> str:
    """What Copy with Citation puts on the clipboard: “words” and the citation, or (for
    whole passages, or words across paragraphs) the text, paragraph by paragraph, and
    its citation after it."""
    _check(fmt)
    note = style_of(style).is_note
    if fmt == "pandoc":
        citation = _pandoc(archive, attribution, style)
    elif note and attribution.words and "\n" not in attribution.text:
        # A note's words in parentheses after the quotation, as a note stands in a text
        # that has no notes (a clipboard): without the note's final period.
        citation = "(" + _render(archive, attribution, style, fmt, bare=True) + ")"
    else:
        citation = format_citation(archive, attribution, style, fmt)
    if attribution.words and "\n" not in attribution.text:
        # Quotation marks within the words quoted become single, as quotations nest.
        nested = attribution.words.translate(_NESTED)
        words = _csl().escape(nested, "markdown" if fmt == "pandoc" else fmt)
        return f"“{words}” {citation}"
    paragraphs = [p for p in attribution.text.split("\n\n") if p]
    if fmt == "html":
        body = "".join(f"<p>{_csl().escape(p, fmt)}</p>" for p in paragraphs)
        lead = "— " if note else ""
        return f"<blockquote>{body}</blockquote>\n<p>{lead}{citation}</p>"
    if fmt in ("markdown", "pandoc"):
        body = "\n>\n".join(f"> {_csl().escape(p, 'markdown')}" for p in paragraphs)
        return f"{body}\n\n{'— ' if note and fmt == 'markdown' else ''}{citation}"
    body = "\n\n".join(paragraphs)
    return f"{body}\n— {citation}" if note else f"{body} {citation}"


def format_bibliography(archive: Archive, style: str = "chicago", fmt: str = "text") -> str:
    """Every reference of the archive as the style's bibliography (the essay and every
    source record, less any the style leaves out), one entry a line (``text``), a
    paragraph (``markdown``, and ``pandoc``, which is Markdown here) or a ``<div>``."""
    _check(fmt)
    rendering = "markdown" if fmt == "pandoc" else fmt
    entries = _csl().render_bibliography(style_of(style), csl_items(archive), rendering)
    if fmt == "html":
        rows = "".join(f'  <div class="csl-entry">{e}</div>\n' for e in entries)
        return f'<div class="csl-bib-body">\n{rows}</div>\n'
    return ("\n\n" if rendering == "markdown" else "\n").join(entries) + "\n"
