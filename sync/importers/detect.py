"""Which kind of export a source is, for ``productive-docs import`` without ``--from``.

Decided by names only (the zip's directory, the folder's entries), never by reading file contents, so
detection costs nothing on a large export (a Notion download, a zip of zips, is known by its parts'
names). What matches no kind is refused with a sentence naming the kinds, rather than imported as
something it is not.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from productive_docs.converter.errors import UsageError

#: Kinds ``import`` reads.
KINDS = ("confluence", "confluence-xml", "confluence-storage", "docx", "gdocs", "notion")
#: Names in a folder or zip listing that only one kind of export has.
_NOTION_STEM = re.compile(r" [0-9a-f]{32}(_all)?$")
#: The parts Notion splits a large export into, inside the zip it offers for download.
_NOTION_PART = re.compile(r"^Export-[0-9a-f-]{36}-Part-\d+\.zip$")
_MAX_LISTED = 200_000


def _names(source: Path) -> list[str]:
    if source.is_dir():
        entries = zip(range(_MAX_LISTED), source.rglob("*"), strict=False)
        return [path.relative_to(source).as_posix() for _, path in entries]
    try:
        with zipfile.ZipFile(source) as archive:
            return archive.namelist()[:_MAX_LISTED]
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{source}: not a folder, .docx or readable .zip ({exc})") from None


def _gdocs_download(names: list[str]) -> bool:
    """Google Docs' "Web page (.html, zipped)": one top-level ``.html`` and its ``images/``."""
    top = [name for name in names if "/" not in name]
    rest = [name for name in names if "/" in name]
    return (len(top) == 1 and top[0].lower().endswith(".html") and top[0] != "index.html"
            and all(name.startswith("images/") for name in rest))


def detect(source: Path) -> str:
    """The kind of ``source`` (one of ``KINDS``); a clear error for anything else."""
    if source.suffix.lower() == ".docx" and source.is_file():
        return "docx"
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    names = _names(source)
    stems = {name.rsplit("/", 1)[-1] for name in names}
    if "entities.xml" in stems:
        return "confluence-xml"
    if any(_NOTION_STEM.search(stem.rsplit(".", 1)[0]) for stem in stems) or (
            names and all(_NOTION_PART.match(name) for name in names)):
        return "notion"
    if any(name.startswith(("Takeout/Drive/", "Drive/")) for name in names) or _gdocs_download(names):
        return "gdocs"
    if "index.html" in stems and any(name.endswith(".html") and name.rsplit("/", 1)[-1] != "index.html"
                                     for name in names):
        return "confluence"
    if source.is_dir() and any(name.lower().endswith(".docx") for name in names):
        return "docx"
    top_level = [name.lower() for name in names if "/" not in name]
    if source.is_dir() and any(name.endswith((".xml", ".xhtml")) for name in top_level):
        return "confluence-storage"
    raise UsageError(f"{source}: cannot tell which kind of export this is; give --from ({', '.join(KINDS)})")
