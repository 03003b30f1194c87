"""Building an archive from a folder of texts."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from desktop.archive.check import check_archive
from desktop.archive.errors import BuildError
from desktop.archive.folder import build_folder
from desktop.archive.store import Archive

ESSAY = Path(__file__).resolve().parents[2] / "resources" / "communists-dilemma.pdf-extract.txt"
LONG = "A paragraph of clean text that runs to well over a hundred characters on one line, " \
       "as clean text does when each paragraph is a single line."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "Party Minutes 1922"
    source.mkdir()
    shutil.copy(ESSAY, source / "essay.txt")
    (source / "notes.txt").write_text(
        f"Notes On The Minutes\n\n{LONG}\n\nIt quotes “a slogan” once.\n\n{LONG} Ends.\n",
        encoding="utf-8")
    (source / "notes.toml").write_text(
        '[document]\ntitle = "Notes on the minutes"\nauthor = "A. Reader"\ndate = "1922"\n\n'
        '[[sources]]\nid = "slogans"\nkind = "pamphlet"\ntitle = "Slogans of 1922"\n'
        'draws_on = ["It quotes"]\n\n'
        '[[quotations]]\nfind = "a slogan"\nkind = "term"\nsource = "slogans"\n',
        encoding="utf-8")
    return source


def test_every_text_becomes_a_document(folder, tmp_path):
    out = tmp_path / "built.db"
    result = build_folder(folder, out)
    assert (result.documents, result.skipped) == (2, [])
    assert check_archive(out) == []
    with Archive(out) as archive:
        assert archive.archive_id.startswith("party-minutes-1922-")
        docs = {d.id: d for d in archive.documents()}
        assert docs["notes"].title == "Notes on the minutes"
        assert docs["notes"].author == "A. Reader" and docs["notes"].date == "1922"
        assert docs["essay"].title == "The communists’ dilemma"
        kinds = [p.kind for p in archive.passages("notes")]
        assert kinds == ["title", "paragraph", "paragraph", "paragraph"]  # no false caption
        (quote,) = archive.quotations("notes/p2")
        assert (quote.kind, quote.source_id) == ("term", "slogans")
        essay = archive.passages("essay")
        assert sum(p.kind == "paragraph" for p in essay) >= 42
        assert any(p.kind == "caption" for p in essay)  # the same cleaning as the essay
        assert archive.passage("notes/p1").uri == \
            f"archive-browser://{archive.archive_id}/notes/p1"


def test_unclassified_quotations_are_kept(folder, tmp_path):
    out = tmp_path / "built.db"
    build_folder(folder, out)
    with Archive(out) as archive:
        kinds = {q.kind for q in archive.quotations() if q.passage_id.startswith("essay/")}
    assert kinds == {"unclassified"}


@pytest.mark.parametrize("bad", ["not-utf8", "empty", "broken-side-file"])
def test_a_bad_file_is_skipped_and_named(folder, tmp_path, bad):
    if bad == "not-utf8":
        (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    elif bad == "empty":
        (folder / "bad.txt").write_text("   \n\n")
    else:
        (folder / "bad.txt").write_text("Title\n\nText.\n")
        (folder / "bad.toml").write_text("[document\n")
    lines: list[str] = []
    result = build_folder(folder, tmp_path / "built.db", report=lines.append)
    assert result.documents == 2
    assert [name for name, _why in result.skipped] == ["bad.txt"]
    assert any(line.startswith("Skipped bad.txt:") for line in lines)


def test_strict_stops_at_a_bad_file_and_leaves_the_old_archive(folder, tmp_path):
    (folder / "bad.txt").write_bytes(b"\xff\xfe")
    out = tmp_path / "built.db"
    out.write_bytes(b"the previous archive")
    with pytest.raises(BuildError, match=r"^bad\.txt: "):
        build_folder(folder, out, strict=True)
    assert out.read_bytes() == b"the previous archive"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match=r"holds no \.txt files"):
        build_folder(tmp_path / "empty", tmp_path / "x.db")


def test_two_builds_are_identical(folder, tmp_path):
    build_folder(folder, tmp_path / "a.db")
    build_folder(folder, tmp_path / "b.db")
    dumps = [list(sqlite3.connect(tmp_path / name).iterdump()) for name in ("a.db", "b.db")]
    assert dumps[0] == dumps[1]


def archive_id(path: Path) -> str:
    with Archive(path) as archive:
        return archive.archive_id


def test_folders_of_the_same_name_make_different_archives(tmp_path):
    for side in ("a", "b"):
        folder = tmp_path / side / "texts"
        folder.mkdir(parents=True)
        (folder / "one.txt").write_text("One\n\nText.\n")
        build_folder(folder, tmp_path / f"{side}.db")
    assert archive_id(tmp_path / "a.db") != archive_id(tmp_path / "b.db")


def test_rebuilding_keeps_the_archive_id_and_archive_toml_can_set_it(folder, tmp_path):
    out = tmp_path / "built.db"
    build_folder(folder, out)
    first = archive_id(out)
    moved = tmp_path / "moved"
    shutil.move(folder, moved)
    build_folder(moved, out)
    assert archive_id(out) == first  # marks made on it still belong to it
    (moved / "archive.toml").write_text('[archive]\nid = "Minutes 1922"\ntitle = "T"\n')
    build_folder(moved, tmp_path / "other.db")
    assert archive_id(tmp_path / "other.db") == "minutes-1922"
    (moved / "archive.toml").write_text('[archive]\ntitle = "Only a title"\n')
    build_folder(moved, tmp_path / "third.db")
    with Archive(tmp_path / "third.db") as archive:
        assert archive.meta["title"] == "Only a title"


def test_document_ids_that_clash_do_not_depend_on_which_files_are_there(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "Letter.txt").write_text("A\n\nOne.\n")
    (folder / "letter.txt").write_text("B\n\nTwo.\n")
    build_folder(folder, tmp_path / "both.db")
    with Archive(tmp_path / "both.db") as archive:
        both = {d.title: d.id for d in archive.documents()}
    (folder / "Letter.txt").unlink()
    build_folder(folder, tmp_path / "one.db")
    with Archive(tmp_path / "one.db") as archive:
        (only,) = archive.documents()
    assert only.id == "letter" and both["B"] != "letter" and both["A"] != "letter"


def test_a_rebuilt_archive_keeps_each_files_document_id(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "letter.txt").write_text("B\n\nTwo.\n")
    out = tmp_path / "a.db"
    build_folder(folder, out)
    (folder / "Letter.txt").write_text("A\n\nOne.\n")  # a newcomer whose name clashes
    build_folder(folder, out)
    with Archive(out) as archive:
        ids = {d.title: d.id for d in archive.documents()}
    assert ids["B"] == "letter" and ids["A"].startswith("letter-")


def test_an_output_folder_is_refused_before_building(folder, tmp_path):
    with pytest.raises(BuildError, match="is a folder"):
        build_folder(folder, tmp_path)


def test_a_killed_builds_temporary_file_is_removed_by_the_next(folder, tmp_path):
    out = tmp_path / "built.db"
    stale = tmp_path / ".built.db.abc123.tmp"
    stale.write_bytes(b"half an archive")
    running = tmp_path / ".built.db.def456.tmp"  # another build, still writing
    running.write_bytes(b"a build in progress")
    an_hour_ago = time.time() - 3700
    os.utime(stale, (an_hour_ago, an_hour_ago))
    build_folder(folder, out)
    assert not stale.exists()
    assert running.exists()


def test_a_side_file_phrase_not_found_is_reported_and_the_text_kept(folder, tmp_path):
    side = folder / "notes.toml"
    side.write_text(side.read_text(encoding="utf-8") +
                    '\n[[quotations]]\nfind = "never in the text"\nkind = "term"\n',
                    encoding="utf-8")
    lines: list[str] = []
    result = build_folder(folder, tmp_path / "built.db", report=lines.append)
    assert result.documents == 2 and result.skipped == []
    assert [name for name, _w in result.warnings] == ["notes.txt"]
    assert any("“never in the text” occurs 0 times" in line for line in lines)
    with Archive(tmp_path / "built.db") as archive:
        (quote,) = archive.quotations("notes/p2")
        assert quote.kind == "term"


def test_archive_toml_sources_are_shared_by_every_text(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "archive.toml").write_text(
        '[archive]\nid = "minutes"\n\n[[sources]]\nid = "pamphlet"\nkind = "pamphlet"\n'
        'title = "A pamphlet of 1922"\ndraws_on = ["ignored: no one text"]\n')
    for name in ("first", "second"):
        (folder / f"{name}.txt").write_text(f"The {name} meeting\n\nThey read “a slogan” aloud.\n")
        (folder / f"{name}.toml").write_text(
            '[[quotations]]\nfind = "a slogan"\nkind = "direct"\nsource = "pamphlet"\n')
    result = build_folder(folder, tmp_path / "m.db")
    assert result.skipped == [] and result.warnings == []
    assert check_archive(tmp_path / "m.db") == []
    with Archive(tmp_path / "m.db") as archive:
        assert [s.id for s in archive.sources()] == ["pamphlet"]
        assert {q.source_id for q in archive.quotations()} == {"pamphlet"}
        assert [p.id for p in archive.passages_drawing_on("pamphlet")] == ["first/p1",
                                                                          "second/p1"]


def test_a_text_without_headings_has_no_sections(folder, tmp_path):
    build_folder(folder, tmp_path / "built.db")
    with Archive(tmp_path / "built.db") as archive:
        assert archive.sections("notes") == []
        assert [s.heading for s in archive.sections("essay")][1:] == [
            "What the communists cared about", "The non-party workers", "For the future"]
