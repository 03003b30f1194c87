"""Archive Browser on the Linux desktop: a .desktop file and AppStream metainfo that the
desktop's own validators accept, icons at every usual size, and `install-desktop`."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

from desktop import desktop_entry, paths
from tests.helpers import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "project"]["version"]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian package "
                    f"{'appstream' if name == 'appstreamcli' else 'desktop-file-utils'}); "
                    ".ci/run installs it when run as root")
    return found


def entry(text: str) -> dict[str, str]:
    parser = ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


def test_the_desktop_file_is_valid_for_desktop_file_validate():
    done = subprocess.run([tool("desktop-file-validate"), str(desktop_entry.desktop_file())],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower()


def test_the_metainfo_is_valid_for_appstreamcli():
    done = subprocess.run([tool("appstreamcli"), "validate", "--no-net",
                           str(desktop_entry.metainfo_file())],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_desktop_file_opens_archive_browser_links():
    fields = entry(desktop_entry.desktop_file().read_text(encoding="utf-8"))
    assert "x-scheme-handler/archive-browser" in fields["MimeType"].split(";")
    assert fields["Exec"] == "archive-browser %u"  # the link is handed to the launch
    assert fields["Icon"] == paths.APP_ID


def test_the_metainfo_names_the_application_its_version_and_screenshot():
    root = ET.parse(desktop_entry.metainfo_file()).getroot()
    assert root.findtext("id") == paths.APP_ID
    assert root.find("launchable").text == f"{paths.APP_ID}.desktop"
    assert next(r.get("version") for r in root.iter("release")) == VERSION
    # The README's screenshots, where the repository publishes them.
    for image in root.iter("image"):
        name = image.text.rsplit("/resources/", 1)[1]
        assert (ROOT / "resources" / name).is_file(), name


def test_the_icon_is_drawn_at_every_usual_size(qapp):
    from PySide6.QtGui import QImage

    from desktop.gui import icons

    for size in paths.ICON_SIZES:
        png = QImage(str(paths.icon_png(size)))
        assert (png.width(), png.height()) == (size, size)
        drawn = icons.draw(size).convertToFormat(png.format())
        # The PNG is the SVG as it is now (`python -m desktop.gui.icons` redraws them).
        differing = sum(png.pixel(x, y) != drawn.pixel(x, y)
                        for x in range(size) for y in range(size))
        assert differing <= size * size // 50, size


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    return tmp_path / "share"


def test_install_desktop_puts_every_file_in_the_person_s_data_home(cli, home):
    run = cli("install-desktop")
    assert run.returncode == 0, run.stderr
    assert "Installed Archive Browser in the applications menu (11 files" in run.stdout
    installed = home / "applications" / f"{paths.APP_ID}.desktop"
    fields = entry(installed.read_text(encoding="utf-8"))
    # The menu starts this installation, wherever its script is.
    program = fields["TryExec"]
    assert Path(program).is_file()
    assert fields["Exec"] == f"{program} %u"
    for size in ("16x16", "32x32", "256x256"):
        assert (home / "icons" / "hicolor" / size / "apps" / f"{paths.APP_ID}.png").is_file()
    assert (home / "icons" / "hicolor" / "scalable" / "apps" / f"{paths.APP_ID}.svg").is_file()
    assert (home / "metainfo" / f"{paths.APP_ID}.metainfo.xml").is_file()


def test_the_installed_desktop_file_is_valid_and_registers_the_links(cli, home):
    cli("install-desktop")
    installed = home / "applications" / f"{paths.APP_ID}.desktop"
    done = subprocess.run([tool("desktop-file-validate"), str(installed)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    tool("update-desktop-database")
    cache = (home / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    assert f"x-scheme-handler/archive-browser={paths.APP_ID}.desktop;" in cache


def test_uninstall_takes_out_what_install_put_in(cli, home):
    cli("install-desktop")
    mine = home / "applications" / "someone-else.desktop"
    mine.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    run = cli("install-desktop", "--uninstall")
    assert run.returncode == 0, run.stderr
    assert "Removed 11 files" in run.stdout
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert left in (["applications/someone-else.desktop"],
                     ["applications/mimeinfo.cache", "applications/someone-else.desktop"])
    cache = home / "applications" / "mimeinfo.cache"
    assert not cache.exists() or "archive-browser" not in cache.read_text(encoding="utf-8")


@pytest.mark.parametrize("program", ["/opt/Archive Browser/bin/archive-browser",
                                     '/home/a"b/$HOME/`x`/archive-browser'])
def test_a_launcher_in_an_awkward_folder_is_quoted_as_the_specification_says(program, tmp_path):
    path = tmp_path / f"{paths.APP_ID}.desktop"
    path.write_text(desktop_entry.entry_text(program), encoding="utf-8")
    done = subprocess.run([tool("desktop-file-validate"), str(path)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout
    exec_line = entry(path.read_text(encoding="utf-8"))["Exec"]
    assert exec_line.startswith('"') and exec_line.endswith('" %u')


def test_a_failing_cache_tool_is_said_and_the_files_stay(home, tmp_path, monkeypatch, cli):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "update-desktop-database").write_text("#!/bin/sh\necho 'cannot write' >&2\nexit 3\n")
    (fake / "update-desktop-database").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    run = cli("install-desktop")
    assert run.returncode == 0
    assert "update-desktop-database failed: cannot write" in run.stderr
    assert (home / "applications" / f"{paths.APP_ID}.desktop").is_file()


@pytest.mark.parametrize("folder", ["100%", "tab\there"])
def test_a_launcher_no_desktop_can_start_is_replaced_by_the_one_on_path(folder, home, tmp_path):
    report = desktop_entry.install(home, program=f"/opt/{folder}/archive-browser")
    fields = entry((home / "applications" / f"{paths.APP_ID}.desktop").read_text("utf-8"))
    assert fields["Exec"] == "archive-browser %u"
    assert any("cannot be named in a .desktop file" in p for p in report.problems)
