"""Links between pages: which hrefs point at a Confluence page, and where that page lives in the output.

Confluence writes a link to another page in several forms; all of them name the page by its id or by its
export file name:

- ``Title_123456.html`` and ``123456.html`` (the export's own file names, possibly ``%``-encoded);
- ``/wiki/spaces/KEY/pages/123456/Title`` and the same on the site's full URL;
- ``/pages/viewpage.action?pageId=123456``;
- tiny links ``/wiki/x/<code>``, the page id as little-endian bytes in a URL-safe base64 variant.

A link to a page in the export becomes a relative link to its Markdown file; a page link whose target is
not in the export is left as it is and reported.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from productive_docs.sync.confluence.pages import page_id_of

_SPACE_PAGE = re.compile(r"/spaces/[^/]+/pages/(\d+)(?:/|$)")
_TINY = re.compile(r"/x/([A-Za-z0-9_-]+)/?$")


@dataclass(frozen=True, slots=True)
class PageRef:
    """What a page link names: a page id, an export file name, or both."""

    page_id: str | None
    file: str | None


def tiny_link_id(code: str) -> str | None:
    """The page id of a Confluence tiny link code (``/wiki/x/<code>``)."""
    padded = code.replace("-", "/").replace("_", "+").ljust(12, "A")
    try:
        return str(int.from_bytes(base64.b64decode(padded), "little"))
    except (binascii.Error, ValueError):
        return None


def page_ref(href: str) -> PageRef | None:
    """The page an href names, or ``None`` when it is not a link to a Confluence page."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    if parts.scheme in ("", "http", "https") and (match := _SPACE_PAGE.search(path)):
        return PageRef(match.group(1), None)
    if path.endswith("/viewpage.action") and (ids := parse_qs(parts.query).get("pageId")):
        return PageRef(ids[0], None)
    if "/wiki/" in f"/{path}" and (match := _TINY.search(path)):
        return PageRef(tiny_link_id(match.group(1)), None)
    if not parts.scheme and not parts.netloc and path.endswith(".html") and "/" not in path:
        return PageRef(page_id_of(path), parts.path)
    return None


class PageLinks:
    """Resolves page links to relative Markdown paths between output files."""

    def __init__(self, paths: dict[str, str], page_ids: dict[str, str],
                 find: Callable[[str], str | None]) -> None:
        """Maps: export file -> output path, page id -> export file; ``find``: an href -> its export file."""
        self.paths = paths
        self.page_ids = page_ids
        self.find = find

    def target(self, ref: PageRef) -> str | None:
        """The output path of the page a reference names, if the export has it."""
        file = self.find(ref.file) if ref.file else None
        if file in self.paths:
            return self.paths[file]
        if ref.page_id in self.page_ids:
            return self.paths[self.page_ids[ref.page_id]]
        return None

    def rewrite(self, href: str, from_path: str) -> tuple[bool, str]:
        """(is a page link, new href): the relative link from ``from_path``, or ``href`` unchanged.

        The fragment is kept, so a link to a heading still names it.
        """
        ref = page_ref(href)
        if ref is None:
            return False, href
        target = self.target(ref)
        if target is None:
            return True, href
        relative = posixpath.relpath(target, posixpath.dirname(from_path) or ".")
        return True, urlunsplit(("", "", relative, "", urlsplit(href).fragment))
