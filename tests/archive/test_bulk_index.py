"""A large archive's search index is built in bulk: the same index, found the same way."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.archive import schema
from desktop.archive.check import check_archive
from desktop.archive.folder import build_folder

ESSAY = Path(__file__).resolve().parents[2] / "resources" / "communists-dilemma.pdf-extract.txt"
QUERIES = ("party", "soviet", "communists", "the", "wor*", "t*", "p*", '"the party"',
           "trade union", "NEAR(party workers, 5)")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "texts"
    source.mkdir()
    for n in range(3):
        shutil.copy(ESSAY, source / f"essay-{n}.txt")
    return source


def _searched(path: Path) -> dict[str, list[tuple[int, float]]]:
    conn = sqlite3.connect(path)
    found = {query: conn.execute(
        "SELECT rowid, round(bm25(passages_fts), 9) FROM passages_fts "
        "WHERE passages_fts MATCH ? ORDER BY rank, rowid", [query]).fetchall()
        for query in QUERIES}
    conn.close()
    return found


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


def test_bulk_index_finds_what_the_default_index_finds(folder, tmp_path, monkeypatch):
    plain = tmp_path / "plain.db"
    build_folder(folder, plain)
    # Every archive in bulk, with a small hash: many segments, merged at the end.
    monkeypatch.setattr(schema, "BULK_INDEX_PASSAGES", 1)
    monkeypatch.setattr(schema, "BULK_FTS_SETTINGS",
                        (("hashsize", 16 << 10), ("automerge", 0), ("crisismerge", 2000)))
    bulk = tmp_path / "bulk.db"
    build_folder(folder, bulk)

    assert check_archive(bulk) == []
    assert _rows(bulk, "SELECT k, v FROM passages_fts_config") == [("version", 4)]
    assert _searched(bulk) == _searched(plain)
    assert all(_searched(bulk).values())
    for sql in ("SELECT n, text FROM passages ORDER BY n",
                "SELECT term, word FROM passages_vocab ORDER BY term",
                "SELECT value FROM archive_meta WHERE key = 'content_hash'"):
        assert _rows(bulk, sql) == _rows(plain, sql)
    conn = sqlite3.connect(bulk)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages_fts, instance)")
    conn.execute("ATTACH ? AS plain", [str(plain)])
    conn.execute("CREATE VIRTUAL TABLE temp.w USING fts5vocab(plain, passages_fts, instance)")
    assert conn.execute("SELECT * FROM temp.v ORDER BY 1, 2, 3, 4").fetchall() == \
        conn.execute("SELECT * FROM temp.w ORDER BY 1, 2, 3, 4").fetchall()
    conn.close()


def test_a_small_archive_is_indexed_with_the_defaults(folder, tmp_path):
    built = tmp_path / "small.db"
    build_folder(folder, built)
    assert _rows(built, "SELECT count(*) FROM passages")[0][0] < schema.BULK_INDEX_PASSAGES
    assert _rows(built, "SELECT k, v FROM passages_fts_config") == [("version", 4)]
