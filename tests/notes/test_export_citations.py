"""The exports cite each mark as the archive attributes its words: the essay's own words
as the essay, a source's words quoted in the essay as that source, quoted in the essay;
in the chosen style, as text (Markdown and CSV) or as pandoc citations (Markdown), which
pandoc --citeproc renders with the exported bibliography."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.archive.attribution import attribute, attribute_passage
from desktop.archive.store import Archive
from desktop.archive.styles import format_citation
from desktop.notes import export as exporting
from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.export import Selection, collect, render
from desktop.notes.store import Notes
from tests.helpers import add_highlight
from tests.notes.markdown_reading import (
    COMMONMARK,
    obsidian_markup,
    obsidian_tags,
    split_front_matter,
)

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
QUOTED = "strongly-developed private proprietorial instincts"  # the minute-taker's, in ¶ 8
OWN = "the minute-taker recorded"  # the essay's own words, in ¶ 8
ESSAY = "Simon Pirani, “The Communists’ Dilemma,” essay, February 2008"
MINUTES = ("“Minutes of the June 1922 Meeting of Moscow Communists on Vladimir Petrzhek’s "
           "Resignation,” June 1922, a Moscow archive")


def highlight(notes: Notes, archive: Archive, passage_id: str, words: str,
              note: str = "", tags: tuple[str, ...] = ()) -> None:
    passage = archive.passage(passage_id)
    start = passage.text.index(words)
    notes.add_highlight(archive.archive_id, passage.document_id,
                        select(passage.uri, passage.text, start, start + len(words)),
                        "yellow", note=note, tags=list(tags))


@pytest.fixture
def notes(tmp_path: Path, archive: Archive):  # type: ignore[no-untyped-def]
    """The minute-taker's words highlighted in the essay, then the essay's own words after
    them, the same minute-taker's words in the minutes, and a bookmark on ¶ 20."""
    notes = Notes(tmp_path / "data")
    highlight(notes, archive, "essay/p8", QUOTED, tags=("@at", "close reading"))
    highlight(notes, archive, "essay/p8", OWN, note="Ask @pirani2008communists, or write "
              "to me@example.org.")
    highlight(notes, archive, "minutes/e2", QUOTED)
    p20 = archive.passage("essay/p20")
    notes.add_bookmark(archive.archive_id, "essay", p20.uri, p20.text[:64], "Workers Truth")
    yield notes
    notes.close()


def export(notes: Notes, archive: Archive, fmt: str, **options: str) -> str:
    return render(fmt, collect(notes, archive, Selection()), archive, when=WHEN, **options)


def csv_citations(notes: Notes, archive: Archive, **options: str) -> list[str]:
    text = export(notes, archive, "csv", **options).removeprefix("\ufeff")
    return [row["citation"] for row in csv.DictReader(io.StringIO(text))]


def test_every_citation_of_an_export_comes_from_one_function(monkeypatch, notes, archive):
    """Markdown and CSV cite each mark through ``_citation`` alone, so that whose words a
    mark holds, and how they are cited, is decided in one place for every format."""
    monkeypatch.setattr(exporting, "format_citation",
                        lambda *_a, **_k: pytest.fail("cited apart from _citation"))
    monkeypatch.setattr(exporting, "_citation", lambda _archive, mark, style, fmt, **_k:
                        f"Cited {fmt} {style}: {mark.kind} in {mark.passage.id}")
    text = export(notes, archive, "markdown", style="apa")
    assert text.count("— Cited text apa: highlight in essay/p8\n") == 2
    assert text.count("— Cited text apa: highlight in minutes/e2\n") == 1
    assert "- Workers Truth: Cited text apa: bookmark in essay/p20\n" in text
    pandoc = export(notes, archive, "markdown", style="mla", citations="pandoc")
    assert f"> {QUOTED} Cited pandoc mla: highlight in essay/p8\n" in pandoc
    assert csv_citations(notes, archive, style="mla") == [
        "Cited text mla: highlight in essay/p8", "Cited text mla: highlight in essay/p8",
        "Cited text mla: highlight in minutes/e2", "Cited text mla: bookmark in essay/p20"]


def test_the_same_words_are_cited_alike_in_the_essay_and_in_the_minutes(notes, archive):
    quoted = f"{MINUTES}, quoted in {ESSAY}, para. 8."
    assert csv_citations(notes, archive) == [quoted, f"{ESSAY}, para. 8.", quoted,
                                             f"{ESSAY}, para. 20."]
    text = export(notes, archive, "markdown")
    assert text.count(f"— {quoted}\n") == 2 and f"— {ESSAY}, para. 8.\n" in text
    assert f"- Workers Truth: {ESSAY}, para. 20.\n" in text


@pytest.mark.parametrize("style", ["chicago", "mla", "apa"])
def test_citations_are_the_archive_s_own_in_each_style(notes, archive, style):
    """As Copy with Citation and ``archive-browser cite`` have them: the attribution of the
    words, in the style."""
    p8, p20 = archive.passage("essay/p8"), archive.passage("essay/p20")
    quoted, own = p8.text.index(QUOTED), p8.text.index(OWN)
    expected = [format_citation(archive, a, style) for a in (
        attribute(archive, p8, quoted, p8, quoted + len(QUOTED)),
        attribute(archive, p8, own, p8, own + len(OWN)))]
    bookmark = format_citation(archive, attribute_passage(archive, p20), style)
    assert csv_citations(notes, archive, style=style) == [*expected, expected[0], bookmark]
    assert len(set(csv_citations(notes, archive, style=style))) == 3


def test_pandoc_citations_name_the_source_quoted_in_the_essay(notes, archive):
    text = export(notes, archive, "markdown", citations="pandoc")
    _, body = split_front_matter(text)
    quoted = "[@minutes1922june; quoted in @pirani2008communists, ¶ 8]"
    assert body.count(f"> {QUOTED} {quoted}\n") == 2
    assert f"> {OWN} [@pirani2008communists, ¶ 8]\n" in body
    assert "- Workers Truth: [@pirani2008communists, ¶ 20]\n" in body
    assert "— " not in body
    apa = export(notes, archive, "markdown", citations="pandoc", style="apa")
    assert "[@minutes1922june; as cited in @pirani2008communists, ¶ 8]" in apa
    # Obsidian and CommonMark show a pandoc citation as the text it is.
    assert obsidian_markup(body) == [] and obsidian_tags(body) == ["at", "close-reading"]
    assert "[@pirani2008communists, ¶ 20]" in COMMONMARK.render(body)


def test_pandoc_citations_agree_with_the_cite_command(cli, notes, archive):
    text = export(notes, archive, "markdown", citations="pandoc")
    for uri, words in (("essay/p8", QUOTED), ("minutes/e2", QUOTED), ("essay/p8", OWN)):
        printed = cli("cite", uri, "--quote", words, "--format", "pandoc")
        assert printed.returncode == 0, printed.stderr
        citation = printed.stdout.strip().removeprefix(f"“{words}” ")
        assert f"> {words} {citation}\n" in text


def test_pandoc_citations_are_for_the_markdown_export_only(cli, tmp_path, notes, archive):
    for fmt in ("csv", "json"):
        with pytest.raises(NotesError, match="Markdown export only"):
            export(notes, archive, fmt, citations="pandoc")
    with pytest.raises(NotesError, match="not a citation style"):
        export(notes, archive, "markdown", style="harvard")
    refused = cli("export", "--format", "csv", "--citations", "pandoc",
                  "-o", str(tmp_path / "x.csv"), data=tmp_path / "data")
    assert refused.returncode == 1 and not (tmp_path / "x.csv").exists()
    assert refused.stderr == ("archive-browser: Pandoc citations are written in the Markdown "
                              "export only; export as markdown, or leave out --citations "
                              "pandoc.\n")


def test_the_command_line_exports_in_a_style_and_for_pandoc(cli, tmp_path, notes):
    data = tmp_path / "data"
    mla = cli("export", "--format", "csv", "--style", "mla", data=data)
    assert mla.returncode == 0 and "qtd. in Pirani, par. 8" in mla.stdout
    pandoc = cli("export", "--citations", "pandoc", "-s", "apa", data=data)
    assert pandoc.returncode == 0
    assert "[@minutes1922june; as cited in @pirani2008communists, ¶ 8]" in pandoc.stdout


def test_a_mark_no_longer_in_the_archive_is_cited_by_its_document_alone(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    add_highlight(notes)  # on a passage this archive does not have
    assert csv_citations(notes, archive) == [""]
    for citations in ("text", "pandoc"):
        _, body = split_front_matter(export(notes, archive, "markdown", citations=citations))
        assert "### Not found in this version of the archive" in body
        assert "— The communists’ dilemma\n" in body
    notes.close()


@pytest.mark.skipif(shutil.which("pandoc") is None,
                    reason="pandoc is not installed (apt-get install pandoc)")
def test_pandoc_citeproc_lists_the_references_cited_and_no_others(cli, tmp_path, notes,
                                                                  archive):
    markdown, bibliography = tmp_path / "notes.md", tmp_path / "references.json"
    data = tmp_path / "data"
    assert cli("export", "--citations", "pandoc", "-o", str(markdown), data=data).returncode == 0
    assert cli("sources", "--format", "csl-json", "-o", str(bibliography)).returncode == 0
    done = subprocess.run(["pandoc", "--citeproc", "--bibliography", str(bibliography),
                           "-t", "plain", "--columns", "1000", str(markdown)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # Every citation found; none made of a note's "@…" or a tag's.
    assert "WARNING" not in done.stderr, done.stderr
    references = done.stdout.rsplit("Colour: yellow", 1)[1]
    assert "Pirani, Simon. 2008. “The Communists’ Dilemma.”" in references
    assert "“Minutes of the June 1922 Meeting of Moscow Communists" in references
    for uncited in ("petrzhek’s letter", "russian revolution in retreat", "zinoviev"):
        assert uncited not in references.casefold()
    assert "Ask @pirani2008communists, or write to me@example.org." in done.stdout
    # What pandoc reads: our citations, and in the metadata the tags as written.
    tree = json.loads(subprocess.run(["pandoc", "-t", "json", str(markdown)],
                                     capture_output=True, text=True, timeout=120,
                                     check=True).stdout)
    assert [item["c"] for item in tree["meta"]["keywords"]["c"]] == [
        [{"t": "Str", "c": "@at"}],
        [{"t": "Str", "c": "close"}, {"t": "Space"}, {"t": "Str", "c": "reading"}]]
    assert json.dumps(tree).count('"Cite"') == 4  # three highlights and a bookmark
