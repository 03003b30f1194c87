"""Settings are read with their declared type; a value that cannot be read is its default."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from desktop.gui import settings as keys
from desktop.gui.settings import open_settings


def test_a_setting_reads_back_with_its_type(data_dir, qapp):
    store = open_settings()
    store.set(keys.ZOOM, 3)
    store.set(keys.POSITION, "essay|essay/p8", archive="a1")
    store.sync()
    again = open_settings()
    assert again.get(keys.ZOOM) == 3
    assert again.get(keys.POSITION, archive="a1") == "essay|essay/p8"
    assert again.get(keys.POSITION, archive="another") == ""


def test_a_value_that_cannot_be_read_is_the_default(data_dir, qapp):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.ini").write_text(
        "[reader]\nzoom=lots\ntheme=\n[window]\ngeometry=not bytes\n", encoding="utf-8")
    store = open_settings()
    assert store.get(keys.ZOOM) == 0
    assert store.get(keys.THEME) == "light"
    assert store.get(keys.GEOMETRY) == QByteArray()


def test_every_key_is_declared_once():
    assert len({s.key for s in keys.ALL}) == len(keys.ALL)
    assert all(s.purpose.endswith(".") for s in keys.ALL)
