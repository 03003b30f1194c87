"""Highlights across passages and links, exported in every format and imported back."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from markdown_it import MarkdownIt
from msgspec.structs import replace

from desktop.archive.store import Archive
from desktop.notes import export as exporting
from desktop.notes.anchoring import ANCHORED, MOVED, ORPHANED, Selector, select
from desktop.notes.export import Selection, collect, render
from desktop.notes.importer import import_file
from desktop.notes.marks import End, Link
from desktop.notes.store import Notes
from tests.helpers import ROOT, make_notes
from tests.notes.markdown_reading import split_front_matter
from tests.notes.test_exchange import CHECKER, WHEN, from_now

ESSAY = "Simon Pirani, “The Communists’ Dilemma,” essay, February 2008"
MINUTES = ("“Minutes of the June 1922 Meeting of Moscow Communists on Vladimir Petrzhek’s "
           "Resignation,” June 1922, a Moscow archive")


def words(archive: Archive, passage_id: str, text: str) -> Selector:
    passage = archive.passage(passage_id)
    start = passage.text.index(text)
    return select(passage.uri, passage.text, start, start + len(text))


@pytest.fixture
def notes(tmp_path, archive):
    """The six awkward marks of the other exchange tests, and: a highlight from the end of
    the essay's ¶ 8 into ¶ 9, a link from the essay to the minutes it quotes, and a link
    within the essay whose relation is the person's own (and holds Markdown)."""
    notes = make_notes(tmp_path / "data", archive)
    notes.add_highlight(archive.archive_id, "essay",
                        words(archive, "essay/p8", "the minute-taker recorded."), "purple",
                        note="Across a page break.", tags=["parts"],
                        more=[words(archive, "essay/p9", "Local party leaders replied")])
    notes.add_link(archive.archive_id,
                   End("essay", words(archive, "essay/p8", "private proprietorial instincts")),
                   End("minutes", words(archive, "minutes/e2", "private proprietorial")),
                   "supports", "The essay quotes the minutes.\n\nSecond paragraph.")
    notes.add_link(archive.archive_id, End("essay", words(archive, "essay/p3", "joined the party")),
                   End("essay", words(archive, "essay/p20", "Workers Truth")), "*echoes* #tag")
    yield notes
    notes.close()


def export(notes: Notes, archive: Archive, fmt: str, **selection: str) -> str:
    return render(fmt, collect(notes, archive, Selection(**selection)), archive, when=WHEN)


def snapshot(notes: Notes) -> list[object]:
    return [sorted(notes.highlights(), key=lambda h: h.id),
            sorted(notes.bookmarks(), key=lambda b: b.id),
            sorted(notes.links(), key=lambda link: link.id)]


def test_json_round_trip_keeps_every_part_and_link_exactly(tmp_path, notes, archive):
    first = export(notes, archive, "json")
    path = tmp_path / "export.json"
    path.write_text(first, encoding="utf-8")
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    assert (report.added, report.updated, report.orphaned) == (9, 0, 0)
    assert snapshot(fresh) == snapshot(notes)
    assert export(fresh, archive, "json") == first
    again = import_file(fresh, archive, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 9)
    assert snapshot(fresh) == snapshot(notes)
    fresh.close()


def test_a_highlight_across_passages_is_one_annotation_with_a_target_per_part(notes,
                                                                              archive):
    items = json.loads(export(notes, archive, "json"))["first"]["items"]
    (parted,) = [i for i in items if isinstance(i["target"], list)
                 and i["motivation"] != "linking"]
    assert [t["source"] for t in parted["target"]] == [archive.passage("essay/p8").uri,
                                                       archive.passage("essay/p9").uri]
    for target, exact in zip(parted["target"], ["the minute-taker recorded.",
                                                 "Local party leaders replied"], strict=True):
        assert [s["type"] for s in target["selector"]] == ["TextQuoteSelector",
                                                           "TextPositionSelector"]
        assert target["selector"][0]["exact"] == exact
        assert target["styleClass"] == "archive-browser-purple"
    assert parted["body"][0]["value"] == "Across a page break."


def test_a_link_is_one_linking_annotation_with_two_targets(notes, archive):
    items = json.loads(export(notes, archive, "json"))["first"]["items"]
    links = [i for i in items if i["motivation"] == "linking"]
    supports = next(i for i in links if i["body"][0]["value"] == "supports")
    assert supports["body"] == [
        {"type": "TextualBody", "value": "supports", "purpose": "classifying"},
        {"type": "TextualBody", "value": "The essay quotes the minutes.\n\nSecond paragraph.",
         "format": "text/plain", "purpose": "commenting"}]
    assert [t["source"] for t in supports["target"]] == [archive.passage("essay/p8").uri,
                                                         archive.passage("minutes/e2").uri]
    second = words(archive, "minutes/e2", "private proprietorial")
    assert supports["target"][1]["selector"] == [
        {"type": "TextQuoteSelector", "exact": "private proprietorial",
         "prefix": second.prefix, "suffix": second.suffix},
        {"type": "TextPositionSelector", "start": second.start, "end": second.end}]
    assert "stylesheet" not in supports and "styleClass" not in supports["target"][0]
    assert [i["motivation"] for i in items][-4:] == ["linking", "linking", "bookmarking",
                                                     "bookmarking"]


def test_parts_and_links_pass_the_w3c_musts(tmp_path, notes, archive):
    if CHECKER is None or not (CHECKER.parent.parent / "w3c-annotation-model-tests").is_dir():
        pytest.skip("the W3C checker (shared/tools/check_web_annotation.py) or its test "
                    "suite (shared/w3c-annotation-model-tests) is not here")
    path = tmp_path / "export.json"
    path.write_text(export(notes, archive, "json"), encoding="utf-8")
    result = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("9 passed, 0 failed")


def test_markdown_quotes_every_part_as_one_quotation_cited_across_its_paragraphs(notes,
                                                                                 archive):
    _, text = split_front_matter(export(notes, archive, "markdown"))
    entry = ("> the minute-taker recorded.\n>\n> Local party leaders replied\n\n"
             f"— {ESSAY}, paras. 8–9.\n\nAcross a page break.\n\nTags: #parts; "
             "Colour: purple\n\n---\n")
    assert entry in text
    tokens = MarkdownIt("commonmark").parse(text)
    quotations, depth = [], 0
    for token in tokens:  # the paragraphs of each quotation
        if token.type == "blockquote_open":
            quotations.append([])
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if depth and token.type == "inline":
            quotations[-1].append(token.content)
    assert ["the minute-taker recorded.", "Local party leaders replied"] in quotations


def test_markdown_gives_a_link_both_quotations_their_citations_and_the_relation(notes,
                                                                               archive):
    _, text = split_front_matter(export(notes, archive, "markdown"))
    assert text.index("## Links") < text.index("## Bookmarks")
    quoted = f"{MINUTES}, quoted in {ESSAY}, para. 8."
    entry = (f"> private proprietorial instincts\n\n— {quoted}\n\n*supports*\n\n"
             f"> private proprietorial\n\n— {quoted}\n\nThe essay quotes the minutes.\n\n"
             "Second paragraph.\n\n---\n")
    assert entry in text
    own = (f"> joined the party\n\n— {ESSAY}, para. 3.\n\n*\\*echoes\\* \\#tag*\n\n"
           f"> Workers Truth\n\n— {ESSAY}, para. 20.\n\n---\n")
    assert own in text
    tokens = MarkdownIt("commonmark").parse(text)
    emphasised = [t.children[1].content for t in tokens if t.type == "inline"
                  and t.children and t.children[0].type == "em_open"]
    assert emphasised == ["*echoes* #tag", "supports"]  # the person's word, as written
    assert "html_block" not in [t.type for t in tokens]


def test_markdown_with_pandoc_citations_ends_each_quotation_with_its_citation(notes, archive):
    text = render("markdown", collect(notes, archive), archive, when=WHEN,
                  citations="pandoc")
    assert "> Local party leaders replied [@pirani2008communists, ¶¶ 8–9]\n" in text
    assert "> private proprietorial [@minutes1922june; quoted in @pirani2008communists, " \
           "¶ 8]\n" in text


def test_an_end_no_longer_found_is_said_so(tmp_path, notes, archive):
    (link, _other) = sorted(notes.links(), key=lambda x: x.relation != "supports")
    lost = replace(link, second=replace(link.second, state=ORPHANED),
                   first=replace(link.first, state=MOVED))
    notes.put_link(lost)
    _, text = split_front_matter(export(notes, archive, "markdown"))
    assert ("*supports*\n\n> private proprietorial\n\n— Minutes of the meeting of Moscow "
            "communists on Vladimir Petrzhek’s resignation, no longer found\n") in text
    assert "Second paragraph.\n\nState: orphaned\n\n---\n" in text
    rows = list(csv.DictReader(io.StringIO(export(notes, archive, "csv").removeprefix(
        "\ufeff"))))
    row = next(r for r in rows if r["kind"] == "link" and r["relation"] == "supports")
    assert (row["state"], row["other_paragraph"], row["other_citation"]) == ("orphaned", "",
                                                                             "")
    assert row["citation"]  # the first end is still found, and cited


def test_csv_gives_a_highlight_across_passages_one_row_and_a_link_one_row(notes, archive):
    text = export(notes, archive, "csv")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader)
    assert header[:15] == ["kind", "id", "document", "section", "paragraph", "quote", "note",
                           "tags", "colour", "label", "state", "created", "modified", "uri",
                           "citation"]  # the columns readers had, where they were
    assert header[15:] == ["last_paragraph", "last_uri", "relation", "other_document",
                           "other_section", "other_paragraph", "other_quote", "other_uri",
                           "other_citation"]
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [r["kind"] for r in rows] == ["highlight"] * 5 + ["link"] * 2 + ["bookmark"] * 2
    parted = next(r for r in rows if r["colour"] == "purple")
    assert parted["quote"] == "the minute-taker recorded. … Local party leaders replied"
    assert (parted["paragraph"], parted["last_paragraph"]) == ("8", "9")
    assert parted["uri"] == archive.passage("essay/p8").uri
    assert parted["last_uri"] == archive.passage("essay/p9").uri
    assert parted["citation"] == f"{ESSAY}, paras. 8–9."
    single = next(r for r in rows if r["colour"] == "pink")
    assert single["last_paragraph"] == single["last_uri"] == single["relation"] == ""
    link = next(r for r in rows if r["relation"] == "supports")
    assert (link["document"], link["paragraph"], link["quote"]) == (
        "The communists’ dilemma", "8", "private proprietorial instincts")
    assert (link["other_document"], link["other_paragraph"], link["other_quote"]) == (
        "Minutes of the meeting of Moscow communists on Vladimir Petrzhek’s resignation", "2",
        "private proprietorial")
    assert link["other_uri"] == archive.passage("minutes/e2").uri
    assert link["other_citation"] == link["citation"] == f"{MINUTES}, quoted in {ESSAY}, " \
                                                         "para. 8."
    assert link["note"] == "The essay quotes the minutes.\n\nSecond paragraph."
    assert link["colour"] == link["tags"] == link["label"] == ""
    own = next(r for r in rows if r["relation"].startswith("*echoes"))
    assert own["other_section"] == "What the communists cared about"


@pytest.mark.parametrize(("selection", "highlights", "links"), [
    ({}, 5, 2), ({"document": "essay"}, 5, 2), ({"document": "minutes"}, 0, 1),
    ({"document": "letter"}, 0, 0), ({"tag": "parts"}, 1, 0), ({"colour": "purple"}, 1, 0)])
def test_a_link_is_exported_with_the_documents_of_either_end(notes, archive, selection,
                                                             highlights, links):
    kinds = [m.kind for m in collect(notes, archive, Selection(**selection))]
    assert (kinds.count("highlight"), kinds.count("link")) == (highlights, links)


# -- importing them: others' files, newer wins, all or nothing -------------------------


def annotation(targets: list[dict], **extra: object) -> dict:
    return {"@context": exporting.CONTEXT, "id": "https://elsewhere.example/a/1",
            "type": "Annotation", "motivation": "commenting", "target": targets, **extra}


def target(archive: Archive, passage_id: str, text: str) -> dict:
    s = words(archive, passage_id, text)
    return {"source": s.uri, "selector": [
        {"type": "TextQuoteSelector", "exact": s.exact, "prefix": s.prefix, "suffix": s.suffix},
        {"type": "TextPositionSelector", "start": s.start, "end": s.end}]}


def test_an_annotation_of_several_targets_is_a_highlight_across_passages(tmp_path, archive):
    path = tmp_path / "other.json"
    item = annotation([target(archive, "essay/p8", "the minute-taker recorded."),
                       "https://elsewhere.example/whole-page",  # names no words: left out
                       {"source": "https://elsewhere.example/essay.pdf",
                        "selector": {"type": "TextQuoteSelector",
                                     "exact": "Local party leaders replied"}}],
                      body={"type": "TextualBody", "value": "from elsewhere"})
    path.write_text(json.dumps(item))
    fresh = Notes(tmp_path / "fresh")
    assert import_file(fresh, archive, path).added == 1
    (h,) = fresh.highlights()
    assert [p.selector.exact for p in h.parts] == ["the minute-taker recorded.",
                                                   "Local party leaders replied"]
    assert [p.state for p in h.parts] == [ANCHORED, MOVED]  # found by its words, in ¶ 9
    assert h.more[0].selector.uri == archive.passage("essay/p9").uri
    assert h.document_id == "essay" and h.note == "from elsewhere" and h.state == MOVED
    fresh.close()


def test_a_part_found_nowhere_is_kept_as_an_orphan_part(tmp_path, archive):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(annotation([
        target(archive, "essay/p8", "the minute-taker recorded."),
        {"source": "https://elsewhere.example/x",
         "selector": {"type": "TextQuoteSelector", "exact": "words never written here"}}])))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    (h,) = fresh.highlights()
    assert [p.state for p in h.parts] == [ANCHORED, ORPHANED] and h.state == ORPHANED
    assert report.orphaned == 1
    fresh.close()


def test_a_linking_annotation_of_two_targets_is_a_link(tmp_path, archive):
    path = tmp_path / "other.json"
    path.write_text(json.dumps([
        annotation([target(archive, "essay/p3", "joined the party"),
                    target(archive, "letter/e1", "What is communism?")], motivation="linking",
                   body=[{"type": "TextualBody", "value": "a comment"}]),
        annotation([target(archive, "essay/p3", "joined the party"),
                    target(archive, "minutes/e2", "private proprietorial")],
                   id="urn:x:2", motivation="linking",
                   body={"type": "TextualBody", "value": "  CONTRADICTS ",
                         "purpose": "classifying"})]))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    assert report.added == 2 and fresh.highlights() == []
    by_relation = {link.relation: link for link in fresh.links()}
    assert set(by_relation) == {"see also", "contradicts"}  # no relation given: see also
    plain = by_relation["see also"]
    assert (plain.first.document_id, plain.second.document_id) == ("essay", "letter")
    assert plain.note == "a comment" and plain.state == ANCHORED
    assert by_relation["contradicts"].second.document_id == "minutes"
    fresh.close()


def test_a_newer_link_in_a_file_wins_and_an_older_one_changes_nothing(tmp_path, notes,
                                                                      archive):
    items = json.loads(export(notes, archive, "json"))["first"]["items"]
    item = next(i for i in items if i["motivation"] == "linking"
                and i["body"][0]["value"] == "supports")
    item["body"][0]["value"] = "same event"
    item["body"][1]["value"] = "edited elsewhere"
    item["modified"] = from_now(hours=1)
    path = tmp_path / "edit.json"
    path.write_text(json.dumps([item]))
    assert import_file(notes, archive, path).updated == 1
    link = notes.link(item["id"].removeprefix("urn:uuid:"))
    assert (link.relation, link.note) == ("same event", "edited elsewhere")
    item["body"][1]["value"] = "an old version"
    item["modified"] = "2000-01-01T00:00:00Z"
    path.write_text(json.dumps([item]))
    assert import_file(notes, archive, path).unchanged == 1
    assert notes.link(link.id) == link


def test_a_dry_run_counts_parts_and_links_and_writes_nothing(tmp_path, notes, archive):
    path = tmp_path / "e.json"
    path.write_text(export(notes, archive, "json"))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path, dry_run=True)
    assert report.describe() == "Would add 9 and update 0; 0 already present."
    assert snapshot(fresh) == [[], [], []]
    fresh.close()


def test_one_bad_link_among_good_marks_imports_nothing(tmp_path, notes, archive):
    data = json.loads(export(notes, archive, "json"))
    bad = next(i for i in data["first"]["items"] if i["motivation"] == "linking")
    del bad["target"][1]["selector"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    fresh = Notes(tmp_path / "fresh")
    with pytest.raises(Exception, match="each end of a link needs a TextQuoteSelector"):
        import_file(fresh, archive, path)
    assert snapshot(fresh) == [[], [], []]
    fresh.close()


def test_the_readme_s_link_example_is_what_the_export_writes(archive):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.findall(r"```json\n(.*?)```", readme, re.S)[1])
    words_ = "strongly-developed private proprietorial instincts"
    link = Link(example["id"].removeprefix("urn:uuid:"), archive.archive_id,
                End("essay", words(archive, "essay/p8", words_)),
                End("minutes", words(archive, "minutes/e2", words_)), "supports",
                "The essay quotes the minutes.", example["created"], example["modified"])
    mark = exporting.Mark("link", None, None, None, 0, "", "", link=link)
    assert exporting.annotation(mark) == example
