"""Time and peak memory of reading very large Markdown inputs, against markdown-it-py parsing the same text.

Inputs, generated in memory: a 10 MB and a 50 MB Markdown file (headings, paragraphs with inline marks,
lists, code blocks, repeated) and a 100,000-row table. For each, one after the other, from this process:

- baseline: ``MarkdownIt("commonmark").enable("table").parse(text)``, markdown-it-py's token stream;
- ours: ``converter.read(text, "md")``, the reader a push runs on every changed file (parse + tree);
- then the whole conversions, against markdown-it-py's ``render`` of the same text (parse + HTML):
  ``convert(text, "md", "html")`` and ``convert(text, "md", "json")`` (the stored body).

Each parse runs in a fork of this process (Linux/macOS), which already holds the text: its CPU time, and
its peak resident memory above what it had at the fork (``resource.ru_maxrss``), are what is reported, so
one measurement's garbage cannot inflate the next. A push never parses files over
``sync.limits.MAX_PAGE_FILE_BYTES``: the last line shows a scan of a folder holding the largest input
refusing it without reading it.

    python3 bench/bench_big_inputs.py                              # 10 MB, 50 MB, 100,000 rows
    python3 bench/bench_big_inputs.py --sizes 1 --rows 10000       # a quick look
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from productive_docs.converter import convert, read  # noqa: E402
from productive_docs.sync.engine.folder import scan  # noqa: E402
from productive_docs.sync.limits import MAX_PAGE_FILE_BYTES  # noqa: E402

SECTION = (
    "## Section {n}\n\n"
    "A paragraph with *emphasis*, **strong**, `code` and a [link](https://example.com/{n}) in it, long "
    "enough to wrap in an editor and to look like prose.\n\n"
    "- first item\n- second item with `code`\n  - nested item\n\n"
    "```python\nprint({n})\n```\n\n"
)


def markdown_of(megabytes: float) -> str:
    """About ``megabytes`` MB of varied Markdown."""
    parts, size, n = [], 0, 0
    while size < megabytes * 1_000_000:
        part = SECTION.format(n=n)
        parts.append(part)
        size += len(part)
        n += 1
    return "".join(parts)


def table_of(rows: int) -> str:
    header = "| id | name | value |\n| --- | --- | --- |\n"
    return header + "".join(f"| {i} | row {i} | *{i * 7}* |\n" for i in range(rows))


def _resident_bytes() -> int:
    """This process's resident memory now (Linux ``/proc``; 0 where there is none)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()
    except OSError:
        return 0


def measure(work: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds and peak MB above the starting resident memory of ``work``, run in a fork."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        gc.collect()
        before = _resident_bytes()
        started = time.process_time()
        work()
        seconds = time.process_time() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        os.write(writer, json.dumps([seconds, max(peak - before, 0) / 1e6]).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        seconds, megabytes = json.loads(pipe.read())
    os.waitpid(child, 0)
    return seconds, megabytes


def compare(label: str, text: str) -> None:
    baseline = MarkdownIt("commonmark").enable("table")
    pairs: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("parse / read", lambda: baseline.parse(text), lambda: read(text, "md")),
        ("render / md -> html", lambda: baseline.render(text), lambda: convert(text, "md", "html")),
        ("render / md -> json", lambda: baseline.render(text), lambda: convert(text, "md", "json")),
    ]
    for what, theirs, ours in pairs:
        base_s, base_mb = measure(theirs)
        ours_s, ours_mb = measure(ours)
        ratios = f"ratio time {ours_s / base_s:.2f}x, memory {ours_mb / base_mb:.2f}x"
        print(f"{label:>20} {what:>19}: markdown-it {base_s:6.1f} s {base_mb:6.0f} MB | ours {ours_s:6.1f} s "
              f"{ours_mb:6.0f} MB | {ratios} (load {os.getloadavg()[0]:.2f})", flush=True)


def refusal(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "big.md").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        tree = scan(Path(folder))
        seconds = time.perf_counter() - started
    print(f"scan of a folder with the {len(text) / 1e6:.0f} MB file: {seconds * 1000:.1f} ms, "
          f"limit {MAX_PAGE_FILE_BYTES / 2**20:.0f} MiB: {tree.pages['big.md'].error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[10, 50], metavar="MB")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    text = ""
    for megabytes in args.sizes:
        text = markdown_of(megabytes)
        compare(f"{megabytes:g} MB Markdown", text)
    if args.rows:
        compare(f"{args.rows:,}-row table", table_of(args.rows))
    if text:
        refusal(text)


if __name__ == "__main__":
    main()
