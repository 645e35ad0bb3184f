"""The part every file-per-page import shares: name the pages, convert and write each one (a page that
fails is reported and written with its front matter only), then the manifest and ``IMPORT-REPORT.md``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.confluence.importer import ImportResult, mark_started, replace_manifest
from productive_docs.sync.confluence.report import REPORT_NAME, ImportStats, Problem, render
from productive_docs.sync.confluence.tree import slug, unique_stem
from productive_docs.sync.engine.frontmatter import front_matter_block
from productive_docs.sync.importers.pool import failure


def page_paths(files: list[Path], fallback: str) -> dict[str, str]:
    """Source file -> output Markdown path: a slug of its name, unique in the folder."""
    taken: set[str] = set()
    return {str(file): f"{unique_stem(slug(file.stem) or fallback, taken)}.md" for file in files}


def front_matter(file: Path) -> str:
    """A page's front matter: its title is the file's name."""
    return front_matter_block({"title": file.stem}) + "\n"


def import_pages(source: Path, out_dir: Path, stats: ImportStats, paths: dict[str, str],
                 convert: Callable[[Path, str], str], assets: Callable[[], list[str]]) -> ImportResult:
    """Write ``convert(file, out_path)`` for each page, then the manifest (pages and ``assets()``; what an
    earlier import wrote and this one did not is removed) and the report."""
    started = time.perf_counter()
    mark_started(out_dir, str(source))
    for file, out_path in paths.items():
        try:
            content = convert(Path(file), out_path)
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
            stats.failed_pages.append(Problem(out_path, Path(file).name, failure(exc)))
            content = front_matter(Path(file))
        write_atomic(out_dir / out_path, content)
    return finish(out_dir, stats, paths, assets(), started)


def finish(out_dir: Path, stats: ImportStats, paths: dict[str, str], others: list[str],
           started: float) -> ImportResult:
    """The end of every import: the page count, the manifest (the pages in ``paths`` and the ``others``
    written; what an earlier import wrote and this one did not is removed), the time, the report."""
    stats.pages = len(paths)
    stats.stale_removed = replace_manifest(out_dir, stats.export, [*paths.values(), *others])
    stats.seconds = time.perf_counter() - started
    write_atomic(out_dir / REPORT_NAME, render(stats))
    return ImportResult(out_dir, paths, stats)
