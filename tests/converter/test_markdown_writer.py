"""The Markdown writers: escaping only where needed, list and fence forms, Productive lowering."""

from __future__ import annotations

import pytest
from productive_docs.converter import Report, read
from productive_docs.converter.model import Mark, Node, normalize, text
from productive_docs.converter.writers.markdown import needs_html, write_gfm, write_productive


def _para(*content: Node, **attrs: object) -> Node:
    return Node("paragraph", dict(attrs), list(content))


def _doc(*blocks: Node) -> Node:
    return Node("doc", {}, list(blocks))


def _gfm(*blocks: Node) -> str:
    return write_gfm(_doc(*blocks), Report())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("snake_case and 2*3", "snake_case and 2\\*3"),
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "1\\. not a list"),
        ("- not a bullet", "\\- not a bullet"),
        ("a <b> tag & &amp; entity", "a \\<b> tag & \\&amp; entity"),
        ("[link](x) `code`", "\\[link\\](x) \\`code\\`"),
        ("see https://example.com or www.example.com", "see https\\://example.com or www\\.example.com"),
        ("  leading and trailing  ", "&#32;&#32;leading and trailing&#32;&#32;"),
        ("cost $5 ~/path", "cost \\$5 ~/path"),
    ],
)
def test_text_is_escaped_only_where_markdown_would_read_it(value: str, expected: str) -> None:
    out = _gfm(_para(text(value)))
    assert out == expected + "\n"
    assert read(out, "md").doc.content[0].content == [text(value)]


def test_code_spans_and_fences_outgrow_their_backticks() -> None:
    assert _gfm(_para(text("a `tick`", [Mark("code")]))) == "`` a `tick` ``\n"
    block = Node("codeblock", {"language": "md"}, [text("```\nnested\n```")])
    assert _gfm(block) == "````md\n```\nnested\n```\n````\n"


def test_marks_choose_delimiters_that_parse_back() -> None:
    bold = [Mark("strong")]
    assert _gfm(_para(text("a"), text("b", bold), text("c"))) == "a**b**c\n"
    # "**" cannot close after a space: another delimiter or the HTML tag is used
    out = _gfm(_para(text("a "), text("b ", bold), text("c")))
    assert normalize(read(out, "md").doc) == normalize(_doc(_para(text("a "), text("b ", bold), text("c"))))


@pytest.mark.parametrize("value", ["a\nb", "a\n", "\nb"])
def test_newline_in_text_under_an_html_mark_survives(value: str) -> None:
    # the HTML reader collapses a newline in text, so the paragraph is written as pre-wrap HTML
    doc = _doc(_para(text(value, [Mark("underline")])))
    out = write_gfm(doc, Report())
    assert out.startswith('<p style="white-space: pre-wrap">')
    assert normalize(read(out, "md").doc) == normalize(doc)


def test_lists_nest_and_keep_their_start() -> None:
    item = Node("li", {}, [_para(text("one")), Node("ul", {}, [Node("li", {}, [_para(text("deep"))])])])
    ordered = Node("ol", {"order": 7}, [item, Node("li", {}, [_para(text("two"))])])
    assert _gfm(ordered) == "7. one\n\n   - deep\n\n8. two\n"
    tasks = Node("checklist", {}, [Node("checklist_item", {"checked": True}, [_para(text("done"))])])
    assert _gfm(tasks, Node("ul", {}, [Node("li", {}, [_para(text("x"))])])) == "- [x] done\n\n* x\n"


def test_banner_round_trips_through_an_alert_of_its_type() -> None:
    for kind, alert in {
        "info": "NOTE",
        "success": "TIP",
        "warning": "WARNING",
        "critical": "CAUTION",
    }.items():
        banner = Node("banner", {"type": kind}, [_para(text("careful"))])
        assert _gfm(banner) == f"> [!{alert}]\n> careful\n"
        assert normalize(read(_gfm(banner), "md").doc) == normalize(_doc(banner))


def test_productive_markdown_lowers_html_only_constructs_with_a_report() -> None:
    doc = _doc(
        Node("banner", {"type": "warning"}, [_para(text("Mind the gap"))]),
        _para(
            text("Hi "),
            Node("mention", {"id": "1", "type": "person", "label": "Ann"}, [text("Ann")]),
            text(" "),
            text("under", [Mark("underline")]),
            **{"textAlign": "center"},
        ),
        Node("heading", {"level": 5}, [text("Deep")]),
    )
    report = Report("page.md")
    out = write_productive(doc, report)
    assert out == "> **Warning**\n>\n> Mind the gap\n\nHi Ann under\n\n### Deep\n"
    assert sorted(report.counts()) == [
        "banner warning",
        "heading level 5",
        "mention",
        "paragraph alignment",
        "underline mark",
    ]
    assert "<" not in out
    assert needs_html(doc) is True
    assert needs_html(_doc(_para(text("plain"), text("bold", [Mark("strong")])))) is False


def test_productive_markdown_uses_two_space_breaks_and_gfm_tables() -> None:
    cell = Node("table_cell", {"colspan": 2}, [_para(text("wide"))])
    table = Node("table", {}, [Node("table_row", {}, [cell])])
    report = Report()
    out = write_productive(_doc(_para(text("a"), Node("br"), text("b")), table), report)
    assert out == "a  \nb\n\n| wide |  |\n| --- | --- |\n"
    assert report.counts() == {"table_cell in table row 1": 1, "table cell colspan": 1}


def test_columns_are_their_blocks_between_comments_in_local_markdown() -> None:
    columns = Node(
        "columns",
        {"count": 2, "widths": "1fr 2fr"},
        [Node("column", {}, [_para(text("L")), Node("ul", {}, [Node("li", {}, [_para(text("x"))])])]),
         Node("column", {}, [_para(text("R"))])],
    )
    out = _gfm(columns)
    assert out == (
        '<!-- columns {"count":2,"widths":"1fr 2fr"} -->\n\nL\n\n- x\n\n<!-- column -->\n\nR\n\n'
        "<!-- /columns -->\n"
    )
    assert normalize(read(out, "md").doc) == normalize(_doc(columns))
    nested = _doc(Node("blockquote", {}, [columns]), _para(text("after")))
    assert normalize(read(_gfm(nested), "md").doc) == normalize(nested)


@pytest.mark.parametrize(
    "source",
    [
        "<!-- columns -->\n\nA\n",  # never closed
        "> <!-- columns -->\n>\n> A\n\n<!-- /columns -->\n",  # closed outside the quote it opened in
        "A\n\n<!-- column -->\n\nB\n\n<!-- /columns -->\n",  # no opening
    ],
)
def test_columns_comments_that_do_not_pair_up_are_reported_and_ignored(source: str) -> None:
    report = Report()
    doc = read(source, "md", report=report).doc
    assert "columns" not in str(normalize(doc))
    assert any("does not pair up" in entry.what for entry in report.entries)


def test_wrap_never_breaks_code_links_or_before_a_block_marker() -> None:
    words = "alpha beta gamma delta epsilon"
    source = f"{words} `a b c d e f` [x y](https://x.org/a \"t u v\") - 1. # > {words}\\\nafter\n"
    doc = read(source, "md").doc
    out = write_gfm(doc, Report(), wrap=12)  # narrower than MIN_WIDTH: wrapped at 20
    assert "`a b c d e f`" in out and '](https://x.org/a "t u v")' in out
    assert not any(line.startswith(("-", "1.", "#", ">")) for line in out.splitlines())
    assert "\\\nafter" in out  # the hard break stays
    assert normalize(read(out, "md").doc) == normalize(doc)
    nested = read("- > " + words * 3 + "\n", "md").doc
    assert all(len(line) <= 40 for line in write_gfm(nested, Report(), wrap=40).splitlines())
