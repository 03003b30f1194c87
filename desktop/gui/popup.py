"""A small card shown in place: a footnote's text, or where a quotation comes from."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


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

    def fill(self, heading: str, lines: list[str],
             actions: list[tuple[str, str, str]]) -> None:
        """Show ``heading``, then ``lines``; ``actions`` are (key, label, tooltip)."""
        for widget in self.findChildren(QWidget):
            if widget.parent() is self:
                widget.hide()
                widget.deleteLater()
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.layout() is not None:
                item.layout().deleteLater()
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
            label = QLabel(line)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._layout.addWidget(label)
        self._buttons.addStretch(1)
        for key, text, tip in actions:
            button = QPushButton(text)
            button.setObjectName(f"card-{key}")
            button.setAccessibleName(text.replace("&", ""))
            button.setToolTip(tip)
            button.setAutoDefault(True)  # Enter presses the focused button, as Space does
            button.clicked.connect(lambda _checked=False, k=key: self._pressed(k))
            self._buttons.addWidget(button)
            self.buttons[key] = button
        self._layout.addLayout(self._buttons)
        self.adjustSize()

    def _pressed(self, key: str) -> None:
        self.hide()
        self.action.emit(key)

    def show_at(self, point: QPoint) -> None:
        """Show the card at ``point``, kept wholly on the screen."""
        self.adjustSize()
        self.move(on_screen(point, self.size()))
        self.show()
        if self.buttons:
            next(iter(self.buttons.values())).setFocus()
