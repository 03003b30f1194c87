"""The archive as sqlite-utils (and Datasette, which detects search the same way) see it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from tests.helpers import ROOT

SQLITE_UTILS = Path(sys.executable).with_name("sqlite-utils")


def test_sqlite_utils_finds_the_search_index_of_the_passages():
    db = sqlite_utils.Database(ROOT / "archive.db")
    try:
        assert db["passages"].detect_fts() == "passages_fts"
        rows = list(db["passages"].search("communist", limit=100))
        assert rows and all("communist" in row["text"].lower() for row in rows)
        assert "essay/p2" in [row["id"] for row in rows]
    finally:
        db.close()


@pytest.mark.skipif(not SQLITE_UTILS.exists(), reason="the sqlite-utils command is not "
                    "installed beside this Python")
def test_sqlite_utils_search_from_the_shell(tmp_path):
    result = subprocess.run([str(SQLITE_UTILS), "search", str(ROOT / "archive.db"), "passages",
                             "petrzhek", "-c", "id", "--limit", "3", "--csv"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[0] == "id" and len(lines) == 4


def test_the_datasette_metadata_describes_the_archive_as_it_is():
    import sqlite3

    import yaml

    meta = yaml.safe_load((ROOT / "resources" / "datasette.yaml").read_text(encoding="utf-8"))
    database = meta["databases"]["archive"]  # Datasette names it after archive.db
    conn = sqlite3.connect(f"{(ROOT / 'archive.db').as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        for name, table in database["tables"].items():
            assert name in tables, name
            assert table["description"]
            columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
            assert set(table["columns"]) <= columns, name
        assert database["tables"]["passages"]["fts_table"] == "passages_fts"
        titles = {query["title"] for query in database["queries"].values()}
        assert titles == {"Every quotation with its source", "Search passages",
                          "The minutes' excerpts with the passages that quote them"}
        for name, query in database["queries"].items():
            rows = conn.execute(query["sql"], {"q": "communist"}).fetchall()
            assert rows, name
    finally:
        conn.close()
