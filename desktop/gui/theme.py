"""Reading themes (light, dark, sepia) and the zoom scale."""

from __future__ import annotations

from msgspec import Struct
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.notes.marks import COLOUR_HEX, COLOURS


class Theme(Struct, frozen=True):
    name: str
    label: str
    window: str
    base: str
    text: str
    muted: str
    link: str
    highlight: str
    search_hit: str
    figure: str


THEMES = {
    "light": Theme("light", "Light", "#efefef", "#ffffff", "#1d1d1f", "#6e6e73", "#0b5cad",
                   "#b3d4fc", "#ffd0a0", "#f3f3f3"),
    "dark": Theme("dark", "Dark", "#2b2b2e", "#1e1e20", "#e6e6e6", "#9a9aa0", "#7ab7ff",
                  "#3a5f8f", "#7a4a1a", "#2a2a2d"),
    "sepia": Theme("sepia", "Sepia", "#e9dfc8", "#f5ecd7", "#3b2f1e", "#7a6a50", "#7a3e0e",
                   "#d9c59a", "#f0b78a", "#ece0c3"),
}
DEFAULT_THEME = "light"

ZOOM_MIN, ZOOM_MAX = -4, 8
BASE_POINT_SIZE = 12.5


def point_size(zoom: int) -> float:
    """The reading font's size for a zoom step (each step is about 10 %)."""
    return round(BASE_POINT_SIZE * 1.1 ** max(ZOOM_MIN, min(ZOOM_MAX, zoom)), 1)


def apply_palette(app: QApplication, theme: Theme) -> None:
    """Colour the whole application, so panels and menus follow the reader."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.figure,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.window,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.text,
        QPalette.ColorRole.Link: theme.link,
        QPalette.ColorRole.BrightText: theme.link,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    app.setPalette(palette)


# Highlight colours, drawn translucent so that overlapping highlights stay readable.
COLOUR_LABELS = {name: name.capitalize() for name in COLOURS}


def colour(name: str, alpha: int = 95) -> QColor:
    value = QColor(COLOUR_HEX.get(name, COLOUR_HEX["yellow"]))
    value.setAlpha(alpha)
    return value
