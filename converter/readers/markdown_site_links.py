"""Links as the site resolves them: a site-absolute link (``/guide/setup``) names a file of the docs root,
and a route without a suffix (``../commands/npm-config``, Docusaurus ``/docs/intro``) names the Markdown
file the generator builds it from. Each such link is rewritten to the file's path relative to the document
(so the sync turns it into a page link like any relative link); one that names no file is reported with
its line. Only for files read with a site dialect whose options list the site's files."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.converter.report import Report

#: How a route names a file: itself, with a Markdown suffix, or the index of a folder.
_ROUTE_FILES = ("", ".md", ".mdx", "/index.md", "/README.md", "/index.mdx", ".html")
#: Route prefixes a generator puts before the docs (Docusaurus ``routeBasePath``).
_ROUTE_PREFIXES = ("", "docs/")


def resolve_links(doc: Node, options: MarkdownOptions, report: Report) -> None:
    """Rewrite site-absolute and route links of ``doc`` in place (see the module docstring)."""
    base = posixpath.dirname(options.document)
    stack = [doc]
    while stack:
        node = stack.pop()
        stack.extend(node.content)
        for index, mark in enumerate(node.marks):
            href = mark.attrs.get("href") if mark.type == "link" else None
            if not isinstance(href, str) or not href or href.startswith(("#", "//")):
                continue
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            absolute = path.startswith("/")
            target = posixpath.normpath(path.lstrip("/") if absolute else posixpath.join(base, path))
            if target in options.pages or target.startswith("../"):
                if absolute:
                    node.marks[index] = _relinked(mark, target, base, parts.fragment)
                continue
            found = next((t for prefix in _ROUTE_PREFIXES for suffix in _ROUTE_FILES
                          if (t := posixpath.normpath(target.removeprefix(prefix).rstrip("/") + suffix))
                          in options.pages), None)
            if found is not None:
                node.marks[index] = _relinked(mark, found, base, parts.fragment)
                report.add(f"site link {href}", f"link to {found}", node.line)
            elif absolute:
                report.add(f"site link {href} (no such file in the docs)", "kept as is", node.line)


def _relinked(mark: Mark, target: str, base: str, fragment: str) -> Mark:
    relative = posixpath.relpath(target, base or ".")
    return Mark("link", {**mark.attrs, "href": relative + (f"#{fragment}" if fragment else "")})
