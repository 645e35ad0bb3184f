"""Converter speed on the Markdown corpora, against markdown-it-py's own ``render`` in the same process.

The inputs are the npm CLI docs and every spec example (``../shared/corpora``). Timings, of ``--repeat``
interleaved rounds over all inputs:

- baseline: ``MarkdownIt("commonmark").enable("table").render(text)``, markdown-it-py rendering the same
  text to HTML;
- same-dialect baseline: markdown-it-py's ``render`` with the reader's own configuration for each file
  (GFM tables, strikethrough, task lists, alerts, autolinks and the extensions the file uses), i.e. the
  same parse, rendered by markdown-it instead of being turned into the tree and written by our writer;
- md -> html: the full pipeline, ``converter.convert(text, "md", "html")`` (parse, tree, lowering, HTML);
- md -> json: the full pipeline to the stored body, ``convert(text, "md", "json")``;
- json -> md: ``write(doc, "md")`` of the trees already read;
- json -> md with decoding: ``convert(stored_json, "json", "md")`` from each tree's stored JSON text (what a
  pull does per page: decode the body Productive sends, read it, write Markdown).

Each round is timed per chunk of inputs, every run doing a chunk before any goes on to the next (so the
load of other processes falls on all alike); besides the medians of the rounds, the sum over chunks of
each chunk's fastest round is printed. On a loaded machine both still move between invocations (md -> html
1.07x to 1.36x at load 4-6): compare code versions by running them at the same time, or on an idle machine.

Targets (issue 17), each judged on the baseline (markdown-it-py's own render, the one the issue names; the
same-dialect ratio is printed beside it): md -> html and md -> json at most 1.2 x; json -> md with decoding
at most 1 x. Timings are CPU time (the machine is
shared), best of interleaved rounds, with the inputs frozen out of the garbage collector's way.

    python3 bench/bench_convert.py                # ~10 s
    python3 bench/bench_convert.py --profile      # cProfile of md -> html, top 25 functions
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from productive_docs.converter import convert, read, write
from productive_docs.converter.readers.markdown import extensions
from productive_docs.converter.readers.markdown import parser as md_parser

ROOT = Path(__file__).resolve().parents[1]


CORPORA = ROOT / ".." / "shared" / "corpora"


def inputs() -> list[str]:
    """The npm CLI doc pages and every CommonMark / GFM spec example."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((CORPORA / "markdown").rglob("*.md"))]
    texts += [e["markdown"] for e in json.loads((CORPORA / "spec/commonmark/spec.json").read_text("utf-8"))]
    gfm = json.loads((CORPORA / "spec/gfm/gfm-0.29.json").read_text("utf-8"))["examples"]
    return texts + [e["markdown"] for e in gfm]


#: Inputs per timed chunk: each chunk is timed on its own, so that its fastest round can be taken.
CHUNK = 40


def interleaved(runs: dict[str, tuple[Callable[[Any], object], list[Any]]],
                repeat: int) -> dict[str, list[list[float]]]:
    """CPU time of ``repeat`` rounds per run, each round's time per chunk of ``CHUNK`` inputs. Runs are
    interleaved chunk by chunk (every run does chunk k, in an order that rotates, before any does chunk
    k + 1): load from other processes on a shared machine then falls on every side alike. A run calls its
    function on every input and keeps no result (kept results would make the garbage collector's passes
    grow with the run and bill one side for the other's memory)."""
    times: dict[str, list[list[float]]] = {name: [] for name in runs}
    names = list(runs)
    chunks = max(-(-len(items) // CHUNK) for _, items in runs.values())
    for round_ in range(repeat):
        for name in names:
            times[name].append([])
        for chunk in range(chunks):
            turn = (round_ + chunk) % len(names)
            for name in names[turn:] + names[:turn]:
                function, items = runs[name]
                part = items[chunk * CHUNK:(chunk + 1) * CHUNK]
                if not part:
                    continue
                began = time.process_time()
                for item in part:
                    function(item)
                times[name][-1].append(time.process_time() - began)
    return times


def spread(values: list[float]) -> str:
    """Median of the rounds in ms, with their spread."""
    return (f"{statistics.median(values) * 1000:7.1f} ms "
            f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f}, {len(values)} rounds)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    texts = inputs()
    md = MarkdownIt("commonmark").enable("table")
    docs = [read(text, "md").doc for text in texts]  # also warms every lazily built parser
    stored = [write(doc, "json") for doc in docs]

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [convert(text, "md", "html") for text in texts])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return

    gc.collect()
    gc.freeze()  # the inputs and trees built above are not garbage; keep the collector from rescanning them
    chunked = interleaved(
        {
            "baseline": (md.render, texts),
            "dialect": (lambda text: md_parser(extensions(text)).render(text), texts),
            "md_to_html": (lambda text: convert(text, "md", "html"), texts),
            "md_to_json": (lambda text: convert(text, "md", "json"), texts),
            "json_to_md": (lambda doc: write(doc, "md"), docs),
            "json_text_to_md": (lambda body: convert(body, "json", "md"), stored),
        },
        args.repeat,
    )
    rounds = {name: [sum(chunks) for chunks in values] for name, values in chunked.items()}
    #: Per run, the sum over chunks of each chunk's fastest round: less of the other processes' load than
    #: in the round totals (which spread by a third on a loaded machine), not all of it.
    fastest = {name: sum(map(min, zip(*values, strict=True))) for name, values in chunked.items()}
    size = sum(len(text) for text in texts) / 1e6
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{len(texts)} inputs, {size:.2f} MB of Markdown; CPU time, median (min-max) of interleaved "
          f"rounds; ratios: median (min-max) of each round's ratio; load average {load}")
    print(f"markdown-it-py render (baseline):      {spread(rounds['baseline'])}")
    print(f"markdown-it-py render, same dialect:   {spread(rounds['dialect'])}")
    targets = [
        ("md_to_html", "md -> html (full pipeline)", "<= 1.2"),
        ("md_to_json", "md -> json (full pipeline)", "<= 1.2"),
        ("json_to_md", "json -> md (write_gfm)", "< 1"),
        ("json_text_to_md", "json text -> md (decode, read, write)", "<= 1"),
    ]
    for name, label, target in targets:
        print(f"{label + ':':38} {spread(rounds[name])}  ratio {ratio(rounds, name, 'baseline')} "
              f"(target {target}); vs same dialect {ratio(rounds, name, 'dialect')}")
    print(f"sum over chunks of {CHUNK} inputs of each chunk's fastest round (less of the load): baseline "
          f"{fastest['baseline'] * 1000:.1f} ms, same dialect {fastest['dialect'] * 1000:.1f} ms")
    for name, label, target in targets:
        best = fastest[name]
        print(f"{label + ':':38} {best * 1000:7.1f} ms  ratio {best / fastest['baseline']:.2f} "
              f"(target {target}); vs same dialect {best / fastest['dialect']:.2f}")


def ratio(rounds: dict[str, list[float]], name: str, baseline: str) -> str:
    """The ratio of ``name`` to ``baseline`` in each round (run back to back, so under the same load): their
    median, and their spread."""
    ratios = [ours / theirs for ours, theirs in zip(rounds[name], rounds[baseline], strict=True)]
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


if __name__ == "__main__":
    main()
