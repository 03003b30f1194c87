"""Two real Syncthing instances on this machine, sharing one folder (for the end-to-end
test): each with its own home, its GUI and REST API on 127.0.0.1 with an API key, its
listening address on 127.0.0.1, discovery, relays, NAT and usage reporting off, the
other's device id with a direct address, and one shared folder with the file-system
watcher on and a short rescan interval. Started and stopped by the test."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

FOLDER_ID = "archive-browser-test"
STARTUP = 60.0  # seconds an instance may take to answer and to see the other


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    name: str
    home: Path
    folder: Path
    device_id: str
    gui_port: int
    listen_port: int
    api_key: str
    process: subprocess.Popen[bytes] | None = None

    def get(self, path: str) -> object:
        request = urllib.request.Request(f"http://127.0.0.1:{self.gui_port}{path}",
                                         headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read() or b"null")

    def post(self, path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.gui_port}{path}",
                                         method="POST", headers={"X-API-Key": self.api_key})
        with urllib.request.urlopen(request, timeout=5):
            pass


def _generate(program: str, home: Path) -> str:
    done = subprocess.run([program, "generate", f"--home={home}", "--no-default-folder",
                           "--skip-port-probing"], capture_output=True, text=True,
                          timeout=60, check=True)
    for line in (done.stdout + done.stderr).splitlines():
        if "Device ID:" in line:
            return line.split("Device ID:", 1)[1].strip()
    raise AssertionError(f"syncthing generate printed no device id: {done.stdout}")


def _set(parent: ET.Element, tag: str, text: str) -> None:
    found = parent.find(tag)
    if found is None:
        found = ET.SubElement(parent, tag)
    found.text = text


def _configure(me: Instance, peer: Instance) -> None:
    path = me.home / "config.xml"
    tree = ET.parse(path)
    config = tree.getroot()
    gui = config.find("gui")
    assert gui is not None
    _set(gui, "address", f"127.0.0.1:{me.gui_port}")
    _set(gui, "apikey", me.api_key)
    options = config.find("options")
    assert options is not None
    for tag, value in (("listenAddress", f"tcp://127.0.0.1:{me.listen_port}"),
                       ("globalAnnounceEnabled", "false"), ("localAnnounceEnabled", "false"),
                       ("relaysEnabled", "false"), ("natEnabled", "false"),
                       ("urAccepted", "-1"), ("startBrowser", "false"),
                       ("autoUpgradeIntervalH", "0"), ("crashReportingEnabled", "false"),
                       ("reconnectionIntervalS", "1"), ("setLowPriority", "false")):
        _set(options, tag, value)
    device = ET.SubElement(config, "device", id=peer.device_id, name=peer.name,
                           compression="metadata", introducer="false")
    _set(device, "address", f"tcp://127.0.0.1:{peer.listen_port}")
    folder = ET.SubElement(config, "folder", id=FOLDER_ID, label="Archive Browser test",
                           path=str(me.folder), type="sendreceive", rescanIntervalS="5",
                           fsWatcherEnabled="true", fsWatcherDelayS="1",
                           ignorePerms="false", autoNormalize="true")
    _set(folder, "filesystemType", "basic")
    for device_id in (me.device_id, peer.device_id):
        ET.SubElement(folder, "device", id=device_id, introducedBy="")
    tree.write(path)
    (me.folder / ".stfolder").mkdir(parents=True, exist_ok=True)


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail, saying ``what``, after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError, ValueError):
            if condition():
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def two_instances(root: Path) -> Iterator[tuple[Instance, Instance]]:
    """Two Syncthing instances sharing a folder, connected to each other; stopped and
    waited for when the block ends, whatever happens in it."""
    program = shutil.which("syncthing")
    assert program is not None
    made = []
    for name in ("alpha", "beta"):
        home = root / f"syncthing-{name}"
        home.mkdir(parents=True)
        made.append(Instance(name, home, root / f"shared-{name}", _generate(program, home),
                             free_port(), free_port(), secrets.token_hex(16)))
    first, second = made
    _configure(first, second)
    _configure(second, first)
    env = {**os.environ, "STNODEFAULTFOLDER": "1", "STNOUPGRADE": "1", "STNORESTART": "1"}
    try:
        for instance in made:
            log = (instance.home / "syncthing.log").open("wb")
            instance.process = subprocess.Popen(
                [program, "serve", f"--home={instance.home}", "--no-browser", "--no-restart",
                 "--no-upgrade"], stdout=log, stderr=subprocess.STDOUT, env=env)
            log.close()
        for instance in made:
            wait_until(lambda i=instance: i.get("/rest/system/ping") == {"ping": "pong"},
                       STARTUP, f"Syncthing {instance.name} did not answer")
        wait_until(lambda: _connected(first, second) and _connected(second, first), STARTUP,
                   "the two Syncthing instances did not connect")
        yield first, second
    finally:
        for instance in made:
            _stop(instance)


def _connected(me: Instance, peer: Instance) -> bool:
    found = me.get("/rest/system/connections")
    assert isinstance(found, dict)
    return bool(found.get("connections", {}).get(peer.device_id, {}).get("connected"))


def _stop(instance: Instance) -> None:
    process = instance.process
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(OSError):
        instance.post("/rest/system/shutdown")
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def log_of(instance: Instance) -> str:
    with contextlib.suppress(OSError):
        return (instance.home / "syncthing.log").read_text(errors="replace")[-3000:]
    return ""
