"""Citations from the window: Copy with Citation, the quotation card, the style chosen
in Preferences, and Sources → Export Bibliography…"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel

from desktop.gui import settings as keys
from tests.gui.test_marks import select_words

WORDS = "realization of his dream of communism"


def test_the_same_quoted_words_are_cited_alike_in_the_essay_and_in_the_minutes(window):
    select_words(window, "essay/p8", WORDS)
    in_essay = window.reading.copy_citation()
    select_words(window, "minutes/e2", WORDS)
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
    select_words(window, "essay/p8", WORDS)
    chicago = window.reading.copy_citation()
    window.dialogs.ask_style = lambda _archive, _style: "mla"
    window.menus.actions["preferences"].trigger()
    mla = window.reading.copy_citation()
    assert mla != chicago
    assert window.settings.get(keys.STYLE) == "mla"
    window.dialogs.ask_style = lambda _archive, _style: None  # cancelled: nothing changes
    window.menus.actions["preferences"].trigger()
    assert window.settings.get(keys.STYLE) == "mla"


def test_the_quotation_card_shows_and_copies_its_words_citation(qtbot, window):
    window.links.show_quotation(6)
    qtbot.waitUntil(window.card.isVisible)
    labels = [label.text() for label in window.card.findChildren(QLabel)]
    assert any(text.startswith("“Minutes of the June 1922 Meeting") and "quoted in Simon "
               "Pirani" in text and text.endswith("para. 8.") for text in labels)
    window.card.buttons["cite"].click()
    copied = QApplication.clipboard().text()
    assert copied.startswith("“In the communist party [Petrzhek] had hoped")
    assert copied.endswith("quoted in Simon Pirani, “The Communists’ Dilemma,” essay, "
                           "February 2008, para. 8)")


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_export_bibliography_from_the_sources_menu(window, tmp_path, fmt):
    import json

    import bibtexparser
    import rispy

    target = tmp_path / f"sources.{fmt}"
    window.dialogs.ask_bibliography_file = lambda _folder: (target, fmt)
    window.menus.actions["bibliography"].trigger()
    text = target.read_text(encoding="utf-8")
    if fmt == "bibtex":
        keys_ = [entry.key for entry in bibtexparser.parse_string(text).entries]
    elif fmt == "csl-json":
        keys_ = [item["id"] for item in json.loads(text)]
    else:
        keys_ = [record["id"] for record in rispy.loads(text)]
    assert keys_[0] == "pirani2008communists" and "minutes1922june" in keys_
    assert window.statusBar().currentMessage() == f"Exported the bibliography to {target}."


@pytest.mark.parametrize(("typed", "chosen", "written"), [
    ("refs.json", "bibtex", ("refs.json", "csl-json")),
    ("refs.RIS", "bibtex", ("refs.RIS", "ris")),
    ("refs", "csl-json", ("refs.json", "csl-json")),
    ("refs.v2", "ris", ("refs.v2.ris", "ris"))])
def test_a_typed_suffix_decides_the_bibliography_s_format(tmp_path, typed, chosen, written):
    from desktop.gui.dialogs import bibliography_target

    path, fmt = bibliography_target(tmp_path / typed, chosen)
    assert (path.name, fmt) == written


def test_a_bibliography_that_cannot_be_written_is_said_in_one_sentence(window, tmp_path):
    told: list[str] = []
    window.dialogs.tell = told.append
    target = tmp_path / "missing" / "refs.bib"
    window.dialogs.ask_bibliography_file = lambda _folder: (target, "bibtex")
    assert window.files.export_bibliography() is None
    (message,) = told
    assert message.startswith("The bibliography could not be exported: ")
    assert not target.exists()


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

    select_words(window, "essay/p8", WORDS)
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


def test_copying_only_what_the_reader_adds_cites_nothing_and_says_so(window):
    window.navigator.navigate("minutes", "minutes/e2")
    layout = window.reader.layout_
    passage_block = layout.block_of["minutes/e2"]
    line = window.reader.document().findBlockByNumber(passage_block + 1)  # "Quoted in …"
    assert line.text().startswith("Quoted in the essay at")
    QApplication.clipboard().setText("kept")
    cursor = QTextCursor(line)
    cursor.setPosition(line.position() + 2)
    cursor.setPosition(line.position() + line.length() - 2, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    assert window.reading.copy_citation() == ""
    assert QApplication.clipboard().text() == "kept"
    assert window.statusBar().currentMessage().startswith("Select words of the text")


def test_enter_presses_the_card_s_focused_button(qtbot, window):
    from PySide6.QtCore import Qt

    QApplication.clipboard().setText("")
    window.links.show_quotation(6)
    qtbot.waitUntil(window.card.isVisible)
    button = window.card.buttons["cite"]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert QApplication.clipboard().text().startswith("“In the communist party")
