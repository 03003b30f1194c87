"""Where an export may be written, what a refusal says, and cells no spreadsheet runs."""

from __future__ import annotations

import csv
import errno
import io
import os

import pytest

from desktop.notes import export as exporting
from desktop.notes.errors import NotesError
from desktop.notes.export import csv_cell, write_atomically
from tests.helpers import make_notes

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1",
            # Leading blanks and invisible characters that spreadsheets skip.
            " =1+1", "  +1", "\n=1+1", "\r\n=1+1", "\ufeff=1+1", "\u200b=1+1",
            "\u00a0=1+1", "\u3000=1+1", "\u2060=1+1", "\u202e=1+1", " \t@SUM(A1)",
            # Full-width and small forms, which NFKC folds to the ASCII ones.
            "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1+1", "﹢1", "﹣1", "﹫SUM(A1)",
            " ＝1+1", "\ufeff＋1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_that_could_run_as_a_formula_is_made_text(cell):
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Solidarity", "1922", "", " plain", "\ufeffplain",
                                  "a=1", "x-1", "‘=’ is a sign"])
def test_an_ordinary_cell_is_kept_as_it_is(cell):
    assert csv_cell(cell) == cell


def test_every_cell_of_the_csv_is_quoted(tmp_path, archive):
    notes = make_notes(tmp_path / "data", archive)
    text = "".join(exporting.render_chunks("csv", exporting.collect(notes, archive), archive))
    notes.close()
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 7
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == ",".join(f'"{c}"' for c in exporting.CSV_COLUMNS)
    raw_cells = sum(line.count('","') + 1 for line in lines if line.startswith('"'))
    assert raw_cells >= 7 * len(exporting.CSV_COLUMNS)


def test_exporting_to_a_folder_says_it_is_a_folder(cli, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for force in (False, True):
        with pytest.raises(NotesError, match="is a folder") as refused:
            write_atomically(folder, "x", overwrite=force)
        assert "already exists" not in str(refused.value)
    result = cli("export", "--output", str(folder), data=tmp_path / "data")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"archive-browser: {folder} is a folder; give the name "
                                     "of a file in it to export to.")
    assert list(folder.iterdir()) == []


def test_exporting_into_a_missing_folder_names_the_folder(tmp_path):
    target = tmp_path / "nowhere" / "out.md"
    with pytest.raises(NotesError) as refused:
        write_atomically(target, "x", overwrite=False)
    assert str(refused.value) == (f"The folder {target.parent} does not exist; create it, "
                                  "or export to another folder.")


def test_exporting_into_a_read_only_folder_says_so(tmp_path, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    # The tests run as root, for whom no folder is read-only: refuse as the disk would.
    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(NotesError) as refused:
        write_atomically(tmp_path / "out.md", "x", overwrite=False)
    assert str(refused.value) == (f"The folder {tmp_path} cannot be written to; export to a "
                                  "folder you can write in.")
    assert list(tmp_path.iterdir()) == []


def test_an_export_reads_the_table_whole_when_its_archive_holds_most_highlights(
        tmp_path, archive, monkeypatch):
    """In reading order either way: the table read in its own order when most of the
    highlights are the archive's (half the time for 100,000), from the index on the
    archive when few are."""
    from datetime import UTC, datetime

    from desktop.notes.export import collect, render
    from desktop.notes.store import Notes

    notes = make_notes(tmp_path / "data", archive)
    when = datetime(2026, 12, 2, tzinfo=UTC)
    plans: list[str] = []
    real = Notes._scanned
    monkeypatch.setattr(Notes, "_scanned", lambda self, a: plans.append(real(self, a))
                        or plans[-1])
    try:
        scanned = render("markdown", collect(notes, archive), archive, when=when)
        monkeypatch.setattr(Notes, "_scanned", lambda self, a: plans.append("") or "")
        indexed = render("markdown", collect(notes, archive), archive, when=when)
        assert plans[0] == "NOT INDEXED" and scanned == indexed
        assert real(notes, "another-archive") == ""
    finally:
        notes.close()
