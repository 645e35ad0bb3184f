"""Sync engine speed, each figure against a baseline run side by side in the same invocation.

1. State cost of a first push of ``--state-files`` files (default 1,000) to an unthrottled local server
   running in another process (so the CPU measured is the client's alone): the share of the client's CPU
   spent in state saves, and its CPU against a variant that saves the state once at the end (the
   save-at-end baseline). ``--with-rewrite`` adds the former way (the whole file rewritten at every save).
   Goal: under 5% of the CPU in state.
2. No-op push and ``status`` of ``--noop-files`` files (default 10,000) through the command line, in this
   process and as whole processes, with the listing requests each made, and the same push with every file
   parsed and the whole doc listed (fingerprints, stamps and listing mark wiped). Goal: under 2 s.
3. ``--scale 100,1000,10000``: first push of each size to an unthrottled local server in another process,
   time per page (flat: linear) and writes per page with why any page took more than one.
4. Initial push of ``--files`` files (default 300) under the documented limits (100 requests / 10 s): the
   time against the least the limits allow, ``((n - 1) // limit) * period`` for ``n`` requests, and the
   unthrottled push as the in-process baseline. Goal: <= 1.15x the bound, no 429.

Every figure is the median of ``--runs`` interleaved runs (variants take turns), with its spread (min-max).
Goals missed are printed, never turned into an exit code: the bench exits 0 when it ran.

    python3 bench/bench_sync.py                                   # ~4 min on 2 cores
    python3 bench/bench_sync.py --state-files 300 --noop-files 1000 --files 0 --runs 3   # quick
    python3 bench/bench_sync.py --state-files 0 --noop-files 0 --files 0 --runs 1 --scale 100,1000,10000
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.listing_mark import MARK_FILE
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.stamps import SETTLED, STAMPS_FILE
from productive_docs.sync.engine.state import State, default_path, load
from productive_docs.sync.server.app import LocalServer

UNLIMITED = (10**9, 1.0)
DOCUMENTED = (100, 10.0)
#: Whole processes run as an installed tool does: bytecode caches written and read (as after ``pip install``)
#: and output buffered (``PYTHONUNBUFFERED`` makes each line a write of its own).
WHOLE_PROCESS_ENV = {name: value for name, value in os.environ.items()
                     if name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}


def make_tree(root: Path, files: int, links: str = "next") -> Path:
    """A realistic tree: folders of 25 pages, links between neighbours, some pages needing HTML. ``links``:
    "next", each page links to its next sibling (created after it: a cycle with the sibling order, so a
    placeholder each); "across", to its previous sibling and to its twin in the next folder (forward, but
    no cycle: one write per page but for the folders' generated lists and the HTML bodies)."""
    for number in range(files):
        folder = root / f"{number // 25:03}-section"
        folder.mkdir(parents=True, exist_ok=True)
        extra = f"\n> [!NOTE]\n> Ask @[user:{number}:Person {number}].\n" if number % 5 == 0 else ""
        link = f"See [the next page](page-{number + 1:05}.md#details).\n" if number % 25 < 24 else ""
        if links == "across":
            link = f"Back to [the previous page](page-{number - 1:05}.md).\n" if number % 25 else ""
            if number + 25 < files:
                link += f"Compare [its twin](../{number // 25 + 1:03}-section/page-{number + 25:05}.md).\n"
        (folder / f"page-{number:05}.md").write_text(
            f"# Page {number}\n\nIntro of page {number}. {link}\n## Details\n\n- one\n- two\n\n"
            f"| a | b |\n|---|---|\n| {number} | x |\n{extra}", encoding="utf-8")
    (root / "index.md").write_text("# Bench docs\n\nStart at [the first page](000-section/page-00000.md).\n",
                                   encoding="utf-8")
    return root


def summary(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """Median and spread of interleaved runs."""
    return (f"{statistics.median(values):.{digits}f} {unit} "
            f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)")


def _serve(queue: Any, stop: Any) -> None:
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        queue.put((server.url, server.token, server.org_id))
        stop.wait()


@contextmanager
def served() -> Iterator[tuple[str, str, str]]:
    """An unthrottled local server in its own process: (url, token, org id)."""
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(queue, stop), daemon=True)
    process.start()
    try:
        url, token, org_id = queue.get(timeout=60)
        yield url, token, str(org_id)
    finally:
        stop.set()
        process.join(timeout=30)


@contextmanager
def server_process() -> Iterator[Client]:
    """An unthrottled local server in its own process, and a client for it: the server's CPU is not
    counted in this process's."""
    with served() as (url, token, org_id), Client(url, token, org_id, rate_limit=UNLIMITED,
                                                   org_rate_limit=UNLIMITED) as client:
        yield client


class StateMeter:
    """CPU time spent in ``State.save`` and ``State.compact`` (by the thread that calls them), with the
    save replaced for the variants compared."""

    def __init__(self, variant: str) -> None:
        self.variant, self.cpu = variant, 0.0

    @contextmanager
    def installed(self) -> Iterator[StateMeter]:
        save, compact = State.save, State.compact
        chosen: Callable[[State], None] = {
            "journal": save,
            "save at end": lambda state: None,
            "rewrite": lambda state: (setattr(state, "_file", None), compact(state))[-1],
        }[self.variant]

        def timed(method: Callable[[State], None]) -> Callable[[State], None]:
            def run(state: State) -> None:
                started = time.thread_time()
                try:
                    method(state)
                finally:
                    self.cpu += time.thread_time() - started
            return run

        State.save, State.compact = timed(chosen), timed(compact)  # type: ignore[method-assign]
        try:
            yield self
        finally:
            State.save, State.compact = save, compact  # type: ignore[method-assign]


def state_cost(files: int, runs: int, with_rewrite: bool) -> None:
    variants = ["journal", "save at end"] + (["rewrite"] if with_rewrite else [])
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    share: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as temp:
        folder = make_tree(Path(temp) / "docs", files)
        for run in range(runs):
            for variant in variants if run % 2 == 0 else variants[::-1]:
                state_path = Path(temp) / f"state-{variant}-{run}.json"
                with server_process() as client, StateMeter(variant).installed() as meter:
                    started = time.process_time()
                    result = push_folder(folder, client, project_id="1", state_path=state_path)
                    spent = time.process_time() - started
                if result.exit_code:
                    print(f"  push failed ({variant}): {result.counts()}")
                cpu[variant].append(spent)
                share[variant].append(100 * meter.cpu / spent)
    print(f"state cost of a first push of {files} files to an unthrottled local server (client CPU):")
    base = statistics.median(cpu["save at end"])
    for variant in variants:
        ratio = statistics.median(cpu[variant]) / base
        print(f"  {variant:12} CPU {summary(cpu[variant])}; {ratio:.2f}x save-at-end; "
              f"in state: {summary(share[variant], '%', 1)}")
    print(f"  goal: under 5% in state: {'met' if statistics.median(share['journal']) < 5 else 'MISSED'}")


def noop(files: int, runs: int) -> None:
    """A no-op ``push`` and ``status`` as the user runs them: through the command line entry point in this
    process (``sync.cli.main``: its GC thresholds, the folder lock, the printed lines), and each in a whole
    process of its own (start-up included). Unchanged files are neither read (``sync.engine.stamps``) nor
    parsed, and the doc is listed the short way (``sync.engine.listing_mark``) once a push found it in step.
    The baseline, interleaved with them: the same push with fingerprints and stamps wiped and the listing
    mark removed (every file read and parsed, the whole doc listed). The server runs in another process: the
    CPU figure is the client's alone, the wall time includes the server's listing. Whole processes run as an
    installed tool does (``WHOLE_PROCESS_ENV``), after one untimed warm-up. Then, after a push that wrote
    one page: the listing requests of the ``status`` runs after it (the first lists in full and, holding the
    folder's lock, keeps the listing mark; the next take the short way)."""
    from productive_docs.sync.cli.main import main as cli
    from productive_docs.sync.engine.push import run

    names = ("push", "status", "push (whole process)", "status (whole process)", "push, every file parsed")
    timings: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    listing: dict[str, set[int]] = {name: set() for name in names}
    results: list[Any] = []
    real_push = run.push_folder

    def recorded(*args: Any, **kwargs: Any) -> Any:
        results.append(real_push(*args, **kwargs))
        return results[-1]

    run.push_folder = recorded  # type: ignore[assignment]
    codes: set[int] = set()
    with tempfile.TemporaryDirectory() as temp, served() as (url, token, org_id):
        environment = {"PRODUCTIVE_API_URL": url, "PRODUCTIVE_API_TOKEN": token, "PRODUCTIVE_ORG_ID": org_id,
                       "XDG_CONFIG_HOME": str(Path(temp) / "config")}
        os.environ.update(environment)
        folder = make_tree(Path(temp) / "docs", files)
        with Client(url, token, org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED) as client:
            push_folder(folder, client, project_id="1")
            time.sleep(SETTLED)  # stamps are noted only for files left alone that long
            push_folder(folder, client)  # the whole listing, in step: the listing mark is kept
        state_dir = default_path(folder).parent
        subprocess.run([sys.executable, "-m", "productive_docs", "status", str(folder)], capture_output=True,
                       check=False, env={**WHOLE_PROCESS_ENV, **environment})  # warm-up: bytecode caches
        for _ in range(runs):
            for name in names:
                if name == "push, every file parsed":
                    state = load(default_path(folder))
                    for saved in state.pages.values():
                        saved.fingerprint = None
                    state.compact()
                    (state_dir / STAMPS_FILE).unlink(missing_ok=True)
                    (state_dir / MARK_FILE).unlink(missing_ok=True)
                command = [name.split()[0].rstrip(","), str(folder)]
                results.clear()
                if name.endswith("(whole process)"):
                    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
                    done = subprocess.run([sys.executable, "-m", "productive_docs", *command],
                                          capture_output=True, text=True, check=False,
                                          env={**WHOLE_PROCESS_ENV, **environment})
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    timings[name].append(time.monotonic() - started)
                    cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                    codes.add(done.returncode)
                    reads = re.search(r"(\d+) reads?\b", done.stdout)  # summary line: on a no-op, the listing
                    listing[name].add(int(reads[1]) if reads else -1)
                    continue
                started, cpu_started = time.monotonic(), time.process_time()
                with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                    codes.add(cli(command))
                timings[name].append(time.monotonic() - started)
                cpu[name].append(time.process_time() - cpu_started)
                listing[name].add(results[-1].requests.get("listing", -1) if results else -1)
        after_write = _status_after_a_write(folder, cli, results)
    run.push_folder = real_push  # type: ignore[assignment]
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"no-op push and status of {files} files (goal: under 2 s; exit codes {sorted(codes)}; "
          f"load average now {load_average}):")
    for name, values in timings.items():
        print(f"  {name:24} {summary(values)}; client CPU {summary(cpu[name])}; "
              f"listing requests {sorted(listing[name])}")
    base = statistics.median(timings["push, every file parsed"])
    print(f"  ratio to the push parsing every file: push {statistics.median(timings['push']) / base:.2f}x, "
          f"status {statistics.median(timings['status']) / base:.2f}x")
    print(f"  after a push that wrote 1 page, listing requests of the next status runs: {after_write} "
          "(the first lists the whole doc and keeps the mark, the next list only what changed)")


def _status_after_a_write(folder: Path, cli: Callable[[list[str]], int], results: list[Any]) -> list[int]:
    """One file changed and pushed through the command line, then ``status`` three times: the listing
    requests of each status."""
    page = next(folder.glob("*/page-*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    counts = []
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        cli(["push", str(folder)])
        for _ in range(3):
            results.clear()
            cli(["status", str(folder)])
            counts.append(results[-1].requests.get("listing", -1) if results else -1)
    return counts


def scale(sizes: list[int], runs: int) -> None:
    """First push of each size (``make_tree``'s "across" links) to an unthrottled local server in another
    process: time per page (linear when it stays flat) and writes per page with their breakdown (the push's
    own note)."""
    print("first push to an unthrottled local server (another process), per page:")
    per_page: dict[int, list[float]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory() as temp:
        for size in sizes:
            make_tree(Path(temp) / f"docs-{size}", size, links="across")
        for run in range(runs):
            for size in sizes if run % 2 == 0 else sizes[::-1]:
                folder = Path(temp) / f"docs-{size}"
                state = Path(temp) / f"state-{size}-{run}.json"
                with server_process() as client:
                    started, cpu_started = time.monotonic(), time.process_time()
                    result = push_folder(folder, client, project_id="1", state_path=state)
                    wall, spent = time.monotonic() - started, time.process_time() - cpu_started
                pages = len(result.outcomes)
                per_page[size].append(1000 * wall / pages)
                note = next((n for n in result.notes if " writes (" in n), "")
                print(f"  {size:>6,} files, run {run + 1}: {wall:.1f} s, client CPU {spent:.1f} s, "
                      f"{1000 * wall / pages:.1f} ms/page, {1000 * spent / pages:.1f} ms CPU/page; {note}")
    for size in sizes:
        print(f"  {size:>6,} files: {summary(per_page[size], 'ms/page', 1)}")
    smallest, largest = statistics.median(per_page[sizes[0]]), statistics.median(per_page[sizes[-1]])
    print(f"  per page at {sizes[-1]:,} vs {sizes[0]:,}: {largest / smallest:.2f}x (1.00x: linear)")


def timed_push(folder: Path, limit: tuple[int, float], state: Path) -> tuple[float, Client, dict[str, int]]:
    with LocalServer(rate_limit=limit, org_rate_limit=UNLIMITED).start() as server:
        client = Client(server.url, server.token, server.org_id, rate_limit=limit, org_rate_limit=UNLIMITED)
        started = time.monotonic()
        result = push_folder(folder, client, project_id="1", state_path=state)
        elapsed = time.monotonic() - started
        client.close()
    if result.exit_code:
        print(f"  push failed: {result.counts()}")
    return elapsed, client, result.requests


def initial_push(files: int, runs: int) -> None:
    count, period = DOCUMENTED
    free, limited, ratios, refused = [], [], [], 0
    with tempfile.TemporaryDirectory() as temp:
        folder = make_tree(Path(temp) / "docs", files)
        for run in range(runs):
            free.append(timed_push(folder, UNLIMITED, Path(temp) / f"free-{run}.json")[0])
            elapsed, client, requests = timed_push(folder, DOCUMENTED, Path(temp) / f"limited-{run}.json")
            made = requests["reads"] + requests["writes"]
            minimum = ((made - 1) // count) * period
            limited.append(elapsed)
            ratios.append(elapsed / minimum if minimum else float("nan"))
            refused += client.stats.rate_limited
    print(f"initial push of {files} files ({made} requests: {requests['reads']} reads, "
          f"{requests['writes']} writes)")
    print(f"  without limits (baseline): {summary(free)}")
    print(f"  with limits {count}/{period:g} s:      {summary(limited)}; "
          f"the limits allow {minimum:.2f} s at best")
    print(f"  ratio: {summary(ratios, 'x', 3)} (goal <= 1.15); 429 answers: {refused}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state-files", type=int, default=1000)
    parser.add_argument("--with-rewrite", action="store_true", help="also time the former whole-file saves")
    parser.add_argument("--noop-files", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="", metavar="N,N,...",
                        help="first push of each size, e.g. 100,1000,10000 (one run each unless --runs)")
    args = parser.parse_args()
    if args.scale:
        scale([int(size) for size in args.scale.split(",")], args.runs)
    if args.state_files:
        state_cost(args.state_files, args.runs, args.with_rewrite)
    if args.noop_files:
        noop(args.noop_files, args.runs)
    if args.files:
        initial_push(args.files, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
