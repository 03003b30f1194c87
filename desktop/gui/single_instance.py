"""One window for the links clicked elsewhere: a running Archive Browser listens on a local
socket, and ``archive-browser archive-browser://…`` hands its link to it and ends, so that
following ten links from Obsidian or a browser opens ten passages in one window, not ten
windows.

The socket's name is derived from the data folder, so each profile
(``ARCHIVE_BROWSER_DATA_DIR``) has its own running window; a link always goes to the
window whose marks it would be read with.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop import paths

# A running window answers at once; this only bounds the wait on one that hangs, after which
# the link opens in a window of its own.
ANSWER_MS = 5000
CONNECT_MS = 1000
MAX_LINK_BYTES = 8192
OPENED = b"opened\n"
ACTIVATION_TOKEN = "XDG_ACTIVATION_TOKEN"
NOT_FOUND = b"not-found\n"


def _private_folder() -> Path | None:
    """A folder only this person may enter, for the socket: their runtime folder
    (``$XDG_RUNTIME_DIR``), else one of their own in the temporary folder, made private.
    None when neither can be had safely (a folder of that name owned by someone else)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and Path(runtime).is_dir():
        return Path(runtime)
    if not hasattr(os, "getuid"):
        return Path(tempfile.gettempdir())  # Windows: named pipes, not files in a folder
    folder = Path(tempfile.gettempdir()) / f"archive-browser-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        state = folder.lstat()
    except OSError:
        return None
    # Another user could have made it first, to take the links: then no socket at all.
    if not stat.S_ISDIR(state.st_mode) or state.st_uid != os.getuid() or \
            stat.S_IMODE(state.st_mode) & 0o077:
        return None
    return folder


def server_name() -> str | None:
    """The local socket for this person and this data folder, in a folder only they may
    enter (so that nobody else can listen in their place); None when there is none."""
    folder = _private_folder()
    if folder is None:
        return None
    where = str(paths.data_dir().resolve())
    return str(folder / ("archive-browser-" + hashlib.sha256(where.encode()).hexdigest()[:16]))


def hand_to_running(link: str) -> bool | None:
    """Give ``link`` to the window already running for this data folder. True when it
    opened the passage, False when that archive has no such passage (the window says so
    itself), None when no window is running or it did not answer."""
    name = server_name()
    if name is None:
        return None
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return None
    try:
        # The desktop's leave to raise a window (Wayland's activation token) goes with the
        # link, so that the running window may come to the front in this launch's place.
        token = os.environ.get(ACTIVATION_TOKEN, "")
        line = f"{link}\t{token}" if token and "\t" not in token else link
        socket.write(line.encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(CONNECT_MS):
            return None
        answer = b""
        while not answer.endswith(b"\n"):
            if not socket.waitForReadyRead(ANSWER_MS):
                return None
            answer += bytes(socket.readAll().data())
        return answer == OPENED
    finally:
        socket.abort()


class LinkServer(QObject):
    """Listens for links handed over by later launches and opens them with ``open_link``
    (which returns whether the archive has that passage). It listens from the start of
    the launch: until the window is up, links wait in ``pending``."""

    link_received = Signal(str)

    def __init__(self, open_link: Callable[[str], bool] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[str] = []
        pending = self.pending  # kept without a reference back to the server (no cycle:
        # the server goes when its last owner lets go, not at the collector's moment)

        def keep(link: str) -> bool:
            pending.append(link)
            return True  # the window, once up, says if its archive has no such passage

        self.open_link = open_link or keep
        # No socket options: with any, Qt renames its socket over one already listening, and
        # a second window would take the links from the first.
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; False (and the application runs on alone) when another
        window of this profile already listens, or there is no private place to."""
        name = server_name()
        if name is None:
            return False
        if self._server.listen(name):
            return True
        if hand_to_running_probe(name):
            return False
        # A socket left behind by a window that was killed: nobody answers on it.
        QLocalServer.removeServer(name)
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_LINK_BYTES:
                # Not a link: whatever it is, it is not read further.
                socket.readyRead.disconnect()
                socket.abort()
                socket.deleteLater()
            return
        line = bytes(socket.readLine(MAX_LINK_BYTES).data())
        try:
            link, _, token = line.decode("utf-8").strip().partition("\t")
        except UnicodeDecodeError:
            link, token = "", ""
        if token:
            # Read by Qt when the window asks to be raised (Wayland's xdg-activation).
            os.environ[ACTIVATION_TOKEN] = token
        opened = bool(link) and self.open_link(link)
        # One link a connection. The answer is a few bytes, in the socket's buffer at once;
        # the socket goes after this slot (not on its `disconnected`, which a socket also
        # sends while it is being destroyed with the server).
        socket.readyRead.disconnect()
        socket.write(OPENED if opened else NOT_FOUND)
        socket.flush()
        socket.disconnectFromServer()
        socket.deleteLater()
        if link:
            self.link_received.emit(link)


def hand_to_running_probe(name: str) -> bool:
    """Whether a live window listens on ``name`` (it accepts a connection)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    alive = socket.waitForConnected(CONNECT_MS)
    socket.abort()
    return alive
