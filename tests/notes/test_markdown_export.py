"""The Markdown export shows a person's words as they wrote them: in CommonMark (checked
by rendering with markdown-it-py) and in Obsidian, whose additions to CommonMark (tags,
wikilinks and embeds, highlights, comments, block ids, maths, callouts, inline
footnotes) are looked for in the exported text itself. The person's own tags stay
tags."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from desktop.archive.folder import build_folder
from desktop.archive.store import Archive
from desktop.notes.anchoring import select
from desktop.notes.export import Selection, collect, md_escape, md_tag, render
from desktop.notes.store import Notes
from desktop.notes.visible import visible

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Obsidian's own pattern for a tag (from its app.js): "#", then characters other than
# these; and a tag of digits alone is none. Written out here apart from the export's
# version, so that a slip in one is caught by the other.
OBSIDIAN_TAG = re.compile(r"#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
# The rest of what Obsidian reads on top of CommonMark, by name.
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

# Words that a note, a quotation or a title might hold, each of which some Markdown
# reader could take for markup.
HOSTILE = [
    "Compare ¶ 17. #not-a-tag",
    "#tag at the start, and #another/nested one, #émigrés, #🙂, #_x_ and #-",
    "a#b, F#m7 and #1922a",
    "==marked== and ===",
    "%% hidden %% and %%%",
    "$5 and $10, $$x^2$$ and $e=mc^2$",
    "a line that ends with a block id ^block-1",
    "and one after a word^id2  ",
    "[[Link]], [[Link|alias]], [[Note#Heading]] and ![[Embed.png]]",
    "> [!note] a callout",
    "[!warning] a callout's opening without the quote",
    "^[an inline footnote] and a reference[^1]",
    "[^1]: a footnote's definition",
    "~~struck~~, ~single~, *em*, _em_, **strong**, `code`",
    "<b>bold</b> &amp; &copy; <!-- comment -->",
    "| a | b |",
    "- [ ] a task",
    "1. one",
    "1) one",
    "+ plus",
    "# heading",
    "=== a setext line",
    "---",
    "    four spaces",
    "a\\b and \\#escaped already and \\",
    "evil\u202egnp.exe and nul\x00",
]
# Words that no reader takes for markup: the export leaves them alone.
HARMLESS = ["50% of 10%", "a = b, a=b", "issue #12, ¶ #3.", "C# and F#.", "x^2 or 2^10 is",
            "a ^ b", "see #1922", "Compare ¶ 17.", "C’est “ça”!"]


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
    return [m[1] for m in OBSIDIAN_TAG.finditer(unescaped(markdown))
            if not re.fullmatch("[0-9]+", m[1])]


def obsidian_markup(markdown: str) -> list[str]:
    """The names of Obsidian's additions to CommonMark that ``markdown`` holds, tags
    apart."""
    text = unescaped(markdown)
    return [name for name, pattern in OBSIDIAN_MARKUP.items()
            for _ in re.finditer(pattern, text, re.M)]


@pytest.mark.parametrize("words", HOSTILE)
def test_words_render_as_written_in_commonmark(words):
    # Blanks at the end of a paragraph are shown by no reader.
    assert rendered(md_escape(words)) == visible(words).rstrip(" ")


@pytest.mark.parametrize("words", HOSTILE)
def test_words_hold_nothing_obsidian_reads_as_markup(words):
    escaped = md_escape(words)
    assert obsidian_tags(escaped) == []
    assert obsidian_markup(escaped) == []


@pytest.mark.parametrize("words", HARMLESS)
def test_words_that_are_no_markup_are_left_alone(words):
    assert md_escape(words) == words


def test_the_test_sees_what_obsidian_sees():
    """The checks above would catch an export that escaped nothing."""
    assert obsidian_tags("Compare ¶ 17. #not-a-tag and #1922") == ["not-a-tag"]
    assert obsidian_tags("\\#escaped but \\\\#not") == ["not"]
    assert obsidian_markup("[[a]] ==b== %%c%% $d$ e ^f\n> [!note]\n^[g] [^h]") == [
        "wikilink or embed", "highlight", "highlight", "comment", "comment", "maths",
        "maths", "block id", "callout", "inline footnote", "footnote"]


@pytest.mark.parametrize(("tag", "name"), [
    ("close reading", "close-reading"), ("émigrés", "émigrés"), ("🙂", "🙂"), ("a:b", "a-b"),
    ("C++", "C"), ("x/y", "x/y"), ("the “1922” minutes", "the-1922-minutes"),
    ("-minus", "minus"), ("snake_case", "snake_case")])
def test_a_persons_tag_is_one_whole_obsidian_tag(tag, name):
    assert md_tag(tag) == f"#{name}"
    assert obsidian_tags(f"Tags: {md_tag(tag)} #next;") == [name, "next"]


# -- the whole export, on an archive whose texts and title hold markup ---------------------


PASSAGE = ("Compare the 17th. #resolution ==carried== and %%secret%% and $5 or $10, "
           "[[Wikilink]] ^[inline] ^end-1")
CALLOUT = "> [!note] a callout? ![[embed]] x^2"
TITLE = "Minutes: \"the 1922 meeting\" — it's: 'quoted' #not-a-tag"
NOTE = ("Compare ¶ 17. #not-a-tag\n[[Link]] ==marked== %% hidden %% $x$ ^id\n\n"
        "> [!warning] not a callout")
TAGS = ["close reading", "1922", "émigrés", "a:b"]


@pytest.fixture
def hostile(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An archive of one text whose title and passages hold Obsidian's markup, and notes
    with a highlight of each passage."""
    source = tmp_path / "texts"
    source.mkdir()
    (source / "archive.toml").write_text(
        '[archive]\nid = "hostile"\ntitle = "' + TITLE.replace('"', '\\"') + '"\n',
        encoding="utf-8")
    (source / "minutes.txt").write_text(f"Meeting notes\n\n{PASSAGE}\n\n{CALLOUT}\n",
                                        encoding="utf-8")
    build_folder(source, tmp_path / "hostile.db")
    archive = Archive(tmp_path / "hostile.db")
    notes = Notes(tmp_path / "data")
    for n, note, tags in ((1, NOTE, TAGS), (2, "", [])):
        passage = archive.passage(f"minutes/p{n}")
        notes.add_highlight(archive.archive_id, "minutes",
                            select(passage.uri, passage.text, 0, len(passage.text)), "yellow",
                            note=note, tags=tags)
    yield archive, notes
    notes.close()
    archive.close()


def test_the_export_renders_quotes_notes_and_title_as_written(hostile):
    archive, notes = hostile
    assert archive.meta["title"] == TITLE and archive.passage("minutes/p1").text == PASSAGE
    text = render("markdown", collect(notes, archive, Selection()), archive, when=WHEN)
    tokens = COMMONMARK.parse(text)
    inline = [t for t in tokens if t.type == "inline"]
    assert inline[0].content == md_escape(f"Annotations: {TITLE}")
    html = COMMONMARK.render(text)
    for words in (f"Annotations: {TITLE}", PASSAGE, CALLOUT, "Compare ¶ 17. #not-a-tag",
                  "[[Link]] ==marked== %% hidden %% $x$ ^id", "> [!warning] not a callout"):
        assert COMMONMARK.render(md_escape(words))[3:-5] in html, words
    assert [t.type for t in tokens].count("blockquote_open") == 2


def test_the_export_holds_the_persons_tags_and_no_others(hostile):
    archive, notes = hostile
    text = render("markdown", collect(notes, archive, Selection()), archive, when=WHEN)
    # "1922" is a tag Obsidian cannot have: digits alone are none to it.
    assert obsidian_tags(text) == ["a-b", "close-reading", "émigrés"]
    assert "Tags: #1922 #a-b #close-reading #émigrés; Colour: yellow" in text
    assert obsidian_markup(text) == []
