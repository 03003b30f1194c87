"""Export to Markdown, W3C JSON and CSV; import back; hostile files."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from msgspec.structs import replace

from desktop.archive.store import Archive
from desktop.notes import export as exporting
from desktop.notes import importer
from desktop.notes.anchoring import select
from desktop.notes.errors import NotesError
from desktop.notes.export import Selection, collect, render, write_atomically
from desktop.notes.importer import MAX_BYTES, apply_import, import_file, plan_import
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import INSTALLED_COMMAND, ROOT, make_notes, run_cli_process
from tests.notes.markdown_reading import split_front_matter

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CHECKER = next((p for p in (ROOT.parent / "shared" / "tools" / "check_web_annotation.py",
                            Path("/work/shared/tools/check_web_annotation.py")) if p.exists()),
               None)


@pytest.fixture
def notes(tmp_path, archive):
    notes = make_notes(tmp_path / "data", archive)
    yield notes
    notes.close()


def export(notes: Notes, archive: Archive, fmt: str, **selection: str) -> str:
    return render(fmt, collect(notes, archive, Selection(**selection)), archive, when=WHEN)


def snapshot(notes: Notes) -> list[tuple]:
    return sorted((h.id, h.selector, h.colour, h.note, h.tags, h.state, h.created, h.modified)
                  for h in notes.highlights()) + \
        sorted((b.id, b.uri, b.label, b.state, b.created, b.modified) for b in notes.bookmarks())


def test_json_round_trip_is_lossless_and_stable(tmp_path, notes, archive):
    first = export(notes, archive, "json")
    path = tmp_path / "export.json"
    path.write_text(first, encoding="utf-8")
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    assert (report.added, report.updated, report.orphaned) == (6, 0, 0)
    assert snapshot(fresh) == snapshot(notes)
    assert export(fresh, archive, "json") == first
    again = import_file(fresh, archive, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert len(fresh.highlights()) == 4
    fresh.close()


def test_every_exported_annotation_passes_the_w3c_musts(tmp_path, notes, archive):
    if CHECKER is None:
        pytest.skip("the W3C checker (shared/tools/check_web_annotation.py) is not here")
    path = tmp_path / "export.json"
    path.write_text(export(notes, archive, "json"), encoding="utf-8")
    result = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("6 passed, 0 failed")


def test_json_shape(notes, archive):
    data = json.loads(export(notes, archive, "json"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 6
    items = data["first"]["items"]
    motivations = [i["motivation"] for i in items]
    assert motivations == ["commenting", "commenting", "tagging", "commenting", "bookmarking",
                           "bookmarking"]
    first = items[0]
    assert first["target"]["source"] == "archive-browser://communists-dilemma/essay/p8"
    types = [s["type"] for s in first["target"]["selector"]]
    assert types == ["TextQuoteSelector", "TextPositionSelector"]
    assert first["target"]["styleClass"] == "archive-browser-green"
    tags = [b for b in items[2]["body"] if b["purpose"] == "tagging"]
    assert len(tags) == 25


def test_markdown_renders_as_intended_whatever_the_notes_hold(notes, archive):
    _, text = split_front_matter(export(notes, archive, "markdown"))
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    kinds = [t.type for t in tokens]
    assert "html_block" not in kinds and "fence" not in kinds and "code_block" not in kinds
    assert not [t for t in tokens if t.type == "inline" and
                any(c.type in ("html_inline", "link_open", "s_open", "em_open") for c in
                    (t.children or []))]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Annotations: The communists’ dilemma: an essay, its sources and the "
                        "1922 minutes it quotes", "The communists’ dilemma", "Opening",
                        "Bookmarks"]
    assert kinds.count("blockquote_open") == 4
    html = MarkdownIt("commonmark").render(text)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "# Not a heading" in html and "=SUM(A1:A9)" in html
    assert "#tag24" in html and "para. 8." in html
    assert "Workers Truth: Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, " \
           "para. 20." in html


def test_csv_reads_back_with_formulas_neutralised(notes, archive):
    text = export(notes, archive, "csv")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == list(exporting.CSV_COLUMNS)
    assert len(rows) == 6
    pink = next(r for r in rows if r["colour"] == "pink")
    assert pink["note"] == "'=SUM(A1:A9)"
    assert pink["tags"] == "'+plus, -minus, @at"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in rows for cell in row.values() if cell)
    assert rows[0]["paragraph"] == "8" and rows[0]["section"] == "Opening"


def test_csv_cells_that_would_run_as_formulas(tmp_path):
    for bad in ("=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx"):
        assert exporting.csv_cell(bad) == "'" + bad
    assert exporting.csv_cell("fine") == "fine"


@pytest.mark.parametrize(("selection", "count"), [
    ({"document": "essay"}, 5), ({"document": "minutes"}, 1), ({"tag": "emoji"}, 1),
    ({"tag": "#markdown"}, 1), ({"colour": "blue"}, 1), ({}, 6)])
def test_export_filters(notes, archive, selection, count):
    assert len(collect(notes, archive, Selection(**selection))) == count


def test_writing_is_atomic_and_refuses_to_overwrite(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old export")
    with pytest.raises(NotesError, match="already exists"):
        write_atomically(target, "new", overwrite=False)

    def crash(*_args: object) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, "new", overwrite=True)
    assert target.read_text() == "old export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_default_file_name_is_safe_everywhere():
    name = exporting.default_name("markdown", WHEN)
    assert name == "archive-browser-annotations-2026-11-26.md"
    assert all(c.isalnum() or c in "-." for c in name)


def foreign(source: str, exact: str, **extra: object) -> dict:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "https://hyp.example/a/1",
            "type": "Annotation", "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "from elsewhere"},
            "target": {"source": source, "selector": [{"type": "TextQuoteSelector",
                                                       "exact": exact}]}, **extra}


def test_foreign_annotation_anchored_by_its_quote(tmp_path, archive):
    path = tmp_path / "hyp.json"
    path.write_text(json.dumps([foreign("https://example.org/essay.pdf",
                                        "the security police to decide")]))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    (h,) = fresh.highlights()
    assert report.added == 1 and h.state == "moved" and h.note == "from elsewhere"
    assert archive.passage_by_uri(h.selector.uri).id == "essay/p25"
    fresh.close()


def test_an_annotation_that_cannot_be_anchored_is_kept_as_an_orphan(tmp_path, archive):
    path = tmp_path / "lost.json"
    path.write_text(json.dumps(foreign("https://example.org/other", "words never written")))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path)
    assert report.orphaned == 1 and fresh.highlights()[0].state == "orphaned"
    fresh.close()


def from_now(**delta: float) -> str:
    """A W3C date-time this far from now (less than the day ahead an import accepts)."""
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def test_newer_modified_wins_and_older_is_ignored(tmp_path, notes, archive):
    data = json.loads(export(notes, archive, "json"))
    item = data["first"]["items"][0]
    item["body"][0]["value"] = "edited elsewhere, later"
    item["modified"] = from_now(hours=1)
    older = json.loads(json.dumps(item))
    older["body"][0]["value"] = "an old version"
    older["modified"] = "2000-01-01T00:00:00Z"
    path = tmp_path / "edit.json"
    path.write_text(json.dumps([item]))
    assert import_file(notes, archive, path).updated == 1
    path.write_text(json.dumps([older]))
    assert import_file(notes, archive, path).unchanged == 1
    highlight = notes.highlight(item["id"][9:])
    assert highlight.note == "edited elsewhere, later"


def test_dry_run_reports_and_changes_nothing(tmp_path, notes, archive):
    path = tmp_path / "e.json"
    path.write_text(export(notes, archive, "json"))
    fresh = Notes(tmp_path / "fresh")
    report = import_file(fresh, archive, path, dry_run=True)
    assert report.describe() == "Would add 6 and update 0; 0 already present."
    assert fresh.highlights() == [] and fresh.bookmarks() == []
    fresh.close()


def test_one_bad_record_among_a_thousand_imports_nothing(tmp_path, archive):
    good = [foreign("archive-browser://communists-dilemma/essay/p25",
                    "the security police to decide") | {"id": f"urn:x:{n}"} for n in range(1000)]
    bad = foreign("archive-browser://communists-dilemma/essay/p25", "x") | {"id": "urn:x:bad"}
    bad["target"]["selector"].append({"type": "TextPositionSelector", "start": "0", "end": 4})
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"type": "AnnotationPage", "items": [*good, bad]}))
    fresh = Notes(tmp_path / "fresh")
    with pytest.raises(NotesError, match=r"^Record 1001 \(urn:x:bad\): the position’s"):
        import_file(fresh, archive, path)
    assert fresh.highlights() == []
    fresh.close()


HOSTILE = {
    "not-json": (b"this is not JSON", "is not valid JSON"),
    "truncated": (b'{"type": "AnnotationPage", "items": [{"id": "a", "ty', "is not valid JSON"),
    "wrong-shape": (b'{"hello": "world"}', "is not a W3C Web Annotation"),
    "wrong-type-items": (b'{"type": "AnnotationPage", "items": 7}', "not a list"),
    "wrong-type-record": (b"[1, 2, 3]", "Record 1 is not an annotation object"),
    "target-number": (b'[{"id": "a", "type": "Annotation", "target": 5}]',
                      "the target must be an IRI or an object"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "bad-utf8": (b'[{"id": "\xff\xfe"}]', "is not UTF-8 text"),
    "lone-surrogate": (b'[{"id": "\\ud800", "type": "Annotation"}]', "lone surrogate"),
    "nan": (b'[{"id": "a", "type": "Annotation", "x": NaN}]', "not a number JSON allows"),
    "huge-float": (b'[{"id": "a", "type": "Annotation", "x": 1e999}]', "too large"),
    "huge-int": (b'[{"id": "a", "type": "Annotation", "x": ' + b"9" * 5000 + b"}]",
                 "too large"),
    "duplicate-keys": (b'[{"id": "a", "id": "b", "type": "Annotation"}]', "repeats the key"),
    "empty": (b"", "is not valid JSON"),
    "id-not-text": (b'[{"id": 123, "type": "Annotation"}]', "its “id” must be an IRI"),
    "too-many-values": (b"[" + b"[]," * 6_000_001 + b"[]]", "more values than"),
    # Hypothesis's search response and client export (tests/test_import_hypothesis.py)
    "hypothesis-total-negative": (b'{"total": -3, "rows": []}', "“total” must be a whole number"),
    "hypothesis-total-text": (b'{"total": "0", "rows": []}', "“total” must be a whole number"),
    "hypothesis-huge-total": (b'{"total": ' + b"9" * 5000 + b', "rows": []}', "too large"),
    "hypothesis-rows-object": (b'{"total": 1, "rows": {"id": "a"}}', "“rows” is not a list"),
    "hypothesis-replies-text": (b'{"total": 0, "rows": [], "replies": "none"}',
                                "“replies” is not a list"),
    "hypothesis-annotations-text": (b'{"export_date": "2024-12-10T09:00:00Z", '
                                    b'"annotations": "all"}', "“annotations” is not a list"),
    "hypothesis-record-number": (b'{"annotations": [7]}', "Record 1 is not an annotation"),
    "hypothesis-no-id": (b'{"annotations": [{"uri": "x"}]}', "Record 1 has no “id”"),
    "hypothesis-id-number": (b'{"annotations": [{"id": 5}]}', "Record 1: its “id” must be text"),
    "hypothesis-no-uri": (b'{"annotations": [{"id": "a", "target": []}]}', "has no “uri”"),
    "hypothesis-text-list": (b'{"annotations": [{"id": "a", "uri": "x", "text": ["n"]}]}',
                             "its “text” must be text"),
    "hypothesis-tags-text": (b'{"annotations": [{"id": "a", "uri": "x", "tags": "t"}]}',
                             "its “tags” must be a list of text"),
    "hypothesis-tag-number": (b'{"annotations": [{"id": "a", "uri": "x", "tags": [1]}]}',
                              "its “tags” must be a list of text"),
    "hypothesis-references-text": (b'{"annotations": [{"id": "a", "uri": "x", '
                                   b'"references": "b"}]}', "“references” must be a list"),
    "hypothesis-no-target": (b'{"annotations": [{"id": "a", "uri": "x"}]}',
                             "its “target” must be a list of one target"),
    "hypothesis-target-text": (b'{"annotations": [{"id": "a", "uri": "x", "target": ["x"]}]}',
                               "its target must be an object"),
    "hypothesis-selector-object": (b'{"annotations": [{"id": "a", "uri": "x", "target": '
                                   b'[{"selector": {"type": "TextQuoteSelector"}}]}]}',
                                   "“selector” must be a list of objects"),
    "hypothesis-exact-number": (b'{"annotations": [{"id": "a", "uri": "x", "target": '
                                b'[{"selector": [{"type": "TextQuoteSelector", "exact": 1}]}]}]}',
                                "the quote’s “exact” must be text"),
    "hypothesis-position-text": (b'{"annotations": [{"id": "a", "uri": "x", "target": '
                                 b'[{"selector": [{"type": "TextPositionSelector", '
                                 b'"start": "1", "end": 4}]}]}]}', "the position’s"),
    "hypothesis-updated-not-a-date": (b'{"annotations": [{"id": "a", "uri": "x", "updated": '
                                      b'"yesterday", "target": [{"selector": [{"type": '
                                      b'"TextQuoteSelector", "exact": "w"}]}]}]}',
                                      "“updated” is not a date"),
    "hypothesis-created-number": (b'{"annotations": [{"id": "a", "uri": "x", "created": 1}]}',
                                  "its “created” must be text"),
    "hypothesis-deep": (b'{"total": 1, "rows": [{"id": "a", "uri": "x", "text": ' +
                        b"[" * 100_000 + b"]" * 100_000 + b"}]}", "nested too deeply"),
    # A highlight across passages: a target for each part (tests/notes/test_parts.py)
    "part-target-number": (b'[{"id": "a", "type": "Annotation", "target": [{"source": "x", '
                           b'"selector": {"type": "TextQuoteSelector", "exact": "w"}}, 5]}]',
                           "the target must be an IRI or an object"),
    "part-exact-number": (b'[{"id": "a", "type": "Annotation", "target": ["x", {"source": "y", '
                          b'"selector": {"type": "TextQuoteSelector", "exact": 1}}]}]',
                          "the quote’s “exact” must be text"),
    "part-position-backwards": (b'[{"id": "a", "type": "Annotation", "target": [{"source": '
                                b'"x", "selector": {"type": "TextQuoteSelector", "exact": "w"}}, '
                                b'{"source": "y", "selector": {"type": "TextPositionSelector", '
                                b'"start": 9, "end": 2}}]}]', "the position’s “start”"),
    "part-selector-text": (b'[{"id": "a", "type": "Annotation", "target": ["x", {"source": "y", '
                           b'"selector": "TextQuoteSelector"}]}]', "a selector must be an object"),
    "part-neither-source-nor-words": (b'[{"id": "a", "type": "Annotation", "target": ["x", '
                                      b'{"selector": []}]}]', "names neither a passage nor"),
    "parts-without-words": (b'[{"id": "a", "type": "Annotation", "target": ["x", "y"]}]',
                            "a highlight needs a TextQuoteSelector"),
    "too-many-parts": (b'[{"id": "a", "type": "Annotation", "target": [' +
                       b", ".join([b'{"source": "x", "selector": {"type": "TextQuoteSelector", '
                                   b'"exact": "w"}}'] * 101) + b"]}]",
                       "more than 100 targets"),
    # A link: motivation linking, two targets (tests/notes/test_links.py)
    "link-end-without-words": (b'[{"id": "a", "type": "Annotation", "motivation": "linking", '
                               b'"target": [{"source": "x", "selector": {"type": '
                               b'"TextQuoteSelector", "exact": "w"}}, "y"]}]',
                               "each end of a link needs a TextQuoteSelector"),
    "link-first-end-without-words": (b'[{"id": "a", "type": "Annotation", "motivation": '
                                     b'"linking", "target": ["x", {"source": "y", "selector": '
                                     b'{"type": "TextQuoteSelector", "exact": "w"}}]}]',
                                     "each end of a link needs a TextQuoteSelector"),
    "link-relation-too-long": (b'[{"id": "a", "type": "Annotation", "motivation": "linking", '
                               b'"body": {"type": "TextualBody", "purpose": "classifying", '
                               b'"value": "' + b"x" * 41 + b'"}, "target": [' +
                               b", ".join([b'{"source": "x", "selector": {"type": '
                                           b'"TextQuoteSelector", "exact": "w"}}'] * 2) + b"]}]",
                               "a link's relation must be a word or a few, at most 40"),
    "link-relation-blank": (b'[{"id": "a", "type": "Annotation", "motivation": "linking", '
                            b'"body": {"type": "TextualBody", "purpose": "classifying", '
                            b'"value": " \\u202e "}, "target": [' +
                            b", ".join([b'{"source": "x", "selector": {"type": '
                                        b'"TextQuoteSelector", "exact": "w"}}'] * 2) + b"]}]",
                            "a link's relation must be a word or a few"),
    "link-relation-number": (b'[{"id": "a", "type": "Annotation", "motivation": "linking", '
                             b'"body": {"type": "TextualBody", "purpose": "classifying", '
                             b'"value": 7}, "target": [' +
                             b", ".join([b'{"source": "x", "selector": {"type": '
                                         b'"TextQuoteSelector", "exact": "w"}}'] * 2) + b"]}]",
                             "a body’s “value” must be text"),
    "link-target-list": (b'[{"id": "a", "type": "Annotation", "motivation": "linking", '
                         b'"target": [{"source": "x", "selector": {"type": '
                         b'"TextQuoteSelector", "exact": "w"}}, [1]]}]',
                         "the target must be an IRI or an object"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_in_one_line_and_change_nothing(tmp_path, notes, archive,
                                                                 case):
    content, message = HOSTILE[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(content)
    before = snapshot(notes)
    with pytest.raises(NotesError, match=message) as caught:
        import_file(notes, archive, path)
    assert "\n" not in str(caught.value)
    assert snapshot(notes) == before


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, notes, archive):
    path = tmp_path / "big.json"
    with path.open("wb") as out:
        out.truncate(MAX_BYTES + 1)
    with pytest.raises(NotesError, match="larger than 100 MB"):
        import_file(notes, archive, path)


def test_html_and_script_in_notes_are_kept_as_text(tmp_path, archive):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    path = tmp_path / "html.json"
    item = foreign("archive-browser://communists-dilemma/essay/p25",
                   "the security police to decide")
    item["body"]["value"] = script
    path.write_text(json.dumps([item]))
    fresh = Notes(tmp_path / "fresh")
    import_file(fresh, archive, path)
    assert fresh.highlights()[0].note == script
    fresh.close()


def test_command_line_export_and_import(cli, tmp_path, notes, archive):
    data = tmp_path / "data"
    out = tmp_path / "notes.json"
    result = cli("export", "--format", "json", "--output", str(out), data=data)
    assert result.returncode == 0, result.stderr
    again = cli("export", "--format", "json", "--output", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert cli("export", "--format", "json", "-o", str(out), "--force").returncode == 0
    stdout = cli("export", "--format", "markdown", "--tag", "emoji")
    assert stdout.returncode == 0 and stdout.stdout.count("> ") == 1
    unknown = cli("export", "--document", "nothing")
    assert unknown.returncode == 1 and "no document “nothing”" in unknown.stderr
    dry = cli("import", str(out), "--dry-run", data=tmp_path / "other")
    assert dry.returncode == 0 and "Would add 6" in dry.stdout
    real = cli("import", str(out))
    assert real.returncode == 0 and "Added 6" in real.stdout
    hostile = tmp_path / "bad.json"
    hostile.write_bytes(b"[" * 10_000)
    refused = cli("import", str(hostile))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_the_installed_command_exports_and_imports_from_end_to_end(tmp_path, notes):
    """As a person's shell runs it: the command pip installed, each run a process of its
    own, whose exit status says whether it did what it was asked."""
    if not INSTALLED_COMMAND.exists():
        pytest.skip(f"{INSTALLED_COMMAND} is not installed (make test installs it)")
    out = tmp_path / "notes.json"
    exported = run_cli_process("export", "--format", "json", "-o", str(out),
                               data=tmp_path / "data", installed=True)
    assert exported.returncode == 0, exported.stderr
    imported = run_cli_process("import", str(out), data=tmp_path / "other", installed=True)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == f"{out}: Added 6 and updated 0; 0 already present.\n"
    refused = run_cli_process("import", str(tmp_path / "missing.json"),
                              data=tmp_path / "other", installed=True)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_an_export_gets_the_usual_permissions(tmp_path):
    target = tmp_path / "x.md"
    write_atomically(target, "text", overwrite=False)
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_reading_commands_make_no_backup_and_an_import_makes_one(cli, tmp_path, notes,
                                                                 archive):
    from desktop.notes import backups

    data = tmp_path / "data"
    folder = data / "backups"
    before = len(backups.backups(folder))
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out), data=data).returncode == 0
    assert cli("import", str(out), "--dry-run").returncode == 0
    assert len(backups.backups(folder)) == before
    other = tmp_path / "other"
    assert cli("import", str(out), data=other).returncode == 0
    assert len(backups.backups(other / "backups")) == 1


def test_csv_on_standard_output_has_the_byte_order_mark_too(notes, archive):
    assert export(notes, archive, "csv").startswith('\ufeff"kind","id",')


def test_a_device_is_never_replaced_by_an_export(tmp_path):
    with pytest.raises(NotesError, match="not a regular file"):
        write_atomically(Path("/dev/null"), "x", overwrite=True)


def test_markdown_is_safe_in_notes_apps_too(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    passage = archive.passage("essay/p8")
    start = passage.text.index("had hoped")
    notes.add_highlight(archive.archive_id, "essay",
                        select(passage.uri, passage.text, start, start + 9), "yellow",
                        note="$5 and $10, %% hidden %%, ^block, ==marked==, [[Link]], "
                             "evil\u202egnp.exe, nul\x00",
                        tags=["close reading", "1922"])
    _, text = split_front_matter(export(notes, archive, "markdown"))
    html = MarkdownIt("commonmark").render(text)
    assert "$5 and $10, %% hidden %%, ^block, ==marked==, [[Link]], evil[U+202E]gnp.exe, " \
           "nul[U+0000]" in html
    assert "\u202e" not in text and "\x00" not in text
    assert "Tags: #1922 #close-reading;" in text
    notes.close()


def test_an_imported_bookmark_never_replaces_one_already_there(tmp_path, notes, archive):
    p20 = archive.passage("essay/p20")
    item = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:elsewhere",
            "type": "Annotation", "motivation": "bookmarking",
            "body": {"type": "TextualBody", "value": "from elsewhere", "purpose": "describing"},
            "target": {"source": p20.uri}}
    path = tmp_path / "b.json"
    path.write_text(json.dumps([item]))
    assert import_file(notes, archive, path).added == 1
    labels = sorted(b.label for b in notes.bookmarks() if b.uri == p20.uri)
    assert labels == ["Workers Truth", "from elsewhere"]


def test_an_edit_saved_in_another_window_during_the_import_is_kept(tmp_path, notes, archive,
                                                                   monkeypatch):
    data = json.loads(export(notes, archive, "json"))
    item = data["first"]["items"][0]
    mark = notes.highlight(item["id"][9:])
    # The notes hold a version of two days ago; the file, one of yesterday.
    notes.conn.execute("UPDATE highlights SET modified = ? WHERE id = ?",
                       (from_now(days=-2), mark.id))
    item["body"][0]["value"] = "a version from the file"
    item["body"][1:] = [{"type": "TextualBody", "purpose": "tagging", "value": "from-file"}]
    item["modified"] = from_now(days=-1)
    path = tmp_path / "edit.json"
    path.write_text(json.dumps([item]))
    plan = plan_import(notes, archive, path)
    assert plan.report.updated == 1
    other = Notes(tmp_path / "data", backup_now=False)
    real_backup = notes.backup

    def backup_while_another_window_saves(**kwargs):
        made = real_backup(**kwargs)
        other.update_highlight(mark.id, note="typed in the other window", tags=["mine"])
        return made

    monkeypatch.setattr(notes, "backup", backup_while_another_window_saves)
    report = apply_import(notes, plan)
    other.close()
    kept = notes.highlight(mark.id)
    assert (kept.note, kept.tags) == ("typed in the other window", ("mine",))
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert report.describe() == "Added 0 and updated 0; 1 already present."


def test_an_import_writes_all_or_nothing(tmp_path, notes, archive):
    data = json.loads(export(notes, archive, "json"))
    for item in data["first"]["items"]:
        item["id"] += "-copy"
    path = tmp_path / "copies.json"
    path.write_text(json.dumps(data))
    before = snapshot(notes)
    plan = plan_import(notes, archive, path)
    plan.bookmarks[-1] = replace(plan.bookmarks[-1], archive_id=None)  # refused by SQLite
    with pytest.raises(NotesError, match="nothing of it was written") as raised:
        apply_import(notes, plan)
    assert isinstance(raised.value.__cause__, sqlite3.IntegrityError)
    assert snapshot(notes) == before


def locked_notes(tmp_path: Path, archive: Archive,
                 read_only) -> tuple[Path, Path, str]:  # type: ignore[no-untyped-def]
    """Notes with marks and a backup, whose file, folder and backups cannot be written;
    a file to import; and the sentence that refuses it."""
    data = tmp_path / "data"
    make_notes(data, archive).close()
    for locked in (data / "backups", data, data / FILE_NAME):
        read_only(locked)
    path = tmp_path / "e.json"
    path.write_text(json.dumps([foreign("archive-browser://communists-dilemma/essay/p25",
                                        "the security police to decide")]))
    return data, path, (f"Your notes file {data / FILE_NAME} is read-only, so this change "
                        "was not saved; make it and its folder writable and start Archive "
                        "Browser again.")


def test_importing_into_read_only_notes_is_refused_before_any_work(tmp_path, archive,
                                                                    read_only, monkeypatch):
    data, path, sentence = locked_notes(tmp_path, archive, read_only)
    notes = Notes(data, backup_now=False)
    assert notes.read_only
    before = snapshot(notes)
    assert import_file(notes, archive, path, dry_run=True).added == 1
    monkeypatch.setattr(importer, "read_json", lambda _path: pytest.fail("the file was read"))
    with pytest.raises(NotesError) as refused:
        import_file(notes, archive, path)
    assert str(refused.value) == sentence
    with pytest.raises(NotesError) as refused:
        notes.backup()
    assert str(refused.value) == sentence
    assert snapshot(notes) == before
    notes.close()


def test_the_command_line_refuses_to_import_into_read_only_notes(cli, tmp_path, archive,
                                                                  read_only):
    data, path, sentence = locked_notes(tmp_path, archive, read_only)
    refused = cli("import", str(path), data=data)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1] == f"archive-browser: {sentence}"
    assert [p.name for p in (data / "backups").iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(("position", "state"), [
    (None, "anchored"),  # the file names the passage and quotes its words: they are there
    ((31, 60), "anchored"),  # and gives their position: they are there
    ((0, 29), "moved"),  # gives a position, and the words stand elsewhere in the passage
])
def test_an_imported_highlight_is_anchored_where_the_file_says(tmp_path, archive, position,
                                                                state):
    passage = archive.passage("essay/p25")
    item = foreign(passage.uri, "the security police to decide")
    if position is not None:
        item["target"]["selector"].append(
            {"type": "TextPositionSelector", "start": position[0], "end": position[1]})
    path = tmp_path / "mine.json"
    path.write_text(json.dumps([item]))
    fresh = Notes(tmp_path / "fresh")
    import_file(fresh, archive, path)
    (h,) = fresh.highlights()
    assert h.state == state
    assert (h.selector.uri, h.selector.start, h.selector.end) == (passage.uri, 31, 60)
    fresh.close()
