"""Readability of the ``md`` writer's output on real HTML: what a person keeping the files would notice.

For each corpus, every HTML page is read (``converter.readers.html``) and written as local Markdown
(``converter.writers.markdown.write_gfm``); the output is then parsed with markdown-it-py and measured:

- raw HTML blocks: the share of leaf blocks (paragraphs, headings, code, tables, rules, HTML blocks) that
  are HTML blocks; HTML comments right after a table (its attribute line) are not counted as blocks;
- backslash escapes per 1,000 words of text (outside code);
- ``&#160;`` references in the output.

    python3 bench/bench_readability.py [CORPUS_DIR ...]

Without arguments it measures the shared Confluence export (``../shared/corpora/confluence-varlab``, when
present), the HTML fixtures (``fixtures/html``) and the vendored third-party pages
(``fixtures/html-third-party``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from productive_docs.converter import Report  # noqa: E402
from productive_docs.converter.readers import html as html_reader  # noqa: E402
from productive_docs.converter.writers.markdown import write_gfm  # noqa: E402

CORPORA = {
    "confluence-varlab": ROOT / ".." / "shared" / "corpora" / "confluence-varlab",
    "fixtures/html": ROOT / "fixtures" / "html",
    "fixtures/html-third-party": ROOT / "fixtures" / "html-third-party",
}
_LEAF_BLOCKS = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr"}
)
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
_CODE_SPAN = re.compile(r"(`+).*?\1", re.S)
_ATTRIBUTE_COMMENT = re.compile(r"<!--.*-->\s*")
PARSER = MarkdownIt("commonmark").enable("table")


@dataclass(slots=True)
class Figures:
    """Counts over the outputs of one corpus."""

    pages: int = 0
    blocks: int = 0
    html_blocks: int = 0
    escapes: int = 0
    words: int = 0
    nbsp: int = 0

    def add(self, markdown: str) -> None:
        """Measure one output."""
        self.pages += 1
        self.nbsp += markdown.count("&#160;")
        for token in PARSER.parse(markdown):
            if token.type == "html_block" and _ATTRIBUTE_COMMENT.fullmatch(token.content):
                continue
            if token.type in _LEAF_BLOCKS:
                self.blocks += 1
                self.html_blocks += token.type == "html_block"
            if token.type == "inline":
                text = _CODE_SPAN.sub(" ", token.content)
                self.escapes += len(_ESCAPE.findall(text))
                self.words += len(text.split())

    def line(self, name: str) -> str:
        """One printed line: name, pages, blocks, share of HTML blocks, escapes per 1,000 words, nbsp."""
        share = 100 * self.html_blocks / self.blocks if self.blocks else 0.0
        per_k = 1000 * self.escapes / self.words if self.words else 0.0
        return (
            f"{name:28} {self.pages:5} {self.blocks:7} {self.html_blocks:6} {share:6.2f}% "
            f"{per_k:9.2f} {self.nbsp:7}"
        )


def measure(folder: Path) -> Figures:
    """Read every ``*.html`` under ``folder`` and measure the Markdown written for it."""
    figures = Figures()
    for path in sorted(folder.rglob("*.html")):
        doc = html_reader.read(path.read_text(encoding="utf-8", errors="replace"), Report()).doc
        figures.add(write_gfm(doc, Report()))
    return figures


def main(argv: list[str]) -> None:
    folders = {Path(arg).name: Path(arg) for arg in argv} or CORPORA
    print(f"{'corpus':28} {'pages':>5} {'blocks':>7} {'html':>6} {'html%':>7} {'esc/1kw':>9} {'&#160;':>7}")
    for name, folder in folders.items():
        if folder.is_dir():
            print(measure(folder).line(name))
        else:
            print(f"{name:28} (absent: {folder})")


if __name__ == "__main__":
    main(sys.argv[1:])
