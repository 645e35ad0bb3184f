"""``watch`` save-to-update latency: the time from a file's save to its page updated in Productive.

A tree of ``--files`` files (bench_sync's tree) is pushed to an unthrottled local server running in another
process; ``watch`` then runs with its default debounce, and one file at a time is saved (a one-word edit, a
different file each time). The latency is from the save to the watch's line for that page (printed once the
server answered the write). The baseline, in the same invocation once the watch stopped (a push of its own
would contend for the folder's lock): as many edits, each pushed by a whole ``push_folder`` right after the
save. Goal: median under 0.5 s at 1,000 files.

    python3 bench/bench_watch.py                 # 1,000 files, 15 saves
    python3 bench/bench_watch.py --files 100 --saves 9
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_sync import make_tree, server_process, summary
from productive_docs.sync.cli.main import GC_THRESHOLDS
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.result import Outcome, SyncResult
from productive_docs.sync.engine.watch import DEBOUNCE, watch


class Lines:
    """A watch printer that notes when each page's line came."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.event = threading.Event()

    def note(self, message: str) -> None:
        pass

    def outcome(self, outcome: Outcome) -> None:
        self.seen[outcome.key] = time.monotonic()
        self.event.set()

    def finish(self, result: SyncResult) -> None:
        pass


def edit(path: Path, round_: int) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\nEdit {round_}.\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=15)
    args = parser.parse_args()
    gc.set_threshold(*GC_THRESHOLDS)  # as the command line runs it
    latency: list[float] = []
    whole: list[float] = []
    with tempfile.TemporaryDirectory() as temp, server_process() as client:
        folder = make_tree(Path(temp) / "docs", args.files)
        push_folder(folder, client, project_id="1")
        files = sorted(folder.rglob("page-*.md"))
        lines, stop = Lines(), threading.Event()
        watcher = threading.Thread(target=watch, args=(folder, client, PushOptions(), lines),
                                   kwargs={"stop": stop}, daemon=True)
        watcher.start()
        time.sleep(3)  # its first push (nothing to do) and the observer started
        cpu_started = time.process_time()
        for round_ in range(args.saves):
            path = files[(round_ * 37) % len(files)]
            key = path.relative_to(folder).as_posix()
            lines.seen.pop(key, None)
            lines.event.clear()
            saved = time.monotonic()
            edit(path, round_)
            while key not in lines.seen and time.monotonic() - saved < 30:
                lines.event.wait(0.01)
                lines.event.clear()
            latency.append(lines.seen.get(key, float("nan")) - saved)
            time.sleep(0.3)
        watch_cpu = (time.process_time() - cpu_started) / args.saves
        stop.set()
        watcher.join(timeout=30)
        cpu_started = time.process_time()
        for round_ in range(args.saves):
            path = files[(round_ * 41 + 5) % len(files)]
            started = time.monotonic()
            edit(path, round_ + 100)
            push_folder(folder, client)
            whole.append(time.monotonic() - started)
        whole_cpu = (time.process_time() - cpu_started) / args.saves
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"watch save-to-update latency at {args.files} files ({args.saves} saves, unthrottled server; "
          f"load average {load}):")
    print(f"  watch (debounce {DEBOUNCE} s included):   {summary(latency)}; "
          f"client CPU {watch_cpu:.2f} s a save")
    print(f"  baseline, a whole push after the save: {summary(whole)}; client CPU {whole_cpu:.2f} s a save")
    met = statistics.median(latency) < 0.5
    print(f"  goal: median under 0.5 s: {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
