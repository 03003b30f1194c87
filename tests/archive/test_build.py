from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.archive.build import build
from desktop.archive.errors import BuildError
from desktop.archive.schema import SCHEMA_VERSION


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, resources) -> Path:
    out = tmp_path_factory.mktemp("build") / "archive.db"
    build(resources, out)
    return out


def test_two_builds_are_identical(fresh, resources, tmp_path):
    again = tmp_path / "again.db"
    build(resources, again)
    assert dump(again) == dump(fresh)


def test_committed_archive_matches_a_fresh_build(fresh, shipped_archive):
    """archive.db must be rebuilt (archive-browser build) whenever resources change."""
    assert dump(shipped_archive) == dump(fresh)


def test_shipped_archive_uses_rollback_journal_and_carries_its_version(shipped_archive):
    conn = sqlite3.connect(f"{shipped_archive.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


@pytest.mark.parametrize(("table", "columns"), [
    ("documents", {"id", "kind", "title"}),
    ("sections", {"id", "document_id", "seq", "heading"}),
    ("passages", {"id", "document_id", "section_id", "seq", "kind", "text", "uri"}),
    ("sources", {"id", "kind", "title"}),
    ("quotations", {"id", "passage_id", "start", "end", "text", "kind", "source_id"}),
    ("footnotes", {"id", "passage_id", "marker", "note"}),
])
def test_required_columns(fresh, table, columns):
    conn = sqlite3.connect(fresh)
    have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    assert columns <= have


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('find = "heroic"', 'find = "heroically"', "occurs 0 times"),
    ('find = "Reds"\nkind = "term"\n', 'find = "Reds"\nkind = "term"\n\n[[quotations]]\n'
     'find = "Reds"\nkind = "term"\n', "already classified"),
    ('[[quotations]]\nfind = "White"\nkind = "term"\n', "", "“White” in essay/p2 is not in"),
    ('draws_on = ["The civil-war recruits"]', 'draws_on = ["the"]', "exactly once"),
    ('kind = "scare"', 'kind = "irony"', "must be one of"),
    ('source = "letter"\n\n[[quotations]]', 'source = "nobody"\n\n[[quotations]]',
     "unknown source"),
    ("[archive]", "[archive", "not valid TOML"),
])
def test_catalogue_mistakes_stop_the_build_and_keep_the_old_archive(
        resources_copy, tmp_path, old, new, message):
    out = tmp_path / "archive.db"
    out.write_bytes(b"previous archive")
    replace_in(resources_copy / "catalogue.toml", old, new)
    with pytest.raises(BuildError, match=message):
        build(resources_copy, out)
    assert out.read_bytes() == b"previous archive"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_source_text_is_a_clear_error(resources_copy, tmp_path):
    (resources_copy / "communists-dilemma.pdf-extract.txt").unlink()
    with pytest.raises(BuildError, match="does not exist"):
        build(resources_copy, tmp_path / "a.db")


def test_unbalanced_quotation_marks_stop_the_build(resources_copy, tmp_path):
    replace_in(resources_copy / "communists-dilemma.pdf-extract.txt", "“heroic”", "“heroic")
    with pytest.raises(BuildError, match="unbalanced quotation marks"):
        build(resources_copy, tmp_path / "a.db")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('[[documents]]\nid = "essay"\nkind = "essay"\n', '[[documents]]\nid = "essay"\n',
     "document 1: “kind” is missing"),
    ('[[sources]]\nid = "book"\nkind = "book"\ntitle = "The Russian Revolution in Retreat, '
     '1920-24"\n', '[[sources]]\nid = "book"\nkind = "book"\n', "source 1: “title” is missing"),
    ('[[footnotes]]\nmarker = "*"', '[[footnotes]]\nmarker = "†"', "marked"),
])
def test_incomplete_catalogue_entries_are_named(resources_copy, tmp_path, old, new, message):
    replace_in(resources_copy / "catalogue.toml", old, new)
    with pytest.raises(BuildError, match=message):
        build(resources_copy, tmp_path / "a.db")


def test_a_catalogue_without_a_text_document_builds_nothing(resources_copy, tmp_path):
    (resources_copy / "catalogue.toml").write_text('[archive]\nid = "a"\n', encoding="utf-8")
    with pytest.raises(BuildError, match="no document with a source text"):
        build(resources_copy, tmp_path / "a.db")


def passage_rows(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT id, uri, text FROM passages"))
    finally:
        conn.close()


def test_the_title_passages_leave_every_passage_and_mark_where_it_was(
        fresh, resources, tmp_path, monkeypatch):
    """The minutes and the letter gained title passages: every passage of the archive
    before them keeps its id, URI and text, and marks made then stay anchored."""
    from desktop.archive import build as building
    from desktop.archive.store import Archive
    from desktop.notes.anchoring import ANCHORED, select
    from desktop.notes.reanchor import reanchor_all
    from desktop.notes.store import Notes

    monkeypatch.setattr(building, "_add_titles", lambda _built, _cat: None)
    before = tmp_path / "before.db"
    build(resources, before)
    monkeypatch.undo()
    added = passage_rows(fresh) - passage_rows(before)
    assert passage_rows(before) <= passage_rows(fresh)
    assert sorted((i, text) for i, _uri, text in added) == [
        ("letter/title", "Vladimir Petrzhek’s letter of resignation from the party"),
        ("minutes/title",
         "Minutes of the meeting of Moscow communists on Vladimir Petrzhek’s resignation")]
    old, new = Archive(before), Archive(fresh)
    notes = Notes(tmp_path / "data")
    try:
        assert old.archive_id == new.archive_id
        for passage_id, words in (("minutes/e2", "proprietorial instincts"),
                                  ("letter/e1", "communism"), ("essay/p8", "dream")):
            passage = old.passage(passage_id)
            start = passage.text.index(words)
            notes.add_highlight(old.archive_id, passage.document_id,
                                select(passage.uri, passage.text, start, start + len(words)),
                                "yellow")
            notes.add_bookmark(old.archive_id, passage.document_id, passage.uri,
                               passage.text[:64], "")
        reanchor_all(notes, old)
        marks = notes.highlights(), notes.bookmarks()
        states = reanchor_all(notes, new)  # the archive's text changed: placed again
        assert states == {ANCHORED: 6}
        assert (notes.highlights(), notes.bookmarks()) == marks
    finally:
        notes.close()
        old.close()
        new.close()
