"""Where the application finds its archive and resources (no Qt here)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs

# The repository's top level, when the application runs from a checkout (it holds the copy
# of archive.db that people open with sqlite3 and Datasette; see checkout_archive()).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The application's id on the desktop: its .desktop file, AppStream metainfo and icon are
# named by it, and Wayland matches the window to the .desktop file with it (reverse-DNS, as
# AppStream requires).
APP_ID = "io.github.archive_browser.ArchiveBrowser"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import, on the main thread: reading it means setting it for a moment, and
# a file another thread made in that moment would be writable by everyone.
_UMASK = _umask()


def usual_file_mode() -> int:
    """The permissions a new file gets here (0o644 with the usual umask): temporary files
    are created private, and get these before they are renamed into place."""
    return 0o666 & ~_UMASK


def error_log() -> Path:
    """Where what went wrong unexpectedly is written in full (never shown as a
    traceback): ``errors.log`` in the data folder."""
    return data_dir() / "errors.log"


def resources_dir() -> Path:
    """What the package carries (the package ``desktop.resources``, the repository's
    ``resources/`` folder): the archive, the essay's source text and the curated
    catalogue it is built from, the icons and the desktop files."""
    # Installed packages are folders on disk (pip and pipx unpack wheels), so the
    # resources are files with paths that Qt and SQLite can open.
    return Path(str(files("desktop.resources")))


def default_archive() -> Path:
    """The archive shipped with the application, inside the package."""
    return resources_dir() / "archive.db"


def checkout_archive() -> Path | None:
    """The top-level ``archive.db`` of a repository checkout (a copy of the packaged one,
    kept identical by ``archive-browser build``), or None in an installed package."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "archive.db"
    return None


def icon_file() -> Path:
    """The application's icon (SVG, drawn for every size)."""
    return resources_dir() / "icons" / "archive-browser.svg"


# The sizes desktops look for in the hicolor theme (menus, docks, file managers), at which
# the icon is also kept as PNG (drawn from the SVG by ``python -m desktop.gui.icons``).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def icon_png(size: int) -> Path:
    """The icon drawn at ``size`` pixels square."""
    return icon_file().parent / f"{size}x{size}" / "archive-browser.png"


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
