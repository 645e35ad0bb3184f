"""The local server's page listing: is listing every page of a doc linear in its size?

A doc of ``--pages`` pages (default 10,000) and one of a tenth of that are listed the way a push lists
them (``filter[root_page_id]``, 200 per page, default order), in interleaved runs; the figure is the time
per listed page of the big doc against the small doc's (the baseline): 1.0x is linear. Both the whole
request (client and server in this process) and the store's query alone are timed.

    python3 bench/bench_listing.py                 # ~1 min
    python3 bench/bench_listing.py --pages 3000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from productive_docs.converter.model import empty_doc, to_json
from productive_docs.sync.api.client import Client
from productive_docs.sync.server.app import LocalServer
from productive_docs.sync.server.listing import DEFAULT_ORDER, MAX_PAGE_SIZE

UNLIMITED = (10**9, 1.0)
BODY = '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"%s"}]}]}'


def make_doc(server: LocalServer, pages: int) -> int:
    """A doc of ``pages`` pages (folders of 25), bodies of ~1 KB, written straight into the store."""
    store = server.store
    doc = store.create("Doc", str(to_json(empty_doc())).replace("'", '"'), project_id=1)["id"]
    folder = doc
    for number in range(pages - 1):
        if number % 25 == 0:
            folder = store.create(f"Folder {number}", BODY % "folder", parent_page_id=doc,
                                  root_page_id=doc)["id"]
        else:
            store.create(f"Page {number}", BODY % ("x" * 1000), parent_page_id=folder, root_page_id=doc)
    return doc


def list_all(client: Client, server: LocalServer, doc: int) -> tuple[float, float, int]:
    """Seconds for the whole listing, seconds in the store's queries, pages listed."""
    started = time.perf_counter()
    listed = client.list_pages(filters={"root_page_id": str(doc)})
    whole = time.perf_counter() - started
    started = time.perf_counter()
    offset = 0
    while True:
        rows, _ = server.store.query("root_page_id IN (?)", [doc], DEFAULT_ORDER, MAX_PAGE_SIZE, offset)
        offset += MAX_PAGE_SIZE
        if len(rows) < MAX_PAGE_SIZE:
            break
    return whole, time.perf_counter() - started, len(listed)


def summary(values: list[float], unit: str, digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f} {unit} "
            f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [args.pages // 10, args.pages]
    whole: dict[int, list[float]] = {size: [] for size in sizes}
    store: dict[int, list[float]] = {size: [] for size in sizes}
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        docs = {size: make_doc(server, size) for size in sizes}
        with Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED,
                    org_rate_limit=UNLIMITED) as client:
            for _ in range(args.runs):
                for size in sizes:
                    seconds, query, count = list_all(client, server, docs[size])
                    assert count == size - 1, (count, size)
                    whole[size].append(seconds * 1e6 / size)
                    store[size].append(query * 1e6 / size)
    small, big = sizes
    print(f"listing every page of a doc ({MAX_PAGE_SIZE} per request), time per listed page:")
    for name, table in (("whole request", whole), ("store query", store)):
        ratio = statistics.median(table[big]) / statistics.median(table[small])
        print(f"  {name:13} {big:>6} pages: {summary(table[big], 'µs', 1)}; {small} pages: "
              f"{summary(table[small], 'µs', 1)}; {ratio:.2f}x the small doc's (1.00x: linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
