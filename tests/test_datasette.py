"""archive.db as Datasette serves it with resources/datasette.yaml.

The first test reads the metadata file and runs its queries with sqlite3, so it holds
even where Datasette is not installed. The others run the real ``datasette`` command, one
``--get`` request each (no server, no port): as a process of its own, so that its imports
and warnings meet its own interpreter, not this suite's ``filterwarnings = error``.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import InvalidVersion, Version

from tests.helpers import ROOT

ARCHIVE = ROOT / "archive.db"
METADATA = ROOT / "resources" / "datasette.yaml"
QUERY_TITLES = {"Every quotation with its source", "Search passages",
                "The minutes' excerpts with the passages that quote them"}


# The venv's own first: `make test` runs pytest as .venv/bin/python without activating
# the venv, so its bin folder need not be on PATH.
BESIDE = Path(sys.executable).with_name("datasette")
DATASETTE = str(BESIDE) if BESIDE.exists() else shutil.which("datasette")


def _version(command: str) -> str:
    if command == str(BESIDE):
        # Installed in this interpreter: its metadata says, without a second start-up.
        return importlib.metadata.version("datasette")
    result = subprocess.run([command, "--version"], capture_output=True, text=True,
                            timeout=60)
    return result.stdout.split()[-1] if result.returncode == 0 and result.stdout else "?"


def _supported(version: str) -> bool:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return parsed.major == 0 and parsed >= Version("0.65")


@pytest.fixture(scope="module")
def datasette() -> str:
    """The datasette command, skipping the test where it is missing or of another line."""
    if DATASETTE is None:
        pytest.skip("the datasette command is not installed (pip install -e '.[test]' "
                    "installs it beside this Python)")
    version = _version(DATASETTE)
    # Column descriptions came in 0.63; the 1.0 alphas read table settings and queries
    # from a configuration file (-c), not from metadata. The file is written for 0.65.
    if not _supported(version):
        pytest.skip(f"{DATASETTE} is Datasette {version}; resources/datasette.yaml is "
                    "written for the stable 0.x line (>=0.65,<1)")
    return DATASETTE


def get(datasette: str, path: str, tmp_path: Path) -> str:
    """What Datasette answers to GET ``path`` over archive.db, opened immutable."""
    result = subprocess.run(
        [datasette, "serve", "-i", str(ARCHIVE), "-m", str(METADATA), "--get", path],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # the essay's quotes, any locale
    # --get exits with 1 on any status but 200, printing the error body.
    assert result.returncode == 0, f"{path}: {result.stdout[:500]} {result.stderr[-2000:]}"
    return result.stdout


def get_json(datasette: str, path: str, tmp_path: Path) -> Any:
    return json.loads(get(datasette, path, tmp_path))


def _archive_rows(sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{ARCHIVE.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _metadata() -> dict[str, Any]:
    meta: dict[str, Any] = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return meta


def test_the_datasette_metadata_describes_the_archive_as_it_is():
    database = _metadata()["databases"]["archive"]  # Datasette names it after archive.db
    conn = sqlite3.connect(f"{ARCHIVE.as_uri()}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        described = set(database["tables"])
        # Every table of the archive is described (the full-text index's own tables aside).
        assert {t for t in tables if not t.startswith("passages_fts_")} <= described
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


def test_search_on_passages_returns_only_the_matching_passages(datasette, tmp_path):
    page = get_json(datasette, "/archive/passages.json?_search=communist&_shape=objects"
                    "&_size=max", tmp_path)
    rows = page["rows"]
    assert page["next"] is None and page["filtered_table_rows_count"] == len(rows)
    (total,) = _archive_rows("SELECT count(*) FROM passages")[0]
    assert 0 < len(rows) < total
    # The index stems with Porter over unicode61: "communist" also finds "communists"
    # and "Communist", each of which holds the word itself.
    assert all("communist" in row["text"].lower() for row in rows)
    # Exactly what the index itself finds: Datasette searched it, not some other column.
    expected = {n for (n,) in _archive_rows(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?", ("communist",))}
    assert {row["n"] for row in rows} == expected


@pytest.mark.parametrize(("query", "params"), [
    ("quotations_with_sources", ""),
    ("minutes_excerpts", ""),
    ("search_passages", "&q=proprietorial"),
])
def test_each_canned_query_runs_and_returns_rows(datasette, tmp_path, query, params):
    rows = get_json(datasette, f"/archive/{query}.json?_shape=array{params}", tmp_path)
    assert rows, query
    if query == "search_passages":
        # The README's search for the same word finds these two passages.
        assert {row["id"] for row in rows} == {"essay/p8", "minutes/e2"}
        assert all("[proprietorial]" in row["snippet"] for row in rows)
    elif query == "minutes_excerpts":
        assert [row["excerpt"] for row in rows] == [
            "minutes/e1", "minutes/e2", "minutes/e3", "minutes/e4"]
    else:
        (count,) = _archive_rows("SELECT count(*) FROM quotations")[0]
        assert len(rows) == count


def test_the_passages_page_shows_the_descriptions(datasette, tmp_path):
    # The table JSON of 0.65 carries no descriptions; the page a person reads does, and
    # only if the metadata's database key matches the name Datasette gives archive.db.
    page = html.unescape(get(datasette, "/archive/passages", tmp_path))
    passages = _metadata()["databases"]["archive"]["tables"]["passages"]
    assert passages["description"] in page
    for column, description in passages["columns"].items():
        assert re.search(rf"<dt>{column}</dt>\s*<dd>{re.escape(description)}</dd>", page), column
    # The search box Datasette offers only for a table with a full-text index.
    assert 'name="_search"' in page


def test_datasette_opens_the_archive_immutable_and_leaves_it_as_it_was(datasette, tmp_path):
    def fingerprint() -> tuple[str, list[str]]:
        # The file's bytes, and no journal or WAL file left beside it.
        siblings = sorted(p.name for p in ARCHIVE.parent.glob(ARCHIVE.name + "*"))
        return hashlib.sha256(ARCHIVE.read_bytes()).hexdigest(), siblings

    before = fingerprint()
    databases = get_json(datasette, "/-/databases.json", tmp_path)
    assert fingerprint() == before
    assert [(db["name"], db["is_mutable"]) for db in databases] == [("archive", False)]
    # Datasette hashes an immutable file's bytes as it opens it: the same bytes.
    assert databases[0]["hash"] == before[0]
