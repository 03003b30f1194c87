"""The archive as sqlite-utils sees it (Datasette, which finds the search index the same way,
has tests/test_datasette.py)."""

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

