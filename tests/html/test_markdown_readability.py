"""Readable Markdown from real HTML (issue 14): the ``md`` writer on the Confluence export and the HTML
fixtures writes few raw HTML blocks, no escaped URLs, no ``&#160;`` at a block's edge, no mark with an
edge space, reports every HTML table, and still reads back to the same tree (no word lost).

The figures come from ``bench/bench_readability.py`` (loaded by path), which prints them per corpus.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from html_testing import CONFLUENCE, FIXTURES, ROOT
from productive_docs.converter import Report, read
from productive_docs.converter.model import Node, normalize
from productive_docs.converter.readers import html as html_reader
from productive_docs.converter.writers.markdown import write_gfm

ESCAPED_URL = re.compile(r"(?i)\b(?:https?|mailto|ftp)\\:")
SPACE = " \t\n\xa0"


def bench() -> ModuleType:
    """``bench/bench_readability.py``, loaded by path (bench/ is not a package)."""
    name = "bench_readability"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "bench_readability.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@cache
def converted(folder: Path) -> tuple[tuple[str, Node, str, Report], ...]:
    """(name, tree, Markdown, writer report) of every page under ``folder``."""
    out = []
    for path in sorted(folder.rglob("*.html")):
        doc = html_reader.read(path.read_text(encoding="utf-8"), Report()).doc
        report = Report()
        out.append((path.name, doc, write_gfm(doc, report), report))
    return tuple(out)


def corpus(name: str) -> Path:
    if name == "confluence":
        if not CONFLUENCE.is_dir():
            pytest.skip(f"the shared Confluence export is absent ({CONFLUENCE})")
        return CONFLUENCE
    return THIRD_PARTY if name == "third-party" else FIXTURES


def mark_edge_spaces(doc: Node) -> list[str]:
    """Runs of a mark (code text aside) whose text starts or ends with a space, in every text block."""
    found = []
    pending = [doc]
    while pending:
        node = pending.pop()
        if node.type not in ("paragraph", "heading"):
            pending.extend(node.content)
            continue
        content = node.content
        for index, child in enumerate(content):
            if any(mark.type == "code" for mark in child.marks):
                continue  # a space in code is content, and a mark around the code holds all of it
            for mark in child.marks:
                starts = index == 0 or mark not in content[index - 1].marks
                ends = index + 1 == len(content) or mark not in content[index + 1].marks
                text = child.text or ""
                if (starts and text[:1] in SPACE and text) or (ends and text[-1:] in SPACE and text):
                    found.append(f"{mark.type}: {text!r}")
    return found


CORPORA = ["confluence", "fixtures", "third-party"]
THIRD_PARTY = ROOT / "fixtures" / "html-third-party"


@pytest.mark.corpus
@pytest.mark.slow
def test_raw_html_blocks_under_one_percent_of_the_confluence_export() -> None:
    figures = bench().Figures()
    for _, _, markdown, _ in converted(corpus("confluence")):
        figures.add(markdown)
    assert figures.html_blocks < figures.blocks / 100, figures


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", CORPORA)
def test_no_escaped_urls_nbsp_at_edges_or_spaces_inside_marks(name: str) -> None:
    problems = []
    parser = bench().PARSER
    for page, _, markdown, _ in converted(corpus(name)):
        problems += [f"{page}: {m.group(0)}" for m in ESCAPED_URL.finditer(markdown)]
        for token in parser.parse(markdown):
            if token.type == "inline" and (
                token.content.startswith("&#160;") or token.content.endswith("&#160;")
            ):
                problems.append(f"{page}: &#160; at a block edge: {token.content[:60]!r}")
        problems += [f"{page}: {found}" for found in mark_edge_spaces(read(markdown, "md").doc)]
    assert problems == []


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", CORPORA)
def test_every_page_reads_back_and_every_html_table_is_reported(name: str) -> None:
    parser = bench().PARSER
    for page, doc, markdown, report in converted(corpus(name)):
        assert normalize(read(markdown, "md").doc) == normalize(doc), page
        blocks = [token.content for token in parser.parse(markdown) if token.type == "html_block"]
        tables = sum(1 for block in blocks if block.startswith("<table"))
        reported = sum(1 for entry in report.entries if entry.became == "HTML table")
        assert tables <= reported, page
