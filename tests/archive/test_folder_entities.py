"""A folder of texts lists its entities and events in side files and archive.toml; the
build finds their mentions in every text, and --explain suggests what no one listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.archive.check import check_archive
from desktop.archive.errors import BuildError
from desktop.archive.folder import build_folder
from desktop.archive.store import Archive

ONE = """Letters from Moscow

In June 1922 Vladimir Petrzhek wrote from Moscow to the AMO works. Petrzhek’s letter \
was read by Sergei Mikhailov in 1922-23, and by nobody in Leningrad.

Workers returned to the factories. The Bolsheviks met in April-May 1921 and in the \
early 1920s; Compared to that, nothing.
"""
TWO = """Replies

Lev Kamenev answered Petrzhek in March 1921. The Moscow soviet kept the letter.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "texts"
    source.mkdir()
    (source / "one.txt").write_text(ONE, encoding="utf-8")
    (source / "two.txt").write_text(TWO, encoding="utf-8")
    (source / "archive.toml").write_text(
        '[archive]\nid = "letters"\n\n'
        '[[entities]]\nid = "moscow"\nkind = "place"\nname = "Moscow"\n\n'
        '[[entities]]\nid = "petrzhek"\nkind = "person"\nname = "Vladimir Petrzhek"\n'
        'description = "An auto worker."\n', encoding="utf-8")
    (source / "one.toml").write_text(
        '[[entities]]\nid = "petrzhek"\nkind = "person"\nname = "Vladimir Petrzhek"\n'
        'aliases = ["Petrzhek"]\n\n'
        '[[entities]]\nid = "amo"\nkind = "organisation"\nname = "AMO works"\n\n'
        '[[events]]\ndate = "1922-06"\nlabel = "Petrzhek wrote"\n'
        'find = "In June 1922 Vladimir Petrzhek wrote"\n\n'
        '[[events]]\ndate = "1924"\nlabel = "Not dated so"\nfind = "Workers returned"\n\n'
        '[[entities]]\nid = "city"\nkind = "place"\nname = "The city"\naliases = ["Moscow"]\n',
        encoding="utf-8")
    (source / "two.toml").write_text(
        '[[entities]]\nid = "moscow-soviet"\nkind = "organisation"\nname = "Moscow soviet"\n\n'
        '[[entities]]\nid = "moscow"\nkind = "organisation"\nname = "Moscow"\n\n'
        '[[entities]]\nid = "kremlin"\nkind = "place"\nname = "Kremlin"\n',
        encoding="utf-8")
    return source


def test_entities_of_every_file_are_found_in_every_text(folder, tmp_path):
    out = tmp_path / "letters.db"
    lines: list[str] = []
    result = build_folder(folder, out, report=lines.append)
    assert check_archive(out) == []
    with Archive(out) as archive:
        people = archive.entities("person")
        assert [(e.id, e.mention_count, e.description) for e in people] == [
            ("petrzhek", 3, "An auto worker.")]
        # archive.toml's listing and one.toml's are one entity, with every name.
        assert archive.entity_names("petrzhek") == ["Petrzhek", "Vladimir Petrzhek"]
        hits = archive.mentions("petrzhek")
        assert [(h.mention.passage_id, h.mention.text) for h in hits] == [
            ("one/p1", "Vladimir Petrzhek"), ("one/p1", "Petrzhek"), ("two/p1", "Petrzhek")]
        assert archive.entity("moscow").kind == "place"  # the first listing wins
        # In the title and the text, not in the Moscow soviet.
        assert archive.entity("moscow").mention_count == 2
        assert [m.text for m in archive.mentions_in("two/p1")] == [
            "Petrzhek", "Moscow soviet"]
        assert archive.entity("amo").mention_count == 1
        assert [(e.date, e.label) for e in archive.events()] == [("1922-06", "Petrzhek wrote")]
    assert (result.entities, result.mentions, result.events) == (6, 7, 1)
    warnings = [message for _file, message in result.warnings]
    assert "the entity moscow is listed as a place already, not a organisation (left out)" \
        in warnings
    assert "the name “Moscow” already names moscow, not city too" in warnings
    assert any("do not give its date 1924" in w for w in warnings)
    assert "entity kremlin: none of its names is in any text" in warnings
    assert "entity city: none of its names is in any text" in warnings
    assert any(line.startswith("The entity kremlin is named in no text") for line in lines)
    assert result.suggestions == []  # only when explained


def test_a_side_file_with_a_broken_entity_is_skipped_or_stops_a_strict_build(folder,
                                                                            tmp_path):
    (folder / "two.toml").write_text('[[entities]]\nkind = "planet"\nname = "Mars"\n',
                                     encoding="utf-8")
    result = build_folder(folder, tmp_path / "a.db")
    assert [name for name, _why in result.skipped] == ["two.txt"]
    assert "“kind” must be one of" in result.skipped[0][1]
    with pytest.raises(BuildError, match=r"two\.txt: entity 1: “kind” must be one of"):
        build_folder(folder, tmp_path / "b.db", strict=True)


def test_a_broken_archive_toml_entity_stops_the_build(folder, tmp_path):
    (folder / "archive.toml").write_text('[[entities]]\nkind = "person"\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"archive\.toml: entity 1: “name” is missing"):
        build_folder(folder, tmp_path / "a.db")


def test_explain_suggests_names_and_dates_no_one_listed(folder, tmp_path):
    result = build_folder(folder, tmp_path / "a.db", explain=True)
    names = [line for line in result.suggestions if line.startswith("suggestion: name")]
    dates = [line for line in result.suggestions if line.startswith("suggestion: date")]
    assert names == [
        "suggestion: name “Bolsheviks” (1 time, first in one/p2)",
        "suggestion: name “Leningrad” (1 time, first in one/p1)",
        "suggestion: name “Lev Kamenev” (1 time, first in two/p1)",
        "suggestion: name “Sergei Mikhailov” (1 time, first in one/p1)",
    ]  # not Petrzhek, Moscow, the AMO works (listed), nor Workers, The, Compared
    assert dates == [
        "suggestion: date 1922/1923 “1922-23” in one/p1",  # June 1922 is an event's
        "suggestion: date 1921-04/1921-05 “April-May 1921” in one/p2",
        "suggestion: date 1920/1929 “1920s” in one/p2",
        "suggestion: date 1921-03 “March 1921” in two/p1",
    ]
    with Archive(tmp_path / "a.db") as archive:
        assert archive.entities_named("Lev Kamenev") == []  # suggested, never added


def test_the_build_command_prints_the_suggestions(cli, folder, tmp_path):
    done = cli("build", str(folder), "--output", str(tmp_path / "a.db"), "--explain")
    assert done.returncode == 0, done.stderr
    assert "suggestion: name “Sergei Mikhailov” (1 time, first in one/p1)" in done.stdout
    assert "6 entities named 7 times, 1 events" in done.stdout.splitlines()[-1]
    plain = cli("build", str(folder), "--output", str(tmp_path / "b.db"))
    assert "suggestion:" not in plain.stdout


def test_a_folder_without_entities_builds_an_empty_index(tmp_path):
    source = tmp_path / "plain"
    source.mkdir()
    (source / "a.txt").write_text("A title\n\nIn 1921 Moscow met.\n", encoding="utf-8")
    result = build_folder(source, tmp_path / "a.db")
    assert (result.entities, result.mentions, result.events) == (0, 0, 0)
    with Archive(tmp_path / "a.db") as archive:
        assert archive.has_index and archive.entities() == [] and archive.events() == []
    assert check_archive(tmp_path / "a.db") == []
