"""The site a docs folder is written for (MkDocs, Docusaurus, GitBook, Obsidian or none), and what it says
about titles, order and the Markdown dialect.

``detect`` looks in the folder and the one above it (``push docs`` finds the ``mkdocs.yml`` beside
``docs/``), or takes ``--site``. The ``Site`` it returns gives the reader its ``MarkdownOptions`` and, after
the folder scan, sets titles and sibling order from the site's navigation (``arrange``); front matter and
numeric prefixes stay the fallback for pages the navigation does not name.

- mkdocs (``mkdocs.yml``): ``nav`` titles and sections, awesome-pages ``.pages`` files, the
  ``markdown_extensions`` the reader enables.
- docusaurus (``docusaurus.config.*``, ``sidebars.*``, ``_category_`` files): ``sidebar_label`` and
  ``sidebar_position`` front matter, ``_category_.json``/``.yml``, ``sidebars.js`` as a plain literal.
- gitbook (``SUMMARY.md``, ``.gitbook.yaml``): ``SUMMARY.md``.
- obsidian (``.obsidian/``): file names; wikilinks resolved against the vault.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import UsageError
from productive_docs.converter.readers.markdown_options import PLAIN, MarkdownOptions

SITES = ("auto", "plain", "mkdocs", "docusaurus", "gitbook", "obsidian")


@dataclass(frozen=True, slots=True)
class NavEntry:
    """What the site's navigation says of one page: its position (smaller first) and title, if any."""

    position: float
    title: str | None = None


@dataclass(slots=True)
class Site:
    """A detected site; ``kind`` is one of ``SITES`` but ``auto``."""

    kind: str = "plain"
    #: Reader options shared by every file (``options_for`` adds the file's own path).
    options: MarkdownOptions = PLAIN
    #: Page key (as the scan names pages) -> what the navigation says of it.
    nav: dict[str, NavEntry] = field(default_factory=dict)
    #: Page key -> the folder page it belongs under when the navigation puts it elsewhere than on disk.
    parents: dict[str, str] = field(default_factory=dict)
    #: Things the site's configuration holds that could not be followed, one line each.
    problems: list[str] = field(default_factory=list)
    #: What a run says about the site once (snippets read from a site root above the synced folder).
    notes: list[str] = field(default_factory=list)
    #: Extra page suffixes -> reader format (``.mdx`` for Docusaurus).
    suffixes: dict[str, str] = field(default_factory=dict)
    #: Files of the folder that configure the site rather than being pages (``SUMMARY.md``).
    not_pages: frozenset[str] = frozenset()

    @property
    def plain(self) -> bool:
        return self.kind == "plain"

    @property
    def salt(self) -> str:
        """What the site adds to file fingerprints: its kind and its titles (a remembered title must not
        outlive a change of the navigation); nothing for a plain folder."""
        if self.plain:
            return ""
        titles = sorted((key, entry.title or "") for key, entry in self.nav.items())
        return f"site={self.kind}:{hashlib.sha256(repr(titles).encode('utf-8')).hexdigest()[:16]}\n"

    def options_for(self, key: str) -> MarkdownOptions | None:
        """The reader options of the file ``key`` (None: read as plain Markdown)."""
        return None if self.plain else replace(self.options, document=key)

    def front_matter(self, metadata: dict[str, Any]) -> dict[str, Any]:
        """A file's front matter with this site's keys for title and order read as ``title`` and ``order``
        (Docusaurus: ``sidebar_label``, ``sidebar_position``)."""
        if self.kind != "docusaurus":
            return metadata
        out = dict(metadata)
        if metadata.get("sidebar_label"):
            out["title"] = metadata["sidebar_label"]
        if metadata.get("sidebar_position") is not None:
            out["order"] = metadata["sidebar_position"]
        return out


#: At most this many files of a docs folder are listed for link resolution.
MAX_FILES = 50_000


def site_files(folder: Path) -> frozenset[str]:
    """The files of ``folder`` (relative paths; hidden folders left out), for links and wikilinks."""
    out: list[str] = []
    for directory, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [Path(directory, name).relative_to(folder).as_posix() for name in sorted(files)]
        if len(out) >= MAX_FILES:
            break
    return frozenset(out[:MAX_FILES])


def detect(folder: Path, choice: str = "auto") -> Site:
    """The site of ``folder``: ``choice`` names it, or ``auto`` looks for the site's files."""
    from productive_docs.sync.engine.sites import docusaurus, gitbook, mkdocs, obsidian

    folder = Path(folder)
    if choice not in SITES:
        raise UsageError(f"unknown site {choice!r} (choose from {', '.join(SITES)})")
    builders = {"mkdocs": mkdocs.build, "docusaurus": docusaurus.build, "gitbook": gitbook.build,
                "obsidian": obsidian.build}
    if choice == "plain":
        return Site()
    kind = choice if choice != "auto" else next(
        (kind for kind, found in (("mkdocs", mkdocs.present), ("docusaurus", docusaurus.present),
                                  ("gitbook", gitbook.present), ("obsidian", obsidian.present))
         if found(folder)), "plain")
    if kind == "plain":
        return Site()
    files = site_files(folder)
    site = builders[kind](folder, files)
    site.options = replace(site.options, pages=files)
    return site
