from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped_archive() -> Path:
    return ROOT / "archive.db"


@pytest.fixture(scope="session")
def resources() -> Path:
    return ROOT / "resources"


@pytest.fixture
def archive_copy(tmp_path: Path, shipped_archive: Path) -> Path:
    """A private copy of the shipped archive that a test may damage."""
    target = tmp_path / "archive.db"
    shutil.copy(shipped_archive, target)
    return target


@pytest.fixture
def resources_copy(tmp_path: Path, resources: Path) -> Path:
    target = tmp_path / "resources"
    shutil.copytree(resources, target)
    return target
