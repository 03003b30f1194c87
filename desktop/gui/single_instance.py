"""One window for the links clicked elsewhere: a running Archive Browser listens on a local
socket, and ``archive-browser archive-browser://…`` hands its link to it and ends, so that
following ten links from Obsidian or a browser opens ten passages in one window, not ten
windows.

The socket's name is derived from the data folder, so each profile
(``ARCHIVE_BROWSER_DATA_DIR``) has its own running window; a link always goes to the
window whose marks it would be read with.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import stat
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from desktop import paths

# A running window answers at once; this only bounds the wait on one that hangs, after which
# the link opens in a window of its own.
ANSWER_MS = 5000
CONNECT_MS = 1000
MAX_LINK_BYTES = 8192
OPENED = b"opened\n"
ACTIVATION_TOKEN = "XDG_ACTIVATION_TOKEN"
NOT_FOUND = b"not-found\n"
# Where Python has Unix sockets (Linux, macOS) the window listens on one of its own, read
# through Qt's event loop; elsewhere (Windows) on Qt's local server, a named pipe. (Qt's
# network module costs a start-up 10 ms and 3 MB that a Unix socket does not.)
UNIX = hasattr(socket, "AF_UNIX")


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
    enter (so that nobody else can listen in their place); None when there is none. Its
    name tells data folders apart by two checksums of the folder's path (CRC-32 and
    Adler-32: no secret is kept, so no cryptographic hash, nor OpenSSL, is needed)."""
    folder = _private_folder()
    if folder is None:
        return None
    where = str(paths.data_dir().resolve()).encode("utf-8", "surrogateescape")
    return str(folder / f"archive-browser-{zlib.crc32(where):08x}{zlib.adler32(where):08x}")


def hand_to_running(link: str) -> bool | None:
    """Give ``link`` to the window already running for this data folder. True when it
    opened the passage, False when that archive has no such passage (the window says so
    itself), None when no window is running or it did not answer."""
    name = server_name()
    if name is None:
        return None
    # The desktop's leave to raise a window (Wayland's activation token) goes with the
    # link, so that the running window may come to the front in this launch's place.
    token = os.environ.get(ACTIVATION_TOKEN, "")
    line = (f"{link}\t{token}" if token and "\t" not in token else link).encode("utf-8") + b"\n"
    if not UNIX:
        return _hand_over_by_qt(name, line)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(CONNECT_MS / 1000)
            connection.connect(name)
            connection.sendall(line)
            connection.settimeout(ANSWER_MS / 1000)
            answer = b""
            while not answer.endswith(b"\n"):
                more = connection.recv(64)
                if not more:
                    return None
                answer += more
    except OSError:  # no window listens, or it did not answer in time
        return None
    return answer == OPENED


def _answers(name: str) -> bool:
    """Whether a live window listens on ``name`` (it accepts a connection)."""
    if not UNIX:
        return _answers_by_qt(name)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(CONNECT_MS / 1000)
            connection.connect(name)
    except OSError:
        return False
    return True


class _Caller:
    """One later launch's connection, read as its bytes come."""

    def __init__(self, connection: socket.socket, notifier: QSocketNotifier) -> None:
        self.connection = connection
        self.notifier = notifier
        self.read = b""


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
        self._listener: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._path: str | None = None
        self._callers: dict[int, _Caller] = {}  # by the number of their connection
        self._qt: Any = None  # Qt's local server, where there are no Unix sockets

    def listen(self) -> bool:
        """Start listening; False (and the application runs on alone) when another
        window of this profile already listens, or there is no private place to."""
        name = server_name()
        if name is None:
            return False
        if not UNIX:
            return self._listen_by_qt(name)
        listener = self._bound(name)
        if listener is None:
            if _answers(name):
                return False
            # A socket left behind by a window that was killed: nobody answers on it.
            with contextlib.suppress(OSError):
                os.unlink(name)
            listener = self._bound(name)
            if listener is None:
                return False
        self._listener, self._path = listener, name
        self._notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)
        return True

    @staticmethod
    def _bound(name: str) -> socket.socket | None:
        """A socket listening at ``name``; None if something is there already (a file
        of that name is never replaced: a second window must not take the first's links)."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(name)
            listener.listen(8)
        except OSError:
            listener.close()
            return None
        listener.setblocking(False)
        return listener

    def close(self) -> None:
        if self._qt is not None:
            self._qt.close()
        for caller in list(self._callers.values()):
            self._hang_up(caller)
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # (a child of the server, and goes with it)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                os.unlink(self._path or "")

    def _accept(self) -> None:
        while self._listener is not None:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # none waiting (or the caller has gone already)
                return
            connection.setblocking(False)
            # The caller's notifier is its own (no Qt parent): it goes with the caller.
            notifier = QSocketNotifier(connection.fileno(), QSocketNotifier.Type.Read)
            caller = _Caller(connection, notifier)
            self._callers[connection.fileno()] = caller
            # By its number: a slot holding the caller would keep it and its notifier.
            notifier.activated.connect(functools.partial(self._ready, connection.fileno()))

    def _ready(self, number: int, *_args: object) -> None:
        caller = self._callers.get(number)
        if caller is not None and caller.notifier.isEnabled():
            self._read(caller)

    def _read(self, caller: _Caller) -> None:
        try:
            more = caller.connection.recv(MAX_LINK_BYTES + 1)
        except BlockingIOError:
            return
        except OSError:
            more = b""
        if not more:  # the caller hung up before its line ended
            self._hang_up(caller)
            return
        caller.read += more
        if b"\n" not in caller.read[:MAX_LINK_BYTES]:
            if len(caller.read) >= MAX_LINK_BYTES:
                self._hang_up(caller)  # not a link: whatever it is, it is not read further
            return
        self._take(caller.read.split(b"\n", 1)[0],
                   lambda answer: self._hang_up(caller, answer))

    def _take(self, line: bytes, answer: Callable[[bytes], None]) -> None:
        """Open the link a caller's ``line`` gives, and ``answer`` whether it opened."""
        try:
            link, _, token = line.decode("utf-8").strip().partition("\t")
        except UnicodeDecodeError:
            link, token = "", ""
        if token:
            # Read by Qt when the window asks to be raised (Wayland's xdg-activation).
            os.environ[ACTIVATION_TOKEN] = token
        opened = bool(link) and self.open_link(link)
        # One link a connection; the answer is a few bytes, in the socket's buffer at once.
        answer(OPENED if opened else NOT_FOUND)
        if link:
            self.link_received.emit(link)

    def _hang_up(self, caller: _Caller, answer: bytes = b"") -> None:
        caller.notifier.setEnabled(False)
        number = caller.connection.fileno()
        # Let go on the next turn of the event loop: this may run in the notifier's
        # own signal, which must not delete it.
        QTimer.singleShot(0, lambda: self._forget(number, caller))
        with contextlib.suppress(OSError):
            if answer:
                caller.connection.send(answer)
            caller.connection.shutdown(socket.SHUT_RDWR)
        caller.connection.close()

    def _forget(self, number: int, caller: _Caller) -> None:
        if self._callers.get(number) is caller:  # not a newer caller given the same number
            del self._callers[number]

    # -- where there are no Unix sockets: Qt's local server ---------------------------

    def _listen_by_qt(self, name: str) -> bool:
        from PySide6.QtNetwork import QLocalServer

        if self._qt is None:
            # No socket options: with any, Qt renames its socket over one already
            # listening, and a second window would take the links from the first.
            self._qt = QLocalServer(self)
            self._qt.newConnection.connect(self._accept_by_qt)
        if self._qt.listen(name):
            return True
        if _answers(name):
            return False
        QLocalServer.removeServer(name)
        return bool(self._qt.listen(name))

    def _accept_by_qt(self) -> None:
        while self._qt.hasPendingConnections():
            caller = self._qt.nextPendingConnection()
            caller.readyRead.connect(lambda c=caller: self._read_by_qt(c))

    def _read_by_qt(self, caller: Any) -> None:
        if not caller.canReadLine():
            if caller.bytesAvailable() > MAX_LINK_BYTES:
                caller.readyRead.disconnect()
                caller.abort()
                caller.deleteLater()
            return
        line = bytes(caller.readLine(MAX_LINK_BYTES).data())

        def answer(words: bytes) -> None:
            caller.readyRead.disconnect()
            caller.write(words)
            caller.flush()
            caller.disconnectFromServer()
            caller.deleteLater()

        self._take(line, answer)


def _hand_over_by_qt(name: str, line: bytes) -> bool | None:
    from PySide6.QtNetwork import QLocalSocket

    caller = QLocalSocket()
    caller.connectToServer(name)
    if not caller.waitForConnected(CONNECT_MS):
        return None
    try:
        caller.write(line)
        if not caller.waitForBytesWritten(CONNECT_MS):
            return None
        answer = b""
        while not answer.endswith(b"\n"):
            if not caller.waitForReadyRead(ANSWER_MS):
                return None
            answer += bytes(caller.readAll().data())
        return answer == OPENED
    finally:
        caller.abort()


def _answers_by_qt(name: str) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    caller = QLocalSocket()
    caller.connectToServer(name)
    alive = caller.waitForConnected(CONNECT_MS)
    caller.abort()
    return alive
