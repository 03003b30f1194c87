"""A first sync of many marks writes them without the index the reader draws from
(``highlights_drawn``) and makes it once at the end: after the round, after a round
that fails, and after a round killed in between, the index is there and whole."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.notes import migrations
from desktop.notes.migrations import BULK_INDEXES
from desktop.notes.store import Notes
from desktop.notes.sync import merge as merge_module
from desktop.notes.sync import round as round_module
from desktop.notes.sync.round import Device, sync_round
from tests.notes.sync.sim import ARCHIVE, Sim

ROOT = Path(__file__).parents[3]
NEW = Device("c" * 16, "new computer")
MARKS = 40


@pytest.fixture
def sim(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """One device holding 40 highlights, sent to its folder; a round merges 10 marks a
    transaction, and 5 new ones are a bulk."""
    monkeypatch.setattr(round_module, "CHUNK", 10)
    monkeypatch.setattr(migrations, "BULK_FROM", 5)
    made = Sim(tmp_path, 1, compact_after=1000)
    for n in range(MARKS):
        made.create_highlight(0, ["yellow", "green"][n % 2], f"note {n}", [f"t{n % 3}"], n)
    made.sync(0)
    yield made
    made.close()


def indexes(conn) -> set[str]:  # type: ignore[no-untyped-def]
    return {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'highlights'")}


def drawn_plan(notes: Notes) -> str:
    return " ".join(str(row[-1]) for row in notes.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, start FROM highlights WHERE archive_id = ? "
        "AND document_id = ? ORDER BY uri, start", (ARCHIVE, "essay")))


def test_a_first_sync_drops_the_index_while_it_writes_and_makes_it_whole_at_the_end(
        sim, tmp_path, monkeypatch):
    new = Notes(tmp_path / "new", backup_now=False)
    seen: list[bool] = []
    real = merge_module.put_synced

    def watch(conn, *marks):  # type: ignore[no-untyped-def]
        seen.append(set(BULK_INDEXES) <= indexes(conn))
        return real(conn, *marks)

    monkeypatch.setattr(merge_module, "put_synced", watch)
    try:
        report = sync_round(new, ARCHIVE, sim.devices[0].view, NEW)
        assert report.received == MARKS
        assert len(seen) == MARKS // 10 and not any(seen)  # written without it throughout
        assert set(BULK_INDEXES) <= indexes(new.conn)
        assert new.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert "highlights_drawn" in drawn_plan(new)
        assert new.highlights(ARCHIVE) == sim.devices[0].notes.highlights(ARCHIVE)
    finally:
        new.close()


def test_a_round_of_a_few_changes_keeps_the_index(sim, tmp_path, monkeypatch):
    new = Notes(tmp_path / "new", backup_now=False)
    dropped: list[int] = []
    real = migrations.drop_for_bulk
    monkeypatch.setattr(migrations, "drop_for_bulk",
                        lambda conn: dropped.append(1) or real(conn))
    try:
        sync_round(new, ARCHIVE, sim.devices[0].view, NEW)
        assert dropped == [1]  # the first sync, once
        for h in sim.devices[0].notes.highlights(ARCHIVE)[:8]:  # more than a bulk's 5
            sim.devices[0].notes.update_highlight(h.id, note="edited")
        sim.sync(0)
        assert sync_round(new, ARCHIVE, sim.devices[0].view, NEW).received == 8
        assert dropped == [1]  # changes to marks it holds: not new ones
    finally:
        new.close()


def second_merge_fails(monkeypatch):  # type: ignore[no-untyped-def]
    """The disk full when the round writes its second transaction of marks; the writer
    as it was, to put back."""
    real = merge_module.put_synced
    calls: list[int] = []

    def fail_second(conn, *marks):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(conn, *marks)

    monkeypatch.setattr(merge_module, "put_synced", fail_second)
    return real


def test_a_round_that_fails_after_dropping_the_index_makes_it_again(
        sim, tmp_path, monkeypatch):
    new = Notes(tmp_path / "new", backup_now=False)
    real = second_merge_fails(monkeypatch)
    try:
        with pytest.raises(OSError):
            sync_round(new, ARCHIVE, sim.devices[0].view, NEW)
        assert set(BULK_INDEXES) <= indexes(new.conn)
        monkeypatch.setattr(merge_module, "put_synced", real)
        assert sync_round(new, ARCHIVE, sim.devices[0].view, NEW).received == MARKS - 10
        assert len(new.highlights(ARCHIVE)) == MARKS
    finally:
        new.close()


def test_notes_that_lost_the_index_have_it_again_at_the_next_round(sim, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(migrations, "BULK_FROM", 10**6)  # a round that drops nothing
    new = Notes(tmp_path / "new", backup_now=False)
    try:
        new.conn.execute("DROP INDEX highlights_drawn")  # as a round stopped midway leaves it
        sync_round(new, ARCHIVE, sim.devices[0].view, NEW)
        assert set(BULK_INDEXES) <= indexes(new.conn)
    finally:
        new.close()


def test_without_the_index_the_documents_of_highlights_are_found_all_the_same(sim):
    notes = sim.devices[0].notes
    found = notes.documents_of_highlights(ARCHIVE)
    assert found == {"essay"}
    notes.conn.execute("DROP INDEX highlights_drawn")  # as while a first sync writes
    try:
        plan = " ".join(str(row[-1]) for row in notes.conn.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT document_id FROM highlights "
            "WHERE archive_id = ?", (ARCHIVE,)))
        assert notes.documents_of_highlights(ARCHIVE) == found
        assert "highlights_by_uri" in plan  # one pass over the highlights, not one each
    finally:
        notes.conn.execute(BULK_INDEXES["highlights_drawn"])


def test_a_first_sync_that_fails_says_why_even_when_the_index_cannot_be_made(
        sim, tmp_path, monkeypatch):
    new = Notes(tmp_path / "new", backup_now=False)

    def cannot(conn):  # type: ignore[no-untyped-def]
        if migrations.missing_indexes(conn):  # the disk full by now
            raise sqlite3.OperationalError("database or disk is full")

    real = second_merge_fails(monkeypatch)
    monkeypatch.setattr(round_module, "restore_indexes", cannot)
    try:
        with pytest.raises(OSError, match="No space left"):
            sync_round(new, ARCHIVE, sim.devices[0].view, NEW)
        monkeypatch.setattr(merge_module, "put_synced", real)
        monkeypatch.setattr(round_module, "restore_indexes", migrations.restore_indexes)
        assert sync_round(new, ARCHIVE, sim.devices[0].view, NEW).received == MARKS - 10
        assert set(BULK_INDEXES) <= indexes(new.conn)
    finally:
        new.close()


# The child: a first sync that stops, once the index is dropped and a transaction of
# marks is committed without it, until it is killed.
CHILD = """
import sys, time
from pathlib import Path
from desktop.notes.store import Notes
from desktop.notes import migrations
from desktop.notes.sync import merge, round as round_module
from desktop.notes.sync.round import Device, sync_round

round_module.CHUNK, migrations.BULK_FROM = 10, 5
real_fold = merge.fold
merged = []
real_merge = merge.merge

def counting(*args, **kwargs):
    merged.append(1)
    return real_merge(*args, **kwargs)

def fold(*args, **kwargs):
    if len(merged) == 2:  # two transactions of marks committed, the index dropped
        print("dropped", flush=True)
        time.sleep(120)
    return real_fold(*args, **kwargs)

merge.merge, merge.fold = counting, fold
notes = Notes(Path(sys.argv[1]), backup_now=False)
sync_round(notes, sys.argv[2], Path(sys.argv[3]), Device("c" * 16, "new computer"))
print("finished", flush=True)
"""


def test_a_first_sync_killed_without_its_index_finds_it_made_again_on_opening(
        sim, tmp_path):
    data = tmp_path / "new"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data), ARCHIVE,
                             str(sim.devices[0].view)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    with proc:
        assert proc.stdout is not None
        try:
            assert proc.stdout.readline() == "dropped\n"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.stdout.read()
    with contextlib.closing(sqlite3.connect(data / "notes.db")) as raw:
        # As the kill left it: 20 marks written, no index yet.
        assert not set(BULK_INDEXES) & indexes(raw)
        assert raw.execute("SELECT count(*) FROM highlights").fetchone()[0] == 20
    new = Notes(data, backup_now=False)
    try:
        assert set(BULK_INDEXES) <= indexes(new.conn)
        assert new.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sync_round(new, ARCHIVE, sim.devices[0].view, NEW).received == MARKS - 20
        assert new.highlights(ARCHIVE) == sim.devices[0].notes.highlights(ARCHIVE)
    finally:
        new.close()


def test_marks_new_here_are_inserted_plainly_and_others_replaced(sim, tmp_path):
    """A first sync's marks have no row yet: each is a plain INSERT (half the cost of a
    replacing one). A mark that has a row (an invariant broken by hand) is replaced,
    its tags with it, never refused."""
    from msgspec.structs import replace

    from desktop.notes.store import put_synced

    source = sim.devices[0].notes.highlights(ARCHIVE)[:3]
    new = Notes(tmp_path / "new", backup_now=False)
    try:
        with new._write() as conn:
            put_synced(conn, [replace(source[0], tags=("old",))], [], [])
        statements: list[str] = []
        new.conn.set_trace_callback(statements.append)
        with new._write() as conn:
            put_synced(conn, source, [], [])
        new.conn.set_trace_callback(None)
        how = {h.id: {s.split(" (")[0] for s in statements
                      if "INTO highlights " in s and h.id in s} for h in source}
        assert how == {source[0].id: {"INSERT OR REPLACE INTO highlights"},
                       source[1].id: {"INSERT INTO highlights"},
                       source[2].id: {"INSERT INTO highlights"}}
        assert new.highlights(ARCHIVE) == sorted(source, key=lambda h: (h.created, h.id))
    finally:
        new.close()
