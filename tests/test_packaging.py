"""The package carries what it needs: a wheel built from the repository installs into a fresh
virtual environment and runs from any folder, archive and icon included."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from desktop import paths
from tests.helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_packaged_archive_is_the_top_level_archive_byte_for_byte():
    # People open the top-level archive.db with sqlite3 and Datasette; the application
    # reads the packaged one. `archive-browser build` writes both.
    assert paths.default_archive() == ROOT / "resources" / "archive.db"
    assert digest(ROOT / "resources" / "archive.db") == digest(ROOT / "archive.db")


def test_every_package_on_disk_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts)
               for init in (ROOT / "desktop").rglob("__init__.py")}
    assert on_disk <= listed
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"desktop.resources": "resources"}


def test_build_writes_the_packaged_archive_and_its_top_level_copy(cli, tmp_path, monkeypatch,
                                                                shipped_archive):
    packaged, copy = tmp_path / "package" / "archive.db", tmp_path / "top" / "archive.db"
    copy.parent.mkdir()
    copy.write_bytes(b"an older archive")
    monkeypatch.setattr(paths, "default_archive", lambda: packaged)
    monkeypatch.setattr(paths, "checkout_archive", lambda: copy)
    run = cli("build")
    assert run.returncode == 0, run.stderr
    assert f"Built {packaged.resolve()} (and its copy {copy})" in run.stdout
    assert digest(packaged) == digest(copy) == digest(shipped_archive)
    assert not [p for p in copy.parent.iterdir() if p.name != "archive.db"]  # no leftovers


def test_a_build_to_a_named_file_leaves_the_shipped_archives_alone(cli, tmp_path, monkeypatch):
    copy = tmp_path / "top.db"
    monkeypatch.setattr(paths, "checkout_archive", lambda: copy)
    run = cli("build", "--output", str(tmp_path / "mine.db"))
    assert run.returncode == 0, run.stderr
    assert not copy.exists()
    assert "its copy" not in run.stdout


def _source_tree(target: Path) -> Path:
    """The repository as a fresh clone has it (no virtual environment, no build folders)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=False)
    if tracked.returncode == 0 and tracked.stdout:
        names = [n for n in tracked.stdout.decode().split("\0") if n]
        # Files added and not yet committed count as part of the tree too.
        names += [n for n in subprocess.run(
            ["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=ROOT,
            capture_output=True, check=True).stdout.decode().split("\0") if n]
    else:  # an exported tree, without git
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not {".venv", ".git", "build"} & set(p.parts)]
    for name in names:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `python -m build` makes from the repository (built offline, here)."""
    work = tmp_path_factory.mktemp("wheel")
    source = _source_tree(work / "source")
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                            "--outdir", str(work / "dist"), str(source)],
                           capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (found,) = (work / "dist").glob("archive_browser-*.whl")
    return found


def test_the_wheel_carries_the_archive_the_resources_and_the_icon(wheel):
    assert wheel.name == f"archive_browser-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zipped:
        names = set(zipped.namelist())
        for wanted in ("desktop/resources/archive.db", "desktop/resources/catalogue.toml",
                       "desktop/resources/communists-dilemma.pdf-extract.txt",
                       "desktop/resources/icons/archive-browser.svg",
                       "desktop/resources/icons/16x16/archive-browser.png",
                       f"desktop/resources/{paths.APP_ID}.desktop",
                       f"desktop/resources/{paths.APP_ID}.metainfo.xml",
                       "desktop/gui/panels/highlights.py", "desktop/notes/store.py"):
            assert wanted in names, wanted
        assert zipped.read("desktop/resources/archive.db") == (ROOT / "archive.db").read_bytes()
        # Nothing of the repository beside the package: no tests, no screenshots.
        assert not [n for n in names if n.startswith("tests/") or n.endswith("screenshot.png")]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed in it. Its dependencies (Qt is
    hundreds of megabytes) are lent by this environment's site-packages through a .pth
    file, so the test needs no network; the package itself is only the wheel's."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # Appended after the environment's own site-packages: the wheel's `desktop` comes first,
    # and a .pth file in the lent folder (this checkout's editable install) is not run.
    (site / "lent-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", "--quiet", str(wheel)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return venv


def _run_installed(venv: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", ARCHIVE_BROWSER_DATA_DIR=str(tmp_path / "data"),
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.run([str(venv / "bin" / "archive-browser"), *args], cwd=elsewhere,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_installed_package_is_the_wheel_s_not_this_checkout(installed, tmp_path):
    python = installed / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import desktop, desktop.paths as p; "
                            "print(desktop.__file__); print(p.default_archive())"],
                           cwd=tmp_path, capture_output=True, text=True, check=True,
                           env={"PATH": os.environ["PATH"]}).stdout.split()
    assert all(Path(line).is_relative_to(installed) for line in where), where
    # Every dependency the wheel declares is there.
    checked = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "check"],
                             capture_output=True, text=True, check=False)
    assert "archive-browser" not in checked.stdout, checked.stdout


def test_the_installed_command_checks_its_archive_from_any_folder(installed, tmp_path):
    run = _run_installed(installed, tmp_path, "check")
    assert run.returncode == 0, run.stderr
    assert "the archive is sound" in run.stdout
    assert str(installed) in run.stdout


def test_the_installed_command_says_its_version(installed, tmp_path):
    run = _run_installed(installed, tmp_path, "--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"archive-browser {VERSION}"


def test_the_installed_application_opens_its_window_from_any_folder(installed, tmp_path):
    shot = tmp_path / "window.png"
    run = _run_installed(installed, tmp_path, "--screenshot", str(shot))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # the essay's page, not an empty window
