"""Property tests: generated valid documents survive json -> md -> json and json -> html -> json.

The documents (``strategies``) hold every node and mark, with text full of Markdown-special characters
and marks that start or end on spaces and punctuation. The HTML writer lowers headings 4-6 (Productive
cannot store them), so that round trip is compared with the lowered tree.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from productive_docs.converter import Report, read, write
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, check, normalize
from productive_docs.converter.writers.markdown import needs_html, write_gfm
from strategies import documents

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents)
def test_json_md_json(doc: Node) -> None:
    assert check(doc) == []
    assert normalize(read(write(doc, "md"), "md").doc) == normalize(doc)


@SETTINGS
@given(documents)
def test_json_html_json(doc: Node) -> None:
    expected = normalize(lower_for_productive(doc, Report()))
    assert normalize(read(write(doc, "html"), "html").doc) == expected


@SETTINGS
@example(read("`0`\\\n\\\n`0`\n", "md").doc)  # found by hypothesis: "  \n  \n" read back as two paragraphs
@given(documents)
def test_productive_markdown_reads_back_as_what_the_report_left(doc: Node) -> None:
    """productive-md holds no HTML; when nothing was reported besides heading levels it is lossless."""
    report = Report()
    out = write(doc, "productive-md", report=report)
    back_report = Report()
    back = read(out, "md", report=back_report).doc
    assert not any(entry.what.startswith("raw") for entry in back_report.entries), out
    if not needs_html(doc):
        assert normalize(back) == normalize(lower_for_productive(doc, Report()))


@SETTINGS
@given(documents, st.integers(min_value=1, max_value=60))
def test_wrapped_md_reads_back_unchanged(doc: Node, width: int) -> None:
    """``--wrap N`` changes line breaks only: md -> json -> md (wrapped) -> json is the identity."""
    plain = write(doc, "md")
    wrapped = write_gfm(read(plain, "md").doc, Report(), wrap=width)
    assert normalize(read(wrapped, "md").doc) == normalize(read(plain, "md").doc) == normalize(doc)
