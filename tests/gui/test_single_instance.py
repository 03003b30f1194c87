"""A link clicked elsewhere opens its passage in the window already running: a later
`archive-browser archive-browser://…` hands the link over and ends."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket

from desktop.gui import single_instance
from desktop.gui.single_instance import LinkServer, hand_to_running, server_name


def launch(link: str, data_dir: Path, **more: str) -> subprocess.Popen[str]:
    """A second launch of the application, as the desktop makes it for a clicked link."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ARCHIVE_BROWSER_DATA_DIR": str(data_dir), **more}
    return subprocess.Popen([sys.executable, "-m", "desktop.cli", link], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def listening(window, opened):
    app = opened[-1][0]
    assert app.listen_for_links()
    yield app._links
    app._links.close()


def test_a_later_launch_with_a_link_opens_it_in_the_running_window(listening, window,
                                                                   data_dir, qtbot):
    assert window.reader.current_passage().id != "essay/p8"
    with qtbot.waitSignal(listening.link_received, timeout=60000) as received:
        process = launch("archive-browser://communists-dilemma/essay/p8", data_dir)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert received.args == ["archive-browser://communists-dilemma/essay/p8"]
    assert window.reader.current_passage().id == "essay/p8"
    assert err == ""  # the later launch opened no window of its own and said nothing


def test_a_link_to_no_passage_is_said_by_both(listening, window, data_dir, qtbot):
    with qtbot.waitSignal(listening.link_received, timeout=60000):
        process = launch("archive-browser://elsewhere/essay/p8", data_dir)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "names no passage of the archive open in the running window" in err
    assert "Traceback" not in err
    assert window.statusBar().currentMessage() == (
        "The link archive-browser://elsewhere/essay/p8 names no passage of this archive.")


def test_without_a_running_window_a_link_is_not_handed_over(data_dir, qapp):
    assert hand_to_running("archive-browser://communists-dilemma/essay/p8") is None


def test_each_profile_has_its_own_window(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path / "one"))
    one = server_name()
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path / "two"))
    assert server_name() != one


def test_a_socket_left_by_a_killed_window_is_taken_over(data_dir, qtbot):
    # A window killed with SIGKILL leaves its socket file, and nobody listens on it.
    path = Path(server_name())
    left = socket.socket(socket.AF_UNIX)
    left.bind(str(path))
    left.close()
    assert path.exists()
    server = LinkServer(lambda link: True)
    try:
        assert server.listen()
        with qtbot.waitSignal(server.link_received, timeout=60000):
            process = launch("archive-browser://communists-dilemma/essay/p8", data_dir)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    finally:
        server.close()


def test_a_second_window_of_the_same_profile_leaves_the_first_listening(listening, qapp):
    second = LinkServer(lambda link: True)
    assert not second.listen()
    second.close()


def test_garbage_on_the_socket_is_not_read_and_the_window_goes_on(listening, window, qtbot):
    intruder = QLocalSocket()
    intruder.connectToServer(server_name())
    assert intruder.waitForConnected(5000)
    with qtbot.waitSignal(intruder.disconnected, timeout=10000):
        intruder.write(b"x" * 20000)  # no end of line: not a link, and not read further
    bad = QLocalSocket()
    bad.connectToServer(server_name())
    assert bad.waitForConnected(5000)
    with qtbot.waitSignal(bad.readyRead, timeout=10000):
        bad.write(b"\xff\xfe not utf-8\n")
    assert bytes(bad.readAll().data()) == b"not-found\n"
    assert window.isVisible()


def test_links_that_come_while_the_window_is_built_wait_for_it(open_window, data_dir, qtbot,
                                                                opened):
    early = LinkServer()  # as a launch listens, before its window is up
    assert early.listen()
    with qtbot.waitSignal(early.link_received, timeout=60000):
        process = launch("archive-browser://communists-dilemma/essay/p12", data_dir)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err  # handed over, not a window of its own
    assert early.pending == ["archive-browser://communists-dilemma/essay/p12"]
    window = open_window()
    assert opened[-1][0].listen_for_links(early)
    assert window.reader.current_passage().id == "essay/p12"
    assert early.pending == []
    early.close()


def test_without_a_private_folder_nothing_listens_or_hands_over(tmp_path, monkeypatch, qapp):
    # Someone else's folder where ours would be (or one that others may enter): links
    # are not handed to whoever listens there.
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(single_instance.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path / "data"))
    shared = tmp_path / f"archive-browser-{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert server_name() is None
    assert hand_to_running("archive-browser://communists-dilemma/essay/p8") is None
    assert not LinkServer().listen()
    shared.chmod(0o700)
    assert server_name() == str(shared / Path(server_name()).name)


def test_the_private_folder_is_made_for_this_person_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(single_instance.tempfile, "tempdir", str(tmp_path))
    name = Path(server_name())
    assert name.parent == tmp_path / f"archive-browser-{os.getuid()}"
    assert (name.parent.stat().st_mode & 0o777) == 0o700


def test_the_desktop_s_activation_token_goes_with_the_link(listening, window, data_dir, qtbot,
                                                          monkeypatch):
    monkeypatch.setenv("XDG_ACTIVATION_TOKEN", "")  # put back as it was after the test
    with qtbot.waitSignal(listening.link_received, timeout=60000) as received:
        process = launch("archive-browser://communists-dilemma/essay/p8", data_dir,
                         XDG_ACTIVATION_TOKEN="token-from-the-compositor")
    process.communicate(timeout=60)
    assert received.args == ["archive-browser://communists-dilemma/essay/p8"]
    assert os.environ["XDG_ACTIVATION_TOKEN"] == "token-from-the-compositor"
    assert window.reader.current_passage().id == "essay/p8"


def test_a_link_sent_in_pieces_is_read_whole_and_each_caller_is_answered(listening, window,
                                                                         qtbot):
    # A caller's line may come in more than one read; callers one after another (each
    # given the number of the one before, once it has gone) are each answered.
    for number in (8, 9, 10, 12):
        caller = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        caller.connect(server_name())
        caller.sendall(b"archive-browser://communists-")
        qtbot.wait(20)
        caller.sendall(f"dilemma/essay/p{number}\n".encode())
        caller.setblocking(False)
        answer = bytearray()

        def answered(caller=caller, answer=answer) -> bool:  # read as the window runs
            with contextlib.suppress(BlockingIOError):
                answer.extend(caller.recv(64))
            return answer.endswith(b"\n")

        qtbot.waitUntil(answered, timeout=10000)
        caller.close()
        assert answer == b"opened\n"
        assert window.reader.current_passage().id == f"essay/p{number}"
