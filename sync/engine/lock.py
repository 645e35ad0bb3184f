"""One run per synced folder: ``DIR/.productive-docs/lock`` (next to the state file).

Two pushes of one folder at once (CI and a laptop, or ``push`` while ``watch`` runs) would both create the
same new pages and append the same blocks twice. A run therefore holds an operating-system lock on
``.productive-docs/lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows) for as long as it works, and
writes into the file who it is: pid, host, command and start time. A second run waits up to ``wait``
seconds, then stops with one line naming the holder.

The operating system drops the lock when its process dies, however it dies (``kill -9`` included): a lock
file left by a dead run is stale, and the next run simply takes it over (``FolderLock.took_over`` names
the dead run). The file itself is never deleted (deleting a lock file lets two runs lock two different
files); it is per run and belongs in ``.gitignore`` (see ``sync.engine.base``).
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from productive_docs.converter.errors import ProductiveDocsError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = "lock"
#: The byte locked on Windows (where a locked range cannot be read): far past the holder's description.
_WINDOWS_LOCK_OFFSET = 1 << 20
#: Seconds a second run waits for the first before it stops.
WAIT = 10.0
#: Largest holder description read back.
_MAX_INFO = 4096


class FolderBusy(ProductiveDocsError):
    """Another run holds the folder's lock."""


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _holder(path: Path) -> dict[str, Any]:
    """Who wrote the lock file last (empty when unreadable)."""
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(_MAX_INFO).rstrip(b"\0").decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(holder: dict[str, Any]) -> str:
    """``a push started at 2026-11-30 14:02:11 UTC by pid 4242 on laptop``."""
    if not holder:
        return "another run"
    return (f"a {holder.get('command', 'run')} started at {holder.get('started', '?')} "
            f"by pid {holder.get('pid', '?')} on {holder.get('host', '?')}")


class FolderLock:
    """The lock of one synced folder, held from ``acquire`` (or ``with``) until ``release``."""

    def __init__(self, state_dir: Path, command: str, *, shown: Path | None = None, wait: float = WAIT,
                 poll: float = 0.1) -> None:
        """``state_dir``: the folder of the sync state (``DIR/.productive-docs``); ``shown``: the synced
        folder, as the message names it."""
        self.path = Path(state_dir) / LOCK_FILE
        self.shown = shown if shown is not None else Path(state_dir).parent
        self.command, self.wait, self.poll = command, wait, poll
        self.fd: int | None = None
        #: The dead run whose stale lock file this run took over (None: there was none).
        self.took_over: str | None = None

    def acquire(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        deadline = time.monotonic() + self.wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise FolderBusy(f"{self.shown}: {describe(_holder(self.path))} is syncing this folder; "
                                 "wait for it to finish (or stop it) and run again")
            time.sleep(self.poll)
        previous = _holder(self.path)
        if previous.get("pid") is not None:
            self.took_over = describe(previous)  # a live holder would still hold the lock
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode("utf-8"))
        self.fd = fd
        return self

    def release(self) -> None:
        """Clear the description, then unlock (a clean exit leaves no stale description)."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
