"""File names made from remote or foreign text, in one place: pulled page titles (``sync.engine.pull``),
downloaded attachments (``sync.assets.download``) and Confluence imports (``sync.confluence``).

Each caller keeps the policy its users already have files named by (a rename would make the next pull or
import write every file again under a new name; ``tests/sync/test_names_stable.py`` pins them); what they
share lives here once: Windows' reserved names, the characters no file system takes, Unicode normalised,
lengths capped in UTF-8 bytes (what file systems count: 255 on ext4 and APFS; a title of 100 emoji is 400
bytes), and stems that end in a mark of the tool's own files escaped.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

#: Device names Windows reserves whatever follows the first dot (``con.txt`` and ``con.tar.gz`` are both
#: the console), compared case-insensitively.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})
#: Characters Windows, macOS or Linux refuse in a name, and control characters.
_UNPORTABLE = r'\x00-\x1f\x7f<>:"/\\|?*'
_PAGE_UNSAFE = re.compile(f"[{_UNPORTABLE}]+")
_DOWNLOAD_UNSAFE = re.compile(f"[{_UNPORTABLE}]")

PAGE_NAME_MAX = 100
DOWNLOAD_NAME_MAX = 120
IMPORT_ASSET_NAME_MAX = 80
#: Confluence attachment names: bytes of the stem (room left for the suffix and a number).
IMPORT_ASSET_NAME_BYTES = 160
IMPORT_STEM_MAX = 60


def unreserved(name: str, tag: str) -> str:
    """``name``, or when Windows reserves it, ``name`` with ``-tag`` after its first dot-separated part
    (``con.txt`` -> ``con-file.txt``): a suffix added at the end would leave the device name in front."""
    base, dot, rest = name.partition(".")
    return f"{base}-{tag}{dot}{rest}" if base.lower() in WINDOWS_RESERVED else name


#: Bytes of one file name on common file systems (ext4, APFS, btrfs, xfs: 255).
MAX_NAME_BYTES = 255
#: The mark of the tool's conflict copies: ``NAME.remote.md`` beside ``NAME.md`` (``sync.engine.folder``).
REMOTE_MARK = ".remote"
#: Bytes kept free after a capped stem, for what the tool may append: a number that makes it unique
#: (``" 12"``), the conflict mark and a suffix (``".remote.md"``), an escape (``"-page"``).
SUFFIX_ROOM = 32


def cap_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def stem_of(text: str, tag: str) -> str:
    """``text`` as the stem of a name that the tool will extend: capped to leave ``SUFFIX_ROOM`` bytes (no
    space or dot left at its end, which Windows drops), and
    escaped with ``-tag`` when it ends in ``REMOTE_MARK`` (a page titled ``Notes.remote`` would otherwise be
    pulled to ``Notes.remote.md``, which push takes for the conflict copy of a page ``Notes``)."""
    stem = cap_bytes(text, MAX_NAME_BYTES - SUFFIX_ROOM).rstrip(" .")
    return f"{stem}-{tag}" if stem.lower().endswith(REMOTE_MARK) else stem


def page_stem(title: str, taken: set[str]) -> str:
    """Pull: a file-name stem from a page title: no separators, no ``..``, no reserved or hidden names,
    Unicode kept, unique in ``taken`` (compared case-insensitively; the result is added to it)."""
    name = _PAGE_UNSAFE.sub("-", unicodedata.normalize("NFC", title)).strip(" .-") or "untitled"
    name = stem_of(name[:PAGE_NAME_MAX].rstrip(" .-"), "page") or "untitled"
    name = unreserved(name, "page")
    if name.lower() in {"index", "readme"}:
        name += "-page"
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{name} {number}", number + 1
    taken.add(candidate.lower())
    return candidate


def download_name(name: str) -> str:
    """Download: a file name that cannot leave its folder or trouble a file system; Unicode kept, length
    capped (the suffix kept)."""
    cleaned = unreserved(_DOWNLOAD_UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" ."), "file")
    if not cleaned:
        return "file"
    if len(cleaned) > DOWNLOAD_NAME_MAX or len(cleaned.encode("utf-8")) > MAX_NAME_BYTES - SUFFIX_ROOM:
        suffix = PurePosixPath(cleaned).suffix[:16]
        stem = cleaned[: DOWNLOAD_NAME_MAX - len(suffix)]
        cleaned = cap_bytes(stem, MAX_NAME_BYTES - SUFFIX_ROOM - len(suffix.encode())).rstrip(" .") + suffix
    return cleaned


_IMPORT_UNSAFE = re.compile(r"[^\w.+-]+")


def import_asset_name(name: str, fallback_suffix: str = "") -> str:
    """Confluence import: an attachment's file name, valid and harmless everywhere: no separators, no
    leading dots, bounded length (``fallback_suffix`` when the name has no usable one)."""
    name = unicodedata.normalize("NFKC", name).strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,8}", suffix):
        stem, suffix = name, fallback_suffix.lstrip(".")
    stem = _IMPORT_UNSAFE.sub("-", stem).strip("-._")[:IMPORT_ASSET_NAME_MAX]
    stem = cap_bytes(stem, IMPORT_ASSET_NAME_BYTES)
    stem = unreserved(stem or "file", "file")
    suffix = _IMPORT_UNSAFE.sub("", suffix)
    return f"{stem}.{suffix}" if suffix else stem


def import_slug(title: str) -> str:
    """Confluence import: a page's file-name stem: ASCII letters, digits and dashes, lower case, bounded."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:IMPORT_STEM_MAX].rstrip("-")
