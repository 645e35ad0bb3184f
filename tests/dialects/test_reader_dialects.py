"""The Markdown reader's dialects on real pages (fixtures/sites), and two plain-reader bugs of issue 15."""

from __future__ import annotations

from pathlib import Path

import pytest
from productive_docs.converter import InputError, Report, read
from productive_docs.converter.model import Node, check
from productive_docs.converter.readers.markdown_options import MarkdownOptions

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
MATERIAL = SITES / "mkdocs-material"


def _text(node: Node) -> str:
    """The text a reader sees outside code blocks."""
    if node.type == "codeblock":
        return ""
    return (node.text or "") + "".join(_text(child) for child in node.content)


def _material(name: str) -> tuple[Node, Report]:
    report = Report(name)
    options = MarkdownOptions("mkdocs", snippet_root=MATERIAL, snippet_bases=(MATERIAL,),
                              auto_append=("includes/mkdocs.md",), document=name)
    source = (MATERIAL / "docs" / name).read_text(encoding="utf-8")
    doc = read(source, "md", report=report, options=options).doc
    assert check(doc) == []
    return doc, report


def test_a_leading_rule_that_is_not_yaml_is_a_thematic_break() -> None:
    doc = read("---\n`npm` and: more\n---\n\nText\n", "md").doc
    assert doc.content[0].type == "divider"
    with pytest.raises(InputError, match="front matter is not valid YAML"):
        read("---\ntitle: [unclosed\n---\n", "md")


def test_an_admonition_with_an_empty_title_keeps_its_body() -> None:
    doc = read('!!! tip ""\n    Body text\n', "md").doc
    assert doc.content[0].type == "banner" and _text(doc) == "Body text"
    assert doc.content[0].content[0].content[0].marks == []


def test_plain_reader_leaves_mkdocs_syntax_alone() -> None:
    source = (MATERIAL / "docs" / "reference" / "formatting.md").read_text(encoding="utf-8")
    report = Report()
    read(source, "md", report=report)
    assert not [e for e in report.entries if "markup" in e.what or "keys" in e.what]


def test_formatting_page_marks_and_keys() -> None:
    doc, report = _material("reference/formatting.md")
    whats = {e.what.split(" ")[0] for e in report.entries}
    assert {"highlight", "underline", "keys", "subscript", "superscript"} <= whats
    assert "{++" not in _text(doc) and "++ctrl" not in _text(doc)


def test_tooltips_page_drops_abbreviation_definitions() -> None:
    doc, report = _material("reference/tooltips.md")
    assert "*[HTML]" not in _text(doc)
    assert any(e.what.startswith("abbreviation") for e in report.entries)


def test_a_missing_snippet_is_reported_with_its_line() -> None:
    report = Report("x.md")
    options = MarkdownOptions("mkdocs", snippet_root=MATERIAL, snippet_bases=(MATERIAL,))
    doc = read('Intro\n\n--8<-- "includes/nope.md"\n\n--8<-- "../../etc/passwd"\n', "md", report=report,
               options=options).doc
    assert _text(doc) == "Intro"
    assert [(e.what, e.line) for e in report.entries] == [
        ("snippet 'includes/nope.md' (file not found)", 3),
        ("snippet '../../etc/passwd' (outside the site's folder)", 5)]


def test_docusaurus_admonitions_tabs_and_mdx_lines() -> None:
    source = (SITES / "docusaurus" / "docs" / "tutorial-basics" / "markdown-features.mdx").read_text()
    report = Report("markdown-features.mdx")
    doc = read(source, "md", report=report, options=MarkdownOptions("docusaurus")).doc
    assert check(doc) == []
    banners = [n for n in doc.content if n.type == "banner"]
    assert len(banners) >= 2 and ":::" not in _text(doc)


def test_obsidian_embeds_and_highlights() -> None:
    options = MarkdownOptions("obsidian", document="Notes/a.md",
                              wikilinks={"catan": "References/Catan.md", "map.png": "Attachments/map.png"})
    report = Report("a.md")
    doc = read("See [[Catan|the game]] and ==this== ![[map.png|300]] #boardgames %%hidden%%\n", "md",
               report=report, options=options).doc
    nodes = doc.content[0].content
    link = next(n for n in nodes if n.marks and n.marks[0].type == "link")
    assert link.text == "the game" and link.marks[0].attrs["href"] == "../References/Catan.md"
    image = next(n for n in nodes if n.type == "image")
    assert image.attrs["src"] == "../Attachments/map.png" and image.attrs["width"] == 300
    assert "hidden" not in _text(doc) and "#boardgames" in _text(doc)


def test_obsidian_callouts_are_banners_and_quotes_stay_quotes() -> None:
    report = Report("a.md")
    doc = read("> [!tip] My title\n> Body\n\n> [!faq]- Folded\n\n> a quote\n", "md", report=report,
               options=MarkdownOptions("obsidian")).doc
    assert [n.type for n in doc.content] == ["banner", "banner", "blockquote"]
    assert _text(doc.content[0]) == "My titleBody" and doc.content[1].attrs["type"] == "warning"
    assert ("foldable callout", 4) in [(e.what, e.line) for e in report.entries]
