"""An export given as a folder, a zip, or a zip of zips (Notion splits large exports into
``Export-<uuid>-Part-N.zip`` files inside the zip it offers for download), seen as one set of files.

Every zip, the inner ones too, goes through ``ZipExport``'s checks (names that climb out or are absolute
refused, entry counts, sizes and ratios bounded) before a byte is used. Names are ``/``-separated and
relative to the export's top: a single wrapping folder (``Export-<uuid>/``, ``Takeout/Drive/``) is
dropped, so the output never repeats it. Folders give their files without following symbolic links.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from productive_docs.converter.errors import InputError
from productive_docs.sync.confluence.export import Export, FolderExport, Limits, ZipExport

#: Inner zips of one download (Notion's parts) read at most.
MAX_PARTS = 100


class CombinedExport(Export):
    """Several exports (the parts of one download) as one, each name served by the part that has it."""

    def __init__(self, source: Path, parts: list[Export], prefix: str) -> None:
        self.parts = parts
        self._where: dict[str, tuple[Export, str]] = {}
        for part in parts:
            for name in part.names:
                if name.startswith(prefix) and not _is_litter(name):
                    self._where.setdefault(name[len(prefix):], (part, name))
        super().__init__(source, list(self._where))

    def read_bytes(self, name: str) -> bytes:
        part, inner = self._where[name]
        return part.read_bytes(inner)

    def close(self) -> None:
        for part in self.parts:
            part.close()


def _is_litter(name: str) -> bool:
    """Files macOS adds to the zips it makes (resource forks, folder settings): not part of the export."""
    return name.startswith("__MACOSX/") or posixpath.basename(name) == ".DS_Store"


def _wrapper(names: list[str]) -> str:
    """The folder every name is inside, with ``/`` (``""`` when names differ at the top)."""
    prefix = posixpath.commonpath(names) if names else ""
    if not prefix or prefix in names:
        return ""
    return prefix + "/"


def open_tree(path: Path, limits: Limits | None = None, *, within: str = "") -> Export:
    """The export at ``path`` (folder, zip, or zip of zips) with its wrapping folders dropped; when it has
    a folder ``within`` (``Drive/`` of a Takeout) below them, only that folder's files."""
    if path.is_dir():
        parts: list[Export] = [FolderExport(path)]
    elif path.is_file():
        outer = ZipExport(path, limits, find_root=False)
        inner = sorted(name for name in outer.names if name.lower().endswith(".zip"))
        if inner and len(inner) == len([n for n in outer.names if not _is_litter(n)]):
            if len(inner) > MAX_PARTS:
                outer.close()
                raise InputError(f"{len(inner)} zips in the zip, over the limit of {MAX_PARTS}", str(path))
            parts = [ZipExport(path / name, limits, find_root=False, data=outer.read_bytes(name))
                     for name in inner]
            outer.close()
        else:
            parts = [outer]
    else:
        raise InputError("no such export folder or zip file", str(path))
    names = [name for part in parts for name in part.names if not _is_litter(name)]
    prefix = _wrapper(names)
    if within and any(name.startswith(prefix + within) for name in names):
        prefix += within
    return CombinedExport(path, parts, prefix)
