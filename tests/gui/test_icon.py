"""The application's icon: drawn from resources/icons, legible down to 16 px."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

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


def test_the_window_has_the_icon(window):
    assert not window.windowIcon().isNull()
    assert window.windowIcon().pixmap(QSize(32, 32)).toImage() == \
        QIcon(str(paths.icon_file())).pixmap(QSize(32, 32)).toImage()
