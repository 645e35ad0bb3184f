"""What the Markdown reader is told about the site a file belongs to (the "dialect"), as one frozen value.

A docs folder written for a site generator uses that generator's Markdown: MkDocs (Python-Markdown with
pymdownx), Docusaurus (MDX), Obsidian or GitBook. The site detector (``sync.engine.sites``) or the
``convert --site`` option builds these options; the reader enables a dialect's constructs only when told
to, so a plain folder reads exactly as CommonMark + GFM always did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

DIALECTS = ("plain", "mkdocs", "docusaurus", "obsidian", "gitbook")

#: Snippet files included into one another: at most this deep (a file including itself stops there).
MAX_SNIPPET_DEPTH = 4
#: A snippet file larger than this is not read (reported).
MAX_SNIPPET_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """How to read one file. ``dialect`` is one of ``DIALECTS``.

    ``snippet_root``: the folder snippets (``--8<--``) may be read from (the site's root, where mkdocs.yml
    is); ``snippet_bases``: folders, below it, that snippet names are looked up in (pymdownx
    ``base_path``); ``auto_append``: snippet names appended to every page. ``document``: the file's path
    relative to the docs root; ``wikilinks``: lower-cased file name (with and without suffix) -> the path,
    relative to the docs root, of the vault file it names (Obsidian resolves ``[[Name]]`` anywhere in the
    vault). ``features``: the MkDocs ``markdown_extensions`` the site enables (None: all the dialect has);
    a construct whose extension is not enabled stays text (and the lint pass reports it).
    """

    dialect: str = "plain"
    snippet_root: Path | None = None
    snippet_bases: tuple[Path, ...] = ()
    auto_append: tuple[str, ...] = ()
    document: str = ""
    wikilinks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    features: frozenset[str] | None = None
    #: Every file of the docs root (relative paths), to resolve site-absolute and route links against.
    pages: frozenset[str] = frozenset()

    @property
    def plain(self) -> bool:
        return self.dialect == "plain"


PLAIN = MarkdownOptions()

#: MkDocs reader rule -> the ``markdown_extensions`` entries that enable it (any one suffices).
MKDOCS_FEATURES: dict[str, tuple[str, ...]] = {
    "content_tab": ("pymdownx.tabbed", "pymdownx.blocks.tab"),
    "pymdownx_block": ("pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.tab",
                       "pymdownx.blocks.html", "pymdownx.blocks.definition", "pymdownx.blocks.caption"),
    "md_in_html": ("md_in_html", "markdown.extensions.md_in_html"),
    "snippet": ("pymdownx.snippets",),
    "abbreviation": ("abbr", "markdown.extensions.abbr"),
    "attr_list": ("attr_list", "markdown.extensions.attr_list"),
    "critic": ("pymdownx.critic",),
    "mark": ("pymdownx.mark",),
    "insert": ("pymdownx.caret",),
    "sup": ("pymdownx.caret",),
    "sub": ("pymdownx.tilde",),
    "keys": ("pymdownx.keys",),
    "shortcode": ("pymdownx.emoji",),
}


def enabled(options_features: frozenset[str] | None, rule: str) -> bool:
    """Whether a dialect rule is on for a site enabling ``options_features`` (None: every rule)."""
    needs = MKDOCS_FEATURES.get(rule)
    return options_features is None or needs is None or any(name in options_features for name in needs)
