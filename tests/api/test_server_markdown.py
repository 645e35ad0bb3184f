"""The server's mistune reader: what Productive stores for Markdown sent to the proxy endpoints (spec §2),
and its agreement with the converter's own reader on what ``productive-md`` writes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.converter.model import normalize, to_json
from productive_docs.sync.server.markdown import markdown_to_doc


def _stored(source: str) -> list[dict[str, Any]]:
    return to_json(markdown_to_doc(source))["content"]


def _text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def _para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain text", [_para(_text("plain text"))]),
        (
            "## Two\n\n##### Five",
            [
                {"type": "heading", "attrs": {"level": 2}, "content": [_text("Two")]},
                {"type": "heading", "attrs": {"level": 3}, "content": [_text("Five")]},
            ],
        ),
        ("> quoted", [{"type": "blockquote", "content": [_para(_text("quoted"))]}]),
        (
            "```ruby\nputs 1\n```",
            [{"type": "codeblock", "attrs": {"language": "ruby"}, "content": [_text("puts 1")]}],
        ),
        ("```\n```", [{"type": "codeblock", "attrs": {"language": None}}]),
        (
            "3. a\n4. b",
            [
                {
                    "type": "ol",
                    "attrs": {"order": 3},
                    "content": [
                        {"type": "li", "content": [_para(_text("a"))]},
                        {"type": "li", "content": [_para(_text("b"))]},
                    ],
                }
            ],
        ),
        (
            "- a\n  - b",
            [
                {
                    "type": "ul",
                    "content": [
                        {
                            "type": "li",
                            "content": [
                                _para(_text("a")),
                                {"type": "ul", "content": [{"type": "li", "content": [_para(_text("b"))]}]},
                            ],
                        }
                    ],
                }
            ],
        ),
        (
            "- [ ] todo\n- [x] done",
            [
                {
                    "type": "checklist",
                    "content": [
                        {
                            "type": "checklist_item",
                            "attrs": {"checked": False},
                            "content": [_para(_text("todo"))],
                        },
                        {
                            "type": "checklist_item",
                            "attrs": {"checked": True},
                            "content": [_para(_text("done"))],
                        },
                    ],
                }
            ],
        ),
        ("---", [{"type": "divider"}]),
        ("a  \nb\nc", [_para(_text("a"), {"type": "br"}, _text("b c"))]),
        (
            "**b** *i* ~~s~~ `c`",
            [
                _para(
                    _text("b", {"type": "strong"}),
                    _text(" "),
                    _text("i", {"type": "em"}),
                    _text(" "),
                    _text("s", {"type": "strike"}),
                    _text(" "),
                    _text("c", {"type": "code"}),
                )
            ],
        ),
        (
            '[x](https://e.com "T")',
            [_para(_text("x", {"type": "link", "attrs": {"href": "https://e.com", "title": "T"}}))],
        ),
        (
            "![alt](https://e.com/i.png)",
            [
                _para(
                    {
                        "type": "image",
                        "attrs": {"src": "https://e.com/i.png", "alt": "alt", "title": None, "width": None},
                    }
                )
            ],
        ),
        ("<div>raw</div>", [_para(_text("<div>raw</div>"))]),
    ],
)
def test_markdown_path_constructs(source: str, expected: list[dict[str, Any]]) -> None:
    assert _stored(source) == expected


def test_gfm_table_becomes_header_and_cells_without_alignment() -> None:
    (table,) = _stored("| a | b |\n|:--|--:|\n| 1 | |")
    header, row = table["content"]
    assert [cell["type"] for cell in header["content"]] == ["table_header"] * 2
    assert [cell["type"] for cell in row["content"]] == ["table_cell"] * 2
    assert row["content"][1]["content"] == [{"type": "paragraph"}]
    assert all("textAlign" not in cell["attrs"] for cell in header["content"])


def test_blank_markdown_is_the_empty_document() -> None:
    assert _stored("   \n") == [{"type": "paragraph"}]


SAMPLES = [
    "# Title\n\nSome **bold** and *em* text with `code` and a [link](https://example.com).\n",
    "## List\n\n- one\n- two\n  - nested\n\n3. three\n4. four\n",
    "> quote\n\n```python\nprint('hi')\n```\n\n---\n\nAfter the rule.\n",
    "- [ ] open task\n- [x] done task\n",
    "| Name | Value |\n| --- | --- |\n| a | 1 |\n| b | ~~2~~ |\n",
    'Line one  \nLine two\n\n![diagram](https://example.com/d.png "Diagram")\n',
    "#### Deep heading\n\nText.\n",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_productive_md_reads_the_same_on_both_sides(source: str) -> None:
    """``write(doc, "productive-md")`` read by the server gives the normal form our own reader gives."""
    converter = pytest.importorskip("converter")
    try:
        local = converter.read(source, "md").doc
        written = converter.write(local, "productive-md")
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"the converter's Markdown reader/writer is not available yet: {exc}")
    ours = converter.read(written, "md").doc
    from productive_docs.converter.lowering import lower_for_productive
    from productive_docs.converter.report import Report

    assert normalize(markdown_to_doc(written)) == normalize(lower_for_productive(ours, Report()))


def test_entities_are_decoded_in_text_but_not_in_code() -> None:
    assert _stored("&amp; &copy; \\&amp; `&amp;`") == [
        _para(_text("& © &amp; "), _text("&amp;", {"type": "code"}))
    ]


@pytest.mark.parametrize(
    "literal",
    ["a & b", "lit &amp; here", "x < y > z", "&copy;", "back\\slash", "*star*", "_u_", "`tick`", "<div>"],
)
def test_literal_text_survives_the_productive_md_writer(literal: str) -> None:
    converter = pytest.importorskip("converter")
    from productive_docs.converter.model import Node, text

    doc = Node("doc", content=[Node("paragraph", content=[text(literal)])])
    try:
        written = converter.write(doc, "productive-md")
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"the converter's Markdown writer is not available yet: {exc}")
    assert normalize(markdown_to_doc(written)) == normalize(doc)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #>-*_`[]()!|:~\\&;<>1.\n x")), max_size=120))
def test_any_markdown_gives_a_valid_tree(source: str) -> None:
    from productive_docs.converter.model import check

    doc = markdown_to_doc(source)
    assert check(doc) == []
    assert all(level <= 3 for level in _levels(to_json(doc)))


def _levels(node: dict[str, Any]) -> list[int]:
    own = [node["attrs"]["level"]] if node["type"] == "heading" else []
    return own + [level for child in node.get("content", []) for level in _levels(child)]
