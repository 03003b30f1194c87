"""Reading comfort (zoom and theme) and copying words with their citation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from desktop.archive.store import Archive
from desktop.gui import settings as keys
from desktop.gui.commands.navigation import Status
from desktop.gui.dialogs import Dialogs
from desktop.gui.reader import ReaderView
from desktop.gui.settings import Settings
from desktop.gui.theme import DEFAULT_THEME, THEMES, ZOOM_MAX, ZOOM_MIN, apply_palette


class ReadingCommands(QObject):
    """Zoom, theme, and Copy with Citation; the theme colours the whole application."""

    styleChanged = Signal()

    def __init__(self, archive: Archive, reader: Callable[[], ReaderView], settings: Settings,
                 status: Status, dialogs: Dialogs,
                 readers: Callable[[], Sequence[ReaderView]] | None = None) -> None:
        super().__init__()
        self.archive = archive
        self._reader = reader  # the reader with the focus
        self._readers = readers or (lambda: [reader()])  # every reader, for the theme
        self.settings = settings
        self.status = status
        self.dialogs = dialogs
        self.theme_name = settings.get(keys.THEME)
        if self.theme_name not in THEMES:
            self.theme_name = DEFAULT_THEME
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, settings.get(keys.ZOOM)))

    @property
    def reader(self) -> ReaderView:
        return self._reader()

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
        for reader in self._readers():
            reader.set_style(theme, self.zoom)
        self.styleChanged.emit()

    @property
    def style(self) -> str:
        """The citation style the person chose (Edit → Preferences…)."""
        from desktop.archive.styles import STYLES  # (with citing: not loaded at start)

        style = self.settings.get(keys.STYLE)
        return style if style in STYLES else keys.STYLE.default

    def choose_style(self) -> None:
        style = self.dialogs.ask_style(self.archive, self.style)
        if style is not None:
            self.settings.set(keys.STYLE, style)
            name = {"chicago": "Chicago", "mla": "MLA", "apa": "APA"}.get(style, style)
            self.status(f"Citations are now in the {name} style.", 4000)

    def copy_citation(self) -> str:
        """Copy the selected words (or the passage being read) with their citation, in the
        style the person chose: a source's words quoted by the essay are cited as the
        source's, quoted in the essay."""
        from desktop.archive.attribution import attribute, attribute_passage
        from desktop.archive.styles import quote_with_citation

        selected = self.reader.selection_across()
        if selected is None and self.reader.textCursor().hasSelection():
            self.status("Select words of the text to cite them: the lines the reader adds, "
                        "such as a document's title or “Quoted in the essay”, are not cited.",
                        6000)
            return ""
        if selected is not None:
            first, start, last, end, _words = selected
            attribution = attribute(self.archive, first, start, last, end)
        else:
            passage = self.reader.reading_passage()
            if passage is None:
                return ""
            attribution = attribute_passage(self.archive, passage)
        text = quote_with_citation(self.archive, attribution, self.style)
        QApplication.clipboard().setText(text)
        self.status("Copied with a citation.", 4000)
        return text
