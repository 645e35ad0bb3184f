"""Titles and sibling order from the site's navigation, applied to a scanned tree.

Pages the navigation names take its position and title; a folder sits where the first page inside it is
named (or where the navigation names the folder itself). Pages it does not name keep the scan's own order
(front matter, numeric prefix, else last), on the same scale: Docusaurus ``_category_`` positions and
``sidebar_position`` front matter interleave as on the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from productive_docs.sync.engine.folder import LocalTree
    from productive_docs.sync.engine.sites import Site


def arrange(tree: LocalTree, site: Site) -> None:
    """Apply ``site.nav`` (and drop the site's configuration files) in place; what the site's configuration
    holds that could not be followed goes to the report of the folder's own page."""
    if "" in tree.pages:
        for problem in site.problems:
            tree.pages[""].report.add(f"{site.kind} configuration: {problem}", "ignored")
    for key in site.not_pages & tree.pages.keys():
        parent = tree.pages[key].parent
        del tree.pages[key]
        if parent is not None and parent in tree.pages:
            tree.pages[parent].children.remove(key)
    if not site.nav:
        return
    for key, parent in site.parents.items():
        _move(tree, key, parent)
    positions: dict[str, float] = {}
    for key, entry in site.nav.items():
        page = tree.pages.get(key)
        if page is None:
            continue
        if entry.title:
            page.title = entry.title
        while page is not None:
            positions[page.key] = min(positions.get(page.key, entry.position), entry.position)
            page = tree.pages.get(page.parent) if page.parent is not None else None
    from productive_docs.sync.engine.folder import children_list  # folder imports this module

    for page in tree.pages.values():
        if page.children:
            page.children.sort(key=lambda k: (positions.get(k, tree.pages[k].sort_key[0]),
                                              tree.pages[k].sort_key[1]))
            if page.source is None:  # a generated list of the children: with their site titles and order
                page.doc = children_list([tree.pages[k] for k in page.children], page.key)


def _move(tree: LocalTree, key: str, parent: str) -> None:
    """Put page ``key`` under folder page ``parent`` (not into its own subtree; a missing page: nothing)."""
    page, new = tree.pages.get(key), tree.pages.get(parent)
    if page is None or new is None or page.parent is None or key == "" or parent.startswith(key):
        return
    old = tree.pages.get(page.parent)
    if old is not None and key in old.children:
        old.children.remove(key)
    page.parent = parent
    new.children.append(key)
