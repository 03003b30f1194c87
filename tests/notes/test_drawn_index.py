"""The index the reader draws a document's highlights from (schema version 7): a file of
the version before it is migrated with every mark kept, and drawing reads the index
alone."""

from __future__ import annotations

from desktop.notes import backups
from desktop.notes.migrations import MIGRATIONS
from desktop.notes.notes_file import FILE_NAME
from desktop.notes.store import Notes
from tests.helpers import read_value
from tests.notes.test_links import link
from tests.notes.test_parts import across, words


def indexes(notes: Notes) -> set[str]:
    return {name for (name,) in notes.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'highlights' "
        "AND sql IS NOT NULL")}


def test_notes_of_the_version_before_keep_every_mark(tmp_path, archive):
    old = Notes(tmp_path, migrations=MIGRATIONS[:6])
    whole = across(old, archive)
    plain = old.add_highlight(archive.archive_id, "essay",
                              words(archive, "essay/p9", "objective circumstances"), "pink",
                              note="a note", tags=["kept"])
    joined = link(old, archive, note="both ends")
    marked = old.add_bookmark(archive.archive_id, "essay", archive.passage("essay/p8").uri,
                              "words", "a label")
    before = (old.highlights(), old.links(), old.bookmarks(), old.tags())
    assert "highlights_by_document" in indexes(old)
    old.close()
    assert read_value(tmp_path / FILE_NAME, "PRAGMA user_version") == 6

    notes = Notes(tmp_path)
    assert notes.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 7
    assert (notes.highlights(), notes.links(), notes.bookmarks(), notes.tags()) == before
    assert {whole.id, plain.id} == {h.id for h in before[0]} and before[1] == [joined]
    assert before[2] == [marked]
    assert "highlights_drawn" in indexes(notes)
    assert "highlights_by_document" not in indexes(notes)  # the new index begins as it did
    assert notes.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    notes.close()
    versions = [read_value(b.path, "PRAGMA user_version")
                for b in backups.backups(tmp_path / "backups")]
    assert 6 in versions  # the backup made before migrating: the file as it was


def test_the_highlights_drawn_and_listed_are_read_from_the_index_alone(tmp_path, archive):
    notes = Notes(tmp_path)
    across(notes, archive)
    for query, args in (
            ('SELECT uri, start, "end", id, colour FROM highlights '
             "WHERE archive_id = ? AND document_id = ? AND state != 'orphaned'",
             (archive.archive_id, "essay")),
            ("SELECT id, document_id, uri, start, state, created, colour FROM highlights "
             "WHERE archive_id = ?", (archive.archive_id,))):
        plan = notes.conn.execute(f"EXPLAIN QUERY PLAN {query}", args).fetchall()
        assert any("COVERING INDEX highlights_drawn" in row[-1] for row in plan)
    notes.close()
