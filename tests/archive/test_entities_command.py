"""archive-browser entities and archive-browser timeline: output, formats and errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from tests.helpers import run_cli_process


def test_the_index_by_name_as_text(cli):
    done = cli("entities")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 34
    names = [line.split("  ")[0].strip() for line in lines]
    assert names == sorted(names, key=str.lower)
    petrzhek = next(line for line in lines if line.startswith("Vladimir Petrzhek"))
    assert petrzhek.split() == ["Vladimir", "Petrzhek", "person", "16"]


def test_the_index_by_count_of_one_kind(cli):
    done = cli("entities", "--kind", "places", "--sort", "count")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert rows[0] == ["Moscow", "place", "7"] and rows[1] == ["Russia", "place", "6"]
    counts = [int(row[-1]) for row in rows]
    assert counts == sorted(counts, reverse=True) and len(rows) == 8
    assert {row[-2] for row in rows} == {"place"}


def test_the_index_as_csv_and_json(cli):
    done = cli("entities", "--format", "csv", "-k", "organisation")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["id", "kind", "name", "aliases", "mentions", "description"]
    amo = next(r for r in rows if r["id"] == "amo-works")
    assert amo["aliases"] == "AMO; AMO motor factory; ZiL" and amo["mentions"] == "3"
    assert len(rows) == 12
    found = json.loads(cli("entities", "-f", "json", "--kind", "person").stdout)
    petrzhek = next(e for e in found if e["id"] == "vladimir-petrzhek")
    assert petrzhek["aliases"] == ["Petrzhek"] and petrzhek["mentions"] == 16
    assert petrzhek["description"].startswith("An auto worker")
    assert {e["kind"] for e in found} == {"person"} and len(found) == 10


@pytest.mark.parametrize(("words", "said"), [
    (("entities", "--kind", "planet"),
     "there is no kind “planet”; the kinds are person, place, organisation and event"),
    (("entities", "--format", "xml"), "invalid choice: 'xml'"),
    (("entities", "--sort", "size"), "invalid choice: 'size'"),
    (("timeline", "--format", "pdf"), "invalid choice: 'pdf'"),
    (("timeline", "--style", "harvard"), "invalid choice: 'harvard'"),
])
def test_bad_words_are_named_with_status_2(cli, words, said):
    done = cli(*words)
    assert done.returncode == 2 and done.stdout == ""
    assert said in done.stderr and "Traceback" not in done.stderr


def test_a_bad_kind_from_a_shell_is_one_message_and_status_2(tmp_path):
    done = run_cli_process("entities", "--kind", "planet", data=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith(
        "there is no kind “planet”; the kinds are person, place, organisation and event")


def test_the_timeline_as_csv(cli):
    done = cli("timeline")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["date", "label", "citation", "uri", "words"]
    assert len(rows) == 29
    assert [r["date"] for r in rows[:3]] == ["1917", "1917", "1918/1919"]
    meeting = next(r for r in rows if r["date"] == "1922-06")
    assert meeting["uri"] == "archive-browser://communists-dilemma/essay/p1"
    assert meeting["citation"] == ("Simon Pirani, “The Communists’ Dilemma,” essay, "
                                   "February 2008, para. 1.")
    assert meeting["words"].startswith("In June 1922, five years on")
    assert [r["date"] for r in rows].index("1921") < [r["date"] for r in rows].index("1921-03")


def test_the_timeline_as_json_and_text_in_another_style(cli, tmp_path):
    out = tmp_path / "timeline.json"
    done = cli("timeline", "-f", "json", "--style", "apa", "-o", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert "Wrote the timeline of 29 events" in done.stderr
    events = json.loads(out.read_text(encoding="utf-8"))
    strikes = next(e for e in events if e["date"] == "1921-02/1921-03")
    assert (strikes["date_start"], strikes["date_end"], strikes["when"]) == (
        "1921-02", "1921-03", "February–March 1921")
    assert strikes["citation"] == "(Pirani, 2008, para. 26)"
    assert strikes["passage"] == "essay/p26"
    text = cli("timeline", "--format", "text").stdout.splitlines()
    assert text[0].split("  ")[0] == "1917" and text[0].endswith("The Russian revolution")
    assert text[1].strip().startswith("Simon Pirani, “The Communists’ Dilemma,”")


def test_an_archive_without_the_index_is_told_to_rebuild(cli, archive_copy):
    conn = sqlite3.connect(archive_copy)
    for table in ("mentions", "events", "entity_aliases", "entities"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE archive_meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    for command in ("entities", "timeline"):
        done = cli(command, "--archive", str(archive_copy))
        assert done.returncode == 1 and done.stdout == ""
        assert "was built before archives had an index" in done.stderr
        assert "rebuild it with archive-browser build" in done.stderr


def test_a_missing_archive_is_one_sentence(cli, tmp_path):
    done = cli("entities", "--archive", str(tmp_path / "none.db"))
    assert done.returncode == 1 and "does not exist" in done.stderr
