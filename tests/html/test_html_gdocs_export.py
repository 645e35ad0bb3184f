"""Google Docs "download as HTML" (issue 14): the class styles of its ``<style>`` block and its flat
``lst-kix`` lists read into the tree. The pages are real exports, made by others: the test fixtures of
Rob Brackett's google-docs-to-markdown (BSD-3-Clause, ``fixtures/html-third-party/google-docs-export``).
"""

from __future__ import annotations

from html_testing import ROOT
from productive_docs.converter import Report, read
from productive_docs.converter.model import Node
from productive_docs.converter.writers.markdown import write_gfm

EXPORTS = ROOT / "fixtures" / "html-third-party" / "google-docs-export"


def doc_of(name: str) -> Node:
    return read((EXPORTS / f"{name}.html").read_text(encoding="utf-8"), "html", report=Report()).doc


def marked(doc: Node) -> dict[str, set[str]]:
    """Text -> the marks on it (after the cleanup moved edge spaces out), for every text node."""
    out: dict[str, set[str]] = {}
    pending = [doc]
    while pending:
        node = pending.pop()
        pending.extend(node.content)
        if node.type == "text" and (node.text or "").strip():
            out.setdefault(node.text.strip(), set()).update(mark.type for mark in node.marks)
    return out


def shape(node: Node) -> list:
    """A list as nested ``[kind, [item texts or sub-shapes]]``."""
    items: list = []
    for item in node.content:
        for block in item.content:
            if block.type in ("ul", "ol"):
                items.append(shape(block))
            else:
                items.append("".join(child.text or "" for child in block.content).strip())
    return [node.type, items]


def test_bold_italic_underline_strike_and_links_from_class_styles() -> None:
    marks = marked(doc_of("inline-formatting"))
    assert marks["is bold"] == {"strong"}
    assert marks["and italic"] == {"strong", "em"}
    assert marks["or just italic"] == {"em"}
    assert marks["underlined"] == {"underline"}
    assert marks["struck through"] == {"strike"}
    assert marks["linked (to GitHub)"] == {"link"}  # the link colour and underline are the link's look


def test_links_through_googles_redirect_go_to_their_address() -> None:
    md = write_gfm(doc_of("inline-formatting"), Report())
    assert "[linked (to GitHub)](https://github.com/)" in md
    assert "google.com/url" not in md


def test_monospace_fonts_are_code_and_bold_headings_keep_their_bold() -> None:
    marks = marked(doc_of("code-inline"))
    assert "code" in marks["monospaced"]
    assert marks["multiple"] == {"em"}
    assert "strong" in marked(doc_of("headings-with-inline-formatting"))["All bold heading"]


def test_flat_lists_are_nested_by_level_with_bullets_and_numbers_from_the_marker_rules() -> None:
    lists = [block for block in doc_of("lists").content if block.type in ("ul", "ol")]
    bullets, numbers = lists[0], lists[1]
    deepest = ["ul", ["And", "Sub-subitems", ["ol", ["But numbered not bulleted!"]]]]
    assert shape(bullets) == [
        "ul", ["This is", "A bulleted", "List of stuff.", ["ul", ["With", "Subitems", deepest]],
               "This item has line breaks. Here is a second line."],
    ]
    assert shape(numbers)[0] == "ol"
    assert shape(numbers)[1][3] == [
        "ol", ["With", "Subitems", ["ol", ["And", "Sub-subitems", ["ul", ["But bulleted not numbered!"]]]]]
    ]
    assert len(shape(numbers)[1]) == 5
