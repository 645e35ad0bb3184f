"""Docusaurus: ``_category_.json``/``.yml`` (folder ``label`` and ``position``), ``sidebar_label`` and
``sidebar_position`` front matter (``Site.front_matter``), ``.mdx`` pages, and ``sidebars.js`` when it is
a plain object literal (anything computed is reported and left to the front matter)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import NavEntry, Site

MARKERS = ("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs", "sidebars.js",
           "sidebars.ts")
CATEGORY_FILES = ("_category_.json", "_category_.yml", "_category_.yaml")
MAX_CATEGORIES = 10_000


def present(folder: Path) -> bool:
    for where in (folder, folder.resolve().parent):
        if any((where / name).is_file() for name in MARKERS):
            return True
    return any(folder.glob("*/_category_.json")) or any(folder.glob("*/_category_.yml"))


def build(folder: Path, files: frozenset[str] = frozenset()) -> Site:
    import yaml  # only for a Docusaurus folder, not to look for one

    site = Site("docusaurus", MarkdownOptions("docusaurus"), suffixes={".mdx": "md"})
    for count, path in enumerate(sorted(p for name in CATEGORY_FILES for p in folder.rglob(name))):
        if count >= MAX_CATEGORIES:
            break
        rel = path.parent.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError, OSError) as exc:
            site.problems.append(f"{rel}/{path.name}: cannot be read ({exc}): ignored")
            continue
        if isinstance(data, dict) and rel != ".":
            position = data.get("position")
            position = float(position) if isinstance(position, int | float) else float("inf")
            site.nav[rel + "/"] = NavEntry(position, str(data["label"]) if data.get("label") else None)
    sidebars = next((where / name for where in (folder, folder.resolve().parent)
                     for name in ("sidebars.js", "sidebars.ts") if (where / name).is_file()), None)
    if sidebars is not None:
        _sidebars(sidebars, site)
    return site


_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_OBJECT = re.compile(r"(?:const\s+\w+(?:\s*:\s*[\w.]+)?\s*=|module\.exports\s*=|export\s+default)\s*(\{.*\})",
                     re.DOTALL)


def _sidebars(path: Path, site: Site) -> None:
    """The order of a ``sidebars.js`` that is a plain object literal (read as YAML flow style)."""
    import yaml

    text = _COMMENTS.sub("", path.read_text(encoding="utf-8", errors="replace"))
    match = _OBJECT.search(text)
    try:
        data = yaml.safe_load(match[1]) if match else None
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        site.problems.append(f"{path.name}: not a plain object literal: order from front matter")
        return
    counter = [0]
    for items in data.values():
        _items(items, site, counter)


def _items(items: Any, site: Site, counter: list[int]) -> None:
    for item in items if isinstance(items, list) else []:
        counter[0] += 1
        if isinstance(item, str):
            site.nav.setdefault(item + ".md", NavEntry(counter[0] - 1_000_000))
            site.nav.setdefault(item + ".mdx", NavEntry(counter[0] - 1_000_000))
        elif isinstance(item, dict) and item.get("type") == "doc" and isinstance(item.get("id"), str):
            label = item.get("label")
            for suffix in (".md", ".mdx"):
                site.nav[item["id"] + suffix] = NavEntry(counter[0] - 1_000_000, label)
        elif isinstance(item, dict) and item.get("type") == "category":
            _items(item.get("items"), site, counter)
