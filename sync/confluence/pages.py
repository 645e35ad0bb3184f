"""What an exported page says about itself outside its body: id, title, author, date, breadcrumbs, files.

The body (``#main-content``) is the HTML reader's job; this module reads only the page chrome, as the
Confluence export templates lay it out:

- title: ``#title-text``, ``"<Space> : <Title>"``;
- ``.page-metadata``: ``Created by <span class="author">A</span>[, last modified [by <span
  class="editor">B</span>]] on <date>``; the date is the last modification date, or the creation date of a
  page never modified. Values are kept as the export states them (no date parsing);
- ``#breadcrumbs``: links from ``index.html`` (the space) down to the parent page;
- the ``Attachments:`` section: one link per attached file, with the file's original name.

Hrefs are kept as written; ``Export.find`` maps them to the export's file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from productive_docs.converter.model import empty_doc
from productive_docs.converter.readers.gc_pause import gc_paused
from productive_docs.converter.readers.html import parse_tree, read_parsed
from productive_docs.converter.readers.html_tree import Element
from productive_docs.sync.importers.pool import PageRead, pack, read_tree

_PAGE_ID = re.compile(r"(?:^|_)(\d+)\.html$")
_DATE = re.compile(r"\bon\s+([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})\s*$")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file listed in a page's attachments section: its href (as written) and its original name."""

    path: str
    name: str


@dataclass(slots=True)
class PageMeta:
    """The facts of one exported page other than its body."""

    file: str
    page_id: str | None
    title: str
    created_by: str | None = None
    last_modified: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    #: False for the pages Confluence exports without a ``#main-content`` (their body is empty).
    has_body: bool = True


def page_id_of(file_name: str) -> str | None:
    """The page id in an export file name (``Title_123.html`` or ``123.html``), if it carries one."""
    match = _PAGE_ID.search(file_name)
    return match.group(1) if match else None


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    value = " ".join(element.get_text().split())
    return value or None


def _title(soup: Element, space: str | None, file_name: str) -> str:
    title = _text(soup.find(id="title-text")) or _text(soup.title) or file_name
    if space and title.startswith(f"{space} : "):
        return title[len(space) + 3:]
    return title


def _attachments(soup: Element, body: Element | None) -> list[Attachment]:
    """The files the attachments section lists; the section is page chrome, so the body (most of the
    page, before the section) is not searched for it."""
    heading = soup.find(id="attachments", outside=body)
    section = heading.find_parent("div", class_="pageSection") if heading is not None else None
    if section is None:
        return []
    hrefs = [(a, str(a.get("href") or "").split("?")[0]) for a in section.find_all("a")]
    return [Attachment(href, _text(a) or unquote(href.rsplit("/", 1)[-1]))
            for a, href in hrefs if href.startswith("attachments/")]


def read_page(file_name: str, page: str | Element) -> PageMeta:
    """The metadata of one exported page, from its HTML or its parsed document (left unchanged)."""
    soup = parse_tree(page) if isinstance(page, str) else page
    breadcrumbs = soup.find(id="breadcrumbs")
    crumbs = breadcrumbs.find_all("a", href=True) if breadcrumbs is not None else []
    space = _text(crumbs[0]) if crumbs else None
    meta = soup.find(class_="page-metadata")
    date = _DATE.search(_text(meta) or "")
    body = soup.find(id="main-content")
    author = meta.find(class_="author") if meta is not None else None
    return PageMeta(
        file=file_name,
        page_id=page_id_of(file_name),
        title=_title(soup, space, file_name),
        created_by=_text(author),
        last_modified=date.group(1) if date else None,
        breadcrumbs=[str(a["href"]) for a in crumbs if a["href"] != "index.html"],
        attachments=_attachments(soup, body),
        has_body=body is not None,
    )


@dataclass(slots=True)
class ReadPage:
    """One page of the export read: its metadata, and its body (or why the body could not be read)."""

    meta: PageMeta
    body: PageRead


@gc_paused()
def read_export_page(page: tuple[str, str]) -> ReadPage:
    """A page (``(file name, HTML)``) parsed once, for its metadata and its body.

    Pages are read independently of each other, in worker processes for a big export
    (``sync.importers.pool``): hence one picklable argument and result, the tree packed, the error as text.
    The cyclic collector waits while the page is parsed and read (``gc_paused``), as in ``read_parsed``.
    """
    file, html = page
    soup = parse_tree(html)
    meta = read_page(file, soup)
    if not meta.has_body:
        return ReadPage(meta, PageRead(pack(empty_doc())))
    return ReadPage(meta, read_tree(lambda report: read_parsed(soup, report, cleanup=True).doc, file))
