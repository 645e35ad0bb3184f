"""File names Windows refuses, for every place that makes a name from remote text: pulled page titles
(``sync.pull``), downloaded attachments (``sync.downloads``) and Confluence imports (``sync.confluence``)."""

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
