from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.archive.store import Archive
from tests.helpers import ROOT, InProcessCli

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def shipped_archive() -> Path:
    return ROOT / "archive.db"


@pytest.fixture(scope="session")
def resources() -> Path:
    return ROOT / "resources"


@pytest.fixture
def archive(shipped_archive: Path):  # type: ignore[no-untyped-def]
    """The shipped archive, open (read-only) for the test and closed after it."""
    archive = Archive(shipped_archive)
    yield archive
    archive.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcessCli:
    """The command line, run in this process: ``cli("export", "-o", out, data=folder)``
    gives the exit status, standard output and standard error."""
    return InProcessCli(capsys, monkeypatch)


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


@pytest.fixture
def read_only():  # type: ignore[no-untyped-def]
    """Make a file or folder read-only for the test, even for root (who ignores
    permission bits): then it is made immutable, and made writable again afterwards."""
    import subprocess

    made: list[Path] = []

    def _lock(path: Path) -> None:
        path.chmod(0o555 if path.is_dir() else 0o444)
        made.append(path)
        if os.access(path, os.W_OK):
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if done.returncode != 0 or os.access(path, os.W_OK):
                pytest.skip("this machine cannot make a file read-only for its user")

    yield _lock
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(0o755 if path.is_dir() else 0o644)
