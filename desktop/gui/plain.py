"""Archive and personal text shown where Qt would otherwise guess at markup.

Tooltips, and labels and message boxes left to guess, render a string as rich text
when it looks like HTML ("<b>…"). Text from the archive or the person's notes must
never be read as markup, so it goes through these.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:  # loaded when a message is first shown (see ``message``)
    from PySide6.QtWidgets import QMessageBox, QWidget


def tip(text: str) -> str:
    """Tooltip text that shows exactly ``text``: escaped, inside an explicit paragraph."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def message(parent: QWidget | None, title: str, text: str,
            icon: QMessageBox.Icon | None = None,
            buttons: QMessageBox.StandardButton | None = None
            ) -> QMessageBox.StandardButton:
    """A message box that shows ``text`` as plain text (information, with OK, unless
    ``icon`` and ``buttons`` say otherwise)."""
    # Loaded here: making the message box's class and its enums costs about a millisecond
    # a start would pay for nothing.
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information if icon is None else icon, title, text,
                      QMessageBox.StandardButton.Ok if buttons is None else buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return QMessageBox.StandardButton(box.exec())
