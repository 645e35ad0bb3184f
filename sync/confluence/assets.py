"""Images and attachments: copied from the export into an ``assets/`` folder beside the pages using them.

The export stores files as ``attachments/<pageId>/<attachmentId>.<ext>``; the page's attachments section
gives their real names, which we use (made safe for every file system). Within one ``assets/`` folder a
name is used once, and a file whose content is already there (same SHA-256) is not stored again: the page
links to the copy that exists. Names are given here, in page order; the files are written by whoever
finishes the page that placed them (``take``), in a worker process for a big import.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from productive_docs.sync.assets.naming import import_asset_name as safe_name
from productive_docs.sync.confluence.export import Export

ASSETS = "assets"
#: Leading bytes -> suffix, for export files stored without one (Confluence's attachment thumbnails).
_MAGIC = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"), (b"%PDF", ".pdf"))


def sniffed_suffix(data: bytes) -> str:
    """The suffix the content's leading bytes say, or ``""``."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), "")


@dataclass(slots=True)
class _Folder:
    """One ``assets/`` folder: the names taken and the content hashes already stored."""

    names: set[str] = field(default_factory=set)
    by_hash: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AssetCounts:
    """What the copying did, for the import report."""

    copied: int = 0
    deduplicated: int = 0
    bytes_written: int = 0


class AssetStore:
    """Copies export files next to the pages that use them and hands out relative hrefs."""

    def __init__(self, export: Export, out_dir: Path) -> None:
        self.export = export
        self.out_dir = out_dir
        self.counts = AssetCounts()
        self._folders: dict[str, _Folder] = {}
        self._placed: dict[tuple[str, str], str] = {}
        #: Paths (relative to the output folder) of the files written.
        self.written: list[str] = []
        #: Files placed but not written yet (``take``): the page's worker writes them.
        self._pending: list[tuple[Path, bytes]] = []

    def take(self) -> list[tuple[Path, bytes]]:
        """The files placed since the last call, to write (path, content): the import hands them to the
        worker that finishes the page (``pool.PageJob.copies``), so copying runs on every core."""
        pending, self._pending = self._pending, []
        return pending

    def place(self, export_name: str, display_name: str, page_path: str) -> str:
        """Copy ``export_name`` into the assets folder of ``page_path``; the href from that page to it."""
        folder = posixpath.join(posixpath.dirname(page_path), ASSETS)
        key = (folder, export_name)
        if key not in self._placed:
            self._placed[key] = self._store(folder, export_name, display_name)
        return posixpath.join(ASSETS, self._placed[key])

    def _store(self, folder: str, export_name: str, display_name: str) -> str:
        state = self._folders.setdefault(folder, _Folder())
        data = self.export.read_bytes(export_name)
        digest = hashlib.sha256(data).hexdigest()
        if digest in state.by_hash:
            self.counts.deduplicated += 1
            return state.by_hash[digest]
        wanted = safe_name(display_name, posixpath.splitext(export_name)[1] or sniffed_suffix(data))
        name, number = wanted, 1
        while name.lower() in state.names:
            number += 1
            stem, dot, suffix = wanted.rpartition(".")
            name = f"{stem}-{number}.{suffix}" if dot else f"{wanted}-{number}"
        state.names.add(name.lower())
        state.by_hash[digest] = name
        self._pending.append((self.out_dir / folder / name, data))
        self.written.append(posixpath.join(folder, name))
        self.counts.copied += 1
        self.counts.bytes_written += len(data)
        return name
