"""Annotations exported by Hypothesis (hypothes.is) import as W3C annotations do.

The two files are as Hypothesis writes them:

- the API's search response, ``{"total": N, "rows": [...]}`` (h's API reference,
  https://h.readthedocs.io/en/latest/api-reference/, and ``SearchResponse`` in
  hypothesis/client ``src/types/api.ts``);
- the client's “Export annotations” file, ``{"export_date", "export_userid",
  "client_version", "annotations": [...]}`` (hypothesis/client
  ``src/sidebar/services/annotations-exporter.tsx``, ``buildJSONExportContent``, whose
  annotations are the API's with the client's own ``$``-properties stripped).

Each annotation is the API's ``APIAnnotationData`` (``src/types/api.ts``): ``id``,
``uri``, ``text``, ``tags``, ``created``, ``updated``, ``user``, ``group``,
``permissions``, ``links``, ``document.title`` (a list, as the API returns it),
``flagged``, ``hidden``, ``references`` for a reply, and ``target: [{"source",
"selector": [RangeSelector, TextPositionSelector, TextQuoteSelector]}]``. The quotes are
the essay's own words (archive.db's passages; resources/communists-dilemma.pdf-extract.txt).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.notes.errors import NotesError
from desktop.notes.importer import import_file
from desktop.notes.store import Notes
from tests.helpers import run_cli_process

ESSAY_PDF = "https://www.example.org/pirani/communists-dilemma.pdf"
P25 = "archive-browser://communists-dilemma/essay/p25"
P8 = "archive-browser://communists-dilemma/essay/p8"


def annotation(hypothesis_id: str, uri: str, *, text: str = "", tags: tuple[str, ...] = (),
               updated: str = "2024-12-09T07:17:52.123456+00:00",
               selectors: list[dict[str, Any]] | None = None,
               references: list[str] | None = None) -> dict[str, Any]:
    """An annotation as Hypothesis's API returns it (no selectors: a page note)."""
    target: dict[str, Any] = {"source": uri}
    if selectors is not None:
        target["selector"] = selectors
    item = {"id": hypothesis_id, "created": "2024-12-09T07:17:52.123456+00:00",
            "updated": updated, "user": "acct:reader@hypothes.is", "uri": uri,
            "text": text, "tags": list(tags), "group": "__world__",
            "permissions": {"read": ["group:__world__"], "admin": ["acct:reader@hypothes.is"],
                            "update": ["acct:reader@hypothes.is"],
                            "delete": ["acct:reader@hypothes.is"]},
            "target": [target],
            "document": {"title": ["The Communists’ Dilemma"]},
            "links": {"html": f"https://hypothes.is/a/{hypothesis_id}",
                      "incontext": f"https://hyp.is/{hypothesis_id}/{uri}",
                      "json": f"https://hypothes.is/api/annotations/{hypothesis_id}"},
            "user_info": {"display_name": "A Reader"}, "flagged": False, "hidden": False}
    if references is not None:
        item["references"] = references
    return item


def quote(exact: str, prefix: str, suffix: str) -> dict[str, str]:
    return {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}


def position(start: int, end: int) -> dict[str, Any]:
    return {"type": "TextPositionSelector", "start": start, "end": end}


RANGE = {"type": "RangeSelector", "startContainer": "/div[1]/p[25]", "startOffset": 31,
         "endContainer": "/div[1]/p[25]", "endOffset": 60}


def rows() -> list[dict[str, Any]]:
    """One of each kind a group's annotations hold."""
    return [
        # Made on the archive's own passage: quote, position and a web page's range.
        annotation("Kx3fQ1yGEe-Zt0uM4A2Hpw", P25, text="Who decided, and how.",
                   tags=("Cheka", "1920s"),
                   selectors=[RANGE, position(31, 60),
                              quote("the security police to decide",
                                    "Party leaders often left it to ",
                                    " whether such pro-soviet parties")]),
        # Made on the essay's PDF elsewhere: its position counts the PDF's text, not a
        # passage's, so the quote (with its context) is what places it.
        annotation("Lm9aB2zHEe-Qr1vN5B3Iqx", ESSAY_PDF, text="The Workers Truth argument.",
                   selectors=[position(9876, 9911),
                              quote("technical organising intelligentsia",
                                    "was divided against itself, but a “",
                                    "” was coming to the fore, on the")]),
        # A position alone, on the archive's passage: the words are read from it.
        annotation("Np2cD4aIEe-St2wO6C4Jry", P8, text="Position only.",
                   selectors=[position(176, 226)]),
        # Another page's words, found nowhere here: kept as an orphan.
        annotation("Pq4eF6bJEe-Uv3xP7D5Ksz", "https://example.org/another-article",
                   text="Not about the essay.",
                   selectors=[quote("the tramways of Petrograd ran all night",
                                    "In that winter ", " and nobody paid")]),
        # A reply to the first, and a note on the whole page: no words to highlight.
        annotation("Rs6gH8cKEe-Wx4yQ8E6Lta", P25, text="I agree.",
                   references=["Kx3fQ1yGEe-Zt0uM4A2Hpw"]),
        annotation("Tu8iJ0dLEe-Yz5zR9F7Mub", ESSAY_PDF, text="A note on the whole essay."),
    ]


def search_response(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"total": len(items), "rows": items}


def client_export(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"export_date": "2024-12-10T09:00:00.000Z",
            "export_userid": "acct:reader@hypothes.is", "client_version": "1.1484.0",
            "annotations": items}


SHAPES = {"search": search_response, "export": client_export}
SAID = ("Added 4 and updated 0; 0 already present. 1 could not be placed on the archive's "
        "words and was kept as an orphan. Skipped 1 page note and 1 reply, which quote no "
        "words to highlight.")


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def mark_id(hypothesis_id: str) -> str:
    """The id a Hypothesis annotation's mark has: derived from its address."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://hypothes.is/a/{hypothesis_id}"))


def check_imported(notes: Notes, archive) -> None:  # type: ignore[no-untyped-def]
    marks = {h.id: h for h in notes.highlights()}
    assert len(marks) == 4 and notes.bookmarks() == []
    first = marks[mark_id("Kx3fQ1yGEe-Zt0uM4A2Hpw")]
    assert (first.state, first.selector.uri) == ("anchored", P25)
    assert (first.selector.start, first.selector.end) == (31, 60)
    assert first.selector.exact == "the security police to decide"
    assert (first.note, first.tags) == ("Who decided, and how.", ("1920s", "Cheka"))
    assert (first.created, first.modified) == ("2024-12-09T07:17:52.123Z",) * 2
    pdf = marks[mark_id("Lm9aB2zHEe-Qr1vN5B3Iqx")]
    assert pdf.state == "moved" and pdf.selector.exact == "technical organising intelligentsia"
    assert archive.passage_by_uri(pdf.selector.uri).id == "essay/p20"
    alone = marks[mark_id("Np2cD4aIEe-St2wO6C4Jry")]
    assert (alone.state, alone.selector.uri) == ("anchored", P8)
    assert alone.selector.exact == "strongly-developed private proprietorial instincts"
    assert alone.selector.suffix == ",” the minute-taker recorded."
    orphan = marks[mark_id("Pq4eF6bJEe-Uv3xP7D5Ksz")]
    assert (orphan.state, orphan.document_id) == ("orphaned", "")
    assert orphan.selector.uri == "https://example.org/another-article"
    assert orphan.note == "Not about the essay."


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_both_files_import_through_the_notes_layer(tmp_path, archive, shape):
    path = write(tmp_path / f"{shape}.json", SHAPES[shape](rows()))
    notes = Notes(tmp_path / "data")
    report = import_file(notes, archive, path)
    assert report.describe() == SAID
    check_imported(notes, archive)
    notes.close()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_both_files_import_with_the_command(tmp_path, archive, shape):
    path = write(tmp_path / f"{shape}.json", SHAPES[shape](rows()))
    data = tmp_path / "data"
    dry = run_cli_process("import", str(path), "--dry-run", data=data)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == (f"{path}: Would add 4 and update 0; 0 already present. 1 could not "
                          "be placed on the archive's words and would be kept as an orphan. "
                          "Would skip 1 page note and 1 reply, which quote no words to "
                          "highlight.\n")
    backups = data / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []
    notes = Notes(data, backup_now=False)
    assert notes.highlights() == []
    notes.close()
    real = run_cli_process("import", str(path), data=data)
    assert real.returncode == 0, real.stderr
    assert real.stdout == f"{path}: {SAID}\n"
    notes = Notes(data, backup_now=False)
    check_imported(notes, archive)
    notes.close()


def test_the_same_annotations_in_the_other_file_are_the_same_marks(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    import_file(notes, archive, write(tmp_path / "s.json", search_response(rows())))
    again = import_file(notes, archive, write(tmp_path / "e.json", client_export(rows())))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert len(notes.highlights()) == 4
    notes.close()


def test_a_newer_file_updates_and_an_older_one_changes_nothing(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    first = rows()[0]
    import_file(notes, archive, write(tmp_path / "v1.json", search_response([first])))
    newer = annotation(first["id"], P25, text="Edited on hypothes.is later.", tags=("Cheka",),
                       updated="2025-03-01T10:00:00.000000+00:00",
                       selectors=first["target"][0]["selector"])
    report = import_file(notes, archive, write(tmp_path / "v2.json", client_export([newer])))
    assert (report.added, report.updated) == (0, 1)
    (mark,) = notes.highlights()
    assert (mark.note, mark.tags, mark.modified) == ("Edited on hypothes.is later.",
                                                     ("Cheka",), "2025-03-01T10:00:00.000Z")
    assert mark.created == "2024-12-09T07:17:52.123Z"
    older = import_file(notes, archive, tmp_path / "v1.json")
    assert (older.added, older.updated, older.unchanged) == (0, 0, 1)
    assert notes.highlights()[0].note == "Edited on hypothes.is later."
    notes.update_highlight(mark.id, note="Typed here since.")
    again = import_file(notes, archive, tmp_path / "v2.json")
    assert (again.updated, again.unchanged) == (0, 1)
    assert notes.highlights()[0].note == "Typed here since."
    notes.close()


def test_a_dry_run_writes_nothing(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    path = write(tmp_path / "s.json", search_response(rows()))
    report = import_file(notes, archive, path, dry_run=True)
    assert report.describe().startswith("Would add 4 and update 0;")
    assert report.describe().endswith("Would skip 1 page note and 1 reply, which quote no "
                                      "words to highlight.")
    assert notes.highlights() == []
    notes.close()


@pytest.mark.parametrize(("uri", "selectors"), [
    (ESSAY_PDF, [position(176, 226)]),  # a position in another document's text
    (P8, [position(176, 9999)]),  # past the passage's end
    (P25, [RANGE]),  # only a place in a web page's layout
])
def test_an_annotation_whose_words_cannot_be_known_is_skipped(tmp_path, archive, uri,
                                                               selectors):
    notes = Notes(tmp_path / "data")
    path = write(tmp_path / "s.json",
                 search_response([annotation("Vw0kL2eMEe-Ab6aS0G8Nvc", uri, text="?",
                                             selectors=selectors)]))
    report = import_file(notes, archive, path)
    assert report.describe() == ("Added 0 and updated 0; 0 already present. Skipped 1 "
                                 "annotation with no quote, which quotes no words to "
                                 "highlight.")
    assert notes.highlights() == []
    notes.close()


def test_a_reply_with_a_quote_is_a_highlight(tmp_path, archive):
    notes = Notes(tmp_path / "data")
    reply = annotation("Xy2mN4fNEe-Cd7bT1H9Owd", P25, text="Quoted in a reply.",
                       references=["Kx3fQ1yGEe-Zt0uM4A2Hpw"],
                       selectors=[quote("the security police to decide", "", "")])
    report = import_file(notes, archive, write(tmp_path / "r.json", client_export([reply])))
    assert report.added == 1 and notes.highlights()[0].note == "Quoted in a reply."
    notes.close()


def test_one_bad_record_among_a_thousand_imports_nothing(tmp_path, archive):
    good = [annotation(f"good{n:04d}", P25, selectors=rows()[0]["target"][0]["selector"])
            for n in range(1000)]
    bad = annotation("bad", P25, selectors=[quote("x", "", "")])
    bad["tags"] = "Cheka, 1920s"
    path = write(tmp_path / "mixed.json", client_export([*good, bad]))
    notes = Notes(tmp_path / "data")
    with pytest.raises(NotesError) as refused:
        import_file(notes, archive, path)
    assert str(refused.value) == ("Record 1001 (https://hypothes.is/a/bad): its “tags” must "
                                  "be a list of text.")
    assert notes.highlights() == []
    notes.close()


def test_one_page_of_a_longer_search_imports_and_says_what_it_lacks(tmp_path, archive):
    # The API gives at most 200 annotations a page; its "total" counts them all.
    path = write(tmp_path / "page.json", {"total": 500, "rows": rows()})
    notes = Notes(tmp_path / "data")
    report = import_file(notes, archive, path)
    assert notes.highlights()
    assert report.describe().endswith(
        "The Hypothesis search found 494 more annotations than this file holds: fetch the "
        "other pages (“search_after”) and import them too.")
    notes.close()


def test_a_search_response_without_a_total_imports_its_rows(tmp_path, archive):
    path = write(tmp_path / "rows.json", {"rows": rows()})
    notes = Notes(tmp_path / "data")
    report = import_file(notes, archive, path)
    assert notes.highlights()
    assert "more annotation" not in report.describe()
    notes.close()


def test_w3c_files_import_as_before(tmp_path, archive):
    """The W3C path is unchanged: a quote places it, and a highlight with a position but
    no quote is refused as it always was."""
    item = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:w3c",
            "type": "Annotation", "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "from elsewhere"},
            "target": {"source": P25, "selector": [quote("the security police to decide",
                                                         "Party leaders often left it to ",
                                                         " whether such pro-soviet parties"),
                                                   position(31, 60)]}}
    notes = Notes(tmp_path / "data")
    report = import_file(notes, archive, write(tmp_path / "w3c.json", [item]))
    assert report.describe() == "Added 1 and updated 0; 0 already present."
    assert notes.highlights()[0].id == str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:x:w3c"))
    alone = dict(item, id="urn:x:alone", target={"source": P8, "selector": [position(176, 226)]})
    with pytest.raises(NotesError, match="a highlight needs a TextQuoteSelector"):
        import_file(notes, archive, write(tmp_path / "alone.json", [alone]))
    notes.close()
