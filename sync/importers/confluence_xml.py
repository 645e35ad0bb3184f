"""A Confluence XML space (or site) export into a docs folder: ``entities.xml`` and ``attachments/``, as a
zip or an unpacked folder.

``entities.xml`` is Hibernate's flat dump of the space: ``<object class="Page">``, ``BodyContent``,
``Attachment``, ``Space`` ... each with ``<id>``, ``<property>`` (a value, or a reference holding an
``<id>``) and ``<collection>`` elements. The layouts of Confluence 4 to 8 differ in details, all handled:

- the pages taken are the current version of each current page: ``contentStatus`` ``current`` (drafts and
  deleted pages left out, counted) and no ``originalVersion`` reference or ``originalVersionId`` value
  (those mark the stored older versions);
- the tree: ``parent`` references, siblings by ``position`` then title; the space's ``homePage`` is the
  folder's ``index.md`` (one folder per space when the export holds several);
- the body: the ``BodyContent`` of the page, storage format (``bodyType`` 2) through the storage reader;
  wiki markup (``bodyType`` 0, Confluence 3) is kept as a code block and reported;
- attachments: ``attachments/<page id>/<attachment id>/<version>`` (the latest version; another version
  present in that folder when it is missing), named by ``title`` or ``fileName``; copied once per
  ``assets/`` folder when the body uses them, and listed under "Files" when it does not.

The XML is parsed by expat without a DTD: a document declaring one (entities) is refused.
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import InputError
from productive_docs.converter.model import Mark, Node, text
from productive_docs.converter.readers.html import parse, read_parsed
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.assets.references import IMAGE, Ref, is_local
from productive_docs.sync.confluence.assets import AssetStore
from productive_docs.sync.confluence.export import Export
from productive_docs.sync.confluence.importer import (
    FILES_HEADING,
    ImportResult,
    mark_started,
)
from productive_docs.sync.confluence.report import ImportStats, Problem
from productive_docs.sync.confluence.tree import place_in_folders, slug
from productive_docs.sync.engine.frontmatter import front_matter_block
from productive_docs.sync.importers.pages import finish
from productive_docs.sync.importers.pool import PageJob, PagePool, PageRead, read_tree
from productive_docs.sync.importers.sources import open_tree
from productive_docs.sync.importers.storage import link_pages

ENTITIES = "entities.xml"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
#: ``bodyType`` of storage format (XHTML); 0 is Confluence 3's wiki markup.
STORAGE_BODY = "2"


@dataclass(slots=True)
class Entity:
    """One ``<object>`` of ``entities.xml``: its values and references by property name."""

    kind: str
    id: str
    values: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    collections: dict[str, list[str]] = field(default_factory=dict)


def read_entities(data: bytes, source: str) -> list[Entity]:
    """Every object of ``entities.xml`` (refused when it declares a DTD: entities could expand)."""
    if _DTD.search(data[:65536]):
        raise InputError(f"{ENTITIES} declares a DTD; refusing to expand its entities", source)
    entities: list[Entity] = []
    try:
        for _event, element in ET.iterparse(io.BytesIO(data), events=("end",)):
            if element.tag != "object":
                continue
            entities.append(_entity(element))
            element.clear()
    except ET.ParseError as exc:
        raise InputError(f"{ENTITIES} is not well-formed XML ({exc})", source) from None
    return entities


def _entity(element: ET.Element) -> Entity:
    key = element.find("id")
    entity = Entity(element.get("class", ""), (key.text or "").strip() if key is not None else "")
    for child in element:
        name = child.get("name", "")
        if child.tag == "property":
            ref = child.find("id")
            if ref is not None:
                entity.refs[name] = (ref.text or "").strip()
            else:
                entity.values[name] = child.text or ""
        elif child.tag == "collection":
            entity.collections[name] = [(e.findtext("id") or "").strip() for e in child.findall("element")]
    return entity


@dataclass(slots=True)
class XmlPage:
    """A current page of the export, with what its output needs."""

    id: str
    title: str
    space: str
    parent: str | None
    position: int
    body: str
    body_type: str
    values: dict[str, str]
    children: list[XmlPage] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)


def _is_current(entity: Entity) -> bool:
    historical = "originalVersion" in entity.refs or entity.values.get("originalVersionId", "").strip()
    return not historical and entity.values.get("contentStatus", "current").strip() in ("current", "")


def _body(body: Entity | None) -> tuple[str, str]:
    """A page's body and its type; Confluence 3 states no type (its bodies are wiki markup, storage
    format is XHTML): without one, a body is storage format when it starts with a tag. The export keeps
    a body in a CDATA section, so the CDATA sections inside it (code, link bodies) end in ``]] >``:
    repaired, or their content would be lost."""
    if body is None:
        return "", STORAGE_BODY
    value = body.values.get("body", "").replace("]] >", "]]>")
    stated = body.values.get("bodyType", "").strip()
    return value, stated or (STORAGE_BODY if value.lstrip().startswith("<") or not value.strip() else "0")


@dataclass(frozen=True, slots=True)
class XmlLinks:
    """What reading a page needs to turn storage-format links to pages into links to Markdown files: page
    ids by (space key, title) and output paths by page id (the pool's context, sent to a worker once)."""

    by_title: dict[tuple[str, str], str]
    paths: dict[str, str]

    def href(self, path: str, space_key: str, title: str, key: str | None) -> str | None:
        """The relative link from the page at ``path`` to the page a storage-format link names (in the
        page's own space when the link states none)."""
        target = self.by_title.get((key or space_key, title))
        if target is None:
            return None
        return posixpath.relpath(self.paths[target], posixpath.dirname(path) or ".")


@dataclass(frozen=True, slots=True)
class XmlSource:
    """One page as a worker reads it: its output path, its space's key and its body."""

    path: str
    space_key: str
    body: str
    body_type: str


def read_xml_page(links: XmlLinks, source: XmlSource) -> PageRead:
    """The page's tree, its links to pages already pointing at their files (``PageRead.links`` of them)."""
    linked: list[int] = []
    read = read_tree(lambda report: _xml_doc(links, source, report, linked), source.path)
    read.links = sum(linked)
    return read


def _xml_doc(links: XmlLinks, source: XmlSource, report: Report, linked: list[int]) -> Node:
    if source.body_type != STORAGE_BODY:
        report.add("Confluence wiki markup body", "code block (convert it by hand)")
        return Node("doc", content=[Node("codeblock", {"language": "confluence"}, [text(source.body)])]
                    if source.body.strip() else [Node("paragraph")])
    soup = parse(source.body)
    for macro in soup.find_all("ac:macro"):  # Confluence 4.0-4.2's name of a structured macro
        macro.name = "ac:structured-macro"
    for default in soup.find_all("ac:default-parameter"):
        default.name, default["ac:name"] = "ac:parameter", ""
    linked.append(link_pages(soup, lambda title, key: links.href(source.path, source.space_key, title, key)))
    return read_parsed(soup, report, confluence=True, cleanup=True).doc


class XmlImport:
    """One import of a Confluence XML export."""

    def __init__(self, export: Export, out_dir: Path) -> None:
        self.export = export
        self.out_dir = out_dir
        self.stats = ImportStats(str(export.source), kind="Confluence XML")
        found = (name for name in sorted(export.names, key=len) if posixpath.basename(name) == ENTITIES)
        entity_file = next(found, None)
        if entity_file is None:
            raise InputError(f"no {ENTITIES}: not a Confluence XML export", str(export.source))
        self.root = posixpath.dirname(entity_file)
        entities = read_entities(export.read_bytes(entity_file), str(export.source))
        self.pages, self.homes, self.spaces = self._pages(entities)
        self.paths = self._assign()
        #: (space key, page title) -> page id: how storage format names the page a link points at.
        self.by_title = {(self.spaces.get(page.space, page.space), page.title): page.id
                         for page in self.pages.values()}
        self.assets = AssetStore(export, out_dir)
        self.stats.assets = self.assets.counts

    def _pages(self, entities: list[Entity]) -> tuple[dict[str, XmlPage], dict[str, str], dict[str, str]]:
        bodies = {e.id: e for e in entities if e.kind == "BodyContent"}
        spaces = {e.id: e.values.get("key", e.id).strip() for e in entities if e.kind == "Space"}
        homes = {e.id: e.refs["homePage"] for e in entities if e.kind == "Space" and "homePage" in e.refs}
        skipped: Counter[str] = Counter()
        pages: dict[str, XmlPage] = {}
        for entity in entities:
            if entity.kind != "Page":
                if entity.kind in ("BlogPost", "Comment"):
                    skipped[f"Confluence {entity.kind} (left out)"] += 1
                continue
            if not _is_current(entity):
                status = entity.values.get("contentStatus", "").strip()
                if status and status != "current":
                    skipped[f"Confluence page {status} (left out)"] += 1
                continue
            body = next((bodies[b] for b in entity.collections.get("bodyContents", []) if b in bodies), None)
            text_, body_type = _body(body)
            position = entity.values.get("position", "").strip()
            pages[entity.id] = XmlPage(
                entity.id, entity.values.get("title", "").strip() or f"page-{entity.id}",
                entity.refs.get("space", ""), entity.refs.get("parent"),
                int(position) if position.isdigit() else 1 << 30, text_, body_type, entity.values)
        if len(pages) > limits.MAX_PAGES:
            raise InputError(f"more than {limits.MAX_PAGES:,} pages (MAX_PAGES)", str(self.export.source))
        for entity in entities:
            if entity.kind == "Attachment" and _is_current(entity):
                page = pages.get(entity.refs.get("containerContent") or entity.refs.get("content") or "")
                name = (entity.values.get("title") or entity.values.get("fileName") or entity.id).strip()
                if page is not None:
                    version = entity.values.get("version") or entity.values.get("attachmentVersion") or "1"
                    file = self._attachment_file(page.id, entity.id, version.strip())
                    page.attachments.append((name, file))
        self.stats.lowered.update(skipped)
        return pages, homes, spaces

    def _attachment_file(self, page: str, attachment: str, version: str) -> str:
        """The export name of an attachment's latest version (``""`` when the export lacks it)."""
        folder = posixpath.join(self.root, "attachments", page, attachment)
        wanted = f"{folder}/{version}"
        if wanted in self.export.names:
            return wanted
        present = [name for name in self.export.names
                   if name.startswith(folder + "/") and name.rsplit("/", 1)[1].isdigit()]
        return max(present, key=lambda n: int(n.rsplit("/", 1)[1]), default="")

    def _assign(self) -> dict[str, str]:
        """Page id -> output path: the tree by parent, siblings by position then title."""
        roots: dict[str, list[XmlPage]] = {}
        for page in self.pages.values():
            parent = self.pages.get(page.parent or "")
            (parent.children if parent is not None else roots.setdefault(page.space, [])).append(page)
        paths: dict[str, str] = {}

        def order(pages: list[XmlPage]) -> list[XmlPage]:
            return sorted(pages, key=lambda page: (page.position, page.title.lower(), page.id))

        several = len(roots) > 1
        for space, top in sorted(roots.items(), key=lambda item: self.spaces.get(item[0], item[0])):
            folder = f"{slug(self.spaces.get(space, space)) or 'space'}/" if several else ""
            home = self.pages.get(self.homes.get(space, ""))
            if home is not None and home in top:
                paths[home.id] = f"{folder}index.md"
                top = [page for page in top if page is not home] + home.children
            place_in_folders(order(top), folder, paths, key=lambda page: page.id,
                             page_id=lambda page: page.id, children=lambda page: order(page.children),
                             title=lambda page: page.title)
        groups = [*roots.values(), *(page.children for page in self.pages.values())]
        self.order = {page.id: number for siblings in groups
                      for number, page in enumerate(order(siblings), 1)}
        return paths

    def _files(self, refs: list[Ref], page: XmlPage, path: str) -> tuple[dict[str, str], list[Node]]:
        """References to the page's attachments -> copies in ``assets/``; a list of the unused ones."""
        by_name = dict(page.attachments)
        new: dict[str, str] = {}
        for ref in refs:
            if ref.target in new or not is_local(ref.target) or ref.target.split("#")[0].endswith(".md"):
                continue
            name = by_name.get(ref.target, "")
            if not name:
                self.stats.missing_files.append(Problem(path, ref.target, f"{ref.kind} not in the export"))
                continue
            new[ref.target] = self.assets.place(name, ref.target, path)
            if ref.kind == IMAGE:
                self.stats.images += 1
            else:
                self.stats.attachment_links += 1
        items = []
        for title, name in page.attachments:
            if title in new:
                continue
            if not name:
                self.stats.missing_files.append(Problem(path, title, "attachment not in the export"))
                line = [text(f"{title} (not in the export)")]
            else:
                self.stats.files_listed += 1
                line = [text(title, [Mark("link", {"href": self.assets.place(name, title, path)})])]
            items.append(Node("li", content=[Node("paragraph", content=line)]))
        if not items:
            return new, []
        return new, [Node("heading", {"level": 2}, [text(FILES_HEADING)]), Node("ul", content=items)]

    def _source(self, page_id: str) -> XmlSource:
        page = self.pages[page_id]
        space_key = self.spaces.get(page.space, page.space)
        return XmlSource(self.paths[page_id], space_key, page.body, page.body_type)

    def _job(self, page_id: str, read: PageRead) -> PageJob:
        """What a worker needs to finish the page (its files copied here, in page order), or why it cannot
        be written (front matter only)."""
        page, path = self.pages[page_id], self.paths[page_id]
        self.stats.links_rewritten += read.links
        self.stats.lowered.update(read.lowered)
        fields: dict[str, Any] = {
            "title": page.title, "confluence_page_id": page.id,
            "created_by": (page.values.get("creatorName") or "").strip() or None,
            "last_modified": (page.values.get("lastModificationDate") or "").strip() or None,
            "order": self.order.get(page.id),
        }
        front = front_matter_block({k: v for k, v in fields.items() if v is not None}) + "\n"
        job = PageJob(read.tree, {}, self.out_dir / path, front, error=read.error or "not written")
        job.resolve(lambda: self._files(read.refs, page, path))
        job.copies = self.assets.take()
        return job

    def run(self, jobs: int | None = None) -> ImportResult:
        """Import every page, read and finished in a pool of ``jobs`` processes (default: one per core,
        ``sync.importers.pool``), with the output of one process."""
        started = time.perf_counter()
        mark_started(self.out_dir, str(self.export.source))
        ids = list(self.paths)
        links = XmlLinks(self.by_title, self.paths)
        with PagePool(len(ids), jobs, context=links) as pool:
            reads = list(pool.map_in_context(read_xml_page, [self._source(page_id) for page_id in ids]))
            work = (self._job(page_id, read) for page_id, read in zip(ids, reads, strict=True))
            finished = pool.finish(work)
            for page_id, done in zip(ids, finished, strict=True):
                if done.error is not None:
                    self.stats.failed_pages.append(Problem(self.paths[page_id], page_id, done.error))
                self.stats.lowered.update(done.lowered)
        homes = [self.pages[h].title for h in self.homes.values() if h in self.pages]
        self.stats.home = homes[0] if len(homes) == 1 else ""
        return finish(self.out_dir, self.stats, dict(self.paths), self.assets.written, started)


def import_confluence_xml(source: Path, out_dir: Path, *, progress: bool | None = None,
                          jobs: int | None = None) -> ImportResult:
    """Import a Confluence XML space or site export (zip or folder) into ``out_dir``; pages are read in
    ``jobs`` processes (default: one per core), with the output of one."""
    with closing(open_tree(Path(source))) as export:
        return XmlImport(export, Path(out_dir)).run(jobs)
