"""Three-way merge of a 1,000-block page with 50 edits per side, against parsing it with markdown-it-py.

The page mixes paragraphs (wrapped over two lines), headings of levels 2-4, bullet lists, tables and code
blocks. Each side edits 50 different blocks (local and remote ones never the same, so the merge has no
conflict). The time printed covers what a sync does: split the local file and the base file into blocks
(they parse with the Markdown reader), key the base and remote bodies, merge, and write the merged file and
tree. The baseline is markdown-it-py's own ``parse`` of the same local text (CommonMark + tables) in the same
process; the ratio is merge time / parse time.

    python3 bench/bench_merge.py                 # 1,000 blocks, 50 edits per side
    python3 bench/bench_merge.py --blocks 200 --edits 10 --runs 3
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from markdown_it import MarkdownIt  # noqa: E402
from productive_docs.converter import read  # noqa: E402
from productive_docs.converter.lowering import lower_for_productive  # noqa: E402
from productive_docs.converter.model import from_json, normalize  # noqa: E402
from productive_docs.converter.report import Report  # noqa: E402
from productive_docs.sync.engine.blocks import split_local  # noqa: E402
from productive_docs.sync.engine.merge import merge  # noqa: E402


def block(n: int, word: str) -> str:
    kind = n % 5
    if kind == 0:
        return f"Paragraph {n} {word} with *emphasis* and a [link](https://example.com/{n})\nwrapped."
    if kind == 1:
        return f"{'#' * (2 + n % 3)} Heading {n} {word}"
    if kind == 2:
        return f"- item {n} {word}\n- second item {n}\n- third item {n}"
    if kind == 3:
        return f"| col {n} | b |\n|---|---|\n| {word} | {n} |\n| x | y |"
    return f"```python\nprint({n}, {word!r})\n```"


def page(blocks: int, edits: dict[int, str]) -> str:
    body = "\n\n".join(block(n, edits.get(n, "base")) for n in range(blocks))
    return f"---\ntitle: Bench\n---\n\n{body}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chosen = random.Random(12).sample(range(args.blocks), 2 * args.edits)
    base_text = page(args.blocks, {})
    local_text = page(args.blocks, {n: "local" for n in chosen[: args.edits]})
    remote_text = page(args.blocks, {n: "remote" for n in chosen[args.edits:]})
    base_body = from_json(normalize(lower_for_productive(read(base_text, "md").doc, Report())))
    remote_body = lower_for_productive(read(remote_text, "md").doc, Report())

    markdown_it = MarkdownIt("commonmark").enable("table")
    parse_times, merge_times = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        markdown_it.parse(local_text)
        parse_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = merge(base_body, split_local(local_text), remote_body, base_local=split_local(base_text))
        merge_times.append(time.perf_counter() - started)
    assert result.conflicts == 0 and result.text.count("local") >= args.edits
    parse, merged = min(parse_times), min(merge_times)
    print(f"{args.blocks} blocks, {args.edits} edits per side, best of {args.runs}: "
          f"merge {merged * 1000:.0f} ms, markdown-it-py parse {parse * 1000:.1f} ms, "
          f"ratio {merged / parse:.1f}x")


if __name__ == "__main__":
    main()
