"""Obsidian: a vault (``.obsidian/`` present); ``[[wikilinks]]`` and ``![[embeds]]`` resolve by file name
anywhere in the vault, as Obsidian resolves them."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import Site


def present(folder: Path) -> bool:
    return (folder / ".obsidian").is_dir()


def build(folder: Path, files: frozenset[str]) -> Site:
    names: dict[str, str] = {}
    for rel in sorted(files):
        name = rel.rsplit("/", 1)[-1].lower()
        for key in (rel.lower(), name, rel.lower().removesuffix(".md"), name.removesuffix(".md")):
            names.setdefault(key, rel)
    return Site("obsidian", MarkdownOptions("obsidian", wikilinks=MappingProxyType(names)))
