"""File stamps: what ``os.stat`` said of each page file when its fingerprint was last taken, so a push need
not open and hash a file that was not touched since.

A no-op push of 10,000 files spent most of its scan opening, reading and hashing files to find every
fingerprint unchanged. A stamp (size, modification and change times, inode) that matches the one noted
with a fingerprint stands for that fingerprint. Stamps are per machine (a clone has other inodes and
times), so they live in ``stamps.json`` beside the state, ignored by git, never in the committed
``state.json``; they are tied to the fingerprint salt (converter version and options) and dropped with it.

A file changed twice within the file system's time resolution keeps its stamp (git's "racy" case), so a
stamp is only noted for a file last modified more than ``SETTLED`` seconds before it was read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from productive_docs.sync.assets.files import write_atomic

STAMPS_FILE = "stamps.json"
FORMAT = 1
#: Seconds a file must have been left alone before its stamp is trusted to stand for its content.
SETTLED = 2.0


def stamp_of(status: os.stat_result) -> str:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


class Stamps:
    """Page key -> (stamp, fingerprint) of one synced folder on this machine (see the module docstring)."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = hashlib.sha256(salt.encode("utf-8")).hexdigest()[:16]
        self.entries: dict[str, list[str]] = {}
        self.changed = False
        self.started_ns = time.time_ns()
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # none yet, or unreadable: every file is read once more, and the file written anew
        if isinstance(data, dict) and data.get("format") == FORMAT and data.get("salt") == self.salt:
            pages = data.get("pages")
            if isinstance(pages, dict):
                self.entries = {key: entry for key, entry in pages.items()
                                if isinstance(entry, list) and len(entry) == 2}

    def fingerprint(self, key: str, status: os.stat_result) -> str | None:
        """The fingerprint noted for the file of ``key`` if it still has the stamp it had then."""
        entry = self.entries.get(key)
        return entry[1] if entry is not None and entry[0] == stamp_of(status) else None

    def note(self, key: str, status: os.stat_result, fingerprint: str) -> None:
        """Note the fingerprint of a file read just now (``status`` taken before reading it)."""
        if self.started_ns - status.st_mtime_ns < SETTLED * 1e9:
            if self.entries.pop(key, None) is not None:
                self.changed = True
            return
        entry = [stamp_of(status), fingerprint]
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.changed = True

    def save(self, keys: set[str]) -> None:
        """Write the stamps of the pages still in the folder (``keys``), when something changed."""
        gone = self.entries.keys() - keys
        for key in gone:
            del self.entries[key]
        if self.path is None or not (self.changed or gone):
            return
        data = {"format": FORMAT, "salt": self.salt, "pages": dict(sorted(self.entries.items()))}
        write_atomic(self.path, json.dumps(data, separators=(",", ":")) + "\n")
        self.changed = False
