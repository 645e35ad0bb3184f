"""Links to a place in the same exported page (a table of contents, a link to a heading or a bookmark):
Markdown keeps a heading's anchor only (the one GitHub-flavoured renderers give it), so such links are
pointed there; a link to any other block (a bookmark) points at the heading above it, or becomes its text
when there is none, reported. Shared by the Notion and Google Docs imports."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup, Tag
from productive_docs.converter.report import Report

_NOT_ANCHOR = re.compile(r"[^\w\- ]")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def gfm_anchor(heading: str) -> str:
    """The anchor GitHub-flavoured Markdown renderers give a heading: lower case, punctuation dropped,
    spaces as hyphens."""
    return _NOT_ANCHOR.sub("", heading.strip().lower()).replace(" ", "-")


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text().split())  # as the Markdown heading reads: white space collapsed


def anchors_to_headings(soup: BeautifulSoup, report: Report, source: str) -> None:
    """Links to an id of the page (``#<block id>``) -> a heading's Markdown anchor (a repeated heading's is
    ``-1``, ``-2`` ... in page order, as GitHub numbers them). A link whose id is not in the page is found by
    its text among the headings (Notion leaves toggle headings' ids out), else left as it is for the link
    report."""
    anchors: dict[int, str] = {}
    seen: Counter[str] = Counter()
    by_text: dict[str, Tag] = {}
    for heading in soup.find_all(HEADINGS):
        anchor = gfm_anchor(_text(heading))
        anchors[id(heading)] = f"{anchor}-{seen[anchor]}" if seen[anchor] else anchor
        seen[anchor] += 1
        by_text.setdefault(_text(heading), heading)
    for link in soup.select('a[href^="#"]'):
        target = soup.find(id=str(link["href"])[1:])
        if target is None:
            target = by_text.get(_text(link))
        if not isinstance(target, Tag):
            continue
        if target.name not in HEADINGS:
            above = target.find_previous(HEADINGS)
            report.add(f"{source} link to a block", "a link to the heading above it, or its text when none is"
                       " (Markdown keeps no block ids)")
            if not isinstance(above, Tag):
                link.unwrap()
                continue
            target = above
        link["href"] = "#" + anchors[id(target)]
