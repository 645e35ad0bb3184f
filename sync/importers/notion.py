"""Notion exports ("Markdown & CSV" or "HTML", a zip, a zip of zips or an unpacked folder) into a docs folder.

Notion names every page ``<Title> <32 hex id>.md`` (or ``.html``) and puts a page's subpages in a folder of
the same name; a database is ``<Title> <id>.csv`` (``_all.csv``: every row, not the default view's) with
its row pages in ``<Title> <id>/``. Here:

- file names lose the id (``my-page.md``); a page with subpages becomes ``my-page/index.md``;
- links between pages are found by the id (the file name in the link may be Notion's or a notion.so URL)
  and become relative links; a link to a page the export lacks is reported;
- a database becomes a page holding its rows as a table, each row's title a link to its row page (which
  becomes a subpage); with ``--from notion`` on an HTML export the database page's own table is used;
- images and attachments are copied once per ``assets/`` folder beside the pages using them;
- HTML exports: callouts become banners, to-do lists checklists, equations their LaTeX as code (reported),
  toggles their summary and content; the page title and the properties table of a row stay.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from bs4 import BeautifulSoup, PageElement, Tag
from productive_docs.converter.errors import InputError
from productive_docs.converter.model import Node
from productive_docs.converter.readers.html import parse, read_parsed
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.references import IMAGE, is_local, references, rewrite_refs
from productive_docs.sync.confluence.assets import AssetStore
from productive_docs.sync.confluence.export import Export
from productive_docs.sync.confluence.importer import ImportResult, mark_started, replace_manifest
from productive_docs.sync.confluence.report import REPORT_NAME, ImportStats, Problem, render
from productive_docs.sync.confluence.tree import slug, unique_stem
from productive_docs.sync.engine.frontmatter import front_matter_block
from productive_docs.sync.importers.sources import open_tree

from productive_docs import converter

#: ``Title 0123...`` (the id Notion appends to every page, database and folder name).
_ID = re.compile(r"^(?P<title>.*?)\s*(?P<id>[0-9a-f]{32})(?P<all>_all)?$")
_URL_ID = re.compile(r"([0-9a-f]{32})$")
PAGE_SUFFIXES = (".md", ".html")


def notion_id(stem: str) -> str | None:
    """The 32-hex id at the end of a Notion file or folder name (without its suffix), if any."""
    match = _ID.match(stem)
    return match.group("id") if match else None


def plain_title(stem: str) -> str:
    """A Notion file or folder name without its id: the page title as far as the name tells it."""
    match = _ID.match(stem)
    return (match.group("title") if match else stem).strip() or stem


@dataclass(slots=True)
class Item:
    """One page of the export: a page file, a database (CSV), or a folder of pages with no file of its own."""

    key: str
    file: str | None
    title: str
    page_id: str | None
    database: bool = False
    children: list[Item] = field(default_factory=list)

    def walk(self) -> list[Item]:
        """This item and all below it, parents first."""
        items = [self]
        for child in self.children:
            items += child.walk()
        return items


def _key(name: str) -> str:
    """The name without its suffix and ``_all``: the key of the folder holding the item's subpages."""
    stem = posixpath.splitext(name)[0]
    return stem.removesuffix("_all") if _ID.match(posixpath.basename(stem)) else stem


def build_items(export: Export) -> list[Item]:
    """The export's pages as a tree (roots in name order): files keyed by name, parents by folder."""
    suffixes = (*PAGE_SUFFIXES, ".csv")
    files = sorted(n for n in export.names if n.lower().endswith(suffixes) and n != "index.html")
    items: dict[str, Item] = {}
    for name in files:
        key = _key(name)
        base = posixpath.basename(key)
        is_csv = name.lower().endswith(".csv")
        earlier = items.get(key)
        if earlier is not None and not (earlier.database and is_csv and name.endswith("_all.csv")):
            continue  # the page file wins over its database twin; ``_all.csv`` over the default view
        items[key] = Item(key, name, plain_title(base), notion_id(base), database=is_csv)

    def parent_of(key: str) -> Item | None:
        folder = posixpath.dirname(key)
        if not folder:
            return None
        if folder not in items:
            base = posixpath.basename(folder)
            items[folder] = Item(folder, None, plain_title(base), notion_id(base))
            attach(items[folder])
        return items[folder]

    roots: list[Item] = []

    def attach(item: Item) -> None:
        parent = parent_of(item.key)
        (parent.children if parent is not None else roots).append(item)

    for item in list(items.values()):
        attach(item)
    for item in items.values():
        item.children.sort(key=lambda child: child.key)
    return sorted(roots, key=lambda item: item.key)


def assign_paths(roots: list[Item]) -> dict[str, str]:
    """Item key -> output path. A lone top page is the folder's ``index.md``; an item with subpages is
    ``<slug>/index.md``; the others ``<slug>.md``."""
    paths: dict[str, str] = {}

    def assign(items: list[Item], folder: str) -> None:
        taken: set[str] = set()
        for item in items:
            stem = unique_stem(slug(item.title) or f"page-{item.page_id or len(paths)}", taken)
            if item.children:
                paths[item.key] = f"{folder}{stem}/index.md"
                assign(item.children, f"{folder}{stem}/")
            else:
                paths[item.key] = f"{folder}{stem}.md"

    if len(roots) == 1 and roots[0].file is not None:
        paths[roots[0].key] = "index.md"
        assign(roots[0].children, "")
    else:
        assign(roots, "")
    return paths


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
            icon.decompose()
        report.add("Notion callout", "banner info")
        _replace(soup, callout, "banner", {"type": "info"}, list(callout.children))
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
        report.add("Notion toggle", "its summary and content, open")
        summary = toggle.find("summary")
        if summary is not None:
            summary.name = "p"
    for header in soup.select("header"):
        if not header.get_text(strip=True) and header.find("img") is None:
            header.decompose()
    return title


def _csv_table(data: str, row_pages: list[tuple[str, str]]) -> tuple[str, int]:
    """A database's CSV as an HTML table, and how many of its rows there were; a row whose title names a
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


class NotionImport:
    """One import run: the export, its tree, output paths, asset copies and the counters."""

    def __init__(self, export: Export, out_dir: Path) -> None:
        self.export = export
        self.out_dir = out_dir
        self.stats = ImportStats(str(export.source), kind="Notion")
        self.roots = build_items(export)
        self.items = {item.key: item for root in self.roots for item in root.walk()}
        self.paths = assign_paths(self.roots)
        self.by_id = {item.page_id: item.key for item in self.items.values() if item.page_id}
        self.by_file = {item.file: item.key for item in self.items.values() if item.file}
        self.assets = AssetStore(export, out_dir)

    def body(self, item: Item, report: Report) -> Node:
        """The page's tree, its title taken from the page itself when it states one."""
        if item.file is None:
            return Node("doc", content=[Node("paragraph")])
        text = self.export.read_text(item.file) if item.file.endswith((".html", ".md")) else ""
        if item.database:
            data = self.export.read_bytes(item.file).decode("utf-8-sig", errors="replace")
            folder = posixpath.dirname(item.file)
            rows = [(" ".join(child.title.split()), quote(posixpath.relpath(child.file, folder)))
                    for child in item.children if child.file]
            table, unmatched = _csv_table(data, rows)
            report.add("Notion database", "a table of its rows, row pages as subpages")
            for _ in range(unmatched):
                report.add("Notion database row page not matched to a row", "listed below the table")
            return read_parsed(parse(table), report).doc
        if item.file.endswith(".html"):
            soup = parse(text)
            title = prepare_html(soup, report)
            if title:
                item.title = title
            return read_parsed(soup, report, cleanup=True).doc
        lines = text.lstrip("\ufeff").split("\n", 1)
        if lines[0].startswith("# "):
            item.title = lines[0][2:].strip() or item.title
            text = lines[1] if len(lines) > 1 else ""
        return converter.read(text, "md", report=report).doc

    def target(self, href: str, item: Item) -> tuple[bool, str | None]:
        """(is a link to a page, the item key it names or None): by file name, else by the Notion id."""
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            if not parts.netloc.endswith(("notion.so", "notion.site")):
                return False, None
            match = _URL_ID.search(parts.path.rstrip("/").replace("-", "")[-32:])
            return (True, self.by_id.get(match.group(1))) if match else (False, None)
        base = posixpath.dirname(item.file or item.key + "/")
        name = self.export.resolve(href, base)
        if name in self.by_file:
            return True, self.by_file[name]
        stem = posixpath.splitext(posixpath.basename(unquote(parts.path)))[0]
        page_like = parts.path.lower().endswith((*PAGE_SUFFIXES, ".csv"))
        page_id = notion_id(stem)
        if page_id and (page_like or name is None):
            return True, self.by_id.get(page_id)
        return False, None

    def new_refs(self, doc: Node, item: Item, path: str) -> dict[str, str]:
        new: dict[str, str] = {}
        for ref in references(doc):
            if ref.target in new or not ref.target or ref.target.startswith("#"):
                continue
            is_page, key = self.target(ref.target, item)
            if is_page:
                if key is None:
                    self.stats.broken_links.append(Problem(path, ref.target, "page not in the export"))
                    continue
                relative = posixpath.relpath(self.paths[key], posixpath.dirname(path) or ".")
                new[ref.target] = urlunsplit(("", "", relative, "", urlsplit(ref.target).fragment))
                self.stats.links_rewritten += 1
                continue
            if not is_local(ref.target) or ref.target.startswith("/"):
                continue
            name = self.export.resolve(ref.target, posixpath.dirname(item.file or item.key + "/"))
            if name is None:
                self.stats.missing_files.append(Problem(path, ref.target, f"{ref.kind} not in the export"))
                continue
            new[ref.target] = self.assets.place(name, unquote(posixpath.basename(name)), path)
            if ref.kind == IMAGE:
                self.stats.images += 1
            else:
                self.stats.attachment_links += 1
        return new

    def page(self, item: Item, path: str) -> str:
        report = Report(path)
        try:
            doc = self.body(item, report)
            body = converter.write(rewrite_refs(doc, self.new_refs(doc, item, path)), "md", report=report)
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
            problem = Problem(path, item.file or item.key, f"{type(exc).__name__}: {exc}")
            self.stats.failed_pages.append(problem)
            body = ""
        self.stats.lowered.update(report.counts())
        fields = {"title": item.title, "notion_id": item.page_id}
        return front_matter_block({k: v for k, v in fields.items() if v}) + "\n" + body

    def run(self) -> ImportResult:
        started = time.perf_counter()
        mark_started(self.out_dir, str(self.export.source))
        for key, path in self.paths.items():
            write_atomic(self.out_dir / path, self.page(self.items[key], path))
        self.stats.pages = len(self.paths)
        self.stats.home = self.roots[0].title if len(self.roots) == 1 else ""
        self.stats.assets = self.assets.counts
        self.stats.stale_removed = replace_manifest(self.out_dir, str(self.export.source),
                                                    [*self.paths.values(), *self.assets.written])
        self.stats.seconds = time.perf_counter() - started
        write_atomic(self.out_dir / REPORT_NAME, render(self.stats))
        paths = {self.items[key].file or key: path for key, path in self.paths.items()}
        return ImportResult(self.out_dir, paths, self.stats)


def import_notion(source: Path, out_dir: Path, *, progress: bool | None = None) -> ImportResult:
    """Import a Notion export (zip, zip of zips, or folder) into ``out_dir``."""
    export = open_tree(Path(source))
    try:
        if len([n for n in export.names if n.lower().endswith(PAGE_SUFFIXES)]) > limits.MAX_PAGES:
            raise InputError(f"more than {limits.MAX_PAGES:,} pages (MAX_PAGES)", str(source))
        return NotionImport(export, Path(out_dir)).run()
    finally:
        export.close()
