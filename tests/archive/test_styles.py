"""Citations and bibliographies in Chicago, MLA and APA: the strings each manual gives
for the essay, the book and the minutes; "quoted in" in each style's words; the pandoc
form rendered by pandoc itself; and ``archive-browser cite``.

The expected strings follow the manuals' patterns, filled with what the archive knows:
Chicago 17th (notes 14.20, 14.88 for a manuscript, bibliography 14.67 with the 3-em
dash for the same author), MLA 9th (in-text 6.x: author and "par.", title for a work
without an author) and APA 7th (author–date, "para.", the title for a work without an
author). No place of publication is printed, since the archive has none; the minutes'
archive is printed as the essay names it, "a Moscow archive".
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop.archive import csl
from desktop.archive.attribution import attribute, attribute_passage
from desktop.archive.references import bibliography, item_for
from desktop.archive.store import Archive
from desktop.archive.styles import (
    STYLES,
    format_bibliography,
    format_citation,
    quote_with_citation,
    style_of,
)

MINUTES = "Minutes of the June 1922 Meeting of Moscow Communists on Vladimir Petrzhek’s Resignation"
BOOK = ("The Russian Revolution in Retreat, 1920-24: Soviet Workers and the New Communist "
        "Elite")

ESSAY_AT_8 = {
    "chicago": "Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, para. 8.",
    "mla": "(Pirani, par. 8)",
    "apa": "(Pirani, 2008, para. 8)",
}
QUOTED_AT_8 = {
    "chicago": f"“{MINUTES},” June 1922, a Moscow archive, quoted in Simon Pirani, “The "
               "Communists’ Dilemma,” essay, February 2008, para. 8.",
    "mla": f"(“{MINUTES},” qtd. in Pirani, par. 8)",
    "apa": f"({MINUTES}, 1922, as cited in Pirani, 2008, para. 8)",
}
CITED = {  # the book and the minutes cited on their own
    "chicago": (f"Simon Pirani, {BOOK} (Routledge, 2008), www.revolutioninretreat.com.",
                f"“{MINUTES},” June 1922, a Moscow archive."),
    "mla": ("(Pirani)", f"(“{MINUTES}”)"),
    "apa": ("(Pirani, 2008)", f"({MINUTES}, 1922)"),
}
LISTED = {  # the essay's, the book's and the minutes' entries in the bibliography
    "chicago": ("Pirani, Simon. “The Communists’ Dilemma.” Essay. February 2008.",
                f"———. {BOOK}. Routledge, 2008. www.revolutioninretreat.com.",
                f"“{MINUTES}.” June 1922. a Moscow archive."),
    "mla": ("Pirani, Simon. “The Communists’ Dilemma.” Essay. Feb. 2008.",
            f"———. {BOOK}. Routledge, 2008, www.revolutioninretreat.com.",
            f"“{MINUTES}.” June 1922, a Moscow archive."),
    "apa": ("Pirani, S. (2008). The communists’ dilemma [Essay].",
            "Pirani, S. (2008). The Russian Revolution in Retreat, 1920-24: Soviet workers and "
            "the new communist elite. Routledge. www.revolutioninretreat.com",
            "Minutes of the June 1922 meeting of Moscow communists on Vladimir Petrzhek’s "
            "resignation. (1922). a Moscow archive."),
}


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


def words(archive: Archive, passage_id: str, text: str):  # type: ignore[no-untyped-def]
    passage = archive.passage(passage_id)
    start = passage.text.index(text)
    return attribute(archive, passage, start, passage, start + len(text))


def test_the_three_styles_are_the_manuals_editions():
    titles = {name: style_of(name).root.find(f"{{{csl.NS}}}info/{{{csl.NS}}}title").text
              for name in STYLES}
    assert titles == {
        "chicago": "Chicago Manual of Style 17th edition (notes and bibliography)",
        "mla": "MLA Handbook 9th edition (in-text citations)",
        "apa": "APA Style 7th edition"}
    assert style_of("chicago").is_note and not style_of("mla").is_note


@pytest.mark.parametrize("style", STYLES)
def test_the_essay_at_a_paragraph(archive, style):
    attribution = words(archive, "essay/p8", "the minute-taker recorded")
    assert format_citation(archive, attribution, style) == ESSAY_AT_8[style]


@pytest.mark.parametrize("style", STYLES)
def test_the_minutes_quoted_in_the_essay(archive, style):
    attribution = words(archive, "minutes/e2", "realization of his dream of communism")
    assert format_citation(archive, attribution, style) == QUOTED_AT_8[style]


@pytest.mark.parametrize("style", STYLES)
def test_the_book_and_the_minutes_cited(archive, style):
    chosen = style_of(style)
    book, minutes = (csl.render_citation(chosen, item_for(archive, source_id=s))
                     for s in ("book", "minutes"))
    assert (book, minutes) == CITED[style]


@pytest.mark.parametrize("style", STYLES)
def test_the_bibliography(archive, style):
    entries = format_bibliography(archive, style).splitlines()
    for entry in LISTED[style]:
        assert entry in entries
    essay, book, _minutes = (entries.index(e) for e in LISTED[style])
    if style != "apa":  # the dash stands for the name of the entry above
        assert book == essay + 1
    # Anonymous works go by their titles: the minutes under M, not after Z.
    assert entries[0].lstrip("“").startswith("Minutes")


def test_chicago_lists_no_letter_that_no_archive_holds(archive):
    text = format_bibliography(archive, "chicago")
    assert "Letter of Resignation" not in text  # Chicago cites such a letter in notes only
    assert "Letter of Resignation" in format_bibliography(archive, "mla")
    letter = attribute_passage(archive, archive.passage("letter/e1"))
    assert format_citation(archive, letter).startswith(
        "Vladimir Petrzhek, “Vladimir Petrzhek’s Letter of Resignation,” letter, n.d., "
        "quoted in Simon Pirani")


def test_nothing_the_archive_does_not_know_is_printed(archive):
    for style in STYLES:
        text = format_bibliography(archive, style)
        for invented in ("London", "Abingdon", "New York", "n.p.", "Red Pepper"):
            assert invented not in text


def test_html_and_markdown_italicise_as_the_style_does(archive):
    chicago, apa = style_of("chicago"), style_of("apa")
    book = item_for(archive, source_id="book")
    assert f"<i>{BOOK}</i>" in csl.render_citation(chicago, book, "html")
    assert f"*{BOOK}*" in csl.render_citation(chicago, book, "markdown")
    assert f"<i>{MINUTES}</i>" in csl.render_citation(apa, item_for(
        archive, source_id="minutes"), "html")
    html = format_bibliography(archive, "chicago", "html")
    assert html.startswith('<div class="csl-bib-body">') and html.count("csl-entry") == 8


def test_the_pandoc_form(archive):
    quoted = words(archive, "essay/p8", "realization of his dream")
    assert format_citation(archive, quoted, fmt="pandoc") == (
        "[@minutes1922june; quoted in @pirani2008communists, ¶ 8]")
    assert format_citation(archive, quoted, "apa", "pandoc") == (
        "[@minutes1922june; as cited in @pirani2008communists, ¶ 8]")
    own = words(archive, "essay/p8", "the minute-taker recorded")
    assert format_citation(archive, own, "mla", "pandoc") == "[@pirani2008communists, ¶ 8]"
    assert quote_with_citation(archive, own, fmt="pandoc") == (
        "“the minute-taker recorded” [@pirani2008communists, ¶ 8]")


@pytest.mark.parametrize(("style", "expected"), [
    ("chicago", "“realization of his dream” (“" + MINUTES + ",” June 1922, a Moscow "
                "archive, quoted in Simon Pirani, “The Communists’ Dilemma,” essay, "
                "February 2008, para. 8)"),
    ("mla", "“realization of his dream” " + QUOTED_AT_8["mla"]),
    ("apa", "“realization of his dream” " + QUOTED_AT_8["apa"]),
])
def test_copy_with_citation_gives_the_words_and_their_citation(archive, style, expected):
    attribution = words(archive, "essay/p8", "realization of his dream")
    assert quote_with_citation(archive, attribution, style) == expected


def test_copy_with_citation_of_whole_passages_keeps_their_paragraphs(archive):
    seven, eight = archive.passage("essay/p7"), archive.passage("essay/p8")
    attribution = attribute_passage(archive, seven, eight)
    text = quote_with_citation(archive, attribution)
    assert text == (f"{seven.text}\n\n{eight.text}\n— Simon Pirani, “The Communists’ "
                    "Dilemma,” essay, February 2008, paras. 7–8.")
    assert quote_with_citation(archive, attribution, "apa").endswith(
        "the minute-taker recorded. (Pirani, 2008, paras. 7–8)")
    markdown = quote_with_citation(archive, attribution, fmt="markdown")
    assert markdown.startswith("> “What is communism?”") and "\n>\n> “In the" in markdown
    html = quote_with_citation(archive, attribution, fmt="html")
    assert html.startswith("<blockquote><p>“What is communism?”")


def test_words_are_escaped_for_the_format(archive):
    from desktop.archive.attribution import Attribution

    made_up = Attribution("<b>1 * 2</b> & #3", None, "essay", (8, 8), "<b>1 * 2</b> & #3")
    assert quote_with_citation(archive, made_up, fmt="html").startswith(
        "“&lt;b&gt;1 * 2&lt;/b&gt; &amp; #3”")
    assert quote_with_citation(archive, made_up, fmt="markdown").startswith(
        r"“\<b\>1 \* 2\</b\> & \#3”")


def test_an_unknown_style_or_format_is_said_in_one_sentence(archive):
    own = words(archive, "essay/p8", "the minute-taker recorded")
    with pytest.raises(ValueError, match="the styles are chicago, mla, apa"):
        format_citation(archive, own, "harvard")
    with pytest.raises(ValueError, match="the formats are text, html, markdown, pandoc"):
        quote_with_citation(archive, own, fmt="rtf")


# -- pandoc ----------------------------------------------------------------------------

PANDOC = shutil.which("pandoc")


needs_pandoc = pytest.mark.skipif(
    PANDOC is None, reason="pandoc is not installed (apt-get install pandoc); .ci/run "
                           "installs it")


def run_pandoc(archive: Archive, folder, bibliography_format: str,  # type: ignore[no-untyped-def]
               style: str) -> list[str]:
    """Write the bibliography and a paper citing it in the pandoc form, in ``style``; the
    lines pandoc --citeproc renders of it."""
    name = "references.json" if bibliography_format == "csl-json" else "references.bib"
    (folder / name).write_text(bibliography(archive, bibliography_format), encoding="utf-8")
    own = words(archive, "essay/p8", "the minute-taker recorded")
    quoted = words(archive, "essay/p8", "realization of his dream")
    paragraphs = attribute(archive, archive.passage("essay/p8"), 200,
                           archive.passage("essay/p9"), 20)
    (folder / "paper.md").write_text("\n\n".join([
        "One " + quote_with_citation(archive, own, style, "pandoc") + ".",
        "Two " + quote_with_citation(archive, quoted, style, "pandoc") + ".",
        "Three " + format_citation(archive, paragraphs, style, "pandoc") + "."]) + "\n",
        encoding="utf-8")
    csl_file = csl.get_style_filepath(STYLES[style].removesuffix(".csl"))
    done = subprocess.run(
        [PANDOC, "--citeproc", "--bibliography", name, "--csl", csl_file, "-t", "plain",
         "--wrap=none", "paper.md"], cwd=folder, capture_output=True, text=True,
        timeout=120)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@needs_pandoc
def test_pandoc_renders_the_notes_and_the_references_from_the_csl_json(archive, tmp_path):
    lines = run_pandoc(archive, tmp_path, "csl-json", "chicago")
    notes = [line for line in lines if line.startswith("[")]
    assert notes[0] == ("[1] Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, "
                        "para. 8.")  # what this application renders (ESSAY_AT_8)
    assert notes[1] == (f"[2] “{MINUTES},” June 1922, a Moscow archive; quoted in Pirani, "
                        "“The Communists’ Dilemma,” para. 8.")
    assert notes[2] == "[3] Pirani, “The Communists’ Dilemma,” paras. 8–9."
    assert [line for line in lines if not line.startswith(("[", "One", "Two", "Three"))] == [
        f"“{MINUTES}.” June 1922. a Moscow archive.",
        "Pirani, Simon. “The Communists’ Dilemma.” Essay. February 2008."]


@needs_pandoc
def test_pandoc_renders_the_citations_and_the_references_from_the_bibtex(archive, tmp_path):
    lines = run_pandoc(archive, tmp_path, "bibtex", "apa")
    assert lines[:3] == [
        "One “the minute-taker recorded” (Pirani, 2008, para. 8).",
        f"Two “realization of his dream” ({MINUTES}, 1922; as cited in Pirani, 2008, para. 8).",
        "Three (Pirani, 2008, paras. 8–9)."]
    assert "Pirani, S. (2008). The communists’ dilemma [Essay]." in lines
    assert any(line.startswith("Minutes of the June 1922 meeting of Moscow communists on "
                               "Vladimir Petrzhek’s resignation. (1922).") for line in lines)


# -- the command line ------------------------------------------------------------------


def test_cite_prints_what_copy_with_citation_gives(cli, archive):
    done = cli("cite", "archive-browser://communists-dilemma/essay/p8", "--quote",
               "realization of his  dream")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == quote_with_citation(
        archive, words(archive, "essay/p8", "realization of his dream")) + "\n"
    in_minutes = cli("cite", "archive-browser://communists-dilemma/minutes/e2", "-q",
                     "realization of his dream", "--style", "apa", "--format", "markdown")
    in_essay = cli("cite", "essay/p8", "-q", "realization of his dream", "-s", "apa", "-f",
                   "markdown")
    assert in_minutes.stdout == in_essay.stdout != ""


def test_cite_without_words_cites_the_passage(cli, archive):
    done = cli("cite", "essay/p12", "--format", "pandoc", "--archive",
               str(archive.path))
    assert done.returncode == 0
    assert done.stdout.endswith("\n\n[@pirani2008communists, ¶ 12]\n")


@pytest.mark.parametrize(("args", "said"), [
    (["essay/p8", "--quote", "words not there"],
     "archive-browser: The words “words not there” are not in the passage "
     "archive-browser://communists-dilemma/essay/p8.\n"),
    (["archive-browser://communists-dilemma/essay/p99"],
     "archive-browser: There is no passage archive-browser://communists-dilemma/essay/p99 "
     "in the archive "),
])
def test_cite_says_what_is_wrong_in_one_sentence(cli, args, said):
    done = cli("cite", *args)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(said) and done.stderr.count("\n") == 1


def test_quotation_marks_within_the_words_quoted_become_single(archive):
    from desktop.archive.attribution import attribute

    passage = archive.passage("essay/p8")
    words = "instincts,” the minute-taker"
    start = passage.text.index(words)
    copied = quote_with_citation(archive, attribute(archive, passage, start, passage,
                                                    start + len(words)))
    assert copied.startswith("“instincts,’ the minute-taker” (")
