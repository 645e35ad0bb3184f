"""Sync engine speed: an initial push under the documented rate limits, and a no-op push of a big tree.

1. Initial push of ``--files`` files (default 300) against the local server with the documented limits
   (100 requests / 10 s on both sides). With ``limit`` requests per ``period``, request ``i`` (0-based) cannot
   start before ``(i // limit) * period``, so ``n`` requests need at least ``((n - 1) // limit) * period``
   seconds. Goal: measured time <= 1.15 x that minimum, and no 429. The same push without limits is timed
   first as the in-process baseline (the local work plus the server's own work).
2. No-op push of ``--noop-files`` files (default 1,000) against a server without limits: a push of an
   unchanged tree, then the same with the state's file fingerprints wiped (every file parsed). Goal: both
   under 2 s, no write, one list call per 200 pages.

    python3 bench/bench_sync.py                     # ~35 s
    python3 bench/bench_sync.py --files 120          # quick run (~12 s)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import default_path, load
from productive_docs.sync.server.app import LocalServer

UNLIMITED = (10**9, 1.0)
DOCUMENTED = (100, 10.0)


def make_tree(root: Path, files: int) -> Path:
    """A realistic tree: folders of 25 pages, links between neighbours, some pages needing HTML."""
    for number in range(files):
        folder = root / f"{number // 25:02}-section"
        folder.mkdir(parents=True, exist_ok=True)
        extra = f"\n> [!NOTE]\n> Ask @[user:{number}:Person {number}].\n" if number % 5 == 0 else ""
        link = f"See [the next page](page-{number + 1:04}.md#details).\n" if number % 25 < 24 else ""
        (folder / f"page-{number:04}.md").write_text(
            f"# Page {number}\n\nIntro of page {number}. {link}\n## Details\n\n- one\n- two\n\n"
            f"| a | b |\n|---|---|\n| {number} | x |\n{extra}", encoding="utf-8")
    (root / "index.md").write_text("# Bench docs\n\nStart at [the first page](00-section/page-0000.md).\n",
                                   encoding="utf-8")
    return root


def timed_push(folder: Path, limit: tuple[int, float]) -> tuple[float, Client, dict[str, int]]:
    with LocalServer(rate_limit=limit, org_rate_limit=UNLIMITED).start() as server:
        client = Client(server.url, server.token, server.org_id, rate_limit=limit, org_rate_limit=UNLIMITED)
        started = time.monotonic()
        state = folder.parent / f"state-{limit[0]}.json"
        result = push_folder(folder, client, project_id="1", state_path=state)
        elapsed = time.monotonic() - started
        client.close()
    if result.exit_code:
        raise SystemExit(f"push failed: {result.counts()}")
    return elapsed, client, result.requests


def initial_push(files: int) -> bool:
    with tempfile.TemporaryDirectory() as temp:
        folder = make_tree(Path(temp) / "docs", files)
        baseline, _, _ = timed_push(folder, UNLIMITED)
        elapsed, client, requests = timed_push(folder, DOCUMENTED)
    count, period = DOCUMENTED
    made = requests["reads"] + requests["writes"]
    minimum = ((made - 1) // count) * period
    ratio = elapsed / minimum if minimum else float("nan")
    print(f"initial push of {files} files ({made} requests: "
          f"{requests['reads']} reads, {requests['writes']} writes)")
    print(f"  without limits (baseline): {baseline:.2f} s")
    print(f"  with limits {count}/{period:g} s:      {elapsed:.2f} s; "
          f"the limits allow {minimum:.2f} s at best")
    print(f"  ratio: {ratio:.3f} (goal <= 1.15); 429 answers: {client.stats.rate_limited}")
    return client.stats.rate_limited == 0 and (ratio <= 1.15 or minimum == 0)


def noop_push(files: int) -> bool:
    """Time a no-op push twice: as it runs normally (unchanged files are not parsed, see ``sync.folder``),
    and with that memory wiped from the state, so every file is parsed, links resolved and hashed."""
    with tempfile.TemporaryDirectory() as temp, \
            LocalServer(rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        folder = make_tree(Path(temp) / "docs", files)
        client = Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED,
                        org_rate_limit=UNLIMITED)
        push_folder(folder, client, project_id="1")
        push_folder(folder, client)
        lists = client.stats.by_endpoint["list"]
        started = time.monotonic()
        result = push_folder(folder, client)
        elapsed = time.monotonic() - started
        lists = client.stats.by_endpoint["list"] - lists
        state = load(default_path(folder))
        for saved in state.pages.values():
            saved.fingerprint = None
        state.save()
        started = time.monotonic()
        cold = push_folder(folder, client)
        cold_elapsed = time.monotonic() - started
        client.close()
    writes = result.requests["writes"] + cold.requests["writes"]
    print(f"no-op push of {files} files: {elapsed:.2f} s (goal < 2 s); {writes} writes, "
          f"{lists} list calls ({result.requests['reads']} reads)")
    print(f"  the same with every file parsed (no fingerprints in the state): {cold_elapsed:.2f} s")
    return elapsed < 2.0 and cold_elapsed < 2.0 and writes == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--noop-files", type=int, default=1000)
    args = parser.parse_args()
    ok = noop_push(args.noop_files)
    if args.files:
        ok = initial_push(args.files) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
