"""The local server lists big docs in linear time: a page of a list walks an index in the default order
instead of sorting every match again (10,000 pages: 5.5 ms per listed page before, 1.1 ms after; see
bench/bench_listing.py)."""

from __future__ import annotations

import pytest
from productive_docs.sync.server.listing import DEFAULT_ORDER
from productive_docs.sync.server.store import Store


@pytest.mark.parametrize("column", ["root_page_id", "project_id", "parent_page_id"])
def test_a_page_of_a_list_is_read_in_index_order_without_a_sort(column):
    store = Store()
    plan = store._db.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM pages WHERE {column} IN (?) ORDER BY {DEFAULT_ORDER}"
        " LIMIT 200 OFFSET 400", [100000]).fetchall()
    details = " / ".join(row[-1] for row in plan)
    assert "TEMP B-TREE" not in details and "USING" in details, details


def test_a_new_page_finds_its_order_without_scanning_the_table():
    plan = Store()._db.execute(
        "EXPLAIN QUERY PLAN SELECT COALESCE(MAX(sibling_order), 0) + 1 FROM pages").fetchall()
    assert "USING COVERING INDEX" in " / ".join(row[-1] for row in plan)
