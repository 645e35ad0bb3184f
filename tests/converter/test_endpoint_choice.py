"""The endpoint a push chooses (Markdown or HTML) is decided by the one render that is sent (issue 11, "work
once"), and chooses as the earlier scratch render did, over the corpora, the fixtures and generated documents.

``scratch_needs_html`` is the earlier decision, kept here only to compare against: it wrote the document into
a throwaway report and asked whether the report was empty, and the payload was then rendered again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from md_corpora import available, markdown_files, spec_examples
from productive_docs.converter import Report, read, write
from productive_docs.converter.model import Node, text
from productive_docs.converter.writers import markdown
from productive_docs.converter.writers.markdown import write_productive, write_productive_if_lossless
from productive_docs.converter.writers.markdown_inline import InlineContext
from productive_docs.converter.writers.markdown_lowering import lower_for_markdown
from shared_corpora import CORPORA
from strategies import documents

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONFLUENCE = CORPORA / "confluence-varlab"


def scratch_needs_html(doc: Node) -> bool:
    """The decision as it was made before: a second render into a scratch report."""
    scratch = Report()
    lowered = lower_for_markdown(doc, scratch).content
    markdown._document(lowered, markdown.Writer(InlineContext(scratch, allow_html=False)))
    return bool(scratch)


def chooses_html(doc: Node) -> bool:
    return write_productive_if_lossless(doc, Report()) is None


def _fixture_docs() -> Iterator[tuple[str, Node]]:
    readers = {".md": "md", ".markdown": "md", ".html": "html", ".json": "json"}
    for path in sorted(FIXTURES.rglob("*")):
        fmt = readers.get(path.suffix)
        if fmt is None or path.name == "cases.json" or (fmt == "json" and "golden" not in path.parts):
            continue
        yield str(path.relative_to(FIXTURES)), read(path.read_text(encoding="utf-8"), fmt).doc


def _corpus_docs() -> Iterator[tuple[str, Node]]:
    for example in spec_examples():
        yield example.name, read(example.markdown, "md").doc
    for path in markdown_files():
        yield path.name, read(path.read_text(encoding="utf-8"), "md").doc
    for path in sorted(CONFLUENCE.rglob("*.html")):
        yield str(path.relative_to(CONFLUENCE)), read(path.read_text(encoding="utf-8"), "html").doc


def _differences(docs: Iterator[tuple[str, Node]]) -> tuple[int, int, list[str]]:
    count = html = 0
    differ: list[str] = []
    for name, doc in docs:
        before = scratch_needs_html(doc)
        count, html = count + 1, html + before
        if chooses_html(doc) != before:
            differ.append(name)
    return count, html, differ


def test_the_fixtures_choose_the_endpoint_they_chose_before() -> None:
    count, html, differ = _differences(_fixture_docs())
    print(f"fixtures: {count} documents, {html} through HTML")
    assert count > 50 and html > 5
    assert differ == []


@pytest.mark.corpus
def test_the_corpora_choose_the_endpoint_they_chose_before() -> None:
    assert available()
    count, html, differ = _differences(_corpus_docs())
    print(f"corpora: {count} documents, {html} through HTML")
    assert count > 1900 and html > 300
    assert differ == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_choose_the_endpoint_they_chose_before(doc: Node) -> None:
    assert chooses_html(doc) == scratch_needs_html(doc)


def test_markdown_that_will_do_is_the_payload_and_its_report() -> None:
    doc = Node("doc", {}, [Node("heading", {"level": 5}, [text("Deep")]), Node("paragraph", {}, [text("x")])])
    report, expected = Report("a.md"), Report("a.md")
    assert write_productive_if_lossless(doc, report) == write_productive(doc, expected)
    # the heading level is lowered for both endpoints: reported, and no reason to choose HTML
    assert report.entries == expected.entries and [e.what for e in report.entries] == ["heading level 5"]


def test_a_lowering_that_loses_content_chooses_html_and_leaves_the_report_alone() -> None:
    doc = Node("doc", {}, [Node("paragraph", {"textAlign": "center"}, [text("x")])])
    report = Report()
    assert write_productive_if_lossless(doc, report) is None and not report


def test_a_table_without_cells_is_dropped_from_markdown_and_kept_by_html() -> None:
    doc = Node("doc", {}, [Node("table", {}, []), Node("table", {}, [Node("table_row")])])
    report = Report()
    assert write(doc, "productive-md", report=report) == ""
    assert report.counts() == {"table without cells": 2}
    assert chooses_html(doc) and write(doc, "html").count("<table>") == 2

