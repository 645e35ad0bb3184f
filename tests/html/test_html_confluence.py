"""The Confluence export corpus: every page converts, keeps its text in order, and keeps its constructs."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from html_testing import CONFLUENCE, tree_text
from productive_docs.converter import Report, write
from productive_docs.converter import read as read_any
from productive_docs.converter.model import Node, check
from productive_docs.converter.readers.html import read

PAGES = sorted(CONFLUENCE.glob("*.html"))
WORD = re.compile(r"[^\W_]+")
#: Constructs counted in the HTML (CSS selectors) and in the tree (node types). Blocks inside table cells
#: are lowered to paragraphs by rule, so block constructs are counted outside cells; images stay images.
CONSTRUCTS = {
    "banner": ".confluence-information-macro, div.panel:not(.code)",
    "codeblock": "pre",
    "checklist": "ul.inline-task-list",
    "table": "table",
    "image": "img:not(.emoticon):not(.expand-control-image)",
}
#: Inside #main-content but not content (the rules in html_confluence and html_sanitize).
NOT_CONTENT = "script, style, .expand-control-icon, input, select, textarea, button, iframe, noscript, svg"
BLOCK_TAGS = ["p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "table", "ul",
              "ol", "pre", "blockquote", "img", "dt", "dd"]


@dataclass(frozen=True)
class Converted:
    """One page read by the reader, and what an independent look at its HTML expects."""

    doc: Node
    report: Report
    expected_words: list[str]
    expected_counts: Counter[str]


def _main_content(source: str) -> Tag:
    soup = BeautifulSoup(source, "html.parser")
    return soup.find(id="main-content") or soup.body or soup


def _expected(main: Tag) -> tuple[list[str], Counter[str]]:
    counts: Counter[str] = Counter()
    for kind, selector in CONSTRUCTS.items():
        found = main.select(selector)
        if kind != "image":
            found = [el for el in found if el.find_parent(["td", "th"]) is None]
        counts[kind] = len(found)
    for el in main.select(NOT_CONTENT):
        el.decompose()
    for el in main.find_all(BLOCK_TAGS):
        el.insert_before(" ")
        el.insert_after(" ")
    return WORD.findall(main.get_text("")), counts


@cache
def converted(path: Path) -> Converted:
    source = path.read_text(encoding="utf-8")
    report = Report(path.name)
    doc = read(source, report).doc
    words, counts = _expected(_main_content(source))
    return Converted(doc, report, words, counts)


def _tree_counts(doc: Node) -> Counter[str]:
    counts: Counter[str] = Counter()
    pending = [doc]
    while pending:
        node = pending.pop()
        counts[node.type] += 1
        pending.extend(node.content)
    return Counter({kind: counts[kind] for kind in CONSTRUCTS})


def _missing_word(expected: list[str], actual: list[str]) -> str | None:
    """The first expected word not found, in order, in ``actual`` (with its context)."""
    remaining = iter(actual)
    for index, word in enumerate(expected):
        if not any(candidate == word for candidate in remaining):
            return " ".join(expected[max(index - 5, 0):index + 5])
    return None


@pytest.mark.corpus
def test_corpus_is_there() -> None:
    assert len(PAGES) > 400


@pytest.mark.corpus
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_converts_to_valid_tree_and_markdown(path: Path) -> None:
    page = converted(path)
    assert check(page.doc) == []
    assert isinstance(write(page.doc, "md"), str)
    assert isinstance(write(page.doc, "html"), str)


@pytest.mark.corpus
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_visible_text_is_kept_in_order(path: Path) -> None:
    page = converted(path)
    missing = _missing_word(page.expected_words, WORD.findall(tree_text(page.doc)))
    assert missing is None, f"lost or reordered near: {missing}"


@pytest.mark.corpus
@pytest.mark.parametrize("path", PAGES[::4], ids=lambda p: p.name)
def test_visible_text_survives_markdown_and_back(path: Path) -> None:
    """The same check through the Markdown a user gets (read back, so escapes and inline HTML count right);
    a quarter of the pages keeps the area's tests fast, all pages pass (checked once by hand)."""
    page = converted(path)
    markdown_doc = read_any(write(page.doc, "md"), "md").doc
    missing = _missing_word(page.expected_words, WORD.findall(tree_text(markdown_doc)))
    assert missing is None, f"lost or reordered near: {missing}"


@pytest.mark.corpus
def test_construct_counts_match_the_html(capsys: pytest.CaptureFixture[str]) -> None:
    found: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    lowered: Counter[str] = Counter()
    mismatches = []
    for path in PAGES:
        page = converted(path)
        counts = _tree_counts(page.doc)
        found.update(counts)
        expected.update(page.expected_counts)
        lowered.update(e.what for e in page.report.entries if e.what.endswith("in a table cell"))
        if counts != page.expected_counts:
            mismatches.append((path.name, dict(counts), dict(page.expected_counts)))
    with capsys.disabled():
        print(f"\nConfluence corpus ({len(PAGES)} pages): found {dict(found)}; in the HTML {dict(expected)}")
        print(f"blocks lowered into table cells: {dict(lowered)}")
    assert mismatches == []
    assert all(found[kind] > 0 for kind in CONSTRUCTS)


@pytest.mark.corpus
def test_page_title_comes_from_the_export_title() -> None:
    assert read((CONFLUENCE / "1055784989.html").read_text(encoding="utf-8"), Report()).metadata == {
        "title": "Testing: AMB"
    }
