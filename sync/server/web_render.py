"""HTML of the local server's read-only web view: the sidebar of doc trees, one page as Productive shows it.

A page body goes through the converter's HTML writer (``render_blocks``), the same sanitising writer the
sync uses, so nothing a stored body holds can become script here. The writer's output is the Productive
HTML form, which a browser does not show like Productive's editor does; ``decorate`` adds only what a
browser needs on top of it (a class per banner colour, a disabled checkbox per checklist item, a
``<colgroup>`` from the cells' widths, file chips as links, attachment URLs pointing at the view), never
anything taken from the body as markup. Everything else is the stylesheet ``static/preview.css``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from productive_docs.converter import inferred
from productive_docs.converter.model import from_json
from productive_docs.converter.report import Report
from productive_docs.converter.writers.html import render_blocks

#: Where the view serves its own files and an attachment's bytes (below the server root).
VIEW_PREFIX = "/_view"
FILES_VIEW = VIEW_PREFIX + "/files/"
#: Attachment URLs the view rewrites: the server's own file URLs, on any loopback name and port.
ATTACHMENT_PATH = "/files/"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The sidebar lists at most this many pages and this many levels (deeper pages are still reachable).
MAX_SIDEBAR_PAGES = 5000
MAX_SIDEBAR_DEPTH = 12


@dataclass(slots=True)
class OutlineRow:
    """One page of the sidebar."""

    id: int
    title: str
    parent_id: int | None
    project_id: int | None
    children: list[OutlineRow] = field(default_factory=list)


def doc_trees(rows: list[OutlineRow]) -> dict[int | None, list[OutlineRow]]:
    """The docs of each project (project id -> root pages, children filled in), in the stored order."""
    by_id = {row.id: row for row in rows}
    projects: dict[int | None, list[OutlineRow]] = {}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if parent is not None:
            parent.children.append(row)
        elif row.parent_id is None:
            projects.setdefault(row.project_id, []).append(row)
    return projects


def sidebar(projects: dict[int | None, list[OutlineRow]], current: int | None) -> str:
    """``<nav>`` with one heading per project and the nested list of its docs' pages."""
    parts = ['<nav class="sidebar" aria-label="Docs"><a class="home" href="/">All docs</a>']
    for project_id, docs in sorted(projects.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        label = f"Project {project_id}" if project_id is not None else "No project"
        parts.append(f'<h2 class="project">{escape(label)}</h2>{_tree(docs, current, 0)}')
    parts.append("</nav>")
    return "".join(parts)


def _tree(rows: list[OutlineRow], current: int | None, depth: int) -> str:
    items = []
    for row in rows:
        attrs = ' aria-current="page"' if row.id == current else ""
        title = escape(row.title or "Untitled")
        deeper = row.children and depth < MAX_SIDEBAR_DEPTH
        children = _tree(row.children, current, depth + 1) if deeper else ""
        items.append(f'<li><a href="/pages/{row.id}"{attrs}>{title}</a>{children}</li>')
    return f'<ul class="tree">{"".join(items)}</ul>'


def render_body(body: str, report: Report) -> str:
    """The stored body as Productive HTML through the sanitising writer; a body that is not a document
    becomes a visible error block (the view never fails on one page's data)."""
    try:
        doc = from_json(json.loads(body))
    except (ValueError, TypeError, RecursionError) as exc:
        report.add(f"stored body is not a document ({str(exc)[:120]})", "not shown")
        return ""
    try:
        return render_blocks(doc.content, report)
    except RecursionError:
        report.add("stored body nested too deeply", "not shown")
        return ""


def decorate(html: str, file_url: Callable[[str], str | None]) -> str:
    """What a browser needs on top of the writer's output to look like Productive's document view."""
    soup = BeautifulSoup(html, "html.parser")
    for banner in soup.find_all("banner"):
        kind = banner.get("type")
        kind = kind if kind in inferred.BANNER_TYPES else inferred.BANNER_TYPES[0]
        banner["class"] = ["banner", f"banner-{kind}"]
        banner["role"] = "note"
    for item in soup.find_all("li", attrs={"type": inferred.CHECKLIST_ITEM}):
        box = soup.new_tag("input", attrs={"type": "checkbox", "disabled": ""})
        if item.get("checked") == "true":
            box["checked"] = ""
        item.insert(0, box)
    for table in soup.find_all("table"):
        _colgroup(soup, table)
    for image in soup.find_all("img", src=True):
        image["src"] = file_url(str(image["src"])) or image["src"]
        image["loading"] = "lazy"
    for chip in soup.find_all("span", attrs={"file-type": True}):
        url = chip.get("url")
        if url:
            link = soup.new_tag("a", attrs={"href": file_url(str(url)) or str(url), "class": "file-link"})
            chip.wrap(link)
    return str(soup)


def _colgroup(soup: BeautifulSoup, table: Tag) -> None:
    """A ``<colgroup>`` from the first row's ``data-colwidth`` (Productive's editor does the same), so the
    browser keeps the widths; the table gets a fixed layout when every column has one."""
    first = table.find("tr")
    if first is None:
        return
    widths: list[int | None] = []
    for cell in first.find_all(["td", "th"], recursive=False):
        span = _int(cell.get("colspan")) or 1
        given = [_int(part) for part in str(cell.get("data-colwidth") or "").split(",")]
        widths += [given[index] if index < len(given) else None for index in range(min(span, 1000))]
    if not any(widths):
        return
    group = soup.new_tag("colgroup")
    for width in widths:
        group.append(soup.new_tag("col", attrs={"style": f"width: {width}px"} if width else {}))
    table.insert(0, group)
    if all(widths):
        table["style"] = f"width: {sum(w for w in widths if w)}px; table-layout: fixed"
        table["class"] = ["fixed-widths"]


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 100_000 else None


def view_file_url(url: str) -> str | None:
    """The view's URL of a file stored on this server (``/files/<key>`` on a loopback address), whose
    own URL needs the API token; None for any other URL (left as the writer wrote it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in LOOPBACK_HOSTS:
        return None
    if not parts.path.startswith(ATTACHMENT_PATH):
        return None
    return FILES_VIEW + quote(unquote(parts.path.removeprefix(ATTACHMENT_PATH)))


def edited(value: str | None) -> str:
    """``2026-11-30 14:05 UTC`` from a stored ISO timestamp."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return "unknown"


def page_html(row: dict[str, Any], nav: str, notes: list[str], live: str | None) -> str:
    """The whole page: sidebar, title, version and last edit, notes, the rendered body, the source."""
    report = Report()
    body = decorate(render_body(row["body"], report), view_file_url)
    all_notes = [*notes, *(f"shown here: {entry.what} -> {entry.became}" for entry in report.entries)]
    version = row.get("version_number")
    shown = f"Version {escape(str(version))}" if version is not None else "No version yet"
    meta = (f'<p class="meta"><span class="version">{shown}</span> · '
            f'<span class="edited">last edit <time datetime="{escape(str(row["edited_at"]))}">'
            f'{escape(edited(row["edited_at"]))}</time></span></p>')
    return shell(
        row["title"] or "Untitled",
        nav,
        f'<header><h1 class="page-title">{escape(row["title"] or "Untitled")}</h1>{meta}'
        f"{notes_html(all_notes)}</header>"
        f'<article class="document">{body}</article>'
        f'<details class="source"><summary>Source (stored JSON)</summary>'
        f"<pre>{escape(_pretty(row['body']), quote=False)}</pre></details>",
        live,
    )


def notes_html(notes: list[str]) -> str:
    """The lowerings and problems of a page, each naming file and line."""
    if not notes:
        return ""
    items = "".join(
        f'<li class="{"lowering" if " -> " in note else "problem"}">{escape(note)}</li>' for note in notes
    )
    return f'<ul class="notes" aria-label="Conversion notes">{items}</ul>'


def index_html(nav: str, projects: dict[int | None, list[OutlineRow]], live: str | None) -> str:
    """``/``: every doc with its pages."""
    count = sum(_count(docs) for docs in projects.values())
    content = f'<header><h1 class="page-title">Docs</h1><p class="meta">{count} pages</p></header>'
    content += "".join(
        f'<section class="doc"><h2><a href="/pages/{doc.id}">{escape(doc.title or "Untitled")}</a></h2>'
        f"{_tree(doc.children, None, 0) if doc.children else ''}</section>"
        for docs in projects.values() for doc in docs
    )
    return shell("Docs", nav, content or "<p>No pages yet.</p>", live)


def _count(rows: list[OutlineRow]) -> int:
    return sum(1 + _count(row.children) for row in rows)


def shell(title: str, nav: str, main: str, live: str | None) -> str:
    """The document around a view; ``live`` (the store's change token) adds the reload script."""
    head = (f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · productive-docs preview</title>"
            f'<link rel="stylesheet" href="{VIEW_PREFIX}/preview.css">')
    if live is not None:
        head += (f'<meta name="preview-changes" content="{escape(live)}">'
                 f'<script src="{VIEW_PREFIX}/reload.js" defer></script>')
    return f'<!doctype html><html lang="en"><head>{head}</head><body>{nav}<main>{main}</main></body></html>'


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return body

