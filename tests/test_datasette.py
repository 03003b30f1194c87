"""archive.db as Datasette serves it with resources/datasette.yaml: the metadata file read
and its queries run with sqlite3."""

from __future__ import annotations

import sqlite3
from typing import Any

import yaml

from tests.helpers import ROOT

ARCHIVE = ROOT / "archive.db"
METADATA = ROOT / "resources" / "datasette.yaml"
QUERY_TITLES = {"Every quotation with its source", "Search passages",
                "The minutes' excerpts with the passages that quote them"}


def _metadata() -> dict[str, Any]:
    meta: dict[str, Any] = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return meta


def test_the_datasette_metadata_describes_the_archive_as_it_is():
    database = _metadata()["databases"]["archive"]  # Datasette names it after archive.db
    conn = sqlite3.connect(f"{ARCHIVE.as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        for name, table in database["tables"].items():
            assert name in tables, name
            assert table["description"]
            columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
            assert set(table["columns"]) <= columns, name
            # Datasette shows an empty description as an empty line under the column.
            assert all(table["columns"].values()), name
        assert database["tables"]["passages"]["fts_table"] == "passages_fts"
        assert {query["title"] for query in database["queries"].values()} == QUERY_TITLES
        for name, query in database["queries"].items():
            rows = conn.execute(query["sql"], {"q": "communist"}).fetchall()
            assert rows, name
    finally:
        conn.close()
