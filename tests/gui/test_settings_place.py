"""Settings in the configuration folder; an earlier settings file is moved there once."""

from __future__ import annotations

import pytest

from desktop import paths
from desktop.gui import settings as keys
from desktop.gui.settings import open_settings


@pytest.fixture
def platform_folders(tmp_path, monkeypatch):
    """The platform's own folders, in a temporary place (no ARCHIVE_BROWSER_DATA_DIR)."""
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "config" / "archive-browser", tmp_path / "data" / "archive-browser"


def test_settings_are_kept_in_the_configuration_folder(platform_folders, qapp):
    config, data = platform_folders
    store = open_settings()
    store.set(keys.ZOOM, 2)
    store.sync()
    assert (config / "settings.ini").is_file()
    assert not (data / "settings.ini").exists()


def test_settings_an_earlier_version_kept_with_the_data_are_moved_once(platform_folders,
                                                                       qapp):
    config, data = platform_folders
    data.mkdir(parents=True)
    (data / "settings.ini").write_text("[reader]\nzoom=3\ntheme=sepia\n", encoding="utf-8")
    store = open_settings()
    assert (store.get(keys.ZOOM), store.get(keys.THEME)) == (3, "sepia")
    assert (config / "settings.ini").is_file() and not (data / "settings.ini").exists()
    (data / "settings.ini").write_text("[reader]\nzoom=5\n", encoding="utf-8")
    assert open_settings().get(keys.ZOOM) == 3  # moved once: a later file there is not read


def test_the_data_folder_override_keeps_everything_together(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "profile"))
    store = open_settings()
    store.set(keys.ZOOM, 1)
    store.sync()
    assert (tmp_path / "profile" / "settings.ini").is_file()


def test_the_version_is_the_package_s(cli):
    from importlib.metadata import version

    assert paths.version() == version("archive-browser")
    run = cli("--version")
    assert (run.returncode, run.stdout) == (0, f"archive-browser {version('archive-browser')}\n")
