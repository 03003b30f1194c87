from __future__ import annotations

import functools
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from desktop.archive.check import check_archive
from desktop.archive.errors import ArchiveError
from desktop.archive.store import Archive
from tests.helpers import modules_after_importing, run_cli_process


def writable(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_shipped_archive_is_sound(shipped_archive):
    assert check_archive(shipped_archive) == []


def test_check_command_passes_on_shipped_archive(cli, shipped_archive):
    result = cli("check", str(shipped_archive))
    assert result.returncode == 0, result.stderr
    assert "sound" in result.stdout


def test_opening_never_changes_the_archive(shipped_archive):
    before = shipped_archive.read_bytes()
    with Archive(shipped_archive) as archive, pytest.raises(sqlite3.OperationalError,
                                                            match="readonly"):
        archive.conn.execute("DELETE FROM passages")
    assert shipped_archive.read_bytes() == before


def test_moved_quotation_offset_is_reported(cli, archive_copy):
    conn = writable(archive_copy)
    conn.execute('UPDATE quotations SET start = start + 1 WHERE id = 5')
    conn.commit()
    conn.close()
    assert check_archive(archive_copy) == ["Quotation 5 does not match the text of essay/p7."]
    result = cli("check", str(archive_copy))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{archive_copy}: Quotation 5 does not match the text of essay/p7.",
        f"{archive_copy}: 1 problem(s) found."]


def test_edited_passage_text_is_reported_for_excerpt_footnote_and_index(archive_copy):
    conn = writable(archive_copy)
    conn.execute("UPDATE passages SET text = 'x' || text WHERE id IN ('essay/p10', 'essay/p8')")
    conn.commit()
    conn.close()
    problems = check_archive(archive_copy)
    assert any(p.startswith("The full-text index does not match") for p in problems)
    assert "Footnote * is not where its marker stands." in problems
    assert any(p.startswith("Excerpt minutes/e2 does not match") for p in problems)


def flip(path: Path, offsets: range) -> None:
    data = bytearray(path.read_bytes())
    for offset in offsets:
        data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def test_flipped_bytes_in_a_passage_are_found(archive_copy):
    """SQLite has no checksums: the span and index checks catch changed text."""
    # The essay's paragraph, where the word is followed by “the minute-taker”.
    at = archive_copy.read_bytes().index("proprietorial instincts,” the minute".encode())
    flip(archive_copy, range(at, at + 4))
    problems = check_archive(archive_copy)
    assert "Quotation 6 does not match the text of essay/p8." in problems
    assert any(p.startswith("Excerpt minutes/e2 does not match") for p in problems)
    assert any(p.startswith("The full-text index does not match") for p in problems)


def test_flipped_bytes_in_page_headers_are_found(archive_copy):
    size = archive_copy.stat().st_size
    page = 4096
    # The b-tree header of every page after the first.
    for start in range(page, size, page):
        flip(archive_copy, range(start, start + 8))
    try:
        problems = check_archive(archive_copy)
    except ArchiveError:
        return  # refused at opening: damage reported
    assert problems


def test_words_the_command_line_cannot_read_give_its_usage_and_status_2(cli):
    refused = cli("export", "--format", "pdf")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("usage: archive-browser export")
    assert "invalid choice: 'pdf'" in refused.stderr
    helped = cli("check", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: archive-browser check")


@pytest.mark.parametrize("words", [
    [], ["--archive", "other.db"], ["--screenshot", "w.png", "--open", "archive-browser://x/p1"],
    ["--archive=a.db", "--beside", "archive-browser://x/p2"]])
def test_a_launch_of_the_window_is_read_as_the_whole_parser_reads_it(words):
    from desktop.cli import _parse, _parser

    assert _parse(list(words)) == _parser().parse_args(list(words))


def test_words_a_launch_cannot_read_are_refused_by_the_whole_parser(cli):
    refused = cli("--bogus")
    assert refused.returncode == 2
    assert "COMMAND ..." in refused.stderr  # the whole usage, commands and all
    assert "unrecognized arguments: --bogus" in refused.stderr


def test_a_command_leaves_the_handler_of_sigterm_as_it_found_it(cli, shipped_archive):
    """SIGTERM stops a command cleanly while it runs; once it has returned, the program
    that called it (here the test run) has its own handler back."""
    before = signal.getsignal(signal.SIGTERM)
    assert cli("check", str(shipped_archive)).returncode == 0
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize("make", ["missing", "folder", "text", "empty", "other-db", "truncated"])
def test_bad_archive_paths_give_one_clear_line(cli, tmp_path, shipped_archive, make):
    target = tmp_path / "bad.db"
    if make == "folder":
        target.mkdir()
    elif make == "text":
        target.write_text("not a database at all\n" * 100)
    elif make == "empty":
        target.write_bytes(b"")
    elif make == "other-db":
        sqlite3.connect(target).execute("CREATE TABLE t(x)").connection.close()
    elif make == "truncated":
        target.write_bytes(shipped_archive.read_bytes()[:5000])
    result = cli("check", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 1 and lines[-1].startswith(("archive-browser:", str(target)))
    assert str(target) in result.stderr


def test_build_command_writes_where_told(cli, tmp_path, resources):
    out = tmp_path / "built.db"
    result = cli("build", str(resources), "--output", str(out), "--explain")
    assert result.returncode == 0, result.stderr
    assert "essay:167: caption:" in result.stdout
    assert check_archive(out) == []


@pytest.mark.parametrize("case", ["resources-is-a-file", "output-is-a-folder", "output-in-proc"])
def test_build_refuses_bad_paths_in_one_line(cli, tmp_path, resources, case):
    args = ["build", str(resources), "--output", str(tmp_path / "a.db")]
    if case == "resources-is-a-file":
        args[1] = str(resources / "catalogue.toml")
    elif case == "output-is-a-folder":
        args[3] = str(tmp_path)
    else:
        args[3] = "/proc/archive.db"
    result = cli(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("archive-browser:")


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    # In a process of its own: were the pipe opened, the check would wait for a writer
    # for ever, and only a child's timeout ends that.
    result = run_cli_process("check", str(fifo))
    assert result.returncode == 1
    assert "not a regular file" in result.stderr


def test_wrong_columns_are_reported_not_raised(archive_copy):
    conn = writable(archive_copy)
    conn.execute("ALTER TABLE quotations RENAME COLUMN text TO words")
    conn.commit()
    conn.close()
    problems = check_archive(archive_copy)
    assert problems and "not as Archive Browser writes them" in problems[-1]


def test_an_archive_in_wal_mode_is_reported(archive_copy):
    conn = writable(archive_copy)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert any("wal journal mode" in p for p in check_archive(archive_copy))


def test_reading_the_archive_does_not_load_the_builder():
    assert "sqlite_utils" not in modules_after_importing("desktop.archive.store",
                                                         "desktop.archive.search")


def test_build_command_builds_a_folder_of_texts(cli, tmp_path):
    source = tmp_path / "texts"
    source.mkdir()
    (source / "one.txt").write_text("One\n\nA paragraph.\n")
    out = tmp_path / "texts.db"
    result = cli("build", str(source), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 documents, 2 passages" in result.stdout
    refused = cli("build", str(source))
    assert refused.returncode == 1 and "--output" in refused.stderr


@pytest.mark.parametrize("at", ["created", "schema"])
def test_a_terminated_build_leaves_nothing_behind(tmp_path, at):
    """SIGTERM as the temporary file is made, and inside the archive writer's
    constructor (where it once escaped the clean-up): nothing is left either way."""
    from tests.test_leftovers import Held, prepare, written

    prepare("build", tmp_path)
    held = Held("build", tmp_path, at)
    returncode, errors = held.stop(signal.SIGTERM)
    assert returncode == 130 and "Traceback" not in errors
    assert written("build", tmp_path) == []


def spoil_schema_text(path: Path, statement: bytes) -> None:
    """One byte that is not UTF-8 inside the text of a CREATE statement in sqlite_master."""
    data = bytearray(path.read_bytes())
    data[data.index(statement) + len(statement) + 4] = 0xFF
    path.write_bytes(bytes(data))


SCHEMA_STATEMENTS = [b'CREATE TABLE "passages"', b"CREATE VIRTUAL TABLE passages_fts",
                     b'CREATE TABLE "archive_meta"']


@pytest.mark.parametrize("statement", SCHEMA_STATEMENTS)
def test_invalid_text_in_the_schema_is_damage(archive_copy, statement):
    spoil_schema_text(archive_copy, statement)
    before = archive_copy.read_bytes()
    with pytest.raises(ArchiveError, match="is damaged"):
        Archive(archive_copy)
    with pytest.raises(ArchiveError, match="is damaged"):
        check_archive(archive_copy)
    assert archive_copy.read_bytes() == before


@pytest.mark.parametrize("command", ["check", "export", "launch"])
def test_invalid_text_in_the_schema_is_refused_in_one_sentence(cli, tmp_path, archive_copy,
                                                               command):
    spoil_schema_text(archive_copy, b"CREATE VIRTUAL TABLE passages_fts")
    before = archive_copy.read_bytes()
    args = {"check": ["check", str(archive_copy)],
            "export": ["export", "--archive", str(archive_copy),
                       "--output", str(tmp_path / "out.md")],
            "launch": ["--archive", str(archive_copy), "--screenshot",
                       str(tmp_path / "shot.png")]}[command]
    # A launch runs in a process of its own: it starts Qt and sets the process's
    # handler of unexpected errors.
    run = functools.partial(run_cli_process if command == "launch" else cli,
                            data=tmp_path / "data")
    result = run(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line, = result.stderr.strip().splitlines()
    assert line.startswith(f"archive-browser: The archive {archive_copy} is damaged")
    assert archive_copy.read_bytes() == before


def test_text_that_is_not_utf8_is_reported(archive_copy, shipped_archive):
    data = bytearray(archive_copy.read_bytes())
    data[data.index(b"Kronshtadt naval base, which")] = 0xFF  # in essay/p14 alone
    archive_copy.write_bytes(bytes(data))
    problems = check_archive(archive_copy)
    with Archive(shipped_archive) as archive:
        row = archive.conn.execute("SELECT n FROM passages WHERE id = 'essay/p14'").fetchone()[0]
    assert f"Row {row} of passages holds bytes that are not valid text." in problems


def test_a_passage_that_is_not_utf8_is_named_not_quoted_at_launch(tmp_path, archive_copy):
    data = bytearray(archive_copy.read_bytes())
    data[data.index(b"Kronshtadt naval base, which")] = 0xFF  # in essay/p14 alone
    archive_copy.write_bytes(bytes(data))
    result = run_cli_process("--archive", str(archive_copy), "--screenshot",
                             str(tmp_path / "s.png"), data=tmp_path / "data")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line, = result.stderr.strip().splitlines()
    assert "is damaged" in line and "not valid UTF-8" in line
    assert "NEP" not in line  # the damaged passage is not poured into the message


# -- the index of entities and the timeline --------------------------------------------


def damaged_index(path: Path, *statements: str) -> list[str]:
    conn = writable(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return check_archive(path)


def first_mention(path: Path) -> tuple[int, str, str]:
    conn = writable(path)
    try:
        return conn.execute("SELECT id, entity_id, passage_id FROM mentions "
                            "WHERE entity_id = 'lenin' ORDER BY id").fetchone()
    finally:
        conn.close()


def test_a_moved_mention_is_reported(archive_copy):
    mention, entity, passage = first_mention(archive_copy)
    problems = damaged_index(archive_copy, "UPDATE mentions SET start = start + 1, "
                             f'"end" = "end" + 1 WHERE id = {mention}')
    assert problems == [f"Mention {mention} of {entity} does not match the text of {passage}."]


def test_a_mention_by_a_name_that_is_not_its_entitys_is_reported(archive_copy):
    mention, _entity, _passage = first_mention(archive_copy)
    problems = damaged_index(archive_copy, "UPDATE mentions SET entity_id = 'stalin' "
                             f"WHERE id = {mention}")
    assert f"Mention {mention} names stalin as “Lenin”, which is not one of its names." \
        in problems
    assert "Entity lenin counts 4 mentions, but it has 3." in problems
    assert "Entity stalin counts 2 mentions, but it has 3." in problems


def test_a_mention_outside_its_passage_is_reported(archive_copy):
    mention, entity, passage = first_mention(archive_copy)
    problems = damaged_index(archive_copy, f'UPDATE mentions SET "end" = 100000, start = 99990 '
                             f"WHERE id = {mention}")
    assert problems == [f"Mention {mention} of {entity} does not match the text of {passage}."]


def test_an_event_whose_words_do_not_give_its_date_is_reported(archive_copy):
    problems = damaged_index(
        archive_copy, "UPDATE events SET date_start = '1925', date_end = '1925' "
                      "WHERE passage_id = 'essay/p1'",
        "UPDATE events SET date_start = '1921-07', date_end = '1921-07' "
        "WHERE label LIKE 'An uprising at the Kronshtadt%'")
    conn = writable(archive_copy)
    first, kronshtadt = (conn.execute(f"SELECT id FROM events WHERE {where}").fetchone()[0]
                         for where in ("passage_id = 'essay/p1'",
                                       "label LIKE 'An uprising at the Kronshtadt%'"))
    conn.close()
    assert first < kronshtadt  # events are checked in reading order
    assert problems == [
        f"Event {first} is dated 1925, which the words of essay/p1 do not give.",
        f"Event {kronshtadt} is dated 1921-07, which the words of essay/p14 do not give."]


def test_an_event_off_its_words_or_with_no_date_is_reported(archive_copy):
    problems = damaged_index(
        archive_copy, "UPDATE events SET start = start + 2 WHERE id = 1",
        "UPDATE events SET date_start = 'June 1922' WHERE id = 2")
    passages = dict(writable(archive_copy).execute("SELECT id, passage_id FROM events"))
    assert problems == [f"Event 1 does not match the text of {passages[1]}.",
                        "Event 2 has no date that can be read (June 1922, 1919)."]


def test_an_archive_without_the_index_is_checked_without_it(archive_copy):
    assert damaged_index(
        archive_copy, "DROP TABLE mentions", "DROP TABLE events", "DROP TABLE entity_aliases",
        "DROP TABLE entities",
        "UPDATE archive_meta SET value = '1' WHERE key = 'schema_version'") == []
