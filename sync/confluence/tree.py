"""The page tree of an export, and the Markdown path each page gets in the output folder.

``index.html`` lists the space as nested lists: each ``<li>`` holds a link to a page and zero or more
``<ul>`` of its children. A page the list leaves out is hung under the last page of its breadcrumbs that
the export has (or under the home page when none is). The home page (the first root; Confluence marks it
with a house icon) becomes the root ``index.md``; every other page becomes ``<slug>.md``, or
``<slug>/index.md`` when it has children.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from productive_docs.converter.readers.html import parse_tree
from productive_docs.converter.readers.html_tree import Element
from productive_docs.sync.assets.naming import WINDOWS_RESERVED
from productive_docs.sync.assets.naming import import_slug as slug
from productive_docs.sync.confluence.pages import PageMeta

N = TypeVar("N")

#: Stems a page may not take: the folder page, the asset folders, the report beside the pages, and the above.
RESERVED_STEMS = frozenset({"index", "assets", "import-report"}) | WINDOWS_RESERVED


@dataclass(slots=True)
class TreeNode:
    """One page in the tree: its export file name (the href, until canonicalised), title and children."""

    file: str
    title: str
    children: list[TreeNode] = field(default_factory=list)
    from_breadcrumbs: bool = False

    def walk(self) -> list[TreeNode]:
        """This node and all below it, parents before children."""
        nodes = [self]
        for child in self.children:
            nodes += child.walk()
        return nodes


def _node(li: Element) -> TreeNode | None:
    link = li.find("a", href=True, recursive=False)
    if link is None:
        return None
    node = TreeNode(str(link["href"]), " ".join(link.get_text().split()))
    for sublist in li.find_all("ul", recursive=False):
        node.children += [child for child in map(_node, sublist.find_all("li", recursive=False)) if child]
    return node


def read_index(html: str) -> list[TreeNode]:
    """The page tree of ``index.html``: its outermost lists of page links, roots in order."""
    roots: list[TreeNode] = []
    for ul in parse_tree(html).find_all("ul"):
        if ul.find_parent(["ul", "li"]) is not None:
            continue
        roots += [node for node in map(_node, ul.find_all("li", recursive=False)) if node]
    return roots


def build_tree(index_roots: list[TreeNode], pages: dict[str, PageMeta]) -> tuple[TreeNode, list[TreeNode]]:
    """The home page and the other roots, with pages missing from ``index.html`` placed by breadcrumbs.

    Links in the index to files the export lacks are dropped; every page in ``pages`` ends up exactly once.
    """
    placed: dict[str, TreeNode] = {}

    def keep(node: TreeNode) -> TreeNode | None:
        if node.file not in pages or node.file in placed:
            return None
        placed[node.file] = node
        node.children = [kept for kept in map(keep, node.children) if kept]
        return node

    roots = [kept for kept in map(keep, index_roots) if kept]
    if not roots:
        first = min(pages, key=lambda f: len(pages[f].breadcrumbs))
        roots = [TreeNode(first, pages[first].title, from_breadcrumbs=True)]
        placed[first] = roots[0]
    home = roots[0]

    def place(file: str, seen: frozenset[str]) -> TreeNode:
        if file in placed:
            return placed[file]
        node = placed[file] = TreeNode(file, pages[file].title, from_breadcrumbs=True)
        avoid = seen | {file}
        parents = [crumb for crumb in pages[file].breadcrumbs if crumb in pages and crumb not in avoid]
        parent = place(parents[-1], seen | {file}) if parents else home
        parent.children.append(node)
        return node

    for file in sorted(pages):
        place(file, frozenset())
    return home, roots[1:]


def unique_stem(wanted: str, taken: set[str]) -> str:
    """``wanted`` or ``wanted-2``, ``wanted-3`` ...: free in ``taken`` (compared case-insensitively)."""
    stem, number = wanted, 1
    while stem.lower() in taken or stem.lower() in RESERVED_STEMS:
        number += 1
        stem = f"{wanted}-{number}"
    taken.add(stem.lower())
    return stem


def place_in_folders(nodes: Sequence[N], folder: str, paths: dict[str, str], key: Callable[[N], str],
                     page_id: Callable[[N], str | None], children: Callable[[N], Sequence[N]],
                     title: Callable[[N], str]) -> None:
    """Each node's output path into ``paths`` (its key -> path), and its subpages' below it: a node with
    subpages is ``<slug>/index.md``, the others ``<slug>.md``; names unique per folder, a title with no
    slug named after the page id. The one naming of an imported tree, whatever the export."""
    taken: set[str] = set()
    for node in nodes:
        stem = unique_stem(slug(title(node)) or f"page-{page_id(node) or len(paths)}", taken)
        below = children(node)
        if below:
            paths[key(node)] = f"{folder}{stem}/index.md"
            place_in_folders(below, f"{folder}{stem}/", paths, key, page_id, children, title)
        else:
            paths[key(node)] = f"{folder}{stem}.md"


def assign_paths(home: TreeNode, others: list[TreeNode], pages: dict[str, PageMeta]) -> dict[str, str]:
    """Export file name -> output path (``/``-separated, relative to the output folder)."""
    paths = {home.file: "index.md"}
    place_in_folders(home.children + others, "", paths, key=lambda node: node.file,
                     page_id=lambda node: pages[node.file].page_id, children=lambda node: node.children,
                     title=lambda node: node.title)
    return paths
