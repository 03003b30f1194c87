"""Archive Browser on the Linux desktop: its .desktop file (which also makes it the handler of
``archive-browser://`` links), its icon at every size and its AppStream metainfo, put into
the person's own ``~/.local/share`` folders, or taken out again (no Qt here)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from desktop import paths

SCHEME_HANDLER = "x-scheme-handler/archive-browser"


def desktop_file() -> Path:
    """The .desktop file the package carries."""
    return paths.resources_dir() / f"{paths.APP_ID}.desktop"


def metainfo_file() -> Path:
    """The AppStream metainfo the package carries."""
    return paths.resources_dir() / f"{paths.APP_ID}.metainfo.xml"


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    # The specification says a relative value is to be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def installed_files(home: Path) -> dict[Path, Path]:
    """Where each file goes under ``home`` (a data home), and where it comes from."""
    icons = paths.icon_file().parent
    hicolor = home / "icons" / "hicolor"
    places = {
        home / "applications" / f"{paths.APP_ID}.desktop": desktop_file(),
        home / "metainfo" / f"{paths.APP_ID}.metainfo.xml": metainfo_file(),
        hicolor / "scalable" / "apps" / f"{paths.APP_ID}.svg": paths.icon_file(),
    }
    for png in sorted(icons.glob("*x*/archive-browser.png")):
        places[hicolor / png.parent.name / "apps" / f"{paths.APP_ID}.png"] = png
    return places


def launcher() -> str:
    """How the desktop is to start this very installation: the ``archive-browser`` script
    beside this Python (a virtual environment's, pipx's), else the one on PATH."""
    beside = Path(sys.executable).parent / "archive-browser"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("archive-browser") or "archive-browser"


def nameable(program: str) -> bool:
    """Whether a program's path can stand in Exec as desktops read it: GLib refuses a
    ``%`` in the program, however escaped, and a line cannot hold a control character."""
    return "%" not in program and all(ord(c) >= 0x20 and c != "\x7f" for c in program)


def _quoted(program: str) -> str:
    # The desktop entry specification's quoting: double quotes around an argument with
    # reserved characters, and \, ", ` and $ escaped inside them.
    if all(c.isalnum() or c in "/-_.+" for c in program):
        return program
    escaped = "".join("\\" + c if c in '\\"`$' else c for c in program)
    return f'"{escaped}"'


def entry_text(program: str) -> str:
    """The .desktop file, with Exec and TryExec naming ``program``."""
    lines = []
    for line in desktop_file().read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            # The entry's own escaping applies on top of the quoting (hence \\ for \).
            line = "Exec=" + _quoted(program).replace("\\", "\\\\") + " %u"
        elif line.startswith("TryExec="):
            line = "TryExec=" + program.replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass
class DesktopReport:
    """What an install or uninstall did."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def install(home: Path | None = None, program: str | None = None) -> DesktopReport:
    """Put the .desktop file, the icons and the metainfo under ``home`` (the data home),
    then refresh the desktop's caches where their tools exist."""
    home = home or data_home()
    report = DesktopReport()
    program = program or launcher()
    if not nameable(program):
        report.problems.append(
            f"The folder of {program} cannot be named in a .desktop file (it holds a % or "
            "a control character); the menu entry runs archive-browser as found on PATH.")
        program = "archive-browser"
    for target, source in installed_files(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".desktop":
            _write_text(target, entry_text(program))
        else:
            _write_bytes(target, source.read_bytes())
        report.written.append(target)
    _refresh(home, report)
    return report


def uninstall(home: Path | None = None) -> DesktopReport:
    """Take out what :func:`install` put under ``home``, and refresh the caches."""
    home = home or data_home()
    report = DesktopReport()
    for target in installed_files(home):
        if target.exists():
            target.unlink()
            report.removed.append(target)
    _refresh(home, report)
    return report


def _write_text(target: Path, text: str) -> None:
    _write_bytes(target, text.encode("utf-8"))


def _write_bytes(target: Path, data: bytes) -> None:
    from desktop.tempfiles import temporary_beside

    with temporary_beside(target) as tmp:
        tmp.write_bytes(data)
        os.chmod(tmp, paths.usual_file_mode())
        os.replace(tmp, target)


def _refresh(home: Path, report: DesktopReport) -> None:
    """The desktop reads handlers and icons from caches: rebuild them where it keeps them."""
    commands = [["update-desktop-database", "-q", str(home / "applications")]]
    if (home / "icons" / "hicolor" / "index.theme").exists():
        # Without index.theme the cache tool refuses, and desktops read the folder itself.
        commands.append(["gtk-update-icon-cache", "-q", "-t", str(home / "icons" / "hicolor")])
    for command in commands:
        if shutil.which(command[0]) is None:
            continue
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            report.problems.append(f"{command[0]} could not run ({exc}).")
            continue
        report.ran.append(shlex.join(command))
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            detail = said[-1] if said else f"status {done.returncode}"
            report.problems.append(f"{command[0]} failed: {detail}")
