"""Links between pages: relative file links on disk <-> page URLs in Productive.

On push, a link such as ``../guide/setup.md#install`` becomes the web-app URL of the page made from that
file (spec §8: ``https://app.productive.io/<org>/docs/doc/<root>?page=<page>``). Whether the app accepts the
URL without the organisation's slug, and how it addresses a heading, is unknown [?], so the template is an
option (``--link-template``) and the fragment is carried over as is. On pull, URLs that match the template
turn back into relative paths.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from productive_docs.converter.model import Mark, Node
from productive_docs.sync.assets.references import is_file_link, map_tree
from productive_docs.sync.engine.folder import INDEX_NAMES

#: spec §8 [?]: the organisation slug is left out, as it is not known from the API.
DEFAULT_TEMPLATE = "https://app.productive.io/{org_id}/docs/doc/{root_id}?page={page_id}"
_FIELDS = ("org_id", "root_id", "page_id")


class LinkProblem(NamedTuple):
    """A link left as it was: its href, why, and the source line of its paragraph (when known)."""

    href: str
    why: str
    line: int | None = None


@dataclass(slots=True)
class LinkResult:
    """A document with its links rewritten, and what could not be rewritten."""

    doc: Node
    #: Keys of pages linked to that have no id yet (created later in this run).
    waiting: set[str] = field(default_factory=set)
    #: Links left as they were.
    problems: list[LinkProblem] = field(default_factory=list)
    #: Page key -> id of every page linked to.
    targets: dict[str, str] = field(default_factory=dict)


def map_marks(doc: Node, change: Callable[[Mark, int | None], Mark]) -> Node:
    """A copy of ``doc`` with every mark passed through ``change`` with the nearest known source line
    (untouched subtrees are shared)."""

    def change_marks(node: Node, line: int | None) -> Node:
        marks = [change(mark, line) for mark in node.marks]
        if all(new is old for new, old in zip(marks, node.marks, strict=True)):
            return node
        return replace(node, marks=marks)

    return map_tree(doc, change_marks)


#: What a docs site's source may leave out of a linked page's file name, tried in turn: the npm docs write
#: ``[npm outdated](npm-outdated)``, Docusaurus ``./setup``, VitePress ``/guide/setup``.
IMPLIED_SUFFIXES = (".md", ".mdx", ".markdown", ".html")


def _is_relative(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and bool(parts.path) and not href.startswith("/")


def _is_site_root(href: str) -> bool:
    """A path from the site's root (``/commands/npm-outdated``): the synced folder's root, where a page
    there has that path (else the link is left as it is, unreported: it may be a path of the web site)."""
    return href.startswith("/") and not href.startswith("//")


def target_key(href_path: str, from_source: str, keys: Mapping[str, object]) -> str | None:
    """The page key a relative (or site-root) link points at, or None when it leaves the tree or names no
    page; a name without a suffix may stand for a page file (``IMPLIED_SUFFIXES``) as on a docs site."""
    base = "" if href_path.startswith("/") else posixpath.dirname(from_source)
    path = posixpath.normpath(posixpath.join(base, unquote(href_path).lstrip("/")))
    if path == "." or path.endswith("/."):
        path = path[:-1]
    if path.startswith("../") or path == "..":
        return None
    bare = path.rstrip("/")
    candidates = [path, bare + "/"] if path else [""]
    folder, _, name = bare.rpartition("/")
    if name.lower() in INDEX_NAMES:
        candidates.append(folder + "/" if folder else "")
    elif name and "." not in name:
        candidates += [bare + suffix for suffix in IMPLIED_SUFFIXES]
    return next((key for key in candidates if key in keys), None)


def to_urls(doc: Node, source: str, keys: Mapping[str, object], ids: Mapping[str, str], *,
            template: str, org_id: str, root_id: str | None) -> LinkResult:
    """Rewrite relative links of the page made from ``source`` to page URLs."""
    result = LinkResult(doc)

    def change(mark: Mark, line: int | None) -> Mark:
        href = mark.attrs.get("href") if mark.type == "link" else None
        if not isinstance(href, str) or is_file_link(href):
            return mark  # file links are attachments, uploaded by ``sync.uploads``
        site_root = _is_site_root(href)
        if not (site_root or _is_relative(href)):
            return mark
        path, _, fragment = href.partition("#")
        key = target_key(path, source, keys)
        if key is None and site_root:
            return mark
        if key is None:
            escapes = posixpath.normpath(posixpath.join(posixpath.dirname(source), path)).startswith("..")
            why = "points outside the synced tree" if escapes else "names no synced page"
            result.problems.append(LinkProblem(href, why, line))
            return mark
        page_id = ids.get(key)
        if page_id is None or root_id is None:
            result.waiting.add(key)
            return mark
        result.targets[key] = page_id
        url = template.format(org_id=org_id, root_id=root_id, page_id=page_id)
        return Mark("link", {**mark.attrs, "href": url + (f"#{fragment}" if fragment else "")})

    result.doc = map_marks(doc, change)
    return result


def url_pattern(template: str) -> re.Pattern[str]:
    """A regex matching URLs made from ``template``, capturing ``page_id``."""
    pattern = re.escape(template)
    for name in _FIELDS:
        group = f"(?P<{name}>[^/?#&]+)" if name == "page_id" else "[^/?#&]+"
        pattern = pattern.replace(re.escape("{" + name + "}"), group, 1)
    return re.compile(pattern + r"(?:#(?P<fragment>.*))?$")


def to_relative(doc: Node, source: str, files: Mapping[str, str], template: str) -> Node:
    """Rewrite page URLs to relative paths; ``files`` maps page id -> file path (relative to the folder)."""
    pattern = url_pattern(template)
    base = posixpath.dirname(source) or "."

    def change(mark: Mark, line: int | None) -> Mark:
        href = mark.attrs.get("href") if mark.type == "link" else None
        match = pattern.match(href) if isinstance(href, str) else None
        if match is None or match.group("page_id") not in files:
            return mark
        relative = posixpath.relpath(files[match.group("page_id")], base)
        fragment = match.group("fragment")
        return Mark("link", {**mark.attrs, "href": relative + (f"#{fragment}" if fragment else "")})

    return map_marks(doc, change)
