"""The import: an export becomes a docs folder the sync engine can push.

Order of work: open (and, for a zip, validate) the export before anything is written; read every page's
metadata and the tree; give each page its output path; then per page read the body with the HTML reader,
rewrite its references on the document tree (page links to relative ``.md`` links, export files to
copies in ``assets/``), append the attachments its body does not use, and write front matter plus the
local Markdown atomically. Problems with one page or one file are reported, never fatal.
"""

from __future__ import annotations

import json
import posixpath
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from productive_docs.converter.model import Mark, Node, text
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.references import IMAGE, Ref, is_local
from productive_docs.sync.confluence.assets import AssetStore
from productive_docs.sync.confluence.export import Export, Limits, open_export
from productive_docs.sync.confluence.links import PageLinks
from productive_docs.sync.confluence.pages import PageMeta, read_export_page
from productive_docs.sync.confluence.report import REPORT_NAME, ImportStats, Problem, render
from productive_docs.sync.confluence.tree import TreeNode, assign_paths, build_tree, read_index, slug
from productive_docs.sync.engine.folder import Held
from productive_docs.sync.engine.frontmatter import front_matter_block
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.result import Outcome, SyncResult
from productive_docs.sync.engine.state import STATE_DIR
from productive_docs.sync.importers.pool import PageDone, PageJob, PagePool, PageRead, unpack
from productive_docs.sync.progress import progress as show_progress

#: Heading of the list of attachments a page's body does not show.
FILES_HEADING = "Files"
#: The list of files the last import wrote, in the sync state folder of the output.
MANIFEST = "confluence-import.json"
#: Where the export keeps attached files, and the previews Confluence renders of them.
ATTACHMENTS, THUMBNAILS = "attachments/", "attachments/thumbnails/"


@dataclass(slots=True)
class ImportResult:
    """Where the import went, the page paths it wrote and its counts."""

    out_dir: Path
    paths: dict[str, str]
    stats: ImportStats
    #: File path -> the page file as written with the document it was written from (``folder.Held``):
    #: ``--push`` pushes those without parsing the files again.
    held: dict[str, Held] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """1 when a page failed to convert; missing files and broken links alone are not failures."""
        return 1 if self.stats.failed_pages else 0


class _PageJob:
    """The preparation of one page's body in the parent, in page order: where its references go (files
    copied), and the Files list of the attachments it does not use. The worker applies both to the tree."""

    def __init__(self, importer: Importer, meta: PageMeta, path: str) -> None:
        self.importer = importer
        self.meta = meta
        self.path = path
        #: Export files the body uses, and every local path it refers to (found in the export or not).
        self.used: set[str] = set()
        self.referenced: set[str] = set()
        find = importer.export.resolve
        self.attachments = [(find(a.path), a) for a in meta.attachments]
        # Original names by export name, and by path for the listed files the export lacks.
        self.names = {_local_path(a.path): a.name for a in meta.attachments}
        self.names.update({name: attachment.name for name, attachment in self.attachments if name})

    def prepare(self, refs: list[Ref]) -> tuple[dict[str, str], list[Node]]:
        """The new hrefs of the body's references (files copied), and the blocks listing the attachments
        it does not use."""
        return self.new_refs(refs), self.files_list()

    def new_refs(self, refs: list[Ref]) -> dict[str, str]:
        """Old -> new href of every reference to a page or a file of the export; the rest reported or kept."""
        stats, new, seen = self.importer.stats, {}, set()
        for ref in refs:
            if ref.target in seen:
                continue
            seen.add(ref.target)
            is_page, href = self.importer.links.rewrite(ref.target, self.path)
            if is_page:
                if href != ref.target:
                    new[ref.target] = href
                    stats.links_rewritten += 1
                else:
                    stats.broken_links.append(Problem(self.path, ref.target, "page not in the export"))
                continue
            if not is_local(ref.target) or ref.target.startswith("/"):
                continue
            self.referenced.add(_local_path(ref.target))
            copied = self.copy(ref.target)
            if copied is None:
                stats.missing_files.append(Problem(self.path, ref.target, f"{ref.kind} not in the export"))
                continue
            new[ref.target] = copied
            if ref.kind == IMAGE:
                stats.images += 1
            else:
                stats.attachment_links += 1
        return new

    def copy(self, target: str) -> str | None:
        """Copy the export file a local reference names; its new href, or None when the export lacks it."""
        name = self.importer.export.resolve(target)
        if name is None:
            return None
        self.used.add(name)
        return self.importer.assets.place(name, self.display_name(name), self.path)

    def display_name(self, name: str) -> str:
        """The attachment's own name; a thumbnail is named after the file it previews."""
        if name in self.names:
            return self.names[name]
        if name.startswith(THUMBNAILS):
            original = ATTACHMENTS + name[len(THUMBNAILS):]
            for export_name, shown in self.names.items():
                if posixpath.splitext(export_name)[0] == original:
                    return f"{posixpath.splitext(shown)[0]}-preview"
        return posixpath.basename(name)

    def files_list(self) -> list[Node]:
        """A ``Files`` heading and list of the attachments the body does not use (none: no blocks)."""
        items = []
        for name, attachment in self.attachments:
            if name in self.used or _local_path(attachment.path) in self.referenced:
                continue
            href = self.copy(attachment.path)
            if href is None:
                note = f"attachment {attachment.name} not in the export"
                self.importer.stats.missing_files.append(Problem(self.path, attachment.path, note))
                line = [text(f"{attachment.name} (not in the export)")]
            else:
                self.importer.stats.files_listed += 1
                line = [text(attachment.name, [Mark("link", {"href": href})])]
            items.append(Node("li", content=[Node("paragraph", content=line)]))
        if not items:
            return []
        return [Node("heading", {"level": 2}, [text(FILES_HEADING)]), Node("ul", content=items)]


def _local_path(ref: str) -> str:
    """A relative reference as a plain path, for comparing references written differently."""
    return posixpath.normpath(unquote(urlsplit(ref).path))


def front_matter(meta: PageMeta, order: int | None) -> str:
    """The page's YAML front matter, values as the export states them."""
    fields: dict[str, Any] = {
        "title": meta.title,
        "confluence_page_id": meta.page_id,
        "created_by": meta.created_by,
        "last_modified": meta.last_modified,
        "order": order,
    }
    return front_matter_block({key: value for key, value in fields.items() if value is not None}) + "\n"


class Importer:
    """One import run: the export, its pages and tree, the output paths and the shared counters."""

    def __init__(self, export: Export, out_dir: Path, pool: PagePool, *, hold: bool = False) -> None:
        self.started = time.perf_counter()
        self.export = export
        self.out_dir = out_dir
        self.pool = pool
        self.hold = hold
        self.stats = ImportStats(str(export.source))
        self.held: dict[str, Held] = {}
        self.pages: dict[str, PageMeta] = {}
        #: Each page as read (its packed tree and references, or why it could not be read), kept until its
        #: paths are known.
        self.bodies: dict[str, PageRead] = {}
        texts = ((file, export.read_text(file)) for file in export.pages())
        for page in pool.map(read_export_page, texts):
            meta = self.pages[page.meta.file] = page.meta
            self.bodies[meta.file] = page.body
            self.stats.lowered.update(page.body.lowered)
            meta.breadcrumbs = [found for crumb in meta.breadcrumbs if (found := export.find(crumb))]
        index_roots = read_index(export.read_text("index.html"))
        for node in (node for root in index_roots for node in root.walk()):
            node.file = export.find(node.file) or node.file
        self._titles_from_index(index_roots)
        self.home, self.others = build_tree(index_roots, self.pages)
        self.paths = assign_paths(self.home, self.others, self.pages)
        ids = {meta.page_id: file for file, meta in self.pages.items() if meta.page_id}
        self.links = PageLinks(self.paths, ids, export.find)
        self.assets = AssetStore(export, out_dir)

    def _titles_from_index(self, roots: list[TreeNode]) -> None:
        """The index states titles without the ``Space : `` prefix of the page heading; prefer it."""
        for root in roots:
            for node in root.walk():
                if node.file in self.pages and node.title:
                    self.pages[node.file].title = node.title

    def _order(self) -> dict[str, int]:
        """Position of each page among its siblings (1-based), so the sync engine keeps Confluence's order."""
        order: dict[str, int] = {}
        for root in [self.home, *self.others]:
            for node in root.walk():
                order.update({child.file: number for number, child in enumerate(node.children, 1)})
        first = len(self.home.children) + 1
        order.update({root.file: number for number, root in enumerate(self.others, first)})
        return order

    def run(self, progress: bool = False) -> ImportResult:
        order = self._order()
        files = [node.file for root in [self.home, *self.others] for node in root.walk()]
        self.stats.home = self.pages[self.home.file].title
        self.stats.placed_by_breadcrumbs = [
            Problem(self.paths[node.file], node.file, (self.pages[node.file].breadcrumbs or ["(home)"])[-1])
            for root in [self.home, *self.others] for node in root.walk() if node.from_breadcrumbs
        ]
        mark_started(self.out_dir, str(self.export.source))
        # A generator: pages are prepared in order (asset file names depend on it) while workers finish
        # the pages before them.
        jobs = (self._job(file, order.get(file)) for file in files)
        with show_progress("importing", len(files), sys.stderr, enabled=progress) as advance:
            for file, done in zip(files, self.pool.finish(jobs), strict=True):
                self._record(file, order.get(file), done)
                advance(self.pages[file].title)
        self.stats.pages = len(files)
        self.stats.assets = self.assets.counts
        self.stats.stale_removed = replace_manifest(self.out_dir, str(self.export.source),
                                                    [*self.paths.values(), *self.assets.written])
        self.stats.seconds = time.perf_counter() - self.started
        write_atomic(self.out_dir / REPORT_NAME, render(self.stats))
        return ImportResult(self.out_dir, self.paths, self.stats, self.held)

    def _job(self, file: str, order: int | None) -> PageJob:
        """What a worker needs to finish the page: its tree, new hrefs and Files list; or the reason why
        the page cannot be written (then only its front matter is)."""
        page, path = self.bodies.pop(file), self.paths[file]
        job = PageJob(page.tree, {}, self.out_dir / path, front_matter(self.pages[file], order),
                      hold=self.hold, error=page.error or "not written")
        job.resolve(lambda: _PageJob(self, self.pages[file], path).prepare(page.refs))
        job.copies = self.assets.take()
        return job

    def _record(self, file: str, order: int | None, done: PageDone) -> None:
        """Count what writing the page did; a page that failed (its file has its front matter only) is
        reported. A held page (written with nothing lowered, so it reads back to its tree) is kept with its
        tree: a push takes it as it is (``folder.Held``) instead of parsing the file again."""
        if done.error is not None:
            self.stats.failed_pages.append(Problem(self.paths[file], file, done.error))
            return
        self.stats.lowered.update(done.lowered)
        title = (self.pages[file].title or "").strip()
        if done.text is not None and done.tree is not None and not done.lowered and title:
            text = front_matter(self.pages[file], order) + done.text
            self.held[self.paths[file]] = Held(text, unpack(done.tree), title,
                                               None if order is None else float(order))


def mark_started(out_dir: Path, source: str) -> None:
    """Write an empty manifest before the first page unless an earlier import left one: a folder that
    an interrupted import half filled is still recognised as an import's (``import`` refuses other
    non-empty folders), and an earlier manifest keeps its list for ``replace_manifest``."""
    if not (out_dir / STATE_DIR / MANIFEST).exists():
        write_manifest(out_dir, source, [])


def replace_manifest(out_dir: Path, source: str, written: list[str]) -> list[str]:
    """Record the files this import wrote; remove those an earlier import wrote and this one did not.

    A page renamed or deleted in the source gets a new file name or none; without this its old file would
    stay and be pushed as a page of its own. Only files listed by the earlier import (inside the folder)
    are touched, and folders they leave empty. Every kind of import does this, so a re-import of any
    source drops the same way what the source no longer has.
    """
    manifest = out_dir / STATE_DIR / MANIFEST
    try:
        before = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        before = []
    root = out_dir.resolve()
    stale = []
    for name in sorted(set(before) - set(written)):
        path = (out_dir / str(name)).resolve()
        if root in path.parents and path.is_file():
            path.unlink()
            stale.append(str(name))
            for folder in path.parents:
                if folder == root or any(folder.iterdir()):
                    break
                folder.rmdir()
    write_manifest(out_dir, source, sorted(written))
    return stale


def write_manifest(out_dir: Path, source: str, files: list[str]) -> None:
    """Record which files an import of ``source`` wrote into ``out_dir`` (a re-import may then update it)."""
    record = {"export": source, "files": files}
    write_atomic(out_dir / STATE_DIR / MANIFEST, json.dumps(record, indent=1) + "\n")


def import_export(export_path: Path, out_dir: Path, *, progress: bool | None = None,
                  limits: Limits | None = None, jobs: int | None = None, hold: bool = False) -> ImportResult:
    """Import the export at ``export_path`` (folder or zip) into ``out_dir``.

    The export is opened and checked first, so a refused zip writes nothing. ``progress`` defaults to
    showing a bar when stderr is a terminal. Pages are read in ``jobs`` processes (default: one per core;
    ``sync.importers.pool``), with the same output as in one. ``hold``: keep each page written with its
    tree (``ImportResult.held``) for a push that follows; that costs rebuilding every tree here.
    """
    with closing(open_export(Path(export_path), limits)) as export, \
            PagePool(len(export.pages()), jobs) as pool:
        importer = Importer(export, Path(out_dir), pool, hold=hold)
        return importer.run(progress=sys.stderr.isatty() if progress is None else progress)


def push_state_path(export_path: Path) -> Path:
    """Where ``--push`` without ``-o`` keeps the sync state, so a re-run updates the same doc.

    The Markdown goes to a temporary folder that vanishes; the state (page ids by file) must not, so it
    lives in the current folder under the tool's state directory, named after the export.
    """
    stem = Path(export_path).resolve().name.removesuffix(".zip")
    return Path.cwd() / STATE_DIR / f"confluence-{slug(stem) or 'export'}.json"


def import_and_push(export_path: Path, out_dir: Path | None, client: Client,
                    options: PushOptions | None = None, *, progress: bool | None = None,
                    importer: Callable[..., ImportResult] | None = None,
                    on_outcome: Callable[[Outcome], None] | None = None,
                    **changes: Any) -> tuple[ImportResult, SyncResult]:
    """Import, then push the folder through the sync engine (a re-run updates instead of duplicating).

    ``importer`` is the import function of the export's kind (``import_export`` by default); ``changes`` are
    ``PushOptions`` fields set on ``options`` (as ``push_folder``'s). Without ``out_dir`` the import goes to a
    temporary folder and the sync state, unless given, to ``push_state_path``.
    """
    if importer is None or importer is import_export:  # the one import that holds its pages' trees
        importer = partial(import_export, hold=True)
    options = replace(options or PushOptions(), **changes)
    if out_dir is not None:
        imported = importer(export_path, out_dir, progress=progress)
        return imported, push_folder(out_dir, client, options, on_outcome=on_outcome, held=imported.held)
    if options.state_path is None:
        options = replace(options, state_path=push_state_path(export_path))
    with tempfile.TemporaryDirectory(prefix="confluence-import-") as temp:
        imported = importer(export_path, Path(temp), progress=progress)
        return imported, push_folder(Path(temp), client, options, on_outcome=on_outcome, held=imported.held)
