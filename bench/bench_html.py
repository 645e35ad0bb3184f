"""HTML speed: our html -> Markdown against markdownify on equal work, and the reader's tree builders on
one big document.

1. Equal work: each Confluence page's ``#main-content`` (cut out once, before any timing) is converted to
   Markdown by both: ``converter.convert(fragment, "html", "md")`` against ``markdownify``. Rounds are
   interleaved (ours, theirs, ours, ...); the figures are medians of CPU time with their spread.
   Target: ours >= 1.5x as fast.
2. Builders (``--builders``): on one document made of every page's ``#main-content`` joined, against its
   first MB, per MB (1.00x is linear): the reader (html -> document tree, with the tree it uses,
   ``converter/readers/html_tree.py``), then each candidate tree builder alone: ``html_tree`` (the
   standard library's ``HTMLParser`` into light elements, in use), bs4 with ``html.parser`` (the tree the
   reader used before, and the one ``html_tree`` reproduces), and, when installed, bs4 with ``lxml`` and
   ``lxml.html`` itself (faster, but a different tree: implied end tags, moved table content).

3. Stages (``--stages``): the import's per-page path on the whole pages (``sync.confluence.pages``: parse
   the page once, read its ``#main-content`` with the clean-up, write local Markdown), CPU ms per page for
   each stage: the tree (``html_tree.parse``), the reader (``read_parsed``), the Markdown writer
   (``write_gfm``); and, for comparison, the standard library's tokenizer alone (``HTMLParser`` with
   handlers that do nothing): the floor of a tree built on its general loop, under which the tree now goes
   by reading the plain tokens itself (``converter/readers/html_tokenizer.py``). Medians of rounds, with
   their spread.

The corpus is read by path (../shared/corpora/confluence-varlab); without it the bench says so and exits 0.

    python3 bench/bench_html.py                      # ~1 min
    python3 bench/bench_html.py --builders --rounds 3
    python3 bench/bench_html.py --stages --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdownify
from bs4 import BeautifulSoup
from productive_docs.converter import Report, convert
from productive_docs.converter.readers import html as html_reader
from productive_docs.converter.readers import html_tree
from productive_docs.converter.writers.markdown import write_gfm

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "confluence-varlab"
#: Candidate tree builders: label -> (module it needs, builder).
BUILDERS: dict[str, tuple[str | None, Callable[[str], object]]] = {
    "html_tree": (None, html_tree.parse),
    "bs4 html.parser": (None, lambda html: BeautifulSoup(html, "html.parser")),
    "bs4 lxml": ("lxml", lambda html: BeautifulSoup(html, "lxml")),
    "lxml.html": ("lxml", lambda html: importlib.import_module("lxml.html").fromstring(html)),
}


def main_content(page: str) -> str | None:
    """A page's ``#main-content`` element as HTML (what the importer converts), None without one."""
    found = BeautifulSoup(page, "html.parser").find(id="main-content")
    return str(found) if found is not None else None


def timed(convert_one: Callable[[str], object], pages: list[str]) -> float:
    start = time.process_time()
    for page in pages:
        convert_one(page)
    return time.process_time() - start


def summary(values: list[float], unit: str = "s", digits: int = 2) -> str:
    return (f"{statistics.median(values):.{digits}f} {unit} "
            f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)")


def equal_work(fragments: list[str], rounds: int) -> None:
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        ours.append(timed(lambda html: convert(html, "html", "md"), fragments))
        theirs.append(timed(markdownify.markdownify, fragments))
    size = sum(len(fragment) for fragment in fragments) / 1e6
    ratio = statistics.median(theirs) / statistics.median(ours)
    ratios = [their / our for our, their in zip(ours, theirs, strict=True)]
    print(f"{len(fragments)} Confluence pages' #main-content ({size:.1f} MB) to Markdown:")
    print(f"  productive-docs html -> md: {summary(ours)}")
    print(f"  markdownify html -> md:     {summary(theirs)}")
    print(f"  ratio (markdownify / ours): {ratio:.2f}x (per round: min {min(ratios):.2f}, "
          f"max {max(ratios):.2f}; target >= 1.5x)")


def per_mb(label: str, work: Callable[[str], object], big: str, small: str, rounds: int) -> None:
    """``work`` per MB on ``big`` and on ``small``, runs interleaved; the ratio 1.00x is linear.

    The collector is paused while a tree is built (as the reader does) and the tree collected after each
    run, outside the timing: otherwise one run's garbage is collected in the next run's time.
    """
    runs: dict[str, list[float]] = {"big": [], "small": []}
    for _ in range(rounds):
        for size, document in (("big", big), ("small", small)):
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                result = work(document)
                runs[size].append((time.process_time() - start) / (len(document) / 1e6))
            finally:
                gc.enable()
            del result
    ratio = statistics.median(runs["big"]) / statistics.median(runs["small"])
    print(f"  {label:28} big {summary(runs['big'], 's/MB')}; 1 MB {summary(runs['small'], 's/MB')}; "
          f"{ratio:.2f}x")


def builders(fragments: list[str], rounds: int) -> None:
    # Without their id: the reader would otherwise read the first ``#main-content`` only.
    pages = [fragment.replace(' id="main-content"', "", 1) for fragment in fragments]
    big = "<div>" + "\n".join(pages) + "</div>"
    cut = big.find("\n", 1_000_000)
    small = big[:cut] + "</div>"
    print(f"per MB: one {len(big) / 1e6:.1f} MB document against its first {len(small) / 1e6:.1f} MB "
          f"(runs interleaved; target <= 1.00x):")
    per_mb("reader (html -> tree), in use", lambda html: html_reader.read(html, Report()), big, small, rounds)
    for name, (module, build) in BUILDERS.items():
        if module and importlib.util.find_spec(module) is None:
            print(f"  {name:28} not installed")
            continue
        per_mb(f"tree only: {name}", build, big, small, rounds)


class _Tokenizer(HTMLParser):
    """The standard library's tokenizer with handlers that do nothing (its general loop on every token)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # as html_tree's builder

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        pass

    def handle_data(self, data: str) -> None:
        pass


def _tokenize(html: str) -> None:
    tokenizer = _Tokenizer()
    tokenizer.feed(html)
    tokenizer.close()


def stages(pages: list[str], rounds: int) -> None:
    """CPU ms per page of each stage of the import's html -> md (the collector paused as the reader does)."""
    names = ("html.parser alone, no tree", "tree (html_tree.parse)", "reader (read_parsed, clean-up)",
             "Markdown writer (write_gfm)")
    runs: list[list[float]] = [[] for _ in names]
    clock = time.process_time
    for _ in range(rounds):
        spent = [0.0] * len(names)
        for page in pages:
            gc.disable()
            try:
                start = clock()
                _tokenize(page)
                spent[0] += clock() - start
                start = clock()
                tree = html_reader.parse_tree(page)
                spent[1] += clock() - start
                start = clock()
                doc = html_reader.read_parsed(tree, Report(), cleanup=True).doc
                spent[2] += clock() - start
                start = clock()
                write_gfm(doc, Report())
                spent[3] += clock() - start
            finally:
                gc.enable()
        for index, value in enumerate(spent):
            runs[index].append(1000 * value / len(pages))
    print(f"stages of the import's html -> md, {len(pages)} whole pages, CPU ms per page:")
    for name, values in zip(names, runs, strict=True):
        print(f"  {name:32} {summary(values, 'ms')}")
    totals = [sum(values) for values in zip(*runs[1:], strict=True)]
    print(f"  {'tree + reader + writer':32} {summary(totals, 'ms')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--builders", action="store_true",
                        help="also time the tree builders on one big document")
    parser.add_argument("--stages", action="store_true",
                        help="also time each stage of the import's html -> md per page")
    args = parser.parse_args()
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))
    paths = sorted(CORPUS.glob("*.html"))
    if not paths:
        print(f"no corpus at {CORPUS.resolve()}: nothing measured")
        return 0
    pages = [path.read_text(encoding="utf-8") for path in paths]
    fragments = [f for f in (main_content(page) for page in pages) if f is not None]
    equal_work(fragments, args.rounds)
    if args.stages:
        stages(pages, args.rounds)
    if args.builders:
        builders(fragments, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
