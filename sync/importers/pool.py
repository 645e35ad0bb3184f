"""Pages converted on every core: a pool of processes over independent pages, results in input order.

An import spends its time parsing and converting pages one by one, each without looking at the others, in
pure Python (one core per process). ``PagePool.map`` hands such per-page work to a pool of worker processes
and gives the results back in the order of the input, so whatever the importer does with them afterwards
(counts, file names, the report) happens in the same order as in one process, and the output is byte for
byte the same (``tests/importers/test_pool.py``, the importers' tests, and on the shared Confluence export
``tests/confluence/test_confluence_corpus.py``).

An import has two per-page steps with an ordered step of the parent between them: read every page (parse,
metadata, the references its body makes), then, once every page's output path is known and the references
resolved in page order (asset names depend on that order), finish each page (rewrite the references, write
the Markdown file). A page's tree crosses the process boundary as pickled bytes (``pack``) that the parent
keeps without unpickling them: rebuilding a tree costs about two thirds of writing it as Markdown, so the
parent only does it for the pages it must hold (``PageDone.tree``), and a worker finishing a page it read
itself takes back the tree it kept. What comes back from ``finish_page`` is small: counts and an error, not
the Markdown, unless the caller holds the page. In one process nothing is pickled.

Workers are forked on Linux, after the importer's modules (converter, HTML parser) are imported by the
parent, so they start in milliseconds with everything loaded; elsewhere (no safe ``fork``) they are
spawned and import the converter themselves. One worker per core; small imports stay in one process, where
a pool's start-up costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from productive_docs.converter.model import Node
from productive_docs.converter.report import Report
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.references import Ref, references, rewrite_refs

from productive_docs import converter

#: A page's tree as ``pack`` hands it over: bytes between processes, the tree itself within one.
Tree = bytes | Node
Item = TypeVar("Item")
Result = TypeVar("Result")

#: Fewer pages than this are converted in the calling process.
MIN_PAGES = 32
#: Pages handed to a worker at a time: small, as pages vary a lot in size, but not one by one.
CHUNK = 4


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def start_method() -> str:
    """``fork`` on Linux (workers inherit the imported modules), ``spawn`` where forking is unsafe (macOS
    system libraries, Windows has none)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


class PagePool:
    """Worker processes for the per-page steps of one import (started once, used for every step).

    ``jobs`` workers (default: one per core) when there are at least ``MIN_PAGES`` pages, else none: then
    ``map`` runs in this process. ``context``: what every page's work needs besides the page (picklable),
    handed to each worker once, when it starts (``map_in_context``).
    """

    def __init__(self, pages: int, jobs: int | None = None, context: Any = None) -> None:
        workers = min(available_cores() if jobs is None else jobs, pages)
        self._executor = None
        self._context = context
        if workers > 1 and pages >= MIN_PAGES:
            method = multiprocessing.get_context(start_method())
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=method,
                                                 initializer=_start_worker, initargs=(context,))

    @property
    def parallel(self) -> bool:
        """Whether ``map`` runs in worker processes."""
        return self._executor is not None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *_: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``function(item)`` for each item, in order. ``items`` may be a generator: workers start on the
        first items while the caller still makes the next ones."""
        if self._executor is None:
            return map(function, items)
        return self._executor.map(function, items, chunksize=CHUNK)

    def map_in_context(self, function: Callable[[Any, Item], Result],
                       items: Iterable[Item]) -> Iterator[Result]:
        """``function(context, item)`` for each item, in order (``context`` as given to the pool)."""
        if self._executor is None:
            return (function(self._context, item) for item in items)
        return self._executor.map(partial(_in_context, function), items, chunksize=CHUNK)


def _in_context(function: Callable[[Any, Item], Result], item: Item) -> Result:
    return function(_context, item)


def map_pages(function: Callable[[Item], Result], items: Sequence[Item], *,
              jobs: int | None = None) -> Iterator[Result]:
    """``function(item)`` for each item, in order, in a ``PagePool`` of its own."""
    with PagePool(len(items), jobs) as pool:
        yield from pool.map(function, items)


#: Set in worker processes (the pool's initializer): only there are trees packed.
_in_worker = False
#: In a worker, the trees it packed, by their bytes: when the same worker finishes the page it read (about
#: one page in as many as there are workers), it takes the tree back instead of rebuilding it. Bounded.
_trees: dict[bytes, Node] = {}
MAX_KEPT_TREES = 2_000
#: In a worker, the pool's ``context``.
_context: Any = None


def _start_worker(context: Any) -> None:
    global _in_worker, _context
    _in_worker, _context = True, context
    _trees.clear()


def pack(doc: Node, *, keep: bool = False) -> Tree:
    """A tree to hand to the parent: in a worker, bytes (the parent keeps them without unpickling them);
    in the parent (an import in one process) the tree itself. ``keep``: the worker keeps the tree too, for
    ``unpack`` of the same bytes."""
    if not _in_worker:
        return doc
    data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
    if keep and len(_trees) < MAX_KEPT_TREES:
        _trees[data] = doc
    return data


def unpack(tree: Tree) -> Node:
    """The tree ``pack`` made (only ever what this import packed itself)."""
    if isinstance(tree, Node):
        return tree
    kept = _trees.pop(tree, None)
    if kept is not None:
        return kept
    doc: Node = pickle.loads(tree)  # noqa: S301 - our own bytes, from our own worker
    return doc


@dataclass(slots=True)
class PageRead:
    """One page read (in a worker or here): its tree, every reference the tree makes (in document order:
    what the parent resolves without the tree), what reading lowered, or why it could not be read."""

    tree: Tree | None
    refs: list[Ref] = field(default_factory=list)
    error: str | None = None
    lowered: dict[str, int] = field(default_factory=dict)
    #: The title the page itself states, when it says one (a Notion or Google Docs HTML ``<title>``).
    title: str | None = None
    #: Links to other pages of the import that reading made point at their files (Confluence XML).
    links: int = 0


def read_tree(read: Callable[[Report], Node], name: str) -> PageRead:
    """``read(report)`` as a ``PageRead``; an error becomes its text (one bad page must not stop a
    migration), with what was lowered before it."""
    report = Report(name)
    try:
        doc = read(report)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
        return PageRead(None, error=f"{type(exc).__name__}: {exc}", lowered=dict(report.counts()))
    return PageRead(pack(doc, keep=True), list(references(doc)), lowered=dict(report.counts()))


@dataclass(slots=True)
class PageJob:
    """What a worker needs to finish one page: its tree, the new href of each reference to rewrite, blocks
    to append (Confluence's list of files), and the file to write with the front matter it starts with."""

    #: The packed tree; None for a page that could not be read or prepared (``error`` says why).
    tree: Tree | None
    refs: dict[str, str]
    target: Path
    front: str
    tail: list[Node] = field(default_factory=list)
    #: Send the Markdown and the final tree back (``PageDone.text``, ``tree``): the caller holds the page.
    hold: bool = False
    error: str = "not written"


@dataclass(slots=True)
class PageDone:
    """A page finished: why its Markdown could not be written (then only its front matter was), what
    writing lowered, and for a held page its Markdown and final tree."""

    error: str | None = None
    lowered: dict[str, int] = field(default_factory=dict)
    text: str | None = None
    tree: Tree | None = None


def finish_page(job: PageJob) -> PageDone:
    """Rewrite the references of ``job``'s tree, append its tail, write front matter and local Markdown to
    its file (atomically). A page that cannot be converted keeps its front matter; the error is returned."""
    if job.tree is None:
        write_atomic(job.target, job.front)
        return PageDone(job.error)
    report = Report()
    try:
        doc = rewrite_refs(unpack(job.tree), job.refs)
        if job.tail:
            doc = Node(doc.type, dict(doc.attrs), [*doc.content, *job.tail])
        text = converter.write(doc, "md", report=report)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
        write_atomic(job.target, job.front)
        return PageDone(f"{type(exc).__name__}: {exc}")
    write_atomic(job.target, job.front + text)
    lowered = dict(report.counts())
    if job.hold:
        return PageDone(None, lowered, text, pack(doc))
    return PageDone(None, lowered)
