"""The footnote's card and the footnote itself: the cited book's title in italics, its
web address a link that opens only in the browser, and no gap above the heading."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.gui import popup
from desktop.gui.popup import InfoCard, marked_up, open_web_address
from tests.gui.test_following import click_link

TITLE = "The Russian Revolution in Retreat, 1920-24"
SUBTITLE = "Soviet workers and the new communist elite"
WEB = "www.revolutioninretreat.com"


@pytest.fixture
def browsed(monkeypatch):
    """The addresses handed to the system's browser, instead of opening them."""
    browsed: list[str] = []

    class Browser:
        @staticmethod
        def openUrl(url):  # Qt's name
            browsed.append(url.toString())
            return True

    monkeypatch.setattr(popup, "QDesktopServices", Browser)
    return browsed


def lines_of(card: InfoCard) -> list[QLabel]:
    return [label for label in card.findChildren(QLabel) if label.isVisibleTo(card)]


def test_the_note_s_web_address_opens_in_the_browser(qtbot, window, browsed):
    click_link(qtbot, window, "note:1")
    qtbot.waitUntil(window.card.isVisible)
    _heading, note = lines_of(window.card)
    assert note.textFormat() == Qt.TextFormat.RichText
    assert f'See <a href="http://{WEB}">{WEB}</a>' in note.text()
    assert note.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    note.linkActivated.emit(f"http://{WEB}")
    assert browsed == [f"http://{WEB}"]


def test_no_gap_stands_above_the_heading(qtbot, window):
    click_link(qtbot, window, "note:1")
    qtbot.waitUntil(window.card.isVisible)
    heading, note = lines_of(window.card)
    # Each line is as tall as its text at the card's width: no spare height for the
    # heading's text to stand in the middle of.
    assert heading.height() == heading.heightForWidth(heading.width())
    assert note.height() == note.heightForWidth(note.width())
    margins = window.card.layout().contentsMargins()
    assert heading.geometry().top() == margins.top() + window.card.frameWidth()


def test_the_cited_title_is_set_in_italics(qtbot, window):
    card = InfoCard(window)
    note = window.archive.footnote(1).note
    card.fill("Note *", [note], [], cited=(TITLE, SUBTITLE))
    (_heading, line) = lines_of(card)
    assert line.text().startswith(f"<i>{TITLE}: {SUBTITLE}</i>, by Simon Pirani")


def test_the_footnote_s_card_sets_its_book_title_in_italics(qtbot, window):
    click_link(qtbot, window, "note:1")
    qtbot.waitUntil(window.card.isVisible)
    (_heading, line) = lines_of(window.card)
    assert f"<i>{TITLE}: {SUBTITLE}</i>" in line.text()


def test_the_footnote_in_the_text_sets_its_book_title_in_italics(window):
    window.navigator.navigate("essay", "essay/fn1")
    reader = window.reader
    block = reader.document().findBlockByNumber(reader.layout_.block_of["essay/fn1"])
    italic = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.charFormat().fontItalic():
            italic.append(fragment.text())
        it += 1
    assert italic == [f"{TITLE}: {SUBTITLE}"]


@pytest.mark.parametrize(("text", "shown"), [
    ("See www.example.org.", 'See <a href="http://www.example.org">www.example.org</a>.'),
    ("(https://example.org/a_(b))", '(<a href="https://example.org/a_(b)">'
                                    'https://example.org/a_(b)</a>)'),
    ("<b>x</b> & https://e.org/?a=1&b=<i>",
     '&lt;b&gt;x&lt;/b&gt; &amp; <a href="https://e.org/?a=1&amp;b=">https://e.org/?a=1&amp;'
     'b=</a>&lt;i&gt;'),
    ("javascript:alert(1) file:///etc/passwd ftp://x.org", None),
    ("no address at all", None),
])
def test_only_web_addresses_become_links_and_the_rest_stays_text(text, shown):
    assert marked_up(text) == shown


@pytest.mark.parametrize(("url", "opens"), [
    ("http://www.revolutioninretreat.com", True), ("https://example.org/x", True),
    ("javascript:alert(1)", False), ("file:///etc/passwd", False), ("ftp://x.org", False),
    ("http://", False), ("archive-browser://communists-dilemma/essay/p8", False),
])
def test_only_http_and_https_addresses_are_opened(browsed, url, opens):
    assert open_web_address(url) is opens
    assert browsed == ([url] if opens else [])


def test_the_footnote_s_web_address_is_a_link_in_the_text_too(qtbot, window, monkeypatch):
    from PySide6.QtCore import QUrl

    from desktop.gui import popup

    opened = []
    monkeypatch.setattr(popup, "open_web_address", lambda url: opened.append(url) or True)
    window.navigator.go_to_end(first=False)
    href = "http://www.revolutioninretreat.com"
    assert window.reader.link_rect(href).isValid()
    window.reader.anchorClicked.emit(QUrl(href))
    assert opened == [href]
    window.reader.anchorClicked.emit(QUrl("file:///etc/passwd"))  # never opened
    assert opened == [href]
