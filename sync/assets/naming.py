"""Rules for every file name made from remote text: pulled page titles (``sync.engine.pull``), downloaded
attachments (``sync.assets.download``) and Confluence imports (``sync.confluence``). Names Windows refuses
are changed; lengths are capped in UTF-8 bytes, what file systems count (255 on ext4 and APFS: a title of
100 emoji is 400 bytes); stems that end in a mark of the tool's own files are escaped."""

from __future__ import annotations

#: Device names Windows reserves whatever follows the first dot (``con.txt`` and ``con.tar.gz`` are both
#: the console), compared case-insensitively.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})


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
