"""A folder of Confluence storage-format pages (``*.xml`` / ``*.xhtml``, as saved from the REST API or by
publishing tools) into a docs folder.

Each file is a page titled by its file name. Links to other pages by title (``ri:page``) become relative
links to their Markdown files; attachments (``ri:attachment``) are looked up beside the pages or in
``attachments/`` and copied once each (by content) to ``assets/``; what the folder lacks is reported.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup
from productive_docs.converter.readers.html import parse, read_parsed
from productive_docs.converter.report import Report
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.references import IMAGE, is_local, references, rewrite_refs
from productive_docs.sync.confluence.importer import ImportResult
from productive_docs.sync.confluence.report import ImportStats, Problem
from productive_docs.sync.confluence.tree import slug, unique_stem
from productive_docs.sync.importers.pages import front_matter, import_pages, page_paths

from productive_docs import converter

SUFFIXES = (".xml", ".xhtml")
ASSETS = "assets"
MAX_PAGES = 5000
MAX_FILE_BYTES = 100 * 1024 * 1024


def storage_pages(source: Path) -> list[Path]:
    """The storage-format pages of a folder (top level), in name order, bounded."""
    return sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)[:MAX_PAGES]


def link_pages(soup: BeautifulSoup, target_of: Callable[[str, str | None], str | None]) -> int:
    """Turn ``ac:link``s to pages of the import into links to their Markdown files (``target_of``: a page
    title and the space key the link states, if any -> the href to its file, or None); how many."""
    linked = 0
    for link in soup.find_all("ac:link"):
        page = link.find("ri:page", recursive=False)
        title = str(page.get("ri:content-title") or "") if page is not None else ""
        space = str(page.get("ri:space-key") or "") or None if page is not None else None
        target = target_of(title, space)
        if target is None:
            continue
        body = link.find(["ac:link-body", "ac:plain-text-link-body"], recursive=False)
        anchor = soup.new_tag("a", href=target + (f"#{link['ac:anchor']}" if link.get("ac:anchor") else ""))
        anchor.string = (body.get_text() if body is not None else "") or title
        link.replace_with(anchor)
        linked += 1
    return linked


class _Files:
    """Attachments of the pages, copied once each (by content) into ``assets/``."""

    def __init__(self, source: Path, out_dir: Path, stats: ImportStats) -> None:
        self.source, self.out_dir, self.stats = source, out_dir, stats
        self.by_hash: dict[str, str] = {}
        self.taken: set[str] = set()

    def find(self, name: str) -> Path | None:
        for folder in (self.source, self.source / "attachments"):
            candidate = (folder / name).resolve()
            if self.source.resolve() in candidate.parents and candidate.is_file():
                return candidate
        return None

    def copy(self, path: Path) -> str:
        data = path.read_bytes()[:MAX_FILE_BYTES]
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_hash:
            self.stats.assets.deduplicated += 1
            return self.by_hash[digest]
        stem, suffix = posixpath.splitext(path.name)
        name = f"{ASSETS}/{unique_stem(slug(stem) or 'file', self.taken)}{suffix.lower()}"
        write_atomic(self.out_dir / name, data)
        self.stats.assets.copied += 1
        self.stats.assets.bytes_written += len(data)
        self.by_hash[digest] = name
        return name


def _page(path: Path, out_path: str, paths_by_title: dict[str, str], files: _Files) -> str:
    stats = files.stats
    report = Report(out_path)
    soup = parse(path.read_text(encoding="utf-8"))
    stats.links_rewritten += link_pages(soup, lambda title, _space: paths_by_title.get(title))
    doc = read_parsed(soup, report, confluence=True).doc
    new: dict[str, str] = {}
    seen: set[str] = set()
    for ref in references(doc):
        if ref.target in seen or not is_local(ref.target) or ref.target.split("#")[0].endswith(".md"):
            continue
        seen.add(ref.target)
        found = files.find(ref.target)
        if found is None:
            stats.missing_files.append(Problem(out_path, ref.target, f"{ref.kind} not in the folder"))
            continue
        new[ref.target] = files.copy(found)
        if ref.kind == IMAGE:
            stats.images += 1
        else:
            stats.attachment_links += 1
    body = converter.write(rewrite_refs(doc, new), "md", report=report)
    stats.lowered.update(report.counts())
    return front_matter(path) + body


def import_storage(source: Path, out_dir: Path, *, progress: bool | None = None) -> ImportResult:
    """Import a folder of storage-format pages into ``out_dir``: one Markdown page per file."""
    source, out_dir = Path(source), Path(out_dir)
    stats = ImportStats(str(source), kind="Confluence storage format")
    pages = storage_pages(source)
    paths = page_paths(pages, "page")
    paths_by_title = {page.stem: paths[str(page)] for page in pages}
    files = _Files(source, out_dir, stats)
    return import_pages(source, out_dir, stats, paths,
                        lambda file, out_path: _page(file, out_path, paths_by_title, files),
                        lambda: list(files.by_hash.values()))
