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
