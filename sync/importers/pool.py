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
from typing import TypeVar

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


def map_pages(function: Callable[[Item], Result], items: Sequence[Item], *,
              jobs: int | None = None) -> Iterator[Result]:
    """``function(item)`` for each item, in order; in ``jobs`` worker processes (default: one per core)
    when there are at least ``MIN_PAGES`` items, else in this process."""
    workers = min(available_cores() if jobs is None else jobs, len(items))
    if workers <= 1 or len(items) < MIN_PAGES:
        yield from map(function, items)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(function, items, chunksize=CHUNK)
