"""Pages converted on every core: a pool of processes over independent pages, results in input order.

An import spends its time parsing and converting pages one by one, each without looking at the others, in
pure Python (one core per process). ``map_pages`` hands such per-page work to a pool of worker processes and
gives the results back in the order of the input, so whatever the importer does with them afterwards (counts,
file names, the report) happens in the same order as in one process, and the output is byte for byte the
same (``tests/importers/test_pool.py``, and on the shared Confluence export in
``tests/confluence/test_confluence_corpus.py``).

Workers are started with ``spawn`` (no copy of the parent's threads or open archives, the same on every
platform); the function must be importable at module level, and its arguments and results picklable. Small
imports stay in one process, where a pool's start-up (each worker imports the converter) costs more than it
saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from productive_docs.converter.model import Node
from productive_docs.converter.report import Report

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


class PagePool:
    """Worker processes for the per-page steps of one import (started once, used for every step).

    ``jobs`` workers (default: one per core) when there are at least ``MIN_PAGES`` pages, else none: then
    ``map`` runs in this process.
    """

    def __init__(self, pages: int, jobs: int | None = None) -> None:
        workers = min(available_cores() if jobs is None else jobs, pages)
        self._executor = None
        if workers > 1 and pages >= MIN_PAGES:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *_: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def map(self, function: Callable[[Item], Result], items: Sequence[Item]) -> Iterator[Result]:
        """``function(item)`` for each item, in order."""
        if self._executor is None:
            return map(function, items)
        return self._executor.map(function, items, chunksize=CHUNK)


def map_pages(function: Callable[[Item], Result], items: Sequence[Item], *,
              jobs: int | None = None) -> Iterator[Result]:
    """``function(item)`` for each item, in order, in a ``PagePool`` of its own."""
    with PagePool(len(items), jobs) as pool:
        yield from pool.map(function, items)


@dataclass(slots=True)
class Written:
    """A page's local Markdown (None when writing failed: ``error`` says why) and what writing lowered."""

    text: str | None
    error: str | None = None
    lowered: dict[str, int] = field(default_factory=dict)


def write_markdown(doc: Node) -> Written:
    """``doc`` as local Markdown, the per-page step every importer ends with (picklable both ways)."""
    report = Report()
    try:
        text = converter.write(doc, "md", report=report)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a migration
        return Written(None, f"{type(exc).__name__}: {exc}")
    return Written(text, lowered=dict(report.counts()))
