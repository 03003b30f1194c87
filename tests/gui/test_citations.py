"""Citations from the window: Copy with Citation, the quotation card, the style chosen
in Preferences, and Sources → Export Bibliography…"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.archive.attribution import attribute_quotation
from desktop.archive.styles import quote_with_citation
from desktop.gui import settings as keys
from tests.gui.test_marks import select_words

WORDS = "realization of his dream of communism"


def select_in(window, document_id: str, passage_id: str, words: str) -> None:
    window.navigator.navigate(document_id, passage_id)
    text = window.archive.passage(passage_id).text
    start = text.index(words)
    block = window.reader.document().findBlockByNumber(window.reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + start)
    cursor.setPosition(block.position() + start + len(words), QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)


def test_the_same_quoted_words_are_cited_alike_in_the_essay_and_in_the_minutes(window):
    select_in(window, "essay", "essay/p8", WORDS)
    in_essay = window.reading.copy_citation()
    select_in(window, "minutes", "minutes/e2", WORDS)
    in_minutes = window.reading.copy_citation()
    assert in_essay == in_minutes
    assert WORDS in in_essay
    assert "quoted in" in in_essay.lower()
    assert QApplication.clipboard().text() == in_essay


def test_the_essay_s_own_words_are_cited_as_the_essay(window):
    select_words(window, "essay/p8", "the minute-taker recorded")
    text = window.reading.copy_citation()
    assert "quoted in" not in text.lower()
    assert "Pirani" in text and "8" in text


def test_the_style_chosen_in_preferences_is_used_and_remembered(window, open_window):
    select_in(window, "essay", "essay/p8", WORDS)
    chicago = window.reading.copy_citation()
    window.dialogs.ask_style = lambda _archive, _style: "mla"
    window.menus.actions["preferences"].trigger()
    mla = window.reading.copy_citation()
    assert mla != chicago
    assert window.settings.get(keys.STYLE) == "mla"
    window.dialogs.ask_style = lambda _archive, _style: None  # cancelled: nothing changes
    window.menus.actions["preferences"].trigger()
    assert window.settings.get(keys.STYLE) == "mla"


def test_the_quotation_card_cites_as_copy_with_citation_does(qtbot, window):
    window.links.show_quotation(6)
    qtbot.waitUntil(window.card.isVisible)
    expected = quote_with_citation(window.archive, attribute_quotation(window.archive, 6),
                                   window.reading.style)
    window.card.buttons["cite"].click()
    assert QApplication.clipboard().text() == expected
    assert "quoted in" in expected.lower()


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_export_bibliography_from_the_sources_menu(window, tmp_path, fmt):
    target = tmp_path / f"sources.{fmt}"
    window.dialogs.ask_bibliography_file = lambda _folder: (target, fmt)
    window.menus.actions["bibliography"].trigger()
    text = target.read_text(encoding="utf-8")
    assert "pirani2008communists" in text or "Pirani" in text
    assert window.statusBar().currentMessage() == f"Exported the bibliography to {target}."


def test_preferences_shows_the_style_s_citations_as_an_example(qtbot, window):
    from desktop.gui.preferences import PreferencesDialog

    dialog = PreferencesDialog(window, window.archive, "chicago")
    qtbot.addWidget(dialog)
    assert "quoted in Simon Pirani" in dialog.example.text()
    dialog.style_box.setCurrentIndex(dialog.style_box.findData("mla"))
    assert dialog.style() == "mla"
    assert dialog.example.text().splitlines()[0] == "(Pirani, par. 8)"
    assert "qtd. in Pirani, par. 8" in dialog.example.text()


def test_the_window_s_export_cites_in_the_chosen_style_or_for_pandoc(window, tmp_path):
    from desktop.gui.export_dialog import ExportChoice
    from desktop.notes.export import Selection

    select_in(window, "essay", "essay/p8", WORDS)
    window.marking.highlight_selection()
    window.settings.set(keys.STYLE, "mla")
    target = tmp_path / "mla.md"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "markdown", target, Selection())
    window.files.export_annotations()
    assert "qtd. in Pirani, par. 8" in target.read_text(encoding="utf-8")
    pandoc = tmp_path / "pandoc.md"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "markdown", pandoc, Selection(), "pandoc")
    window.files.export_annotations()
    assert "[@minutes1922june; qtd. in @pirani2008communists, ¶ 8]" in pandoc.read_text(
        encoding="utf-8")


def test_the_export_dialog_offers_pandoc_citations_for_markdown_only(qtbot, window):
    from desktop.gui.export_dialog import ExportDialog

    dialog = ExportDialog(window, window.marks, window.settings)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("markdown"))
    dialog.citations.setCurrentIndex(dialog.citations.findData("pandoc"))
    assert dialog.choice().citations == "pandoc"
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert not dialog.citations.isEnabled()
    assert dialog.choice().citations == "text"
