"""The application's icon: drawn from resources/icons, legible down to 16 px."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication

from desktop import paths


def test_the_icon_draws_at_every_usual_size(qapp):
    icon = QIcon(str(paths.icon_file()))
    assert not icon.isNull()
    for size in (16, 32, 48, 256):
        image = icon.pixmap(QSize(size, size)).toImage()
        assert (image.width(), image.height()) == (size, size)
        # Something is drawn: the page, its lines and the quotation mark, in several colours.
        colours = {image.pixel(x, y) for x in range(size) for y in range(size)}
        assert len(colours) >= 4, size


def test_the_window_has_the_icon(qtbot, window):
    # Set once the window is first drawn, for it and for the dialogs.
    qtbot.waitUntil(lambda: not window.windowIcon().isNull())
    assert QApplication.windowIcon().cacheKey() == window.windowIcon().cacheKey()
    # From the PNGs drawn from the SVG (held to it in tests/test_desktop_entry.py), at
    # every size they are drawn at.
    icon = window.windowIcon()
    assert sorted(s.width() for s in icon.availableSizes()) == list(paths.ICON_SIZES)
    for size in paths.ICON_SIZES:
        assert icon.pixmap(QSize(size, size)).toImage() == \
            QImage(str(paths.icon_png(size))).convertToFormat(
                icon.pixmap(QSize(size, size)).toImage().format()), size
