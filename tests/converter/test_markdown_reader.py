"""The Markdown reader: GFM, the Productive extensions, lowerings with their report lines, errors."""

from __future__ import annotations

import pytest
from productive_docs.converter import InputError, Report, read
from productive_docs.converter.model import normalize, to_json


def _read(markdown: str) -> tuple[dict, Report]:
    report = Report("doc.md")
    return normalize(read(markdown, "md", report=report).doc), report


def _blocks(markdown: str) -> list[dict]:
    return _read(markdown)[0]["content"]


def _text(value: str, *marks: str) -> dict:
    node: dict = {"type": "text", "text": value}
    if marks:
        node["marks"] = [{"type": mark} for mark in sorted(marks)]
    return node


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("> [!NOTE]\n> x\n", "info"),
        ("> [!TIP]\n> x\n", "success"),
        ("> [!WARNING]\n> x\n", "warning"),
        ("> [!CAUTION]\n> x\n", "critical"),
        ("> [!IMPORTANT]\n> x\n", "info"),
        ("!!! danger\n    x\n", "critical"),
        ("??? hint\n    x\n", "success"),
        ("!!! seealso\n    x\n", "info"),
        (":::warning\nx\n:::\n", "warning"),
        (":::bug\nx\n:::\n", "critical"),
    ],
)
def test_banner_syntaxes_map_through_the_table(source: str, kind: str) -> None:
    attrs = {"attrs": {"type": kind}} if kind != "info" else {}  # info is the default, dropped by normalize
    assert _blocks(source) == [
        {"type": "banner", **attrs, "content": [{"type": "paragraph", "content": [_text("x")]}]}
    ]


def test_admonition_title_becomes_a_bold_paragraph_and_is_reported() -> None:
    doc, report = _read('!!! note "Read this"\n    body\n')
    assert doc["content"][0]["content"][0] == {"type": "paragraph", "content": [_text("Read this", "strong")]}
    assert [str(e) for e in report.entries] == ["doc.md:1: admonition title -> bold first paragraph"]


def test_front_matter_is_metadata_not_content() -> None:
    result = read("---\ntitle: Hello\ntags: [a, b]\n---\n# Body\n", "md")
    assert result.metadata == {"title": "Hello", "tags": ["a", "b"]}
    assert [block.type for block in result.doc.content] == ["heading"]


def test_bad_front_matter_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"^doc\.md:3: front matter is not valid YAML"):
        read("---\ntitle: ok\nbad: [unclosed\n---\n", "md", report=Report("doc.md"))


def test_front_matter_that_is_not_a_mapping_is_markdown() -> None:
    assert [b["type"] for b in _blocks("---\nFoo\n---\nBar\n")] == ["divider", "heading", "paragraph"]


def test_mention_shorthand() -> None:
    assert _blocks("Hi @[user:12:John Doe]!\n")[0]["content"][1] == {
        "type": "mention",
        "attrs": {"id": "12", "label": "John Doe", "type": "person"},
        "content": [_text("John Doe")],
    }


@pytest.mark.parametrize("source", ["@\\[user:1:x\\] <u>u</u>\n", "<u>u</u> and @\\[user:1:x\\] & <b>\n"])
def test_escaped_mention_shorthand_stays_text_in_a_paragraph_with_inline_html(source: str) -> None:
    content = _blocks(source)[0]["content"]
    assert all(node["type"] == "text" for node in content)
    assert "@[user:1:x]" in "".join(node["text"] for node in content)


def test_footnotes_are_lowered_and_reported_with_lines() -> None:
    doc, report = _read("Text[^a].\n\n[^a]: The note.\n")
    assert doc["content"][0]["content"] == [_text("Text[1].")]
    assert doc["content"][1] == {"type": "paragraph", "content": [_text("Footnotes", "strong")]}
    assert doc["content"][2]["type"] == "ol"
    assert {(e.what, e.line) for e in report.entries} == {
        ("footnote reference", 1),
        ("footnote definitions", 3),
    }


def test_math_and_definition_lists_are_lowered() -> None:
    doc, report = _read("Euler $e^{i\\pi}$.\n\n$$\nx=1\n$$\n\nTerm\n: Meaning\n")
    assert doc["content"][0]["content"][1] == _text("e^{i\\pi}", "code")
    assert doc["content"][1] == {
        "type": "codeblock",
        "attrs": {"language": "math"},
        "content": [_text("x=1")],
    }
    assert doc["content"][2] == {"type": "paragraph", "content": [_text("Term", "strong")]}
    assert doc["content"][3]["type"] == "blockquote"
    assert report.counts() == {"inline math": 1, "math block": 1, "definition list": 1}


def test_task_lists() -> None:
    assert _blocks("- [ ] a\n- [x] b\n")[0] == {
        "type": "checklist",
        "content": [
            {"type": "checklist_item", "content": [{"type": "paragraph", "content": [_text("a")]}]},
            {
                "type": "checklist_item",
                "attrs": {"checked": True},
                "content": [{"type": "paragraph", "content": [_text("b")]}],
            },
        ],
    }
    mixed, report = _read("- [x] a\n- b\n")
    assert mixed["content"][0]["type"] == "ul"
    assert mixed["content"][0]["content"][0]["content"][0]["content"] == [_text("[x] a")]
    assert report.counts() == {"list mixing task and plain items": 1}


def test_table_alignment_and_cell_paragraphs() -> None:
    table = _blocks("| a | b |\n|:-:|--:|\n| 1 |   |\n")[0]
    header, row = table["content"]
    assert header["content"][0] == {
        "type": "table_header",
        "attrs": {"textAlign": "center"},
        "content": [{"type": "paragraph", "content": [_text("a")]}],
    }
    assert row["content"][1] == {
        "type": "table_cell",
        "attrs": {"textAlign": "right"},
        "content": [{"type": "paragraph"}],
    }


def test_breaks_images_lists_and_code() -> None:
    blocks = _blocks('a\nb  \nc ![alt *x*](i.png "T")\n\n3. x\n\n```py\ncode\n```\n')
    assert blocks[0]["content"] == [
        _text("a b"),
        {"type": "br"},
        _text("c "),
        {"type": "image", "attrs": {"alt": "alt x", "src": "i.png", "title": "T"}},
    ]
    assert blocks[1]["attrs"] == {"order": 3}
    assert blocks[2] == {"type": "codeblock", "attrs": {"language": "py"}, "content": [_text("code")]}


@pytest.mark.parametrize(
    ("source", "links"),
    [
        ("wow, see https://example.org/w now\n", ["https://example.org/w"]),
        ("mail me@example.com or www.example.com\n", ["mailto:me@example.com", "http://www.example.com"]),
        ("no links in ~~this~~ whatever\n", []),
    ],
)
def test_gfm_autolinks_and_strikethrough(source: str, links: list[str]) -> None:
    content = _blocks(source)[0]["content"]
    marks = [mark for node in content for mark in node.get("marks", [])]
    assert [mark["attrs"]["href"] for mark in marks if mark["type"] == "link"] == links
    assert "".join(node["text"] for node in content) == source.strip().replace("~~", "")
    assert any(mark["type"] == "strike" for mark in marks) == ("~~" in source)


def test_nested_marks_of_one_kind_are_one_mark_reported() -> None:
    doc, report = _read("**a **b** c**\n")
    assert doc["content"][0]["content"] == [_text("a b c", "strong")]
    assert report.counts() == {"strong nested in strong": 1}


def test_raw_html_goes_to_the_html_reader() -> None:
    doc, report = _read('Some <u>under **bold**</u>.\n\n<p style="text-align: center">mid</p>\n')
    assert doc["content"][0]["content"][1] == _text("under ", "underline")
    assert doc["content"][0]["content"][2] == _text("bold", "strong", "underline")
    assert doc["content"][1] == {
        "type": "paragraph",
        "attrs": {"textAlign": "center"},
        "content": [_text("mid")],
    }
    assert {(e.what, e.line) for e in report.entries} == {("raw inline HTML", 1), ("raw HTML block", 3)}


def test_nodes_carry_source_lines() -> None:
    doc = read("# A\n\ntext\n\n- item\n", "md").doc
    assert [block.line for block in doc.content] == [1, 3, 5]
    assert to_json(doc)["content"][0] == {
        "type": "heading",
        "attrs": {"level": 1},
        "content": [{"type": "text", "text": "A"}],
    }


def test_banner_table_covers_every_type_and_the_writer_inverts_it() -> None:
    from productive_docs.converter import inferred
    from productive_docs.converter.readers.markdown_plugins import (
        ALERT_FOR_BANNER,
        BANNER_FOR_NAME,
        banner_type,
    )

    assert set(BANNER_FOR_NAME.values()) == set(inferred.BANNER_TYPES) == set(ALERT_FOR_BANNER)
    assert all(banner_type(alert) == kind for kind, alert in ALERT_FOR_BANNER.items())
