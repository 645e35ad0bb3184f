"""Benchmark: html -> document tree on the Confluence export corpus vs markdownify on the same pages.

Both run in this process on the same strings (read once up front), best of ``ROUNDS`` rounds each, so the
ratio does not depend on the machine. The target (issue 3) is a ratio of at least 1.5: our reader
converts the corpus at least 1.5 times as fast as markdownify converts it to Markdown.

    python3 bench/bench_html.py [--rounds N] [--parser html.parser|lxml]

``--parser`` measures the reader with another bs4 tree builder (the choice of ``html.parser`` in
``converter/readers/html.py`` was made with it).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import markdownify
from productive_docs.converter import Report
from productive_docs.converter.readers import html as html_reader

ROOT = Path(__file__).resolve().parents[1]


CORPUS = ROOT / ".." / "shared" / "corpora" / "confluence-varlab"


def best_time(convert: Callable[[str], object], pages: list[str], rounds: int) -> float:
    """The fastest of ``rounds`` passes over all pages, in seconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for page in pages:
            convert(page)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parser", default=html_reader.PARSER)
    args = parser.parse_args()
    html_reader.PARSER = args.parser
    pages = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.html"))]
    size = sum(len(page) for page in pages) / 1e6
    ours = best_time(lambda page: html_reader.read(page, Report()), pages, args.rounds)
    theirs = best_time(markdownify.markdownify, pages, args.rounds)
    print(f"{len(pages)} Confluence pages, {size:.1f} MB, best of {args.rounds} rounds")
    print(f"productive-docs html -> doc ({args.parser}): {ours:.2f} s")
    print(f"markdownify html -> md:             {theirs:.2f} s")
    print(f"ratio (markdownify / ours): {theirs / ours:.2f}x  (target >= 1.5x)")


if __name__ == "__main__":
    main()
