"""The part the importers of exported folder trees share (Notion, Google Docs): pages found by file name,
subpages by folder, output paths, links between pages and to files, assets, manifest and report.

An export is a tree of page files; a page's subpages sit in a folder named like the page file without its
suffix (Notion's layout; a folder with no page file of its own becomes an empty page holding its
subpages). A subclass says which files are pages, what a name's title and id are, and how a page file
becomes a tree (``body``); everything else is here, so every such import behaves the same: a lone top
page is the folder's ``index.md``, a page with subpages ``<slug>/index.md``, links to pages become
relative links (or a report entry), files the pages use are copied once per ``assets/`` folder, a
re-import removes what it no longer writes.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from productive_docs.converter.errors import InputError
from productive_docs.converter.model import Node, empty_doc
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.assets.references import IMAGE, Ref, is_local
from productive_docs.sync.confluence.assets import AssetStore
from productive_docs.sync.confluence.export import Export
from productive_docs.sync.confluence.importer import ImportResult, mark_started
from productive_docs.sync.confluence.report import ImportStats, Problem
from productive_docs.sync.confluence.tree import place_in_folders
from productive_docs.sync.engine.frontmatter import front_matter_block
from productive_docs.sync.importers.pages import finish
from productive_docs.sync.importers.pool import PageDone, PageJob, PagePool, PageRead, read_tree


@dataclass(slots=True)
class Item:
    """One page of the export: a page file, a database, or a folder of pages with no file of its own."""

    key: str
    file: str | None
    title: str
    page_id: str | None = None
    database: bool = False
    children: list[Item] = field(default_factory=list)

    def walk(self) -> list[Item]:
        """This item and all below it, parents first."""
        items = [self]
        for child in self.children:
            items += child.walk()
        return items


def assign_paths(roots: list[Item]) -> dict[str, str]:
    """Item key -> output path. A lone top page is the folder's ``index.md``; an item with subpages is
    ``<slug>/index.md``; the others ``<slug>.md``."""
    paths: dict[str, str] = {}
    top = roots
    if len(roots) == 1 and roots[0].file is not None:
        paths[roots[0].key] = "index.md"
        top = roots[0].children
    place_in_folders(top, "", paths, key=lambda item: item.key, page_id=lambda item: item.page_id,
                     children=lambda item: item.children, title=lambda item: item.title)
    return paths


class TreeImport:
    """One import run of a tree export: its pages, output paths, asset copies and counters."""

    #: The report's heading and what the pages' suffixes are (lower case).
    kind = "Export"
    page_suffixes: tuple[str, ...] = (".html",)

    def __init__(self, export: Export, out_dir: Path) -> None:
        self.export = export
        self.out_dir = out_dir
        self.stats = ImportStats(str(export.source), kind=self.kind)
        files = sorted(name for name in export.names if self.is_page(name))
        if len(files) > limits.MAX_PAGES:
            raise InputError(f"more than {limits.MAX_PAGES:,} pages (MAX_PAGES)", str(export.source))
        self.roots = self._build(files)
        self.items = {item.key: item for root in self.roots for item in root.walk()}
        self.paths = assign_paths(self.roots)
        self.by_file = {item.file: item.key for item in self.items.values() if item.file}
        self.assets = AssetStore(export, out_dir)
        self.stats.assets = self.assets.counts  # one set of counts, whoever copies a file
        #: References a page's body already points at files this import wrote (left as they are).
        self.placed: set[str] = set()
        self.parent_of = {child.key: item for item in self.items.values() for child in item.children}
        #: Per page, its subpages in the order its body links to them (parents are written first).
        self.linked: dict[str, list[str]] = {}

    # What a subclass says about its export.

    def is_page(self, name: str) -> bool:
        """Whether an export file is a page (or a database) of its own."""
        return name.lower().endswith(self.page_suffixes) and name != "index.html"

    def key(self, name: str) -> str:
        """The name of the folder holding a page file's subpages (the name without its suffix)."""
        return posixpath.splitext(name)[0]

    def title_and_id(self, stem: str) -> tuple[str, str | None]:
        """A file or folder name's title, and the id it carries, if any."""
        return stem, None

    def prefer(self, earlier: Item, name: str) -> bool:
        """Whether ``name`` should replace ``earlier``, a page file of the same key."""
        return False

    def body(self, item: Item, report: Report) -> Node:
        """The page's tree (``item.title`` may be corrected from the page itself), read in this process
        (when ``reader`` is None)."""
        raise NotImplementedError

    #: A module-level function reading a page from its ``source`` in a worker process, for importers whose
    #: pages are read independently of each other (``body`` is then not used).
    reader: Callable[[Any], PageRead] | None = None

    def page_target(self, href: str, item: Item, name: str | None) -> tuple[bool, str | None]:
        """(is a link to a page, the item key it names or None) for a link the export's names do not
        resolve to a page; ``name``: the export file the href resolves to, if any."""
        return False, None

    def front(self, item: Item) -> dict[str, Any]:
        """The page's front matter fields besides its title."""
        return {}

    def other_files(self) -> list[str]:
        """Files the import wrote besides the pages and the assets copied from the export."""
        return []

    # The shared work.

    def _build(self, files: list[str]) -> list[Item]:
        items: dict[str, Item] = {}
        for name in files:
            key = self.key(name)
            earlier = items.get(key)
            if earlier is not None and not self.prefer(earlier, name):
                continue
            title, page_id = self.title_and_id(posixpath.basename(key))
            items[key] = Item(key, name, title, page_id, database=name.lower().endswith(".csv"))
        roots: list[Item] = []

        def attach(item: Item) -> None:
            folder = posixpath.dirname(item.key)
            if not folder:
                roots.append(item)
                return
            if folder not in items:
                title, page_id = self.title_and_id(posixpath.basename(folder))
                items[folder] = Item(folder, None, title, page_id)
                attach(items[folder])
            items[folder].children.append(item)

        for item in list(items.values()):
            attach(item)
        for item in items.values():
            item.children.sort(key=lambda child: child.key)
        return sorted(roots, key=lambda item: item.key)

    def base(self, item: Item) -> str:
        """The export folder a page's relative links start from."""
        return posixpath.dirname(item.file) if item.file else item.key

    def target(self, href: str, item: Item) -> tuple[bool, str | None]:
        """(is a link to a page, the item key it names or None)."""
        name = None
        if not urlsplit(href).scheme:
            name = self.export.resolve(href, self.base(item))
            if name in self.by_file:
                return True, self.by_file[name]
        return self.page_target(href, item, name)

    def new_refs(self, refs: list[Ref], item: Item, path: str) -> dict[str, str]:
        """Old -> new href of every link to a page or a file of the export; the rest reported or kept."""
        new: dict[str, str] = {}
        for ref in refs:
            if not ref.target or ref.target in new or ref.target in self.placed or ref.target[0] == "#":
                continue
            is_page, key = self.target(ref.target, item)
            if is_page:
                if key is None:
                    self.stats.broken_links.append(Problem(path, ref.target, "page not in the export"))
                    continue
                relative = posixpath.relpath(self.paths[key], posixpath.dirname(path) or ".")
                new[ref.target] = urlunsplit(("", "", relative, "", urlsplit(ref.target).fragment))
                self.stats.links_rewritten += 1
                linked = self.linked.setdefault(item.key, [])
                if self.parent_of.get(key) is item and key not in linked:
                    linked.append(key)
                continue
            if not is_local(ref.target) or ref.target.startswith("/"):
                continue
            name = self.export.resolve(ref.target, self.base(item))
            if name is None:
                self.stats.missing_files.append(Problem(path, ref.target, f"{ref.kind} not in the export"))
                continue
            new[ref.target] = self.assets.place(name, unquote(posixpath.basename(name)), path)
            if ref.kind == IMAGE:
                self.stats.images += 1
            else:
                self.stats.attachment_links += 1
        return new

    def read_here(self, item: Item, path: str) -> PageRead:
        """The page read in this process (importers that do not read in workers: ``reader`` is None)."""
        if not item.file:
            return PageRead(empty_doc())
        return read_tree(lambda report: self.body(item, report), path)

    def source(self, item: Item) -> Any:
        """What ``reader`` needs to read the page in a worker (picklable; read from the export here)."""
        raise NotImplementedError

    def _job(self, key: str, page: PageRead) -> PageJob:
        """What a worker needs to finish the page (its references resolved here, in page order: asset
        names and the order of subpages depend on it), or why it cannot be written (front matter only)."""
        item, path = self.items[key], self.paths[key]
        self.stats.lowered.update(page.lowered)
        if page.title:
            item.title = page.title
        job = PageJob(page.tree, {}, self.out_dir / path, "", error=page.error or "not written")
        job.resolve(lambda: (self.new_refs(page.refs, item, path), []))
        job.copies = self.assets.take()
        fields = {"title": item.title, **self.front(item), "order": self.order(item)}
        job.front = front_matter_block({k: v for k, v in fields.items() if v}) + "\n"
        return job

    def _record(self, key: str, done: PageDone) -> None:
        """Count what writing the page lowered; report a page that failed."""
        if done.error is not None:
            item = self.items[key]
            self.stats.failed_pages.append(Problem(self.paths[key], item.file or item.key, done.error))
        self.stats.lowered.update(done.lowered)

    def order(self, item: Item) -> int | None:
        """The page's place among its siblings (1-based): the order its parent's body links to them (a
        Notion page lists its subpages where they sit; a database its rows), the others after, by name.
        None for the folder's own ``index.md``."""
        if self.paths[item.key] == "index.md":
            return None
        parent = self.parent_of.get(item.key)
        siblings = parent.children if parent is not None else self.roots
        linked = self.linked.get(parent.key, []) if parent is not None else []
        ordered = linked + [sibling.key for sibling in siblings if sibling.key not in linked]
        return ordered.index(item.key) + 1

    def run(self, jobs: int | None = None) -> ImportResult:
        """Import every page. With a ``reader``, pages are read in a pool of ``jobs`` processes (default:
        one per core, ``sync.importers.pool``) and finished there too, with the output of one process."""
        started = time.perf_counter()
        mark_started(self.out_dir, str(self.export.source))
        keys = list(self.paths)
        reader = self.reader
        with PagePool(len(keys) if reader is not None else 0, jobs) as pool:
            reads: Iterable[PageRead]
            if reader is not None:
                sources = [self.source(self.items[key]) for key in keys]
                reads = list(pool.map(reader, sources))
            else:  # read each page just before it is finished, as its reading may use what came before
                reads = (self.read_here(self.items[key], self.paths[key]) for key in keys)
            pages = zip(keys, reads, strict=True)
            finished = pool.finish(self._job(key, page) for key, page in pages)
            for key, done in zip(keys, finished, strict=True):
                self._record(key, done)
        self.stats.home = self.roots[0].title if len(self.roots) == 1 else ""
        paths = {self.items[key].file or key: path for key, path in self.paths.items()}
        return finish(self.out_dir, self.stats, paths, [*self.assets.written, *self.other_files()], started)
