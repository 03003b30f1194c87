"""What the panels' lists share: a row drawn as the style draws it (``RowDelegate``),
wrapped and elided lines of text in it, the line said in place of an empty list, and a
panel's choice box.

Kept apart from the panels themselves, so that a panel shown at start (the timeline)
loads none of those made only when first shown (the index, the highlights).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

if TYPE_CHECKING:  # made with the first panel that has one (see ``panel_combo``)
    from PySide6.QtWidgets import QComboBox

Index = QModelIndex | QPersistentModelIndex


class RowDelegate(QStyledItemDelegate):
    """A delegate that draws its rows' words itself, over the row the style draws (its
    background, its selection, its focus) without them."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the words are the delegate's to draw


def paint_item(delegate: RowDelegate, painter: QPainter,
               option: QStyleOptionViewItem, index: Index) -> tuple[QColor, QColor]:
    """Draw a row's background (its selection, its focus) as the style does, without its
    text, and give the colours of its text: the text's, and a muted one for what is said
    beside it (the text's own on a selected row, where a muted colour would not show).

    Drawn by Qt's own delegate, and the selection read from the view: Python need not
    see the style (its class and its twenty enums cost some 6 ms to make, the first
    time a list's rows are drawn)."""
    delegate.initStyleOption(option, index)
    QStyledItemDelegate.paint(delegate, painter, option, index)
    view = option.widget
    chosen = view.selectionModel() if isinstance(view, QAbstractItemView) else None
    selected = chosen is not None and chosen.isSelected(index)
    text = option.palette.highlightedText().color() if selected \
        else option.palette.text().color()
    return text, text if selected else option.palette.placeholderText().color()


def fill(painter: QPainter, rect: QRect, colour: QColor | QBrush) -> None:
    """``rect`` filled with ``colour``, the same pixels as ``fillRect`` draws, without
    the pen. (``fillRect`` has PySide make the gradients' class and its five enums,
    some 2 ms at the first paint, to choose among its overloads.)"""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRect(rect)
    painter.restore()


def draw_lines(painter: QPainter, text: str, font: QFont, at: QPointF, width: int,
               most: int, formats: list[QTextLayout.FormatRange] | None = None) -> float:
    """``text`` wrapped to ``width`` on at most ``most`` lines from ``at``, the last
    elided if it goes on; returns where the lines drawn end."""
    layout = QTextLayout(text, font)
    if formats:
        layout.setFormats(formats)
    layout.beginLayout()
    lines = []
    y = 0.0
    while len(lines) <= most:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
        lines.append(line)
    layout.endLayout()
    shown = lines[:most]
    for number, line in enumerate(shown):
        if number == most - 1 and len(lines) > most:
            _draw_elided(painter, text, line.textStart(), font, formats or [],
                         QPointF(at.x(), at.y() + line.y()), width)
        else:
            line.draw(painter, at)
    return at.y() + (shown[-1].y() + shown[-1].height() if shown else 0.0)


def _draw_elided(painter: QPainter, text: str, start: int, font: QFont,
                 formats: list[QTextLayout.FormatRange], at: QPointF, width: int) -> None:
    """The text from ``start`` on one line, elided, keeping its formats (a name in bold
    on a last line stays bold)."""
    rest = text[start:].replace("\n", " ")
    room = width
    for _attempt in range(2):  # bold words are wider: elide again by what overflows
        shown = QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, room)
        kept = len(shown) - (1 if shown != rest else 0)  # without the ellipsis
        ranges = []
        for each in formats:
            first, last = max(each.start - start, 0), min(each.start + each.length - start,
                                                          kept)
            if last > first:
                moved = QTextLayout.FormatRange()
                moved.start, moved.length, moved.format = first, last - first, each.format
                ranges.append(moved)
        layout = QTextLayout(shown, font)
        layout.setFormats(ranges)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(10 * width + 100)  # one line, never wrapped
        layout.endLayout()
        over = line.naturalTextWidth() - width
        if over <= 0 or not ranges:
            break
        room = max(1, int(room - over - 1))
    layout.draw(painter, at)


def empty_label(text: str, name: str, accessible_name: str) -> QLabel:
    """What a panel says in place of its list when the archive has nothing for it."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setAccessibleName(accessible_name)
    label.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # read out when reached
    return label


def panel_combo(name: str, tip: str, combo: QComboBox | None = None, *,
                letters: int = 3) -> QComboBox:
    """A panel's choice box (``combo``, or a plain one), named for a screen reader, as
    narrow as ``letters``: long entries (a document's title) must not widen the panel,
    and so the window."""
    from PySide6.QtWidgets import QComboBox  # (the panels shown at start have none)

    combo = combo or QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(letters)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    return combo
