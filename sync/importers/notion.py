"""Notion exports ("Markdown & CSV" or "HTML", a zip, a zip of zips or an unpacked folder) into a docs folder.

Notion names every page ``<Title> <32 hex id>.md`` (or ``.html``) and puts a page's subpages in a folder of
the same name; a database is ``<Title> <id>.csv`` (``_all.csv``: every row, not the default view's) with
its row pages in ``<Title> <id>/``. Here:

- file names lose the id (``my-page.md``); a page with subpages becomes ``my-page/index.md``;
- links between pages are found by the id (the file name in the link may be Notion's or a notion.so URL)
  and become relative links; a link to a page the export lacks is reported;
- a database becomes a page holding its rows as a table, each row's title a link to its row page (which
  becomes a subpage); an HTML export's database is a page with its own table, read as such;
- images and attachments are copied once per ``assets/`` folder beside the pages using them;
- HTML exports: callouts become banners (red -> critical, orange/yellow -> warning, green -> success, else
  info), to-do lists checklists, equations their LaTeX as code (reported), toggles their summary (toggle
  headings headings) and content, links to a block of the page (a table of contents) the heading's
  Markdown anchor; the page title goes to the front matter, the properties table of a row stays.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bs4 import BeautifulSoup, PageElement, Tag
from productive_docs.converter.model import Node, empty_doc
from productive_docs.converter.readers.html import parse, read_parsed
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.confluence.export import Export
from productive_docs.sync.confluence.importer import ImportResult
from productive_docs.sync.importers.anchors import anchors_to_headings
from productive_docs.sync.importers.pool import PageRead, pack, read_tree
from productive_docs.sync.importers.sources import open_tree
from productive_docs.sync.importers.tree import Item, TreeImport

from productive_docs import converter

#: ``Title 0123...`` (the id Notion appends to every page, database and folder name).
_ID = re.compile(r"^(?P<title>.*?)\s*(?P<id>[0-9a-f]{32})(?P<all>_all)?$")
_URL_ID = re.compile(r"([0-9a-f]{32})$")
#: A toggle heading is a ``<summary>`` in bold at a heading's size (Notion's heading 1, 2, 3).
_TOGGLE_HEADING = re.compile(r"font-weight:\s*600;\s*font-size:\s*(1\.875|1\.5|1\.25)em")
_TOGGLE_LEVELS = {"1.875": 1, "1.5": 2, "1.25": 3}
#: A callout's colour (``block-color-red_background``) -> the banner type that says the same.
_CALLOUT_COLOUR = re.compile(r"block-color-(\w+?)(?:_background)?\b")
_BANNER_BY_COLOUR = {"red": "critical", "orange": "warning", "yellow": "warning", "green": "success"}


def notion_id(stem: str) -> str | None:
    """The 32-hex id at the end of a Notion file or folder name (without its suffix), if any."""
    match = _ID.match(stem)
    return match.group("id") if match else None


def plain_title(stem: str) -> str:
    """A Notion file or folder name without its id: the page title as far as the name tells it."""
    match = _ID.match(stem)
    return (match.group("title") if match else stem).strip() or stem


def _replace(soup: BeautifulSoup, old: Tag, name: str, attrs: dict[str, str],
             content: list[PageElement]) -> Tag:
    new = soup.new_tag(name, attrs=attrs)
    for part in content:
        new.append(part)
    old.replace_with(new)
    return new


def prepare_html(soup: BeautifulSoup, report: Report) -> str | None:
    """Turn Notion's HTML blocks into what the HTML reader reads; the page title (taken out of the body)."""
    title_tag = soup.find(class_="page-title")
    title = " ".join(title_tag.get_text().split()) if title_tag is not None else None
    if title_tag is not None:
        title_tag.decompose()
    for callout in soup.select("figure.callout"):
        icon = callout.find(class_="icon")
        if icon is not None:
            emoji = icon.get_text().strip() if icon.name != "img" else ""
            first = icon.find_next("p")
            if emoji and first is not None and callout in first.parents:
                first.insert(0, emoji + " ")  # an emoji icon is text: it stays
            else:
                report.add("Notion callout icon", "left out (the banner's type says the kind)")
            icon.decompose()
        colour = _CALLOUT_COLOUR.search(" ".join(callout.get("class") or []))
        kind = _BANNER_BY_COLOUR.get(colour.group(1) if colour else "", "info")
        report.add("Notion callout", f"banner {kind}")
        _replace(soup, callout, "banner", {"type": kind}, list(callout.children))
    for todo in soup.select("ul.to-do-list"):
        todo["class"] = "contains-task-list"
        for item in todo.find_all("li", recursive=False):
            item["class"] = "task-list-item"
            box = item.find(class_="checkbox")
            if box is not None:
                checked = {"checked": ""} if "checkbox-on" in (box.get("class") or []) else {}
                box.replace_with(soup.new_tag("input", attrs={"type": "checkbox", **checked}))
    for equation in soup.select("figure.equation, span.notion-text-equation-token"):
        tex = equation.find("annotation")
        source = tex.get_text() if tex is not None else equation.get_text()
        block = equation.name == "figure"
        report.add("Notion equation", "LaTeX as code" + (" block" if block else ""))
        code = soup.new_tag("code", attrs={"class": "language-latex"} if block else {})
        code.string = source.strip()
        if block:
            _replace(soup, equation, "pre", {}, [code])
        else:
            equation.replace_with(code)
    for toggle in soup.select("details"):
        report.add("Notion toggle", "its summary (a heading for a toggle heading) and content, open")
        summary = toggle.find("summary")
        if summary is not None:
            size = _TOGGLE_HEADING.search(str(summary.get("style") or ""))
            summary.name = f"h{_TOGGLE_LEVELS[size.group(1)]}" if size else "p"
            del summary["style"]
    anchors_to_headings(soup, report, "Notion")
    for header in soup.select("header"):
        if not header.get_text(strip=True) and header.find("img") is None:
            header.decompose()
    return title


def _csv_table(data: str, row_pages: list[tuple[str, str]]) -> tuple[str, int]:
    """A database's CSV as an HTML table, and how many row pages no row names; a row whose title names a
    row page links to it, and the row pages no row names (Notion names some by a relative date, "@Today",
    that the CSV states as a date) are listed below the table, so every row page is reachable."""
    rows = list(csv.reader(io.StringIO(data)))
    if not rows:
        return "<p></p>", 0
    bound = max(1, limits.MAX_TABLE_CELLS // max(1, len(rows[0])))
    html = ["<table>", "<tr>" + "".join(f"<th>{_escape(cell)}</th>" for cell in rows[0]) + "</tr>"]
    unlinked = list(row_pages)
    for row in rows[1:bound]:
        if not any(cell.strip() for cell in row):
            continue
        cells = [_escape(cell) for cell in row]
        title = " ".join(row[0].split())
        page = next((page for page in unlinked if page[0] == title), None)
        if page is not None:
            unlinked.remove(page)
            cells[0] = f'<a href="{_escape(page[1])}">{cells[0]}</a>'
        html.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    html.append("</table>")
    if len(rows) > bound:
        html.append(f"<p>({len(rows) - bound} more rows over the table bound, see the CSV)</p>")
    if unlinked:
        html.append("<p>Row pages not matched to a row:</p><ul>")
        html += [f'<li><a href="{_escape(href)}">{_escape(title)}</a></li>' for title, href in unlinked]
        html.append("</ul>")
    return "".join(html), len(unlinked)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True, slots=True)
class NotionSource:
    """A Notion page as a worker reads it: its export file name and text; a database's rows (title, link)."""

    file: str
    text: str
    rows: list[tuple[str, str]] | None = None


def read_notion_page(source: NotionSource | None) -> PageRead:
    """A Notion page's tree (an empty page for a folder with no page file of its own), and the title the
    page states (its first ``# `` line in Markdown, its ``<title>`` in HTML)."""
    if source is None:
        return PageRead(pack(empty_doc()))
    title: list[str] = []
    read = read_tree(lambda report: _notion_doc(source, report, title), source.file)
    read.title = title[0] if title else None
    return read


def _notion_doc(source: NotionSource, report: Report, title: list[str]) -> Node:
    """A page's tree; the title the page states, if any, is appended to ``title``."""
    text = source.text
    if source.rows is not None:
        table, unmatched = _csv_table(text, source.rows)
        report.add("Notion database", "a table of its rows, row pages as subpages")
        for _ in range(unmatched):
            report.add("Notion database row page not matched to a row", "listed below the table")
        return read_parsed(parse(table), report).doc
    if source.file.lower().endswith(".html"):
        soup = parse(text)
        stated = prepare_html(soup, report)
        if stated:
            title.append(stated)
        return read_parsed(soup, report, cleanup=True).doc
    lines = text.lstrip("\ufeff").split("\n", 1)
    if lines[0].startswith("# "):
        if lines[0][2:].strip():
            title.append(lines[0][2:].strip())
        text = lines[1] if len(lines) > 1 else ""
    return converter.read(text, "md", report=report).doc


class NotionImport(TreeImport):
    """One import of a Notion export."""

    kind = "Notion"
    page_suffixes = (".md", ".html", ".csv")

    def __init__(self, export: Export, out_dir: Path) -> None:
        super().__init__(export, out_dir)
        self.by_id = {item.page_id: item.key for item in self.items.values() if item.page_id}

    def key(self, name: str) -> str:
        stem = posixpath.splitext(name)[0]
        return stem.removesuffix("_all") if _ID.match(posixpath.basename(stem)) else stem

    def title_and_id(self, stem: str) -> tuple[str, str | None]:
        return plain_title(stem), notion_id(stem)

    def prefer(self, earlier: Item, name: str) -> bool:
        """The page file wins over its database twin; ``_all.csv`` (every row) over the default view."""
        return earlier.database and name.endswith("_all.csv")

    def front(self, item: Item) -> dict[str, Any]:
        return {"notion_id": item.page_id}

    def source(self, item: Item) -> NotionSource | None:
        """The page file's text, and for a database the titles and links of its row pages."""
        if item.file is None:
            return None
        if item.database:
            data = self.export.read_bytes(item.file).decode("utf-8-sig", errors="replace")
            folder = posixpath.dirname(item.file)
            rows = [(" ".join(child.title.split()), quote(posixpath.relpath(child.file, folder)))
                    for child in item.children if child.file]
            return NotionSource(item.file, data, rows)
        return NotionSource(item.file, self.export.read_text(item.file))

    reader = staticmethod(read_notion_page)

    def page_target(self, href: str, item: Item, name: str | None) -> tuple[bool, str | None]:
        """By the Notion id: of a notion.so URL, or of a link whose file the export names differently."""
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            if not parts.netloc.endswith(("notion.so", "notion.site")):
                return False, None
            match = _URL_ID.search(parts.path.rstrip("/").replace("-", "")[-32:])
            return (True, self.by_id.get(match.group(1))) if match else (False, None)
        if parts.scheme:
            return False, None
        page_id = notion_id(posixpath.splitext(posixpath.basename(unquote(parts.path)))[0])
        if page_id and (self.is_page(parts.path) or name is None):
            return True, self.by_id.get(page_id)
        return False, None



def import_notion(source: Path, out_dir: Path, *, progress: bool | None = None,
                  jobs: int | None = None) -> ImportResult:
    """Import a Notion export (zip, zip of zips, or folder) into ``out_dir``; pages are read in ``jobs``
    processes (default: one per core), with the output of one."""
    with closing(open_tree(Path(source))) as export:
        return NotionImport(export, Path(out_dir)).run(jobs)
