"""Burst of calls through the client against the local server with the same rate limits on both sides.

Checks issue 4's promise: no 429, and a total time within 10% of what the limits allow. With ``limit``
requests per ``period`` seconds, call ``i`` (0-based) cannot start before ``(i // limit) * period``, so
``calls`` calls need at least ``((calls - 1) // limit) * period`` seconds; the ratio printed is the measured
time over that minimum. The same calls without limits are timed first, as the in-process baseline.

    python3 bench/bench_client.py                      # 500 calls at the documented 100/10 s (~40 s)
    python3 bench/bench_client.py --calls 60 --limit 10/1   # quick run (~5 s)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from productive_docs.sync.api.client import Client
from productive_docs.sync.api.ratelimit import parse_limit
from productive_docs.sync.server.app import LocalServer

UNLIMITED = (10**9, 1.0)


def burst(calls: int, limit: tuple[int, float]) -> tuple[float, Client]:
    """Time ``calls`` client calls (alternating get and replace on one page) under ``limit``."""
    with LocalServer(rate_limit=limit, org_rate_limit=UNLIMITED).start() as server:
        client = Client(server.url, server.token, server.org_id, rate_limit=limit, org_rate_limit=UNLIMITED)
        started = time.monotonic()
        page = client.create_with_markdown("Bench", "start")
        for number in range(1, calls):
            if number % 2:
                client.get_page(page.id)
            else:
                client.replace_body_with_markdown(page.id, f"body {number}")
        elapsed = time.monotonic() - started
        client.close()
    return elapsed, client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--limit", type=parse_limit, default=(100, 10.0), metavar="N/SECONDS")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    count, period = args.limit
    minimum = ((args.calls - 1) // count) * period
    free: list[float] = []
    limited: list[float] = []
    refused = 0
    for _ in range(args.runs):
        free.append(burst(args.calls, UNLIMITED)[0])
        elapsed, client = burst(args.calls, args.limit)
        limited.append(elapsed)
        refused += client.stats.rate_limited
    ratio = statistics.median(limited) / minimum if minimum else float("nan")
    print(f"{args.calls} calls, limit {count}/{period:g} s; median (min-max) of {args.runs} interleaved runs")
    print(f"  without limits (baseline): {statistics.median(free):.2f} s ({min(free):.2f}-{max(free):.2f}; "
          f"{statistics.median(free) / args.calls * 1000:.2f} ms a call)")
    print(f"  with limits:               {statistics.median(limited):.2f} s "
          f"({min(limited):.2f}-{max(limited):.2f}); the limits allow {minimum:.2f} s at best")
    print(f"  ratio: {ratio:.3f} (goal <= 1.10: {'met' if ratio <= 1.10 and not refused else 'MISSED'}); "
          f"429 answers: {refused}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
