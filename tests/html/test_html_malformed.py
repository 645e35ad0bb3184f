"""Malformed and hostile structure: always a valid tree, never a crash or a recursion error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.converter import Report, write
from productive_docs.converter.model import check, normalize
from productive_docs.converter.readers.html import parse_blocks, parse_inline, read
from productive_docs.converter.readers.html_builder import MAX_DEPTH

MALFORMED = {
    "unclosed tags": "<p>one<p>two <b>bold <i>both",
    "stray closing li": "<ul><li>a</li></li></li></ul></li><p>after</p>",
    "list directly in list": "<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>",
    "list first in list": "<ol><ol><li>x</li></ol></ol>",
    "table in list": "<ul><li>a<table><tr><td>cell</td></tr></table></li></ul>",
    "li outside list": "<li>one</li><li>two</li><p>after</p>",
    "td outside table": "<td>cell</td><p>after</p>",
    "text in table": "<table>loose<tr>row text<td>cell</td></tr></table>",
    "block in inline": "<span>a<div>b</div>c</span>",
    "p in p in li": "<ul><li><p>a<p>b</li></ul>",
    "nested table": "<table><tr><td>a<table><tr><td>b</td></tr></table></td></tr></table>",
    "heading in cell": "<table><tr><td><h2>T</h2><ul><li>x</li></ul><pre>code\nmore</pre></td></tr></table>",
    "checklist item outside": '<li type="checklist_item" checked="true">done</li>',
    "columns without column": "<div data-columns><p>x</p></div>",
    "column alone": "<div data-column><p>x</p></div>",
    "bad numbers": '<ol start="x"><li>a</li></ol><table><tr><td colspan="-1" rowspan="z">b</td></tr></table>',
    "unknown banner": '<banner type="party"><p>x</p></banner>',
    "empty": "",
    "only whitespace": "  \n\t ",
    "comment and doctype": "<!DOCTYPE html><!-- c --><p>x</p>",
    "cdata and pi": "<![CDATA[x]]><?php echo 1 ?><p>y</p>",
    "broken attributes": '<p class="a>b</p><a href=>x</a>',
    "bare ampersands": "<p>a & b &unknown; &#xZZ; &#0;</p>",
}
DEEP = 10_000
DEEP_INPUTS = {
    "div": "<div>" * DEEP + "x" + "</div>" * DEEP,
    "unclosed b": "<b>" * DEEP + "x",
    "span": "<span>" * DEEP + "x",
    "ul li": "<ul><li>" * DEEP + "x",
    "ul": "<ul>" * DEEP + "x",
    "blockquote": "<blockquote>" * DEEP + "x",
    "table": "<table><tr><td>" * 2_000 + "x",
    "li": "<li>" * DEEP + "x",
    "p": "<p>" * DEEP + "x",
    "a": '<a href="/x">' * DEEP + "x",
    "styles with text": '<span style="color: red">x' * DEEP,
    "marks with text": "<i>x<b>y" * (DEEP // 2),
}


@pytest.mark.parametrize("html", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_html_gives_a_valid_tree(html: str) -> None:
    doc = read(html, Report()).doc
    assert check(doc) == []
    assert isinstance(write(doc, "md"), str)
    assert isinstance(write(doc, "html"), str)


@pytest.mark.parametrize("html", DEEP_INPUTS.values(), ids=DEEP_INPUTS.keys())
def test_ten_thousand_levels_give_a_tree(html: str) -> None:
    """Any depth parses without recursion, in linear time (a quadratic step would take minutes here)."""
    report = Report()
    doc = read(html, report).doc
    assert check(doc) == []
    assert "x" in write(doc, "html")
    normalize(doc)


def test_deep_blocks_are_flattened_and_reported() -> None:
    report = Report()
    doc = read("<blockquote>" * 100 + "deep", report).doc
    depth, node = 0, doc
    while node.content and node.content[0].type == "blockquote":
        depth, node = depth + 1, node.content[0]
    assert depth <= MAX_DEPTH
    assert node.content[0].content[0].text == "deep"
    assert [entry.what for entry in report.entries] == [f"blockquote nesting deeper than {MAX_DEPTH} levels"]


def _html(html: str) -> str:
    return write(read(html, Report()).doc, "html")


@pytest.mark.parametrize(("html", "expected"), [
    ("<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>",
     "<ul><li><p>a</p><ul><li><p>b</p></li></ul></li><li><p>c</p></li></ul>"),
    ("<ul><li>one<li>two</ul>", "<ul><li><p>one</p></li><li><p>two</p></li></ul>"),
    ("<li>one</li><p>after</p>", "<ul><li><p>one</p></li></ul><p>after</p>"),
    ("<span>a<div>b</div>c</span>", "<p>a</p><p>b</p><p>c</p>"),
    ("<p>a<p>b", "<p>a</p><p>b</p>"),
    ("<td>cell</td><p>after</p>", "<table><tr><td><p>cell</p></td></tr></table><p>after</p>"),
    ("<table><tr><td>a<table><tr><td>b</td><td>c</td></tr></table></td></tr></table>",
     "<table><tr><td><p>a</p><p>b</p><p>c</p></td></tr></table>"),
    ("<table><tr><td><ol><li>x</li><li>y</li></ol><h2>T</h2></td></tr></table>",
     "<table><tr><td><p>1. x</p><p>2. y</p><p><strong>T</strong></p></td></tr></table>"),
    ("<table><tr><td><pre>a\nb</pre></td></tr></table>",
     "<table><tr><td><p><code>a</code><br><code>b</code></p></td></tr></table>"),
])
def test_structure_is_repaired_like_a_browser(html: str, expected: str) -> None:
    assert _html(html) == expected


def test_blocks_in_cells_are_reported_with_their_line() -> None:
    report = Report("page.html")
    read("<table>\n<tr><td>\n<ul><li>x</li></ul></td></tr></table>", report)
    assert [str(entry) for entry in report.entries] == ["page.html:3: ul in a table cell -> paragraphs"]


def test_parse_blocks_offsets_lines_and_parse_inline_joins_blocks() -> None:
    report = Report()
    blocks = parse_blocks("<p>a</p>\n<script>x</script>", report, line=10)
    assert [block.type for block in blocks] == ["paragraph"]
    assert report.entries[0].line == 11
    inline = parse_inline("<b>a</b> <p>b</p>", Report())
    assert [(node.type, node.text) for node in inline] == [("text", "a"), ("br", None), ("text", "b")]
    assert parse_inline('<span style="color: red">c</span>', Report())[0].marks[0].attrs == {"color": "red"}


TAGS = [
    "p", "div", "span", "b", "i", "a", "ul", "ol", "li", "table", "tr", "td", "th", "thead", "pre", "code",
    "blockquote", "h1", "h4", "br", "hr", "img", "banner", "dl", "dt", "dd", "sup", "script", "form", "foo",
]
ATTRIBUTES = [
    "", ' type="checklist"', ' type="checklist_item" checked="true"', " data-columns", " data-column",
    ' colspan="2"', ' rowspan="0"', ' href="javascript:x"', ' href="/x"', ' src="a.png"',
    ' style="text-align: center; white-space: pre"', ' class="confluence-information-macro"',
    ' class="columnLayout"', ' class="cell"', ' class="inline-task-list"', ' class="emoticon"',
    ' mention-type="user" mention-id="1"', ' var="x"', ' codeblock-language="py"', ' start="x"',
]
tokens = st.one_of(
    st.builds(lambda tag, attrs: f"<{tag}{attrs}>", st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES)),
    st.builds(lambda tag: f"</{tag}>", st.sampled_from(TAGS)),
    st.text(alphabet="ab \n\t&<>@[]:", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(tokens, max_size=40))
def test_any_tag_soup_gives_a_valid_tree(soup: list[str]) -> None:
    doc = read("".join(soup), Report()).doc
    assert check(doc) == []
    write(doc, "md")
    write(doc, "html")
