"""A citation at a ¶ is rendered once and the ¶ put in: it must read as if rendered anew."""

from __future__ import annotations

import json

import pytest

from desktop.archive import csl
from desktop.archive.references import item_for
from desktop.archive.styles import STYLES, style_of

PARAGRAPHS = ["1", "2", "3", "11", "22", "101", "1–2", "8–9", "21–23"]


def rendered_anew(style: csl.Style, item: dict, fmt: str, paragraphs: str, prefix: str,
                  bare: bool) -> str:
    """The citation as citeproc-py renders it with this very ¶, nothing remembered."""
    return csl._finish(style, csl._rendered.__wrapped__(
        style, json.dumps(item, sort_keys=True), fmt, paragraphs, prefix, bare))


@pytest.mark.parametrize("style_name", sorted(STYLES))
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_pinpoint_put_in_reads_as_one_rendered_with_it(archive, style_name, fmt):
    style = style_of(style_name)
    essay = item_for(archive, document_id="essay")
    source = csl.render_citation(style, item_for(archive, source_id="minutes"), fmt, bare=True)
    for prefix, bare in (("", False), (f"{source}, quoted in ", False), ("", True)):
        for paragraphs in PARAGRAPHS:
            assert csl.render_citation(style, essay, fmt, paragraphs=paragraphs, prefix=prefix,
                                       bare=bare) == \
                rendered_anew(style, essay, fmt, paragraphs, prefix, bare)


def test_a_citation_is_rendered_once(archive, monkeypatch):
    style = style_of("chicago")
    essay = item_for(archive, document_id="essay")
    first = csl.render_citation(style, essay, paragraphs="41")
    monkeypatch.setattr(csl, "_session", lambda *_a: pytest.fail("rendered again"))
    assert csl.render_citation(style, essay, paragraphs="42") == first.replace("41", "42")
    assert csl.render_citation(style, essay, paragraphs="41") == first
