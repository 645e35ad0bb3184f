"""Each Productive HTML form (spec §2.3-2.5) reads into the node or mark it stands for, and back."""

from __future__ import annotations

from typing import Any

import pytest
from productive_docs.converter import Report, inferred
from productive_docs.converter.model import normalize
from productive_docs.converter.readers.html import read
from productive_docs.converter.readers.html_forms import HTML_ATTRS
from productive_docs.converter.writers.html import render_blocks, write


def blocks(html: str) -> list[dict[str, Any]]:
    return normalize(read(html, Report()).doc)["content"]


def inline(html: str) -> list[dict[str, Any]]:
    return blocks(f"<p>{html}</p>")[0]["content"]


def txt(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "text": value, **({"marks": list(marks)} if marks else {})}


def para(*content: dict[str, Any], **attrs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "paragraph"}
    if attrs:
        out["attrs"] = attrs
    if content:
        out["content"] = list(content)
    return out


BLOCK_FORMS = [
    ('<p style="text-align: right">x</p>', [para(txt("x"), textAlign="right")]),
    ("<h2>x</h2>", [{"type": "heading", "attrs": {"level": 2}, "content": [txt("x")]}]),
    ("<h5>x</h5>", [{"type": "heading", "attrs": {"level": 5}, "content": [txt("x")]}]),
    ("<blockquote><p>x</p></blockquote>", [{"type": "blockquote", "content": [para(txt("x"))]}]),
    ('<pre codeblock-language="ruby"><code>a\n  b</code></pre>',
     [{"type": "codeblock", "attrs": {"language": "ruby"}, "content": [txt("a\n  b")]}]),
    ('<pre><code class="language-js">x\n</code></pre>',
     [{"type": "codeblock", "attrs": {"language": "js"}, "content": [txt("x")]}]),
    ('<ol start="4"><li><p>x</p></li></ol>',
     [{"type": "ol", "attrs": {"order": 4}, "content": [{"type": "li", "content": [para(txt("x"))]}]}]),
    ('<ul type="checklist"><li type="checklist_item" checked="true"><p>x</p></li>'
     '<li type="checklist_item" checked="false"><p>y</p></li></ul>',
     [{"type": "checklist", "content": [
         {"type": "checklist_item", "attrs": {"checked": True}, "content": [para(txt("x"))]},
         {"type": "checklist_item", "content": [para(txt("y"))]}]}]),
    ('<ul class="contains-task-list"><li class="task-list-item">'
     '<input type="checkbox" checked disabled> x</li></ul>',
     [{"type": "checklist", "content": [{"type": "checklist_item", "attrs": {"checked": True},
                                         "content": [para(txt("x"))]}]}]),
    ('<table><tr><th colspan="2" rowspan="3" data-colwidth="10,20" style="text-align: center; '
     'background-color: #fef3c7"><p>x</p></th></tr></table>',
     [{"type": "table", "content": [{"type": "table_row", "content": [{"type": "table_header", "attrs": {
         "background": "#fef3c7", "colspan": 2, "colwidth": [10, 20], "rowspan": 3, "textAlign": "center"},
         "content": [para(txt("x"))]}]}]}]),
    ("<hr>", [{"type": "divider"}]),
    ('<banner type="critical"><p>x</p></banner>',
     [{"type": "banner", "attrs": {"type": "critical"}, "content": [para(txt("x"))]}]),
    ('<div data-columns data-column-count="2" style="grid-template-columns: 1fr 1fr;">'
     "<div data-column><p>a</p></div><div data-column><p>b</p></div></div>",
     [{"type": "columns", "attrs": {"count": 2, "widths": "1fr 1fr"}, "content": [
         {"type": "column", "content": [para(txt("a"))]}, {"type": "column", "content": [para(txt("b"))]}]}]),
]

INLINE_FORMS = [
    ('<img src="a.png" alt="A" title="T" width="100">',
     [{"type": "image", "attrs": {"alt": "A", "src": "a.png", "title": "T", "width": 100}}]),
    ('<span file-type="application/pdf" url="https://f/x.pdf" name="x.pdf">x.pdf</span>',
     [{"type": "file", "attrs": {"fileType": "application/pdf", "name": "x.pdf", "url": "https://f/x.pdf"}}]),
    ('<span mention-type="user" mention-id="12345" mention-label="John Doe" mention-avatar-url="https://a/b.png">'
     "John Doe</span>",
     [{"type": "mention", "attrs": {"avatarUrl": "https://a/b.png", "id": "12345", "label": "John Doe",
                                    "type": "person"}, "content": [txt("John Doe")]}]),
    ("@[user:12345:John Doe]",
     [{"type": "mention", "attrs": {"id": "12345", "label": "John Doe", "type": "person"},
       "content": [txt("John Doe")]}]),
    ('<span var="customer_name"></span>', [{"type": "var", "attrs": {"name": "customer_name"}}]),
    ('<span discussion-id="1" resolved-id="">x</span>',
     [txt("x", {"type": "discussion", "attrs": {"discussionId": "1"}})]),
    ('<span style="color: #ef4444; background-color: #fef3c7">x</span>',
     [txt("x", {"type": "styles", "attrs": {"backgroundColor": "#fef3c7", "color": "#ef4444"}})]),
    ("<u>x</u>", [txt("x", {"type": "underline"})]),
    ("<del>x</del>", [txt("x", {"type": "strike"})]),
    ("<strong>x</strong>", [txt("x", {"type": "strong"})]),
    ("<em>x</em>", [txt("x", {"type": "em"})]),
    ("<code>x</code>", [txt("x", {"type": "code"})]),
    ('<a href="https://e.com" title="t">x</a>',
     [txt("x", {"type": "link", "attrs": {"href": "https://e.com", "title": "t"}})]),
    ("a<br>b", [txt("a"), {"type": "br"}, txt("b")]),
]

GENERIC_FORMS = [
    ("<b>x</b><i>y</i>", [txt("x", {"type": "strong"}), txt("y", {"type": "em"})]),
    ("<s>x</s><strike>y</strike>", [txt("xy", {"type": "strike"})]),
    ("<ins>x</ins><kbd>y</kbd>", [txt("x", {"type": "underline"}), txt("y", {"type": "code"})]),
    ('<b style="font-weight:normal">x</b>', [txt("x")]),
    ('<span style="font-style: italic; text-decoration: underline line-through">x</span>',
     [txt("x", {"type": "em"}, {"type": "strike"}, {"type": "underline"})]),
    ("<b><b>x</b></b>", [txt("x", {"type": "strong"})]),
]


@pytest.mark.parametrize(("html", "expected"), BLOCK_FORMS, ids=[html[:30] for html, _ in BLOCK_FORMS])
def test_block_forms(html: str, expected: list[dict[str, Any]]) -> None:
    assert blocks(html) == expected


@pytest.mark.parametrize(("html", "expected"), INLINE_FORMS + GENERIC_FORMS,
                         ids=[html[:30] for html, _ in INLINE_FORMS + GENERIC_FORMS])
def test_inline_forms(html: str, expected: list[dict[str, Any]]) -> None:
    assert inline(html) == expected


ALL_FORMS = [html for html, _ in BLOCK_FORMS] + [f"<p>{html}</p>" for html, _ in INLINE_FORMS]


@pytest.mark.parametrize("html", ALL_FORMS)
def test_each_form_survives_html_json_html(html: str) -> None:
    doc = read(html, Report()).doc
    assert normalize(read(render_blocks(doc.content, Report()), Report()).doc) == normalize(doc)


def test_mapping_table_names_every_html_attribute_once_per_node() -> None:
    for kind, pairs in HTML_ATTRS.items():
        html_names = [html for html, _ in pairs]
        json_names = [json for _, json in pairs]
        assert len(set(html_names)) == len(html_names) and len(set(json_names)) == len(json_names), kind
    assert dict(HTML_ATTRS[inferred.FILE]) == inferred.FILE_ATTRS


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>  a \n\t b  </p>", [para(txt("a b"))]),
    ("<p>a <b> b</b></p>", [para(txt("a "), txt("b", {"type": "strong"}))]),
    ("<p>a <br> b</p>", [para(txt("a "), {"type": "br"}, txt("b"))]),
    ("<div>\n  <p>a</p>\n  \n  <p>b</p>\n</div>", [para(txt("a")), para(txt("b"))]),
    ("<p>a\u00a0\u00a0b</p>", [para(txt("a\u00a0\u00a0b"))]),
    ("<pre>\n  keep\n\n  this\n</pre>", [{"type": "codeblock", "content": [txt("  keep\n\n  this")]}]),
    ('<p style="white-space: pre-wrap"> a  b </p>', [para(txt(" a  b "))]),
    ("<ul>\n  <li>\n    a\n  </li>\n</ul>",
     [{"type": "ul", "content": [{"type": "li", "content": [para(txt("a"))]}]}]),
])
def test_whitespace_as_a_browser(html: str, expected: list[dict[str, Any]]) -> None:
    assert blocks(html) == expected


def test_writer_escapes_text_and_attributes() -> None:
    doc = read('<p><a href="https://x/?a=1&amp;b=&quot;2&quot;">&lt;b&gt; &amp; "q"</a></p>', Report()).doc
    expected = '<p><a href="https://x/?a=1&amp;b=&quot;2&quot;">&lt;b&gt; &amp; "q"</a></p>'
    assert write(doc, Report()) == expected


def test_generic_lowerings_are_reported() -> None:
    report = Report()
    read("<p>x<sup>2</sup></p><dl><dt>T</dt><dd>D</dd></dl><foo>bar</foo><foo>baz</foo>", report)
    assert [entry.what for entry in report.entries] == [
        "superscript", "definition list", "unknown element <foo>",
    ]
