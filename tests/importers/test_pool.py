"""``map_pages``: results in input order, from a pool of processes for many pages, in-process for few."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from productive_docs.converter import read
from productive_docs.sync.confluence.importer import ImportResult
from productive_docs.sync.importers import pool
from productive_docs.sync.importers.confluence_xml import import_confluence_xml
from productive_docs.sync.importers.notion import import_notion
from productive_docs.sync.importers.pool import MIN_PAGES, map_pages

from productive_docs import converter


def test_a_pool_gives_the_results_in_input_order() -> None:
    words = [f"page {n} " * (n % 7) for n in range(MIN_PAGES * 2)]
    assert list(map_pages(str.upper, words, jobs=2)) == [word.upper() for word in words]


def test_few_pages_stay_in_this_process() -> None:
    seen: list[int] = []  # a closure cannot be sent to another process: this proves none was used
    assert list(map_pages(lambda n: seen.append(n) or n * 2, range(MIN_PAGES - 1), jobs=2)) == [
        n * 2 for n in range(MIN_PAGES - 1)]
    assert seen == list(range(MIN_PAGES - 1))


@pytest.mark.parametrize("jobs", [1, 0])
def test_one_job_stays_in_this_process(jobs: int) -> None:
    items = list(range(MIN_PAGES * 2))
    assert list(map_pages(lambda n: n + 1, items, jobs=jobs)) == [n + 1 for n in items]


def test_the_default_is_one_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "available_cores", lambda: 1)
    items = list(range(MIN_PAGES * 2))
    assert list(map_pages(lambda n: -n, items)) == [-n for n in items]


def test_a_tree_survives_the_trip_to_a_worker() -> None:
    doc = read("# Title\n\n- [x] **done** [link](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
               "md").doc
    doc.content[0].line = 1
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and back.content[0].line == 1 and back.content[0].content[0].marks == \
        doc.content[0].content[0].marks


ROOT = Path(__file__).resolve().parents[2]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file written, the report's run time left out."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: re.sub(rb"imported in [0-9.]+ s", b"", data) for name, data in found.items()}


@pytest.mark.parametrize(("importer", "source"), [
    (import_notion, "notion/markdown-csv-export.zip"),
    (import_notion, "notion/html-export-testspace.zip"),
    (import_confluence_xml, "confluence-xml/confluence-4.3.2.zip"),
    (import_confluence_xml, "confluence-xml/confluence-8.5.6"),
])
def test_a_pool_imports_the_bytes_one_process_does(importer: Callable[..., ImportResult], source: str,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notion and Confluence XML pages are read and written in worker processes (every page of these real
    exports, however few: ``MIN_PAGES`` lowered), with the output of one process, report included."""
    monkeypatch.setattr(pool, "MIN_PAGES", 2)
    started: list[int] = []
    real_start = pool.PagePool.__init__

    def watched(self: pool.PagePool, pages: int, jobs: int | None = None, context: object = None) -> None:
        real_start(self, pages, jobs, context)
        started.append(self.parallel)

    monkeypatch.setattr(pool.PagePool, "__init__", watched)
    pooled = importer(ROOT / "fixtures" / source, tmp_path / "pooled", jobs=2)
    single = importer(ROOT / "fixtures" / source, tmp_path / "single", jobs=1)
    assert started == [True, False]
    assert pooled.stats.pages == single.stats.pages > 2
    assert _files(tmp_path / "pooled") == _files(tmp_path / "single")


def test_a_worker_takes_back_the_tree_it_read() -> None:
    """In one process a tree is handed over as itself; a worker keeps the trees it read (the page's next step
    is sent to it) and hands over a handle, or bytes past its bound or when not asked to keep it."""
    doc = read("# Title\n\nSome *text*.\n", "md").doc
    assert pool.pack(doc) is doc and pool.unpack(doc) is doc
    pool._start_worker(1, None)
    try:
        kept = pool.pack(doc, keep=True)
        assert isinstance(kept, pool.Kept) and kept.worker == 1
        assert pool.unpack(kept) is doc and not pool._trees
        data = pool.pack(doc)
        assert isinstance(data, bytes) and pool.unpack(data) == doc
    finally:
        pool._worker = None
        pool._trees.clear()


def test_the_second_step_goes_to_the_worker_holding_the_tree(tmp_path: Path) -> None:
    """``finish`` sends each page to the worker that read it: every page comes back written, in order,
    whichever worker read it (a page sent elsewhere would fail: the tree is only in its reader)."""
    texts = [f"# Page {n}\n\n" + "Some *words*. " * (n % 9) for n in range(MIN_PAGES * 2)]
    with pool.PagePool(len(texts), 2) as workers:
        reads = list(workers.map(_read_markdown, texts))
        assert {read.tree.worker for read in reads} == {0, 1}
        jobs = (pool.PageJob(read.tree, {}, tmp_path / f"{n}.md", "---\n") for n, read in enumerate(reads))
        done = list(workers.finish(jobs))
    assert [d.error for d in done] == [None] * len(texts)
    assert [(tmp_path / f"{n}.md").read_text() for n in range(len(texts))] == [
        "---\n" + converter.write(read(text, "md").doc, "md") for text in texts]


def _read_markdown(text: str) -> pool.PageRead:
    return pool.read_tree(lambda report: read(text, "md", report=report).doc, "page.md")
