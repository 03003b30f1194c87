"""Reading comfort (zoom and theme) and copying words with their citation."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from desktop.archive.cite import cite
from desktop.archive.store import Archive
from desktop.gui import settings as keys
from desktop.gui.commands.navigation import Status
from desktop.gui.reader import ReaderView
from desktop.gui.settings import Settings
from desktop.gui.theme import DEFAULT_THEME, THEMES, ZOOM_MAX, ZOOM_MIN, apply_palette


class ReadingCommands(QObject):
    """Zoom, theme, and Copy with Citation; the theme colours the whole application."""

    styleChanged = Signal()

    def __init__(self, archive: Archive, reader: ReaderView, settings: Settings,
                 status: Status) -> None:
        super().__init__()
        self.archive = archive
        self.reader = reader
        self.settings = settings
        self.status = status
        self.theme_name = settings.get(keys.THEME)
        if self.theme_name not in THEMES:
            self.theme_name = DEFAULT_THEME
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, settings.get(keys.ZOOM)))

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        self.settings.set(keys.ZOOM, self.zoom)
        self.apply_style()

    def set_theme(self, name: str) -> None:
        if name in THEMES:
            self.theme_name = name
            self.settings.set(keys.THEME, name)
            self.apply_style()

    def apply_style(self) -> None:
        theme = THEMES[self.theme_name]
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_palette(app, theme)
        self.reader.set_style(theme, self.zoom)
        self.styleChanged.emit()

    def copy_citation(self) -> str:
        selected = self.reader.selection_across()
        if selected is not None:
            first, last, words = selected
            text = cite(self.archive, first, words, last)
        else:
            passage = self.reader.reading_passage()
            if passage is None:
                return ""
            text = cite(self.archive, passage)
        QApplication.clipboard().setText(text)
        self.status("Copied with a citation.", 4000)
        return text
