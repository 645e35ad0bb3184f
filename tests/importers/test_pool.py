"""``map_pages``: results in input order, from a pool of processes for many pages, in-process for few."""

from __future__ import annotations

import pickle

import pytest
from productive_docs.converter import read
from productive_docs.sync.importers import pool
from productive_docs.sync.importers.pool import MIN_PAGES, map_pages


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
