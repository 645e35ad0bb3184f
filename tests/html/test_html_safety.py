"""Nothing executable passes: markdown-it's XSS cases and hand-made attacks, read as HTML and written back."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from html_testing import XSS
from markdown_it import MarkdownIt
from productive_docs.converter import Report
from productive_docs.converter.model import Mark, Node, text
from productive_docs.converter.readers.html import read
from productive_docs.converter.readers.html_sanitize import unsafe_url
from productive_docs.converter.writers.html import write

#: Every tag and attribute the HTML writer can emit; anything else in its output is a leak.
WRITER_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "ol", "ul", "li", "table", "tr",
    "th", "td", "hr", "banner", "div", "img", "span", "br", "strong", "em", "u", "del", "a",
}
WRITER_ATTRS = {
    "style", "codeblock-language", "start", "type", "checked", "colspan", "rowspan", "data-colwidth",
    "data-columns", "data-column-count", "data-column", "src", "alt", "title", "width", "file-type", "url",
    "name", "mention-type", "mention-id", "mention-label", "mention-avatar-url", "var", "href",
    "discussion-id", "resolved-id",
}
URL_ATTRS = {"href", "src", "url", "mention-avatar-url"}


def xss_cases() -> list[str]:
    """The inputs of markdown-it-py's ``xss.md`` fixture file (``.`` / input / ``.`` / html / ``.``)."""
    if not XSS.is_file():  # no corpora beside the project: the tests using it are skipped (marked ``corpus``)
        return []
    lines = XSS.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if lines[index] == "." and "." in lines[index + 1:]:
            end = lines.index(".", index + 1)
            cases.append("\n".join(lines[index + 1:end]))
            index = lines.index(".", end + 1) + 1
        else:
            index += 1
    return cases


ATTACKS = [
    '<p onclick="alert(1)">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVa&#09;ScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="x" onerror="alert(1)">',
    "<script>alert(1)</script>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)"></form>',
    '<svg><script>alert(1)</script></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<span mention-type="user" mention-id="1" mention-label="x" mention-avatar-url="javascript:x">x</span>',
    '<span file-type="text/html" url="javascript:alert(1)" name="x">x</span>',
    '<span style="color: red; background-color: url(javascript:alert(1))">x</span>',
    '<td style="background-color: expression(alert(1))">x</td>',
    '<a href="https://ok.example" style="color: red" onmouseover="alert(1)">ok</a>',
    "<scr<script>ipt>alert(1)</script>",
    '<<img src="x" onerror="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def assert_inert(html: str) -> None:
    """No element, attribute or URL in ``html`` that a browser could run."""
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        assert tag.name in WRITER_TAGS, f"<{tag.name}> in {html!r}"
        for name, value in tag.attrs.items():
            assert name in WRITER_ATTRS, f"{name} on <{tag.name}> in {html!r}"
            if name in URL_ATTRS:
                assert unsafe_url(value, image=name != "href") is None, f"{name}={value!r} in {html!r}"
            if name == "style":
                assert "url(" not in value and "expression" not in value, html


@pytest.mark.corpus
@pytest.mark.parametrize("markdown", xss_cases())
def test_markdown_it_xss_cases_yield_no_executable_html(markdown: str) -> None:
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert_inert(write(read(rendered, Report()).doc, Report()))


@pytest.mark.corpus
def test_the_xss_fixture_file_was_read() -> None:
    assert len(xss_cases()) >= 10


@pytest.mark.parametrize("html", ATTACKS)
def test_attacks_are_removed_and_reported(html: str) -> None:
    report = Report()
    output = write(read(html, report).doc, Report())
    assert_inert(output)
    assert report, f"nothing reported for {html!r}"


def test_safe_urls_and_raster_data_images_pass() -> None:
    report = Report()
    html = '<p><a href="https://example.com/a?b=1">a</a><img src="data:image/png;base64,iVBORw0KGgo="></p>'
    assert write(read(html, report).doc, Report()) == html
    assert not report


def test_writer_drops_script_urls_from_a_stored_tree() -> None:
    report = Report()
    doc = Node("doc", content=[Node("paragraph", content=[
        text("x", [Mark("link", {"href": "javascript:alert(1)"})]),
        Node("image", {"src": "vbscript:x"}),
    ])])
    assert write(doc, report) == "<p><a>x</a><img></p>"
    assert [entry.what for entry in report.entries] == [
        "javascript: URL in link href", "vbscript: URL in image src",
    ]


def test_each_removal_has_its_own_entry_with_a_line() -> None:
    report = Report()
    read("<p>a</p>\n<script>x</script>\n<p onclick='x'>b</p>\n<iframe></iframe>", report)
    assert [(entry.what, entry.line) for entry in report.entries] == [
        ("<script> element", 2),
        ("event handler attribute 'onclick' on <p>", 3),
        ("<iframe> element", 4),
    ]
