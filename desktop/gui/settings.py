"""Every setting the application keeps, declared once: its key, type, default and purpose.

Settings live in ``settings.ini`` in the configuration folder
(``ARCHIVE_BROWSER_DATA_DIR`` moves it to the data folder, with everything else).
Reading and writing go through :class:`Settings`, which turns what the file holds into
the declared type and falls back to the default when it cannot: a hand-edited or
damaged value never stops the application.
"""

from __future__ import annotations

import os
from typing import Any, Generic, TypeVar

from msgspec import Struct
from PySide6.QtCore import QByteArray, QSettings

from desktop import paths

T = TypeVar("T")


class Setting(Struct, Generic[T], frozen=True):
    """One persisted setting. A key with ``{archive}`` is kept for each archive."""

    key: str
    type: type[T]
    default: T
    purpose: str


THEME = Setting("reader/theme", str, "light", "The reading theme: light, dark or sepia.")
ZOOM = Setting("reader/zoom", int, 0, "Text size, in steps of about 10 % from the usual.")
POSITION = Setting("position/{archive}", str, "",
                   "Where each archive was being read: document and passage.")
POSITION_BESIDE = Setting("position-beside/{archive}", str, "",
                          "Where the pane beside was, in each archive: document and passage.")
SIDE_BY_SIDE = Setting("reader/side-by-side", bool, False,
                       "Whether two readers are shown side by side.")
LINKED = Setting("reader/linked", bool, True,
                 "Whether the readers side by side follow each other.")
STYLE = Setting("citation/style", str, "chicago",
                "The style of citations copied and exported: chicago, mla or apa.")
LAST_ARCHIVE = Setting("archive/last", str, "", "The archive opened last.")
GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(),
                   "The window's size and place on the screen.")
LAYOUT = Setting("window/state", QByteArray, QByteArray(),
                 "Which panels are open, and where.")
FRONT_PANELS = Setting("window/front", str, "",
                       "Which of the panels tabbed together are in front.")
EXPORT_FORMAT = Setting("export/format", str, "", "The format of the last export.")
EXPORT_DOCUMENT = Setting("export/document", str, "",
                          "The document the last export was limited to.")
EXPORT_TAG = Setting("export/tag", str, "", "The tag the last export was limited to.")
EXPORT_COLOUR = Setting("export/colour", str, "", "The colour the last export was limited to.")
EXPORT_CITATIONS = Setting("export/citations", str, "text",
                           "How the last Markdown export cited: as text, or for pandoc.")
EXPORT_FOLDER = Setting("export/folder", str, "",
                        "The folder of the last export, where imports are looked for too.")

ALL: tuple[Setting[Any], ...] = (THEME, ZOOM, POSITION, POSITION_BESIDE, SIDE_BY_SIDE, LINKED,
                                 STYLE, LAST_ARCHIVE, GEOMETRY, LAYOUT,
                                 FRONT_PANELS, EXPORT_FORMAT, EXPORT_DOCUMENT, EXPORT_TAG,
                                 EXPORT_COLOUR, EXPORT_CITATIONS, EXPORT_FOLDER)


class Settings:
    """The person's settings: typed reads with defaults, and writes, of declared keys."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    def get(self, setting: Setting[T], **names: str) -> T:
        value = self.store.value(setting.key.format(**names))
        if value is None or value == "":
            return setting.default
        if setting.type is QByteArray:
            return value if isinstance(value, QByteArray) else setting.default
        if setting.type is bool:
            # An INI file holds "true" and "false", which bool() would both take as true.
            said = str(value).strip().lower()
            if said in ("true", "1", "yes"):
                return True  # type: ignore[return-value]
            if said in ("false", "0", "no"):
                return False  # type: ignore[return-value]
            return setting.default
        try:
            return setting.type(value)  # type: ignore[call-arg]
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting[T], value: T, **names: str) -> None:
        self.store.setValue(setting.key.format(**names), value)

    def sync(self) -> None:
        """Write to the file now (a setting may otherwise wait for the next idle moment)."""
        self.store.sync()


FILE_NAME = "settings.ini"


def open_settings() -> Settings:
    """The person's settings, in the configuration folder. A settings file that an
    earlier version kept in the data folder is moved there the first time."""
    folder = paths.config_dir()
    path = folder / FILE_NAME
    earlier = paths.data_dir() / FILE_NAME
    if earlier != path and earlier.is_file() and not path.exists():
        try:
            os.replace(earlier, path)
        except OSError:
            path = earlier  # cannot be moved (another disk, read-only): used where it is
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))
