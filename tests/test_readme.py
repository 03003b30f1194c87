"""The README is part of the product: its commands and queries must stay true."""

from __future__ import annotations

import re
import sqlite3

import pytest

from desktop.cli import _parser
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, re.S)


@pytest.fixture(scope="module")
def conn(shipped_archive):
    conn = sqlite3.connect(f"{shipped_archive.as_uri()}?mode=ro", uri=True)
    yield conn
    conn.close()


def test_readme_has_the_four_example_queries():
    assert len(QUERIES) == 4


def test_paragraphs_of_a_section_in_order(conn):
    rows = conn.execute(QUERIES[0]).fetchall()
    assert [r[0] for r in rows] == list(range(33, 43))
    assert rows[0][1].startswith("I started my research")
    assert rows[-1][1].endswith("movements of social liberation deserve.")


def test_direct_quotations_with_their_sources(conn):
    rows = conn.execute(QUERIES[1]).fetchall()
    assert ("essay/p7", "What is communism?", "Vladimir Petrzhek’s letter of resignation") in rows
    assert {r[2] for r in rows} == {
        "Vladimir Petrzhek’s letter of resignation",
        "Minutes of the June 1922 meeting of Moscow communists on Vladimir Petrzhek’s "
        "resignation",
        "The Workers Truth group’s analysis"}
    assert len(rows) == 6


def test_minutes_excerpts_with_the_passages_that_quote_them(conn):
    rows = conn.execute(QUERIES[2]).fetchall()
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("minutes/e1", "reported", "essay/p6"), ("minutes/e2", "quoted", "essay/p8"),
        ("minutes/e3", "reported", "essay/p9"), ("minutes/e4", "quoted", "essay/p9")]


def test_full_text_search_finds_the_minute_takers_quotation(conn):
    rows = conn.execute(QUERIES[3]).fetchall()
    assert {r[0] for r in rows} == {"essay/p8", "minutes/e2"}
    assert all("[proprietorial]" in r[1] for r in rows)


def test_every_command_and_option_is_documented():
    parser = _parser()
    options = [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        assert f"archive-browser {name}" in README
        options += [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
    for option in set(options) - {"--help"}:
        assert option in README, f"{option} is not in the README"


def test_every_table_is_documented():
    from desktop.archive.schema import TABLES

    for table in TABLES:
        assert f"| `{table}` |" in README, table


def test_the_json_example_is_what_the_export_writes(shipped_archive):
    import json as json_module

    from desktop.archive.store import Archive
    from desktop.notes.anchoring import select

    example = json_module.loads(re.findall(r"```json\n(.*?)```", README, re.S)[0])
    target = example["target"]
    quote, position = target["selector"]
    archive = Archive(shipped_archive)
    passage = archive.passage_by_uri(target["source"])
    start = passage.text.index(quote["exact"])
    selector = select(passage.uri, passage.text, start, start + len(quote["exact"]))
    assert (quote["prefix"], quote["suffix"]) == (selector.prefix, selector.suffix)
    assert (position["start"], position["end"]) == (selector.start, selector.end)
    archive.close()


def _table_keys(cell: str) -> list[str]:
    """The keys of a cell of the keyboard table: "Ctrl+Shift+1, 2, 3", "Ctrl+Alt+1 … 5"
    and "Ctrl+Shift+Z (or Ctrl+Y)" stand for each key they name."""
    keys: list[str] = []
    for part in cell.replace(" (or ", ", ").replace(")", "").split(", "):
        prefix = keys[-1].rpartition("+")[0] + "+" if keys else ""
        if part.isdigit():
            keys.append(prefix + part)  # "Ctrl+Shift+1, 2": Ctrl+Shift+2
        elif " … " in part:
            first, last = part.split(" … ")
            stem, _, number = first.rpartition("+")
            keys += [f"{stem}+{n}" for n in range(int(number), int(last) + 1)]
        else:
            keys.append(part)
    return keys


def test_the_keyboard_table_agrees_with_the_keyboard_help(qapp):
    """Every key of Help → Keyboard Shortcuts is in the README's table, under the place it
    works in ("(in the text)"), and the table names no key that is not there."""
    from desktop.gui.actions import ACTIONS, keyboard_help

    table = README.split("### Keyboard", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    in_readme = set()
    for row in table.splitlines():
        if row.startswith("| ") and not row.startswith("| keys"):
            cell = row.split("|")[1].strip()
            place = re.search(r" \((in [^)]*)\)$", cell)
            keys = cell[:place.start()] if place else cell
            in_readme |= {(place.group(1) if place else "", key) for key in _table_keys(keys)}
    menus = {action.menu.split("/")[0].replace("&", "") for action in ACTIONS}
    declared = {("" if heading in menus else heading[0].lower() + heading[1:], key)
                for heading, rows in keyboard_help() for _what, keys in rows
                for key in keys.split(", ")}
    assert declared - in_readme == set(), "keys missing from the README's table"
    assert in_readme - declared == set(), "keys in the README's table that are not declared"
    assert ("in the text", "Tab") in declared and ("", "Ctrl+Alt+3") in declared


def test_every_setting_is_in_the_settings_table():
    from desktop.gui import settings

    table = README.split("What `settings.ini` keeps", 1)[1].split("\n### ", 1)[0]
    listed = [row.split("|")[1].strip().strip("`") for row in table.splitlines()
              if row.startswith("| `")]
    assert listed == [s.key for s in settings.ALL]


def test_the_layout_of_the_code_names_every_module():
    """Each module of desktop/ is named in the README's layout section, under its folder."""
    layout = README.split("## Layout of the code", 1)[1].split("\n## ", 1)[0]
    words = set(re.findall(r"[\w.]+\.py", layout))
    package = ROOT / "desktop"
    missing = [str(path.relative_to(ROOT)) for path in sorted(package.rglob("*.py"))
               if path.name != "__init__.py" and path.name not in words
               and path.stem + "/" not in layout]
    assert missing == []
    folders = {p.relative_to(package).parts[0] for p in package.rglob("*.py")
               if len(p.relative_to(package).parts) > 1}
    assert all(f"desktop/{f}/" in layout for f in folders)
