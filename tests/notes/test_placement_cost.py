"""Placing marks: the costly tolerant alignment is tried only where it could succeed."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from desktop.archive.store import Archive
from desktop.notes import anchoring
from desktop.notes.anchoring import PassageText, Selector, reanchor


@pytest.fixture(scope="module")
def documents(shipped_archive) -> dict[str, list[PassageText]]:
    archive = Archive(shipped_archive)
    try:
        return {d.id: [PassageText(p.uri, p.text) for p in archive.passages(d.id)]
                for d in archive.documents()}
    finally:
        archive.close()


@pytest.fixture
def alignments(monkeypatch) -> list[str]:
    """The passages the tolerant alignment was run on."""
    tried: list[str] = []
    real = fuzz.partial_ratio_alignment

    def counted(exact, text, **options):
        tried.append(text)
        return real(exact, text, **options)

    monkeypatch.setattr(fuzz, "partial_ratio_alignment", counted)
    return tried


def test_words_from_elsewhere_are_orphaned_without_aligning_every_passage(documents,
                                                                          alignments):
    words = ("the committee adjourned after a long discussion of the harvest figures "
             "and of the price of bread in the northern districts, then voted to meet "
             "again in the spring when the roads would be open once more")
    passages = [p for ps in documents.values() for p in ps]
    anchor = reanchor(Selector("elsewhere", 0, len(words), words, "", ""), passages)
    assert anchor.state == "orphaned"
    assert len(alignments) < len(passages) // 10


def mutated(rng: random.Random, text: str, rate: float) -> str:
    chars = list(text)
    for _ in range(int(len(chars) * rate)):
        at = rng.randrange(len(chars))
        op = rng.randrange(3)
        if op == 0:
            chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz ,.")
        elif op == 1 and len(chars) > 1:
            del chars[at]
        else:
            chars.insert(at, rng.choice("abcdefghijklmnopqrstuvwxyz "))
    return "".join(chars)


def test_skipping_passages_never_changes_where_a_mark_is_placed(documents, monkeypatch):
    rng = random.Random(1922)
    passages = [p for ps in documents.values() for p in ps if len(p.text) > 20]
    cases = []
    for _ in range(400):
        passage = rng.choice(passages)
        length = rng.choice([8, 20, 40, 90, 200, 400])
        start = rng.randrange(max(1, len(passage.text) - length))
        words = mutated(rng, passage.text[start:start + length], rng.choice([0, .1, .2, .3]))
        if words:
            cases.append((Selector("elsewhere", 0, len(words), words, "", ""),
                          rng.choice(list(documents))))
    quick = [reanchor(s, documents[d]) for s, d in cases]
    monkeypatch.setattr(anchoring, "_may_match", lambda exact, text: True)
    assert quick == [reanchor(s, documents[d]) for s, d in cases]
    assert {a.state for a in quick} == {"moved", "orphaned"}
