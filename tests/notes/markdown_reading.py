"""Reading a Markdown export as its readers do: its YAML front matter with a YAML parser,
the rest with a CommonMark parser (markdown-it-py), what Obsidian adds to CommonMark
(tags, wikilinks and embeds, highlights, comments, block ids, maths, callouts, inline
footnotes) by Obsidian's own patterns, and pandoc's citations by pandoc's rule; each
written out here apart from the export's."""

from __future__ import annotations

import re
from typing import Any

import yaml
from markdown_it import MarkdownIt

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Obsidian's pattern for a tag (from its app.js): "#", then characters other than these;
# and a tag of digits alone is none.
OBSIDIAN_TAG = re.compile(r"#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
OBSIDIAN_MARKUP = {
    "wikilink or embed": r"!?\[\[",
    "highlight": "==",
    "comment": "%%",
    "maths": r"\$",
    "block id": r"\^[\w-]+[ \t]*$",
    "callout": r"^(?:>[ \t]*)+\[!",
    "inline footnote": r"\^\[",
    "footnote": r"\[\^",
}

# A citation to pandoc: "@key" or "@{key}", not after a letter or digit (an address).
PANDOC_CITATION = re.compile(r"(?<![^\W_])@[\w{]")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter, parsed (it must open the file, as Obsidian and pandoc want it),
    and the Markdown after it."""
    assert text.startswith("---\n"), text[:80]
    block, end, body = text[4:].partition("\n---\n")
    assert end, "the front matter is not closed"
    parsed = yaml.safe_load(block)
    assert isinstance(parsed, dict)
    return parsed, body


def rendered(markdown: str) -> str:
    """The text of one paragraph of CommonMark, asserting that it is nothing else."""
    tokens = COMMONMARK.parse(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} <= {"text", "softbreak", "hardbreak"}, children
    return "".join(c.content if c.type == "text" else "\n" for c in children)


def unescaped(markdown: str) -> str:
    """``markdown`` with each backslash-escaped character (and its backslash) blanked
    out: what remains is all a Markdown reader may take for markup."""
    return re.sub(r"\\.", "\x00\x00", markdown, flags=re.S)


def obsidian_tags(markdown: str) -> list[str]:
    """The tags Obsidian finds in ``markdown``, in order."""
    return [m[1] for m in OBSIDIAN_TAG.finditer(unescaped(markdown))
            if not re.fullmatch("[0-9]+", m[1])]


def obsidian_markup(markdown: str) -> list[str]:
    """The names of Obsidian's additions to CommonMark that ``markdown`` holds, tags
    apart."""
    text = unescaped(markdown)
    return [name for name, pattern in OBSIDIAN_MARKUP.items()
            for _ in re.finditer(pattern, text, re.M)]


def pandoc_citations(markdown: str) -> list[str]:
    """The citations pandoc finds in ``markdown``: an "@" and the character after it."""
    return PANDOC_CITATION.findall(unescaped(markdown))
