"""Archive and personal text shown where Qt would otherwise guess at markup.

Tooltips, and labels and message boxes left to guess, render a string as rich text
when it looks like HTML ("<b>…"). Text from the archive or the person's notes must
never be read as markup, so it goes through these.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def tip(text: str) -> str:
    """Tooltip text that shows exactly ``text``: escaped, inside an explicit paragraph."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def message(parent: QWidget | None, title: str, text: str,
            icon: QMessageBox.Icon = QMessageBox.Icon.Information,
            buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok
            ) -> QMessageBox.StandardButton:
    """A message box that shows ``text`` as plain text."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return QMessageBox.StandardButton(box.exec())
