"""archive-browser search: the window's search from the shell, one result a line."""

from __future__ import annotations

import json

import pytest

from desktop.archive.store import Archive
from tests.helpers import ROOT


def test_each_result_is_a_line_with_its_place_and_the_words_found(cli):
    run = cli("search", "ranks and tops", "--limit", "3")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("The communists’ dilemma, ¶ 11: ")
    assert "[ranks] [and] [tops]" in lines[0]
    assert len(lines) <= 3


def test_json_lines_name_the_passage_and_where_its_words_matched(cli):
    run = cli("search", "petrzhek", "--json", "--limit", "5")
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(records) == 5
    with Archive(ROOT / "archive.db") as archive:
        for record in records:
            passage = archive.passage_by_uri(record["uri"])
            assert passage is not None and passage.id == record["passage"]
            assert record["matches"]
            for start, end in record["matches"]:
                assert passage.text[start:end].casefold() == "petrzhek"


def test_the_order_is_the_window_s(cli):
    with Archive(ROOT / "archive.db") as archive:
        expected = [hit.passage_id for hit in archive.search("communist party").hits[:10]]
    run = cli("search", "communist party", "--json", "--limit", "10")
    assert [json.loads(line)["passage"] for line in run.stdout.splitlines()] == expected


def test_nothing_found_is_status_1_and_no_output(cli):
    run = cli("search", "zzzqqq")
    assert (run.returncode, run.stdout) == (1, "")


@pytest.mark.parametrize("query", ['"', "NEAR(", "AND OR NOT", "*", "a" * 600, "-:^"])
def test_any_input_is_safe(cli, query):
    run = cli("search", "--", query)
    assert run.returncode in (0, 1)
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("limit", ["0", "many"])
def test_a_limit_out_of_range_is_refused_with_the_usage(cli, limit):
    run = cli("search", "party", "--limit", limit)
    assert run.returncode == 2
    assert "usage: archive-browser search" in run.stderr


def test_a_reader_that_stops_reading_ends_it_quietly(capsys, monkeypatch):
    """As when the output goes to `| head`, which closes the pipe after its lines."""
    from desktop.cli import main

    class ClosedPipe:
        def write(self, _text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["search", "party"]) == 141
    assert capsys.readouterr().err == ""
