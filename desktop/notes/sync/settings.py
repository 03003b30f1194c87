"""Which folder this installation syncs through, and who it is there: ``sync.json`` in
the data folder (beside the notes, not in the window's settings, so that the command
line and a machine with no display share it)::

    {"folder": "/home/ann/Sync/notes", "device": "3f9c0a7d51e2b864", "name": "laptop"}

The device's id is made once, at random; its name is the host name until changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from desktop.notes.errors import NotesError
from desktop.notes.sync.clock import DEVICE

FILE = "sync.json"


class Device(Struct, frozen=True):
    """This installation as the folder knows it: its id (16 hex digits) and its name."""

    id: str
    name: str


class SyncSettings(Struct, frozen=True):
    folder: Path | None
    device: Device

    def with_folder(self, folder: Path | None) -> SyncSettings:
        return replace(self, folder=folder)


def new_device() -> Device:
    import socket

    name = socket.gethostname().split(".")[0] or "this computer"
    # The operating system's randomness, as secrets.token_hex reads it (secrets itself
    # would load hashlib and OpenSSL, 4 MB, at every start).
    return Device(os.urandom(8).hex(), name)


def load(data: Path) -> SyncSettings:
    """The settings kept in the data folder ``data``; a new device (not yet saved) when
    there are none. Raises :class:`NotesError` for a file that cannot be read."""
    path = Path(data) / FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SyncSettings(None, new_device())
    except (OSError, ValueError) as exc:
        raise NotesError(f"The sync settings {path} cannot be read ({exc}); delete the file "
                         "and choose the sync folder again.") from exc
    if not isinstance(raw, dict):
        raise NotesError(f"The sync settings {path} are not what this application wrote; "
                         "delete the file and choose the sync folder again.")
    made = new_device()
    device = raw.get("device")
    name = raw.get("name")
    folder = raw.get("folder")
    return SyncSettings(
        Path(folder) if isinstance(folder, str) and folder else None,
        Device(device if isinstance(device, str) and DEVICE.match(device) else made.id,
               name if isinstance(name, str) and name.strip() else made.name))


def save(data: Path, settings: SyncSettings) -> None:
    """Keep the settings in the data folder, written whole."""
    from desktop.notes.export import write_atomically  # loaded when first written

    value = {"folder": str(settings.folder) if settings.folder is not None else None,
             "device": settings.device.id, "name": settings.device.name}
    write_atomically(Path(data) / FILE, json.dumps(value, indent=2) + "\n", overwrite=True)
