"""File stamps: what ``os.stat`` said of each page file when its fingerprint was last taken, so a push need
not open and hash a file that was not touched since.

A no-op push of 10,000 files spent most of its scan opening, reading and hashing files to find every
fingerprint unchanged. A stamp (size, modification and change times, inode) that matches the one noted
with a fingerprint stands for that fingerprint. Stamps are per machine (a clone has other inodes and
times), so they live in ``stamps.json`` beside the state, ignored by git, never in the committed
``state.json``; they are tied to the fingerprint salt (converter version and options) and dropped with it.

A file changed twice within the file system's time resolution keeps its stamp (git's "racy" case), so a
stamp is only noted for a file last modified more than ``SETTLED`` seconds before it was read.

A page's local images and attached files get stamps too (``assets``): a page file unchanged since its last
sync is parsed again only when one of the files it uploaded may have changed, not on every push.
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
        #: Page key -> [path relative to the folder, stamp] of each local file its assets were read from.
        self.assets: dict[str, list[list[str]]] = {}
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
            assets = data.get("assets")
            if isinstance(assets, dict):
                self.assets = {key: files for key, files in assets.items() if isinstance(files, list)
                               and all(isinstance(one, list) and len(one) == 2 for one in files)}

    def fingerprint(self, key: str, status: os.stat_result) -> str | None:
        """The fingerprint noted for the file of ``key`` if it still has the stamp it had then."""
        entry = self.entries.get(key)
        return entry[1] if entry is not None and entry[0] == stamp_of(status) else None

    def note(self, key: str, status: os.stat_result, fingerprint: str) -> None:
        """Note the fingerprint of a file read just now (``status`` taken before reading it)."""
        if not self._settled(status):
            if self.entries.pop(key, None) is not None:
                self.changed = True
            return
        entry = [stamp_of(status), fingerprint]
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.changed = True

    def assets_unchanged(self, key: str, folder: Path) -> bool:
        """Whether every file the page's assets were read from still has the stamp noted then."""
        files = self.assets.get(key)
        if files is None:
            return False
        for relative, stamp in files:
            try:
                if stamp_of(os.stat(folder / relative)) != stamp:
                    return False
            except OSError:
                return False
        return True

    def note_assets(self, key: str, folder: Path, paths: list[Path] | None) -> None:
        """Note the stamps of the files the page's assets were read from just now (None: forget them, as
        when an asset is missing or still to upload: the page is then parsed again next time)."""
        files = None if paths is None else self._settled_stamps(paths, folder)
        if files is None:
            if self.assets.pop(key, None) is not None:
                self.changed = True
        elif self.assets.get(key) != files:
            self.assets[key] = files
            self.changed = True

    def _settled_stamps(self, paths: list[Path], folder: Path) -> list[list[str]] | None:
        """[path relative to ``folder``, stamp] of each file, sorted; None if one is gone, outside the
        folder or not settled."""
        files = []
        for path in paths:
            try:
                status = os.stat(path)
                relative = path.resolve().relative_to(folder.resolve()).as_posix()
            except (OSError, ValueError):
                return None
            if not self._settled(status):
                return None
            files.append([relative, stamp_of(status)])
        return sorted(files)

    def _settled(self, status: os.stat_result) -> bool:
        """Whether the file was left alone long enough before this run for its stamp to stand for it."""
        return self.started_ns - status.st_mtime_ns >= SETTLED * 1e9

    def save(self, keys: set[str]) -> None:
        """Write the stamps of the pages still in the folder (``keys``), when something changed."""
        gone = (self.entries.keys() | self.assets.keys()) - keys
        for key in gone:
            self.entries.pop(key, None)
            self.assets.pop(key, None)
        if self.path is None or not (self.changed or gone):
            return
        data = {"format": FORMAT, "salt": self.salt, "pages": dict(sorted(self.entries.items())),
                "assets": dict(sorted(self.assets.items()))}
        write_atomic(self.path, json.dumps(data, separators=(",", ":")) + "\n")
        self.changed = False
