"""GitBook: ``SUMMARY.md`` gives titles and order (a nested list of links); it is not itself a page."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import NavEntry, Site

SUMMARY = "SUMMARY.md"
_ENTRY = re.compile(r"^\s*[*+-]\s+\[([^\]]+)\]\(<?([^)>\s]+)>?\)")


def present(folder: Path) -> bool:
    return (folder / SUMMARY).is_file() or (folder / ".gitbook.yaml").is_file()


def build(folder: Path, files: frozenset[str] = frozenset()) -> Site:
    site = Site("gitbook", MarkdownOptions("gitbook"), not_pages=frozenset({SUMMARY}))
    path = folder / SUMMARY
    if not path.is_file():
        return site
    for position, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        match = _ENTRY.match(line)
        if match is None or "://" in match[2]:
            continue
        key = posixpath.normpath(unquote(match[2]).partition("#")[0])
        if posixpath.basename(key).lower() in ("readme.md", "index.md"):
            parent = posixpath.dirname(key)
            key = f"{parent}/" if parent else ""
        site.nav.setdefault(key, NavEntry(position, match[1].strip()))
    return site
