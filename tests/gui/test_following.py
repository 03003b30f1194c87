"""Following notes and quotations to their sources and back, and citing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel

from desktop.archive.build import build
from desktop.gui import app as app_module
from tests.helpers import marked_spans


def click_link(qtbot, window, href: str) -> None:
    """Click a link in the reader where it is drawn, as a person would."""
    rect = window.reader.link_rect(href)
    assert rect.isValid(), href
    window.reader.verticalScrollBar().setValue(
        window.reader.verticalScrollBar().value() + rect.top() - 40)
    rect = window.reader.link_rect(href)
    pos = rect.center()
    pos.setX(pos.x() + 2)
    with qtbot.waitSignal(window.reader.linkFollowed):
        qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def card_text(window) -> str:
    return "\n".join(label.text() for label in window.card.findChildren(QLabel))


def test_footnote_opens_in_place_and_leads_to_its_source(qtbot, window):
    click_link(qtbot, window, "note:1")
    qtbot.waitUntil(window.card.isVisible)
    assert "Note *" in card_text(window)
    assert "The Russian Revolution in Retreat, 1920-24" in card_text(window)
    qtbot.mouseClick(window.card.buttons["source"], Qt.MouseButton.LeftButton)
    assert not window.card.isVisible()
    record = window.sources.record.toPlainText()
    assert record.startswith("The Russian Revolution in Retreat, 1920-24")
    assert "Subtitle: Soviet workers and the new communist elite" in record
    assert "Publisher: Routledge" in record and "Web: www.revolutioninretreat.com" in record
    assert window.docks["sources"].isVisible()


def test_quotation_leads_to_the_minutes_excerpt_beside_the_essay_and_back(qtbot, window):
    window.navigator.navigate("essay", "essay/p8")
    essay = window.reader
    click_link(qtbot, window, "quote:6")
    qtbot.waitUntil(window.card.isVisible)
    assert card_text(window).startswith("Quotation from Minutes of the June 1922 meeting")
    reading = essay.current_passage().id
    qtbot.mouseClick(window.card.buttons["excerpt"], Qt.MouseButton.LeftButton)
    # The minutes open beside the essay, which stays where it was.
    assert window.side_by_side
    assert essay.document_id == "essay" and essay.current_passage().id == reading
    assert window.following.in_view(window.panes["main"], "essay/p8")
    assert window.reader is not essay
    assert window.reader.document_id == "minutes"
    assert window.reader.passage_under_cursor().id == "minutes/e2"
    excerpt = window.archive.passage("minutes/e2")
    start, end = marked_spans(window.reader)[0]
    assert window.reader.toPlainText()[start:end] == excerpt.text
    assert "Quoted in the essay at ¶ 8 ↩" in window.reader.toPlainText()
    back = window.archive.excerpts(passage_id="minutes/e2")[0]
    minutes = window.reader
    click_link(qtbot, window, f"back:{back.id}")
    # Back in the essay's pane, its words marked; the minutes stay open beside it.
    assert window.reader is essay
    assert essay.current_passage().id == "essay/p8"
    start, end = marked_spans(essay)[0]
    assert essay.toPlainText()[start:end].startswith("In the communist party")
    assert minutes.document_id == "minutes" and minutes.isVisible()


def test_in_one_pane_quoted_in_the_essay_goes_back_in_that_pane(qtbot, window):
    window.navigator.navigate("minutes", "minutes/e2")
    back = window.archive.excerpts(passage_id="minutes/e2")[0]
    click_link(qtbot, window, f"back:{back.id}")
    assert not window.side_by_side
    assert window.reader.document_id == "essay"
    assert window.reader.current_passage().id == "essay/p8"
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.reader.document_id == "minutes"


def test_quotation_from_a_source_without_excerpt_shows_the_record(qtbot, window):
    window.navigator.navigate("essay", "essay/p20")
    click_link(qtbot, window, "quote:13")
    qtbot.waitUntil(window.card.isVisible)
    assert "The Workers Truth group’s analysis" in card_text(window)
    assert "excerpt" not in window.card.buttons
    qtbot.mouseClick(window.card.buttons["source"], Qt.MouseButton.LeftButton)
    assert window.sources.record.toPlainText().startswith("The Workers Truth group’s analysis")


def test_sources_panel_lists_every_source_and_goes_to_its_passages(qtbot, window):
    window.show_source("zinoviev-1920")
    record = window.sources.record.toPlainText()
    assert "Date: September 1920" in record
    assert "The communists’ dilemma, ¶ 12" in record
    assert window.sources.list.model().rowCount() == 8
    window.sources.goTo.emit("essay", "essay/p12")
    assert window.reader.current_passage().id == "essay/p12"


def test_copy_selected_words_with_citation(qtbot, window):
    window.navigator.navigate("essay", "essay/p8")
    block = window.reader.document().findBlockByNumber(
        window.reader.layout_.block_of["essay/p8"])
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 1)
    cursor.setPosition(block.position() + 23, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    # The minute-taker's words, quoted by the essay: cited as the minutes', quoted in it.
    copied = QApplication.clipboard().text()
    assert copied.startswith("“In the communist party” (“Minutes of the June 1922 Meeting of "
                             "Moscow Communists on Vladimir Petrzhek’s Resignation,” June 1922")
    assert copied.endswith("quoted in Simon Pirani, “The Communists’ Dilemma,” essay, "
                           "February 2008, para. 8)")


def test_copy_current_passage_with_citation(window):
    window.navigator.navigate("minutes", "minutes/e1")
    text = window.reading.copy_citation()
    assert text.startswith("Vladimir Petrzhek told his comrades")
    # The essay's own words, reporting the minutes: cited as the essay.
    assert text.endswith("— Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, "
                         "para. 6.")
    assert QApplication.clipboard().text() == text


def test_a_quoted_excerpt_is_cited_as_quoted_in_the_essay(window):
    window.navigator.navigate("letter", "letter/e1")
    assert window.reading.copy_citation().endswith(
        "— Vladimir Petrzhek, “Vladimir Petrzhek’s Letter of Resignation,” letter, n.d., "
        "quoted in Simon Pirani, “The Communists’ Dilemma,” essay, February 2008, para. 7.")


def test_citation_follows_the_passage_in_view_not_a_hidden_cursor(window):
    window.navigator.navigate("essay", "essay/p20")
    window.reader.scroll_to("essay/p30")
    assert window.reading.copy_citation().endswith("para. 30.")


def test_words_across_two_paragraphs_are_cited_with_both(window):
    window.navigator.navigate("essay", "essay/p7")
    doc = window.reader.document()
    first = doc.findBlockByNumber(window.reader.layout_.block_of["essay/p7"])
    second = doc.findBlockByNumber(window.reader.layout_.block_of["essay/p8"])
    cursor = QTextCursor(first)
    cursor.setPosition(first.position() + first.length() - 20)
    cursor.setPosition(second.position() + 23, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    text = window.reading.copy_citation()
    # Words of two paragraphs stay two paragraphs, cited as the essay's (they are not all
    # the minutes').
    assert text.startswith("y among themselves.\n\n“In the communist party\n")
    assert text.endswith("February 2008, paras. 7–8.")


def test_archive_text_is_never_read_as_markup(qtbot, resources_copy, tmp_path, open_window):
    source = resources_copy / "communists-dilemma.pdf-extract.txt"
    text = source.read_text(encoding="utf-8")
    hostile = "<b>bold</b> &amp; <img src=x onerror=alert(1)> <a href='x'>link</a>"
    assert text.count("Siberian exile.") == 1
    source.write_text(text.replace("Siberian exile.", f"Siberian exile. {hostile}"),
                      encoding="utf-8")
    build(resources_copy, tmp_path / "hostile.db")
    window = open_window(tmp_path / "hostile.db")
    assert hostile in window.reader.toPlainText()


def test_a_missing_archive_is_a_clear_error(tmp_path, capsys, qapp):
    assert app_module.run(tmp_path / "nowhere.db") == 1
    err = capsys.readouterr().err
    assert err.strip() == f"archive-browser: The archive {tmp_path / 'nowhere.db'} does not exist."


def test_launch_with_a_bad_archive_exits_with_one_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not an archive")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "--archive", str(bad)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"archive-browser: The archive {bad} cannot be read")


def test_screenshot_option_writes_a_png_of_the_window(tmp_path):
    out = tmp_path / "shot.png"
    # At the usual scale, whatever the machine's settings: the picture is 1280 × 820.
    scaling = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_FONT_DPI",
               "QT_ENABLE_HIGHDPI_SCALING")
    env = {**{k: v for k, v in os.environ.items() if k not in scaling},
           "QT_QPA_PLATFORM": "offscreen", "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "--screenshot", str(out)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000
    # Taken once the window is whole: the timeline (at the left, under the contents)
    # has its events, read just after the first frame. Its list is otherwise one
    # colour: its rows' words are what differs from that colour there.
    from PySide6.QtGui import QImage

    picture = QImage(str(out))
    assert picture.size().toTuple() == (1280, 820)
    spots = [picture.pixel(x, y) for x in range(12, 224, 2) for y in range(300, 780, 2)]
    background = max(set(spots), key=spots.count)
    assert sum(spot != background for spot in spots) > len(spots) // 20  # none, empty


def test_links_are_reachable_from_the_keyboard(qtbot, window):
    window.navigator.navigate("essay", "essay/p7")
    window.reader.setFocus()
    for _ in range(40):
        qtbot.keyClick(window.reader, Qt.Key.Key_Tab)
        if window.reader.textCursor().charFormat().anchorHref().startswith("quote:"):
            break
    href = window.reader.textCursor().charFormat().anchorHref()
    assert href.startswith("quote:")
    with qtbot.waitSignal(window.reader.linkFollowed):
        qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    qtbot.waitUntil(window.card.isVisible)
    assert card_text(window).startswith("Quotation from")


@pytest.mark.parametrize("offset", [20_000, 90_000])
def test_a_damaged_archive_gives_one_clear_line(tmp_path, shipped_archive, offset):
    damaged = tmp_path / "damaged.db"
    data = bytearray(shipped_archive.read_bytes())
    data[offset:offset + 4096] = bytes(range(256)) * 16
    damaged.write_bytes(bytes(data))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "--archive", str(damaged),
                             "--screenshot", str(tmp_path / "x.png")],
                            capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr.startswith("archive-browser: The archive")


def test_a_launch_with_a_passage_s_link_opens_the_window_at_that_passage(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ARCHIVE_BROWSER_DATA_DIR": str(data)}
    result = subprocess.run([sys.executable, "-m", "desktop.cli",
                             "archive-browser://communists-dilemma/essay/p30",
                             "--screenshot", str(tmp_path / "x.png")],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    settings = (data / "settings.ini").read_text(encoding="utf-8")
    assert "communists-dilemma=essay|essay/p30" in settings


def test_a_link_to_no_passage_of_the_archive_is_said(window):
    assert not window.navigator.open_link("archive-browser://elsewhere/essay/p8")
    assert window.statusBar().currentMessage() == (
        "The link archive-browser://elsewhere/essay/p8 names no passage of this archive.")
    assert window.navigator.open_link("archive-browser://communists-dilemma/minutes/e2")
    assert window.reader.current_passage().id == "minutes/e2"


def test_a_command_keeps_its_own_link_argument(cli):
    run = cli("cite", "archive-browser://communists-dilemma/essay/p8", "--quote",
              "the minute-taker recorded")
    assert run.returncode == 0 and "para. 8" in run.stdout
