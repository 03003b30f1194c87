"""Where the application finds its archive and resources (no Qt here)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_archive() -> Path:
    """The archive shipped with the application: ``archive.db`` at the top level."""
    return PROJECT_ROOT / "archive.db"


def resources_dir() -> Path:
    """The essay's source text and the curated catalogue the archive is built from."""
    return PROJECT_ROOT / "resources"
