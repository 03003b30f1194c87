"""The lock the running window and a sync round hold: another process sees it taken, and
the system lets it go when the process holding it dies, however it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from desktop.notes.locks import Busy, FileLock

HOLD = """
import sys, time
from desktop.notes.locks import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_lock_held_by_another_process_is_busy_until_it_dies(tmp_path):
    path = tmp_path / "running.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy):
            FileLock(path).acquire(timeout=0)
        with pytest.raises(Busy):
            FileLock(path).acquire(timeout=0.1)  # waited for, still taken
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        lock = FileLock(path)
        lock.acquire(timeout=0)  # the system let it go with the process
        assert lock.held
        lock.release()
        assert not lock.held
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        holder.stdout.close()


def test_two_handles_in_one_process_exclude_each_other_and_release_twice_is_harmless(
        tmp_path):
    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    with first, pytest.raises(Busy):
        second.acquire()
    second.acquire()
    second.release()
    second.release()
