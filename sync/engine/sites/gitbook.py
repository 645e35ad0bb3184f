"""GitBook: ``SUMMARY.md`` gives titles and order (a nested list of links); it is not itself a page."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import NavEntry, Site

SUMMARY = "SUMMARY.md"
_ENTRY = re.compile(r"^\s*[*+-]\s+\[((?:\\.|[^\]\\])+)\]\(<?([^)>\s]+)>?\)")
_GROUP = re.compile(r"^#{2,}\s+(.+?)\s*$")
_TAG = re.compile(r"<[^>]*>")
_ESCAPE = re.compile(r"\\(.)")


def present(folder: Path) -> bool:
    return (folder / SUMMARY).is_file() or (folder / ".gitbook.yaml").is_file()


def build(folder: Path, files: frozenset[str] = frozenset()) -> Site:
    site = Site("gitbook", MarkdownOptions("gitbook"), not_pages=frozenset({SUMMARY}))
    path = folder / SUMMARY
    if not path.is_file():
        return site
    group: tuple[str, list[str]] | None = None  # a ``## Group`` heading and the pages under it
    for position, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        heading = _GROUP.match(line)
        if heading:
            _title_group(site, group)
            group = (_TAG.sub("", heading[1]).strip(), [])
            continue
        match = _ENTRY.match(line)
        if match is None or "://" in match[2]:
            continue
        key = posixpath.normpath(unquote(match[2]).partition("#")[0])
        if posixpath.basename(key).lower() in ("readme.md", "index.md"):
            parent = posixpath.dirname(key)
            key = f"{parent}/" if parent else ""
        site.nav.setdefault(key, NavEntry(position, _ESCAPE.sub(r"\1", match[1]).strip()))
        if group is not None:
            group[1].append(key)
    _title_group(site, group)
    return site


def _title_group(site: Site, group: tuple[str, list[str]] | None) -> None:
    """A ``## Group`` whose pages all sit in one folder titles that folder."""
    if group is None or not group[1]:
        return
    folders = {posixpath.dirname(key.rstrip("/")) for key in group[1] if not key.endswith("/")}
    if len(folders) == 1 and (folder := folders.pop()) and f"{folder}/" not in site.nav:
        site.nav[f"{folder}/"] = NavEntry(min(site.nav[k].position for k in group[1]), group[0])
