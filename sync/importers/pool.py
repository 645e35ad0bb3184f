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
the Markdown file). A page's tree does not cross the process boundary: the worker that read the page keeps
it (``pack`` gives the parent a ``Kept`` handle) and ``PagePool.finish`` sends the page's second step to
that worker; rebuilding a tree from pickled bytes would cost about two thirds of writing it as Markdown.
What comes back from ``finish_page`` is small: counts and an error, not the Markdown, unless the caller
holds the page (then the Markdown and the final tree, as bytes). In one process nothing is pickled.

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
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from itertools import count, islice
from pathlib import Path
from typing import Any, TypeVar

from productive_docs.converter.model import Node
from productive_docs.converter.readers.gc_pause import gc_paused
from productive_docs.converter.report import Report
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.references import Ref, references, rewrite_refs

from productive_docs import converter

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
    every step runs in this process. ``context``: what every page's work needs besides the page
    (picklable), handed to each worker once, when it starts (``map_in_context``).

    Each worker is an executor of one process of its own, so that a page's second step can go to the
    worker that did its first and still holds the page's tree (``Kept``): ``map`` hands the items out in
    chunks to whichever worker is free (at most two chunks waiting per worker); ``finish`` sends each page
    to the worker holding its tree.
    """

    def __init__(self, pages: int, jobs: int | None = None, context: Any = None) -> None:
        workers = min(available_cores() if jobs is None else jobs, pages)
        self._context = context
        self._workers: list[ProcessPoolExecutor] = []
        if workers > 1 and pages >= MIN_PAGES:
            method = multiprocessing.get_context(start_method())
            self._workers = [ProcessPoolExecutor(1, mp_context=method, initializer=_start_worker,
                                                 initargs=(number, context)) for number in range(workers)]

    @property
    def parallel(self) -> bool:
        """Whether the steps run in worker processes."""
        return bool(self._workers)

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *_: object) -> None:
        for worker in self._workers:
            worker.shutdown(cancel_futures=True)

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``function(item)`` for each item, in order. ``items`` may be a generator: it is read as workers
        become free."""
        if not self._workers:
            return map(function, items)
        return self._balanced(partial(_each, function), items)

    def map_in_context(self, function: Callable[[Any, Item], Result],
                       items: Iterable[Item]) -> Iterator[Result]:
        """``function(context, item)`` for each item, in order (``context`` as given to the pool)."""
        if not self._workers:
            return (function(self._context, item) for item in items)
        return self._balanced(partial(_each_in_context, function), items)

    def finish(self, jobs: Iterable[PageJob]) -> Iterator[PageDone]:
        """``finish_page`` of each job, in order, each in the worker holding its tree (the workers in turn
        for trees that crossed as bytes). The jobs are all handed out before the first result is given."""
        if not self._workers:
            return map(finish_page, jobs)
        return self._routed(jobs)

    def _routed(self, jobs: Iterable[PageJob]) -> Iterator[PageDone]:
        current: list[list[PageJob]] = [[] for _ in self._workers]
        slots: list[tuple[list[PageJob], int]] = []  # each job's chunk and place in it, in order
        submitted: dict[int, Future[list[PageDone]]] = {}  # by id() of the chunk (alive in ``slots``)
        for turn, job in enumerate(jobs):
            owner = job.tree.worker if isinstance(job.tree, Kept) else turn % len(self._workers)
            chunk = current[owner]
            slots.append((chunk, len(chunk)))
            chunk.append(job)
            if len(chunk) == CHUNK:
                submitted[id(chunk)] = self._workers[owner].submit(_each, finish_page, chunk)
                current[owner] = []
        for owner, chunk in enumerate(current):
            if chunk:
                submitted[id(chunk)] = self._workers[owner].submit(_each, finish_page, chunk)
        for chunk, place in slots:
            yield submitted[id(chunk)].result()[place]

    def _balanced(self, function: Callable[[list[Item]], list[Result]],
                  items: Iterable[Item]) -> Iterator[Result]:
        source = iter(items)
        order: deque[tuple[Future[list[Result]], int]] = deque()
        more = True
        while True:
            while more:
                busy = Counter(owner for future, owner in order if not future.done())
                free = [number for number in range(len(self._workers)) if busy[number] < 2]
                if not free:
                    break
                chunk = list(islice(source, CHUNK))
                if not chunk:
                    more = False
                    break
                owner = min(free, key=lambda number: busy[number])
                order.append((self._workers[owner].submit(function, chunk), owner))
            if not order:
                return
            if order[0][0].done() or not more:
                yield from order.popleft()[0].result()
            else:
                wait([future for future, _ in order if not future.done()], return_when=FIRST_COMPLETED)


def _each(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def _each_in_context(function: Callable[[Any, Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(_context, item) for item in chunk]


def map_pages(function: Callable[[Item], Result], items: Sequence[Item], *,
              jobs: int | None = None) -> Iterator[Result]:
    """``function(item)`` for each item, in order, in a ``PagePool`` of its own."""
    with PagePool(len(items), jobs) as pool:
        yield from pool.map(function, items)


#: In a worker process, its number in the pool (set by the pool's initializer); None in the parent.
_worker: int | None = None
#: In a worker, the trees it kept for the second step of their pages (``Kept``), by key. Bounded: past the
#: bound trees cross as bytes.
_trees: dict[int, Node] = {}
_keys = count()
MAX_KEPT_TREES = 20_000
#: In a worker, the pool's ``context``.
_context: Any = None


@dataclass(frozen=True, slots=True)
class Kept:
    """A tree a worker kept (``pack(keep=True)``): which worker holds it, and under what key."""

    worker: int
    key: int


#: A page's tree as ``pack`` hands it over: the tree itself within one process, else a handle to the tree
#: a worker kept, or pickled bytes.
Tree = Node | Kept | bytes


def _start_worker(number: int, context: Any) -> None:
    global _worker, _context
    _worker, _context = number, context
    _trees.clear()


def pack(doc: Node, *, keep: bool = False) -> Tree:
    """A tree to hand to the parent. In the parent (an import in one process): the tree itself. In a worker:
    with ``keep`` a ``Kept`` handle (the worker keeps the tree for the page's next step, ``PagePool.finish``
    sends it there), else (or past the bound) pickled bytes."""
    if _worker is None:
        return doc
    if keep and len(_trees) < MAX_KEPT_TREES:
        key = next(_keys)
        _trees[key] = doc
        return Kept(_worker, key)
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(tree: Tree) -> Node:
    """The tree ``pack`` handed over (a ``Kept`` one only in the worker that kept it)."""
    if isinstance(tree, Node):
        return tree
    if isinstance(tree, Kept):
        return _trees.pop(tree.key)
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


def failure(exc: Exception) -> str:
    """How a page's failure is reported: ``Type: message``."""
    return f"{type(exc).__name__}: {exc}"


def read_tree(read: Callable[[Report], Node], name: str) -> PageRead:
    """``read(report)`` as a ``PageRead``; an error becomes its text (one bad page must not stop a
    migration), with what was lowered before it."""
    report = Report(name)
    try:
        doc = read(report)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
        return PageRead(None, error=failure(exc), lowered=dict(report.counts()))
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
    #: Files to write first (path, content): the export files this page was the first to use.
    copies: list[tuple[Path, bytes]] = field(default_factory=list)

    def resolve(self, prepare: Callable[[], tuple[dict[str, str], list[Node]]]) -> None:
        """Set the new hrefs and the tail ``prepare()`` gives (run in the parent, in page order); when it
        fails the page is not written (front matter only) and the error says why: one bad page must not
        stop a migration. Nothing is prepared for a page that could not be read."""
        if self.tree is None:
            return
        try:
            self.refs, self.tail = prepare()
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
            self.tree, self.error = None, failure(exc)


@dataclass(slots=True)
class PageDone:
    """A page finished: why its Markdown could not be written (then only its front matter was), what
    writing lowered, and for a held page its Markdown and final tree."""

    error: str | None = None
    lowered: dict[str, int] = field(default_factory=dict)
    text: str | None = None
    tree: Tree | None = None


@gc_paused()
def finish_page(job: PageJob) -> PageDone:
    """Rewrite the references of ``job``'s tree, append its tail, write front matter and local Markdown to
    its file (atomically), after the files it copies. A page that cannot be converted keeps its front
    matter; the error is returned. The cyclic collector waits meanwhile (``gc_paused``: with the default
    thresholds it would walk every tree still held, again and again, about a tenth of an import)."""
    for target, data in job.copies:
        write_atomic(target, data)
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
        return PageDone(failure(exc))
    write_atomic(job.target, job.front + text)
    lowered = dict(report.counts())
    if job.hold:
        return PageDone(None, lowered, text, pack(doc))
    return PageDone(None, lowered)
