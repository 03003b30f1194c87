"""The Markdown export shows a person's words as they wrote them, in CommonMark and in
Obsidian, and the person's own tags stay tags; its front matter reads back as written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from desktop.archive.folder import build_folder
from desktop.archive.store import Archive
from desktop.notes.anchoring import select
from desktop.notes.export import (
    Selection,
    collect,
    front_matter,
    md_escape,
    md_tag,
    opening_words,
    render,
)
from desktop.notes.importer import import_file
from desktop.notes.store import Notes
from desktop.notes.visible import visible
from tests.helpers import ROOT
from tests.notes.markdown_reading import (
    COMMONMARK,
    obsidian_markup,
    obsidian_tags,
    pandoc_citations,
    rendered,
    split_front_matter,
)

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
README = (ROOT / "README.md").read_text(encoding="utf-8")

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
    "@pirani2008communists says, [@key, p. 3], -@smith and @{key} (pandoc's citations)",
]
# Words that no reader takes for markup: the export leaves them alone.
HARMLESS = ["50% of 10%", "a = b, a=b", "issue #12, ¶ #3.", "C# and F#.", "x^2 or 2^10 is",
            "a ^ b", "see #1922", "Compare ¶ 17.", "C’est “ça”!", "me@example.org",
            "@ alone"]


@pytest.mark.parametrize("words", HOSTILE)
def test_words_render_as_written_in_commonmark(words):
    # Blanks at the end of a paragraph are shown by no reader.
    assert rendered(md_escape(words)) == visible(words).rstrip(" ")


@pytest.mark.parametrize("words", HOSTILE)
def test_words_hold_nothing_obsidian_or_pandoc_reads_as_markup(words):
    escaped = md_escape(words)
    assert obsidian_tags(escaped) == []
    assert obsidian_markup(escaped) == []
    assert pandoc_citations(escaped) == []


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
    assert pandoc_citations("@a, [@b], me@example.org, \\@c, {@d}") == ["@a", "@b", "@d"]


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


def export(notes: Notes, archive: Archive) -> str:
    return render("markdown", collect(notes, archive, Selection()), archive, when=WHEN)


def test_the_export_renders_quotes_notes_and_title_as_written(hostile):
    archive, notes = hostile
    assert archive.meta["title"] == TITLE and archive.passage("minutes/p1").text == PASSAGE
    _, body = split_front_matter(export(notes, archive))
    tokens = COMMONMARK.parse(body)
    assert tokens[0].type == "heading_open"
    assert tokens[1].content == md_escape(f"Annotations: {TITLE}")
    html = COMMONMARK.render(body)
    for words in (f"Annotations: {TITLE}", PASSAGE, CALLOUT, "Compare ¶ 17. #not-a-tag",
                  "[[Link]] ==marked== %% hidden %% $x$ ^id", "> [!warning] not a callout"):
        assert COMMONMARK.render(md_escape(words))[3:-5] in html, words
    assert [t.type for t in tokens].count("blockquote_open") == 2


def test_the_export_holds_the_persons_tags_and_no_others(hostile):
    archive, notes = hostile
    _, body = split_front_matter(export(notes, archive))
    # "1922" is a tag Obsidian cannot have: digits alone are none to it.
    assert obsidian_tags(body) == ["a-b", "close-reading", "émigrés"]
    assert "Tags: #1922 #a-b #close-reading #émigrés; Colour: yellow" in body
    assert obsidian_markup(body) == []


# -- the front matter -----------------------------------------------------------------------


def test_the_front_matter_names_the_export_and_its_tags(hostile):
    archive, notes = hostile
    meta, _ = split_front_matter(export(notes, archive))
    assert meta == {
        "title": f"Annotations: {TITLE}",
        "archive": "hostile",
        "exported": WHEN,
        # As Obsidian names them, the same as the text's #tags ...
        "tags": ["1922", "a-b", "close-reading", "émigrés"],
        # ... and as the person wrote them.
        "keywords": ["1922", "a:b", "close reading", "émigrés"],
    }


def test_tags_are_listed_once_whatever_their_case_or_number(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    passage = archive.passage("essay/p8")
    # In reading order: the spelling met first is kept.
    for start, tags in ((0, ["Soviet history", "1922"]), (20, ["soviet history", "minutes"]),
                        (40, [])):
        notes.add_highlight(archive.archive_id, "essay",
                            select(passage.uri, passage.text, start, start + 9), "yellow",
                            tags=tags)
    notes.add_bookmark(archive.archive_id, "essay", passage.uri, passage.text[:20], "")
    meta, _ = split_front_matter(export(notes, archive))
    assert meta["tags"] == ["1922", "minutes", "Soviet-history"]
    assert meta["keywords"] == ["1922", "minutes", "Soviet history"]
    only_bookmarks, _ = split_front_matter(render(
        "markdown", collect(notes, archive, Selection(document="essay"))[-1:], archive,
        when=WHEN))
    assert only_bookmarks["tags"] == [] and only_bookmarks["keywords"] == []
    notes.close()


# Strings that YAML would read as something else, or not at all, unless quoted well.
AWKWARD_YAML = ["a: b", "\"quoted\"", "'single'", "it's", "yes", "no", "null", "~", "1922",
                "2026-11-26", "0x1F", "1e3", ".inf", "- dash", "? query", "# hash", "@at",
                "`tick`", "{a: b}", "[x, y]", "*alias", "&anchor", "!tag", "|", ">", "%YAML",
                "a\\b", "\\n", "  padded  ", "tab\there", "line\nbreak", "cr\rlf",
                "\u2028\u2029\x85", "\ufeffbom", "\x7f\x9f", "🙂 and \U000e0001", "---",
                "..."]


@pytest.mark.parametrize("text", AWKWARD_YAML)
def test_any_title_or_tag_reads_back_as_written(text):
    written = front_matter(text, text, WHEN, [text, "x"])
    meta = yaml.safe_load(written.removeprefix("---\n").removesuffix("---\n"))
    assert meta["title"] == meta["archive"] == visible(text)
    assert visible(text) in meta["keywords"]
    assert md_tag(text)[1:] in meta["tags"]
    assert written.count("\n---\n") == 1  # no value ends the block early


def test_for_pandoc_the_title_and_keywords_are_markdown():
    """Pandoc reads the front matter's strings as Markdown: for it they are escaped as the
    text is (a keyword "@at" would be a citation); the tags, Obsidian's, stay names."""
    tags = ["@at", "a_b", "close reading"]
    written = front_matter("A *title* by @x", "id", WHEN, tags, markdown=True)
    meta = yaml.safe_load(written.removeprefix("---\n").removesuffix("---\n"))
    assert meta["title"] == "A \\*title\\* by \\@x"
    assert sorted(meta["keywords"]) == sorted(md_escape(t) for t in tags)
    assert meta["tags"] == ["a_b", "at", "close-reading"]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_the_front_matter_as_metadata(hostile):
    archive, notes = hostile
    done = subprocess.run(["pandoc", "-f", "markdown", "-t", "json"], capture_output=True,
                          text=True, input=export(notes, archive), timeout=120, check=True)
    meta = json.loads(done.stdout)["meta"]
    assert set(meta) == {"title", "archive", "exported", "tags", "keywords"}

    def words(value: dict) -> str:  # pandoc reads a value as Markdown: words and spaces
        return "".join(i["c"] if i["t"] == "Str" else " " for i in value["c"])
    assert words(meta["exported"]) == "2026-11-26T12:00:00Z"
    assert [words(item) for item in meta["keywords"]["c"]] == [
        "1922", "a:b", "close reading", "émigrés"]


def test_the_readme_example_is_what_the_export_writes(tmp_path, archive):
    section = README.split("## Exporting and importing your annotations", 1)[1]
    example = re.findall(r"```markdown\n(.*?)```", section, re.S)[0]
    notes = Notes(tmp_path / "data")
    passage = archive.passage("essay/p8")
    words = "strongly-developed private proprietorial instincts"
    start = passage.text.index(words)
    notes.add_highlight(archive.archive_id, "essay",
                        select(passage.uri, passage.text, start, start + len(words)), "yellow",
                        note="The key phrase of the minutes.\nCompare ¶ 17. #not-a-tag",
                        tags=["close reading", "minutes"])
    when = datetime(2026, 11, 26, 15, 57, 14, tzinfo=UTC)
    text = render("markdown", collect(notes, archive, Selection()), archive, when=when)
    assert text.rstrip("\n") == example.rstrip("\n")
    notes.close()


@pytest.mark.parametrize(("text", "named"), [
    # The essay's ¶ 8 opens with a quotation: one pair of quotation marks, not two.
    ("“In the communist party [Petrzhek] had hoped to find the realization of his drea",
     "“In the communist party [Petrzhek] had…”"),
    ("In the communist party [Petrzhek] had hoped to find the realization of his dream",
     "“In the communist party [Petrzhek] had…”"),
    ("What is communism?", "“What is communism?”"),  # all of it: no ellipsis
    ("“Quoted,” the essay says of the “ranks and tops” of the party, at length",
     "“Quoted, the essay says of the ‘ranks and…”"),
    ("Antidisestablishmentarianism" * 3, f"“{('Antidisestablishmentarianism' * 3)[:40]}…”"),
])
def test_an_unlabelled_bookmark_is_named_by_its_first_whole_words(text, named):
    assert opening_words(text) == named


def test_the_markdown_export_names_an_unlabelled_bookmark_by_its_first_words(
        tmp_path, archive):
    notes = Notes(tmp_path / "data")
    passage = archive.passage("essay/p8")
    notes.add_bookmark(archive.archive_id, "essay", passage.uri, passage.text[:64], "")
    text = render("markdown", collect(notes, archive), archive, when=WHEN)
    notes.close()
    (line,) = [line for line in text.splitlines() if line.startswith("- ")]
    assert line.startswith("- “In the communist party \\[Petrzhek\\] had…”: ")


def test_marks_imported_from_elsewhere_are_said_not_to_be_in_this_archive(tmp_path, archive):
    """They name no document of this archive: no empty heading, no stray comma, and not
    "no longer" found, as they never were."""
    items = [{"id": f"https://example.org/a/{n}", "type": "Annotation", "motivation": kind,
              "target": {"source": "https://example.org/another-article", "selector": [
                  {"type": "TextQuoteSelector", "exact": "words never in this essay"}]}}
             for n, kind in enumerate(("highlighting", "bookmarking"))]
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    notes = Notes(tmp_path / "data")
    import_file(notes, archive, path)
    text = render("markdown", collect(notes, archive), archive, when=WHEN)
    notes.close()
    lines = text.splitlines()
    assert "## Not found in this archive" in lines
    assert "- “words never in this essay”: not found in this archive" in lines
    assert not [line for line in lines if line.strip() in ("##", "—", "###")]
    assert "no longer" not in text and ", not found" not in text
