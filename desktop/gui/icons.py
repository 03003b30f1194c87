"""The icon's PNG sizes, drawn from its SVG (``python -m desktop.gui.icons`` redraws them
after the SVG changes; a test holds the PNGs to the SVG)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from desktop import paths


def draw(size: int) -> QImage:
    """The SVG drawn at ``size`` pixels square, on a transparent ground."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(paths.icon_file())).render(painter)
    painter.end()
    return image


def redraw() -> list[Path]:
    """Write every size's PNG; return the files written."""
    written = []
    for size in paths.ICON_SIZES:
        target = paths.icon_png(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not draw(size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in redraw():
        print(path)
