"""A small card shown in place: a footnote's text, or where a quotation comes from."""

from __future__ import annotations

import contextlib
import html

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.render import cited_titles, web_addresses


def on_screen(point: QPoint, size: QSize) -> QPoint:
    """Move a popup's top-left corner so that the whole popup stays on its screen."""
    screen = QGuiApplication.screenAt(point) or QGuiApplication.primaryScreen()
    if screen is None:
        return point
    area = screen.availableGeometry()
    x = max(area.left(), min(point.x(), area.right() - size.width()))
    y = point.y()
    if y + size.height() > area.bottom():
        y = point.y() - size.height() - 40  # above the line instead of below it
    return QPoint(x, max(area.top(), y))


def unique_mnemonic(text: str, taken: set[str]) -> str:
    """A button's words with an Alt letter that no earlier button of the card has (added
    to ``taken``): its own if free, else its first free letter. Two buttons of one
    letter would each only take the keyboard on Alt+letter, and neither be pressed."""
    words = text.replace("&", "")
    marked = text.find("&")
    own = text[marked + 1:marked + 2].lower() if marked >= 0 else ""
    if own.isalpha() and own not in taken:
        taken.add(own)
        return text
    for i, char in enumerate(words):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{words[:i]}&{words[i:]}"
    return words


def open_web_address(url: str) -> bool:
    """Open an http or https address in the system's browser; refuse any other kind."""
    from PySide6.QtCore import QUrl  # (made when an address is first opened)

    address = QUrl(url)
    if not address.isValid() or address.scheme().lower() not in ("http", "https") \
            or not address.host():
        return False
    return QDesktopServices.openUrl(address)


def marked_up(text: str, cited: tuple[str, str | None] | None = None) -> str | None:
    """``text`` as rich text with the cited work's title in italics and its web
    addresses as links, every character of it escaped; None when it has neither."""
    spans = [(start, end, "i", "") for start, end in cited_titles(text, *cited)] \
        if cited else []
    spans += [(start, end, "a", url) for start, end, url in web_addresses(text)]
    if not spans:
        return None
    out, at = [], 0
    for start, end, tag, url in sorted(spans):
        if start < at:
            continue  # one span inside another: the outer one is kept
        out.append(html.escape(text[at:start]))
        words = html.escape(text[start:end])
        out.append(f"<i>{words}</i>" if tag == "i" else
                   f'<a href="{html.escape(url, quote=True)}">{words}</a>')
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


class InfoCard(QFrame):
    """A popup card of plain-text lines and a few action buttons."""

    action = Signal(str)  # the key of the button pressed

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("info-card")
        self.setAccessibleName("Details")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(360)
        self.setMaximumWidth(480)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 10, 12, 10)
        self._buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        self._came_from: QWidget | None = None  # where the keyboard was: the text

    def fill(self, heading: str, lines: list[str],
             actions: list[tuple[str, str, str]], *,
             cited: tuple[str, str | None] | None = None) -> None:
        """Show ``heading``, then ``lines``; ``actions`` are (key, label, tooltip). The
        title (and subtitle) of a work the lines cite, ``cited``, is set in italics, and
        web addresses are links that open in the system's browser."""
        # What the last fill put in is taken out by name: takeAt() would hand Python the
        # layout's own items, whose wrappers can outlive them.
        for widget in self.findChildren(QWidget):
            if widget.parent() is self:
                self._layout.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
        self._layout.removeItem(self._buttons)
        self._buttons.deleteLater()
        self._buttons = QHBoxLayout()
        self.buttons = {}
        title = QLabel(heading)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self._layout.addWidget(title)
        for line in lines:
            rich = marked_up(line, cited)
            label = QLabel(line if rich is None else rich)
            label.setTextFormat(Qt.TextFormat.PlainText if rich is None
                                else Qt.TextFormat.RichText)
            label.setWordWrap(True)
            flags = Qt.TextInteractionFlag.TextSelectableByMouse
            if rich is not None and "<a " in rich:
                # A web address is a stop of Tab too; a line without one is not.
                flags |= (Qt.TextInteractionFlag.LinksAccessibleByMouse
                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
            label.setTextInteractionFlags(flags)
            label.setOpenExternalLinks(False)  # opened only by open_web_address
            label.linkActivated.connect(open_web_address)
            self._layout.addWidget(label)
        self._buttons.addStretch(1)
        taken: set[str] = set()
        for key, text, tip in actions:
            button = QPushButton(unique_mnemonic(text, taken))
            button.setObjectName(f"card-{key}")
            button.setAccessibleName(text.replace("&", ""))
            button.setToolTip(tip)
            button.setAutoDefault(True)  # Enter presses the focused button, as Space does
            button.clicked.connect(lambda _checked=False, k=key: self._pressed(k))
            self._buttons.addWidget(button)
            self.buttons[key] = button
        self._layout.addLayout(self._buttons)
        self._fit()

    def _fit(self) -> None:
        """As tall as the lines wrapped at the card's own width: adjustSize() measures
        them at a narrower one, and the spare height stood as a gap above the heading."""
        width = max(self.minimumWidth(), min(self.maximumWidth(), self.sizeHint().width()))
        height = self._layout.totalHeightForWidth(width) \
            if self._layout.hasHeightForWidth() else self.sizeHint().height()
        self.resize(width, height)

    def _pressed(self, key: str) -> None:
        self.hide()
        self.action.emit(key)

    def show_at(self, point: QPoint) -> None:
        """Show the card at ``point``, kept wholly on the screen."""
        self._fit()
        self.move(on_screen(point, self.size()))
        if not self.isVisible():
            self._came_from = QApplication.focusWidget()
        self.show()
        if self.buttons:
            # Tab and Shift+Tab go round the buttons; Enter or Space presses one.
            next(iter(self.buttons.values())).setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            # Back to the text (a widget deleted meanwhile is let be).
            with contextlib.suppress(RuntimeError):
                if self._came_from is not None and self._came_from.isVisible():
                    self._came_from.setFocus(Qt.FocusReason.PopupFocusReason)
            return
        super().keyPressEvent(event)
