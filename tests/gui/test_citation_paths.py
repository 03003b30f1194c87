"""Every path that cites a quotation agrees: Copy with Citation of its words in the text,
the quotation's card, the Markdown export of a highlight on them, and
`archive-browser cite`."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.archive.attribution import attribute_quotation
from desktop.archive.styles import format_citation


def sourced_quotations(archive) -> list:
    return [q for d in archive.documents() for q in archive.quotations_in(d.id)
            if q.source_id]


def select_span(window, passage_id: str, start: int, end: int) -> None:
    block = window.reader.document().findBlockByNumber(window.reader.layout_.block_of[passage_id])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + start)
    cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)


def test_copy_the_card_and_the_command_line_agree_on_every_quotation(qtbot, window, cli):
    quotations = sourced_quotations(window.archive)
    assert len(quotations) >= 5
    for quotation in quotations:
        passage = window.archive.passage(quotation.passage_id)
        window.navigator.navigate(passage.document_id, passage.id)
        select_span(window, passage.id, quotation.start, quotation.end)
        copied = window.reading.copy_citation()
        printed = cli("cite", passage.uri, "--quote", quotation.text)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout.rstrip("\n") == copied, quotation.id
        window.links.show_quotation(quotation.id)
        qtbot.waitUntil(window.card.isVisible)
        window.card.buttons["cite"].click()
        assert QApplication.clipboard().text() == copied, quotation.id
        assert "quoted in" in copied, quotation.id


def test_the_export_cites_a_highlighted_quotation_as_the_card_does(window, tmp_path):
    from desktop.gui.export_dialog import ExportChoice
    from desktop.notes.export import Selection

    quotations = sourced_quotations(window.archive)
    for quotation in quotations:
        passage = window.archive.passage(quotation.passage_id)
        window.navigator.navigate(passage.document_id, passage.id)
        select_span(window, passage.id, quotation.start, quotation.end)
        window.marking.highlight_selection()
    target = tmp_path / "all.md"
    window.dialogs.ask_export = lambda _marks, _settings: ExportChoice(
        "markdown", target, Selection())
    window.files.export_annotations()
    exported = target.read_text(encoding="utf-8")
    for quotation in quotations:
        cited = format_citation(window.archive, attribute_quotation(window.archive, quotation.id),
                                window.reading.style, "markdown")
        assert cited in exported or cited.rstrip(".") in exported, quotation.id
