"""Where the application finds its archive and resources (no Qt here)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def usual_file_mode() -> int:
    """The permissions a new file gets here (0o644 with the usual umask): temporary files
    are created private, and get these before they are renamed into place."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def default_archive() -> Path:
    """The archive shipped with the application: ``archive.db`` at the top level."""
    return PROJECT_ROOT / "archive.db"


def resources_dir() -> Path:
    """The essay's source text and the curated catalogue the archive is built from."""
    return PROJECT_ROOT / "resources"


def icon_file() -> Path:
    """The application's icon (SVG, drawn for every size)."""
    return resources_dir() / "icons" / "archive-browser.svg"


DATA_DIR_ENV = "ARCHIVE_BROWSER_DATA_DIR"


def version() -> str:
    """This application's version, as its package was installed with it (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("archive-browser")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def config_dir() -> Path:
    """The person's settings: the platform's configuration folder (``$XDG_CONFIG_HOME``
    on Linux), or the data folder when ``ARCHIVE_BROWSER_DATA_DIR`` moves everything."""
    if os.environ.get(DATA_DIR_ENV):
        return data_dir()
    path = Path(platformdirs.user_config_dir("archive-browser", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """The person's own data: notes and their backups (settings are in :func:`config_dir`).

    ``ARCHIVE_BROWSER_DATA_DIR`` moves all of it (tests and second profiles use it);
    otherwise the platform's usual place for application data.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        path = Path(platformdirs.user_data_dir("archive-browser", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
