"""One run per synced folder, tried with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from productive_docs.sync.engine.lock import FolderBusy, FolderLock

HOLD = """
import sys, time
from productive_docs.sync.engine.lock import FolderLock
lock = FolderLock(sys.argv[1], "push", shown="docs").acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def holder(folder, seconds: float) -> subprocess.Popen:
    command = [sys.executable, "-c", HOLD, str(folder), str(seconds)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_second_run_stops_with_one_line_naming_the_holder(tmp_path):
    process = holder(tmp_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(FolderBusy) as busy:
            FolderLock(tmp_path, "pull", shown=tmp_path, wait=0.3).acquire()
        assert time.monotonic() - started >= 0.3
        message = str(busy.value)
        assert "\n" not in message and message.startswith(f"{tmp_path}: a push started at ")
        assert f"by pid {process.pid} on " in message
    finally:
        process.kill()
        process.wait()


def test_a_second_run_waits_for_the_first_to_finish(tmp_path):
    process = holder(tmp_path, 0.5)
    with FolderLock(tmp_path, "push", wait=20) as lock:
        assert lock.took_over is None  # the first run released it cleanly
    process.wait()


def test_the_stale_lock_of_a_killed_run_is_taken_over(tmp_path):
    process = holder(tmp_path, 30)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with FolderLock(tmp_path, "push", wait=0) as lock:
        assert lock.took_over is not None and f"pid {process.pid}" in lock.took_over
    with FolderLock(tmp_path, "push", wait=0) as again:
        assert again.took_over is None
