"""Obsidian: a vault (``.obsidian/`` present); ``[[wikilinks]]`` and ``![[embeds]]`` resolve by file name
anywhere in the vault, as Obsidian resolves them."""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import Site

#: At most this many vault files are indexed for wikilinks.
MAX_FILES = 50_000


def present(folder: Path) -> bool:
    return (folder / ".obsidian").is_dir()


def build(folder: Path) -> Site:
    names: dict[str, str] = {}
    count = 0
    for directory, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            count += 1
            if count > MAX_FILES:
                break
            rel = Path(directory, name).relative_to(folder).as_posix()
            for key in (rel.lower(), name.lower(), rel.lower().removesuffix(".md"),
                        name.lower().removesuffix(".md")):
                names.setdefault(key, rel)
    return Site("obsidian", MarkdownOptions("obsidian", wikilinks=MappingProxyType(names)))
