"""Lay a document's passages into a QTextDocument, as plain text with formats.

Archive text is always inserted with ``insertText`` and never parsed as HTML or
Markdown, so nothing in it can act as markup. Links are character formats whose
``href`` says what they lead to:

* ``quote:ID``   a quotation in the essay;
* ``note:ID``    a footnote marker;
* ``back:ID``    from an excerpt of the minutes or the letter back to the essay.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from msgspec import Struct, field
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextLength,
)

from desktop.archive.places import paragraph_sign
from desktop.archive.store import Archive, Footnote, Passage, Quotation
from desktop.gui.theme import Theme

LINKED_QUOTATION_KINDS = ("direct",)
READING_FONTS = ["Charis SIL", "Source Serif 4", "Literata", "Georgia", "Iowan Old Style",
                 "Palatino Linotype", "Cambria", "Noto Serif", "DejaVu Serif", "serif"]


class Layout(Struct):
    """What each block of the laid-out document holds."""

    document: QTextDocument
    # block number -> the passage it shows; blocks that are not passages are absent
    passages: dict[int, Passage] = field(default_factory=dict)
    block_of: dict[str, int] = field(default_factory=dict)
    block_of_uri: dict[str, int] = field(default_factory=dict)
    # block number -> what the margin shows beside it: "¶ 8", or a note's marker
    labels: dict[int, str] = field(default_factory=dict)
    # block number -> the point size of a title's type, before fit_titles made it smaller
    titles: dict[int, float] = field(default_factory=dict)
    # block number -> the width of a title's longest word at its natural size (measured
    # once: fit_titles runs at every resize)
    widest: dict[int, float] = field(default_factory=dict)


def _char(theme: Theme, size: float, *, italic: bool = False, bold: bool = False,
          colour: str | None = None, scale: float = 1.0) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFontPointSize(size * scale)
    fmt.setFontItalic(italic)
    fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
    fmt.setForeground(QColor(colour or theme.text))
    return fmt


def _block(*, top: float = 0, bottom: float = 0, align: Qt.AlignmentFlag | None = None,
           line_height: int = 150) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setTopMargin(top)
    fmt.setBottomMargin(bottom)
    fmt.setLineHeight(line_height, 1)  # 1 = ProportionalHeight
    if align is not None:
        fmt.setAlignment(align)
    return fmt


class Style(Struct, frozen=True):
    """How a kind of passage is laid out; margins in multiples of the text's size."""

    top: float = 0
    bottom: float = 0
    align: Qt.AlignmentFlag | None = None
    line_height: int = 150
    italic: bool = False
    bold: bool = False
    muted: bool = False
    scale: float = 1.0

    def block(self, size: float) -> QTextBlockFormat:
        return _block(top=size * self.top, bottom=size * self.bottom, align=self.align,
                      line_height=self.line_height)

    def char(self, theme: Theme, size: float, *, italic: bool = False) -> QTextCharFormat:
        return _char(theme, size, italic=self.italic or italic, bold=self.bold,
                     colour=theme.muted if self.muted else None, scale=self.scale)


STYLES = {
    "title": Style(bottom=0.5, line_height=120, bold=True, scale=2.1),
    "standfirst": Style(bottom=1.8, italic=True, muted=True, scale=1.15),
    "heading": Style(top=1.6, bottom=0.5, bold=True, scale=1.3),
    "caption": Style(top=0.4, bottom=0.4, align=Qt.AlignmentFlag.AlignCenter, italic=True,
                     muted=True, scale=0.9),
    "dateline": Style(top=0.8, bottom=1.6, align=Qt.AlignmentFlag.AlignRight, italic=True,
                      muted=True),
    "footnote": Style(top=0.6, muted=True, scale=0.85),
    "excerpt": Style(bottom=0.3),  # italic when the essay reports rather than quotes
    "paragraph": Style(bottom=0.8),
}


def render(archive: Archive, document_id: str, theme: Theme, size: float) -> Layout:
    """Lay out one document of the archive for reading."""
    doc = QTextDocument()
    font = QFont()
    # The first reading face installed wins; DejaVu Serif is on almost every Linux.
    font.setFamilies(READING_FONTS)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(size)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(size * 1.6)
    doc.setUndoRedoEnabled(False)  # fit_titles changes formats at every resize
    layout = Layout(doc)
    cursor = QTextCursor(doc)
    markers = archive.note_markers(document_id)  # this document's notes, not the archive's
    first = True

    def new_block(block_fmt: QTextBlockFormat, char_fmt: QTextCharFormat,
                  passage: Passage | None) -> None:
        nonlocal first
        if first:
            cursor.setBlockFormat(block_fmt)
            cursor.setBlockCharFormat(char_fmt)
            first = False
        else:
            cursor.insertBlock(block_fmt, char_fmt)
        if passage is not None:
            shows(passage, cursor.block().blockNumber())

    def shows(passage: Passage, number: int) -> None:
        layout.block_of[passage.id] = number
        layout.block_of_uri[passage.uri] = number
        layout.passages[number] = passage
        if passage.paragraph is not None:
            layout.labels[number] = paragraph_sign(passage.paragraph)
        elif passage.id in markers:
            layout.labels[number] = markers[passage.id]

    # One format of each kind for the whole document, not one per passage.
    formats: dict[tuple[Style, bool], tuple[QTextBlockFormat, QTextCharFormat]] = {}

    def formats_of(style: Style, italic: bool) -> tuple[QTextBlockFormat, QTextCharFormat]:
        if (style, italic) not in formats:
            formats[style, italic] = (style.block(size), style.char(theme, size, italic=italic))
        return formats[style, italic]

    # A run of plain paragraphs (most of a long document) goes in with one insertText,
    # a paragraph separator between them: each becomes a block of the same formats, as
    # one insertBlock and insertText apiece would make it, in a fraction of the time.
    run: list[Passage] = []

    def insert_run() -> None:
        if not run:
            return
        new_block(*formats_of(STYLES["paragraph"], False), run[0])
        number = cursor.block().blockNumber()
        cursor.insertText("\u2029".join(p.text for p in run))
        for offset, passage in enumerate(run):
            shows(passage, number + offset)
            linked = quotations.get(passage.id, ()), notes.get(passage.id, ())
            if any(linked):
                _link_spans(QTextCursor(doc.findBlockByNumber(number + offset)), *linked,
                            theme, to_end=False)
        run.clear()

    document = archive.document(document_id)
    passages = archive.passages(document_id)
    # The minutes and the letter hold only what the essay quotes or reports of them: a
    # line under the title says what they are.
    described = document is not None and bool(document.description) and \
        all(p.kind in ("title", "excerpt") for p in passages)

    def describe() -> None:
        assert document is not None and document.description
        new_block(_block(bottom=size * 1.4),
                  _char(theme, size, italic=True, colour=theme.muted, scale=0.95), None)
        cursor.insertText(document.description)

    if document is not None and (not passages or passages[0].kind != "title"):
        # An archive built before such documents had a title passage: the document's title.
        new_block(_block(bottom=size * 0.6), _char(theme, size, bold=True, scale=1.9), None)
        cursor.insertText(document.title)
        layout.titles[cursor.block().blockNumber()] = size * 1.9
        if described:
            describe()

    excerpts = {e.passage_id: e for e in archive.excerpts(document_id=document_id)}
    # Quotations and notes of the whole document in two queries, not two per passage.
    quotations: dict[str, list[Quotation]] = {}
    for q in archive.quotations_in(document_id):
        quotations.setdefault(q.passage_id, []).append(q)
    notes: dict[str, list[Footnote]] = {}
    # A note's own passage -> the titles of the work it cites, set in italics.
    cited: dict[str, tuple[str, str | None]] = {}
    for f in archive.footnotes_in(document_id):
        notes.setdefault(f.passage_id, []).append(f)
        source = archive.source(f.source_id) if f.source_id else None
        if source is not None:
            cited[f.note_passage_id] = (source.title, source.subtitle)
    for passage in passages:
        kind = passage.kind
        excerpt = excerpts.get(passage.id)
        text = passage.text
        if kind == "paragraph" and excerpt is None and passage.id not in cited \
                and not ("\n" in text or "\r" in text or "\u2029" in text):
            run.append(passage)  # (what insertText makes a new block of: inserted alone)
            continue
        insert_run()
        if kind == "caption":
            _figure(cursor, theme, size)
        reported = kind == "excerpt" and excerpt is not None and excerpt.mode == "reported"
        if reported:
            label = _char(theme, size, colour=theme.muted, scale=0.8)
            new_block(_block(top=size * 0.6), label, None)
            cursor.insertText("What the essay reports, in its own words:", label)
        style = STYLES.get(kind if kind != "excerpt" or excerpt is not None else "paragraph",
                           STYLES["paragraph"])
        new_block(*formats_of(style, reported), passage)
        cursor.insertText(passage.text)
        if kind == "title":
            layout.titles[cursor.block().blockNumber()] = size * style.scale
        if passage.id in cited:
            _italics(cursor, cited_titles(passage.text, *cited[passage.id]))
            _web_links(cursor, web_addresses(passage.text), theme)
        _link_spans(cursor, quotations.get(passage.id, ()), notes.get(passage.id, ()), theme)
        if kind == "caption":
            first = True  # the empty block after the frame holds what follows
        if kind == "title" and described:
            describe()
        if excerpt is not None:
            essay = archive.passage(excerpt.essay_passage_id)
            where = paragraph_sign(essay.paragraph) if essay and essay.paragraph \
                else "the essay"
            verb = "Quoted" if excerpt.mode == "quoted" else "Reported"
            new_block(_block(bottom=size * 1.4),
                      _char(theme, size, colour=theme.muted, scale=0.85), None)
            cursor.insertText(f"{verb} in the essay at ", _char(theme, size, colour=theme.muted,
                                                               scale=0.85))
            link = _char(theme, size, colour=theme.link, scale=0.85)
            link.setAnchor(True)
            link.setAnchorHref(f"back:{excerpt.id}")
            link.setFontUnderline(True)
            cursor.insertText(f"{where} ↩", link)
    insert_run()
    return layout


def fit_titles(layout: Layout) -> None:
    """Make each title's type small enough for its longest word to fit the column, as
    far as the text's own size: Qt breaks a word too wide for its line anywhere
    ("commun/ists’"). Called whenever the column's width changes."""
    doc = layout.document
    frame = doc.rootFrame().frameFormat()
    width = doc.textWidth() - frame.leftMargin() - frame.rightMargin() \
        - 2 * (frame.border() + frame.padding())
    changed = False
    for number, natural in layout.titles.items():
        block = doc.findBlockByNumber(number)
        words = block.text().split()
        if not block.isValid() or not words or width <= 0:
            continue
        widest = layout.widest.get(number)
        if widest is None:
            font = QFont(doc.defaultFont())
            font.setPointSizeF(natural)
            font.setBold(True)
            metrics = QFontMetricsF(font)
            widest = layout.widest[number] = max(map(metrics.horizontalAdvance, words))
        # A little room to spare: the layout's measure and the metrics' may differ by
        # a fraction of a pixel. Half points: a window dragged narrower changes the
        # title's size, and lays the text out again, every few pixels, not at each one.
        size = natural if widest <= width else max(
            math.floor(natural * width / widest * 0.97 * 2) / 2,
            doc.defaultFont().pointSizeF())
        it = block.begin()
        if not it.atEnd() and abs(it.fragment().charFormat().fontPointSize() - size) < 0.05:
            continue
        fmt = QTextCharFormat()
        fmt.setFontPointSize(size)
        _format(QTextCursor(doc), block.position(), block.position() + block.length() - 1,
                fmt)
        changed = True
    if changed:
        # A change of format lays out again only the text near it, and one made while
        # Qt lays the text out (a scroll bar shown or hidden resizes the view) leaves
        # the rest unplaced: lay all of it out again, now.
        doc.markContentsDirty(0, doc.characterCount())


def cited_titles(text: str, title: str, subtitle: str | None = None
                 ) -> list[tuple[int, int]]:
    """Where the title of a cited work stands in ``text`` (start, end), with its
    subtitle when it follows after a colon, as a title is set: in italics."""
    spans = []
    at = text.find(title) if title else -1
    while at >= 0:
        end = at + len(title)
        if subtitle and text.startswith(f": {subtitle}", end):
            end += 2 + len(subtitle)
        spans.append((at, end))
        at = text.find(title, end)
    return spans


# A web address: with its scheme, or starting "www."; the punctuation after it is not
# part of it.
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”‘’]+", re.IGNORECASE)


def web_addresses(text: str) -> list[tuple[int, int, str]]:
    """The web addresses in ``text``: (start, end, the http or https address to open);
    one written without its scheme ("www.…") is opened over http, as Markdown's
    autolinks do."""
    found = []
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group()
        while address and address[-1] in ".,;:!?)]’”'":
            if address[-1] == ")" and address.count("(") >= address.count(")"):
                break  # the address's own bracket: …/Moscow_(city)
            address = address[:-1]
        if "." not in address.partition("//")[2] and not address.lower().startswith("www."):
            continue  # "http://" alone, or a name with no domain
        url = address if "://" in address else f"http://{address}"
        found.append((match.start(), match.start() + len(address), url))
    return found


def _italics(cursor: QTextCursor, spans: Sequence[tuple[int, int]]) -> None:
    """Set spans of the block just written in italics."""
    base = cursor.block().position()
    fmt = QTextCharFormat()
    fmt.setFontItalic(True)
    for start, end in spans:
        _format(cursor, base + start, base + end, fmt)
    cursor.movePosition(QTextCursor.MoveOperation.End)


def _web_links(cursor: QTextCursor, found: Sequence[tuple[int, int, str]],
               theme: Theme) -> None:
    """Make a note's web addresses links (the reader opens http and https ones only)."""
    base = cursor.block().position()
    for start, end, url in found:
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        fmt.setForeground(QColor(theme.link))
        fmt.setFontUnderline(True)
        _format(cursor, base + start, base + end, fmt)
    cursor.movePosition(QTextCursor.MoveOperation.End)


def _figure(cursor: QTextCursor, theme: Theme, size: float) -> None:
    """A figure block where the photograph stood: a label, then (inside) the caption."""
    fmt = QTextFrameFormat()
    fmt.setBorder(0)
    fmt.setBackground(QColor(theme.figure))
    fmt.setPadding(size * 0.8)
    fmt.setTopMargin(size * 0.6)
    fmt.setBottomMargin(size * 1.4)
    fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    cursor.insertFrame(fmt)
    label = _char(theme, size, colour=theme.muted, scale=0.72)
    label.setFontCapitalization(QFont.Capitalization.AllUppercase)
    label.setFontLetterSpacing(110)
    cursor.setBlockFormat(_block(align=Qt.AlignmentFlag.AlignCenter, line_height=120))
    cursor.setBlockCharFormat(label)
    cursor.insertText("Photograph", label)


def _link_spans(cursor: QTextCursor, quotations: Sequence[Quotation],
                notes: Sequence[Footnote], theme: Theme, *, to_end: bool = True) -> None:
    """Make quotations and footnote markers of one passage into links; ``to_end``: leave
    the cursor at the document's end, where the next passage goes."""
    if not quotations and not notes:
        if to_end:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        return
    block = cursor.block()
    base = block.position()
    for q in quotations:
        if q.kind not in LINKED_QUOTATION_KINDS and q.source_id is None:
            continue
        # A long quotation stays readable: the words keep the text's colour with a
        # quiet underline; the quotation marks carry the link colour.
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"quote:{q.id}")
        if q.kind == "direct":
            quiet = QColor(theme.link)
            quiet.setAlpha(120)
            fmt.setFontUnderline(True)
            fmt.setUnderlineColor(quiet)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        _format(cursor, base + q.start - 1, base + q.end + 1, fmt)
        marks = QTextCharFormat()
        marks.setForeground(QColor(theme.link))
        marks.setFontWeight(QFont.Weight.Bold)
        _format(cursor, base + q.start - 1, base + q.start, marks)
        _format(cursor, base + q.end, base + q.end + 1, marks)
    for note in notes:
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(f"note:{note.id}")
        fmt.setForeground(QColor(theme.link))
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontUnderline(True)  # as large as the text, and marked as a link
        fmt.setToolTip("Show the note")
        _format(cursor, base + note.start, base + note.end, fmt)
    if to_end:
        cursor.movePosition(QTextCursor.MoveOperation.End)


def _format(cursor: QTextCursor, start: int, end: int, fmt: QTextCharFormat) -> None:
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    cursor.mergeCharFormat(fmt)
