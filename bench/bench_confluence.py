"""Benchmark: import the 406-file Confluence export (405 pages + index) to Markdown, without pushing.

Target (issue 6): under 15 s. Prints seconds, pages per second, and the ratio to a baseline measured in the
same process: markdownify over each page's ``#main-content`` (a plain HTML-to-Markdown pass with no tree,
links, assets or report), so the figure says what the full import costs over the bare conversion. Medians
(min-max) of ``--runs`` interleaved runs; exits 0 when it ran (a missed target is printed). Every run's
output is kept until the last run (why: ``bench_imports.py``, on file systems without a journal).

    python3 bench/bench_confluence.py [EXPORT] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bs4 import BeautifulSoup
from markdownify import markdownify
from productive_docs.sync.confluence.export import open_export
from productive_docs.sync.confluence.importer import import_export

ROOT = Path(__file__).resolve().parents[1]


CORPUS = ROOT / ".." / "shared" / "corpora" / "confluence-varlab"


def baseline(export_path: Path) -> float:
    """Seconds markdownify takes over every page's ``#main-content``."""
    export = open_export(export_path)
    started = time.perf_counter()
    for file in export.pages():
        main = BeautifulSoup(export.read_bytes(file), "html.parser").find(id="main-content")
        if main is not None:
            markdownify(str(main))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.export.exists():
        print(f"no export at {args.export}: nothing measured")
        return 0
    bases: list[float] = []
    runs: list[float] = []
    with tempfile.TemporaryDirectory() as kept:  # each run into a new folder, all removed at the end
        for number in range(args.runs):
            bases.append(baseline(args.export))
            started = time.perf_counter()
            result = import_export(args.export, Path(kept) / f"run-{number}", progress=False)
            runs.append(time.perf_counter() - started)
    pages, seconds, base = result.stats.pages, statistics.median(runs), statistics.median(bases)
    print(f"import-confluence {args.export.name}: {pages} pages in {seconds:.2f} s "
          f"({min(runs):.2f}-{max(runs):.2f}, {args.runs} runs) = {pages / seconds:.0f} pages/s "
          f"(target < 15 s: {'met' if seconds < 15 else 'MISSED'})")
    print(f"baseline markdownify of #main-content: {base:.2f} s ({min(bases):.2f}-{max(bases):.2f}); "
          f"import / baseline = {seconds / base:.2f}x")
    print(f"files copied {result.stats.assets.copied}, broken links {len(result.stats.broken_links)}, "
          f"missing files {len(result.stats.missing_files)}, failed pages {len(result.stats.failed_pages)}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
