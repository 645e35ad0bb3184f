"""Confluence storage format (``--from confluence-storage``) on real pages: md2conf's test targets
(``fixtures/confluence-storage/md2conf``, MIT), written by md2conf's authors for Confluence to accept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from productive_docs.converter.model import Node
from productive_docs.sync.cli.main import main

from productive_docs import converter

MD2CONF = Path(__file__).resolve().parents[2] / "fixtures" / "confluence-storage" / "md2conf"
PAGES = sorted(MD2CONF.glob("*.xml"))
_WORD = re.compile(r"[^\W_]+")
#: Storage elements whose text Confluence does not show as such (macro settings, task bookkeeping).
_HIDDEN = ["ac:parameter", "ac:task-id", "ac:task-uuid", "ac:task-status"]


def _read(path: Path) -> tuple[Node, converter.Report]:
    report = converter.Report(path.name)
    return converter.read(path.read_text(encoding="utf-8"), "confluence-storage", report=report).doc, report


def _text(node: Node) -> str:
    return (node.text or "") + " " + " ".join(_text(child) for child in node.content)


def _nodes(node: Node, kind: str) -> list[Node]:
    found = [node] if node.type == kind else []
    for child in node.content:
        found += _nodes(child, kind)
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_visible_words_kept(path: Path) -> None:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for hidden in soup.find_all(_HIDDEN):
        hidden.decompose()
    expected = _WORD.findall(soup.get_text(" "))
    doc, _report = _read(path)
    found = set(_WORD.findall(_text(doc)))
    # Inline runs join words ("H<sub>2</sub>O" is "H2O"): such a word counts when the page has it in a row.
    letters = "".join(_WORD.findall(_text(doc)))
    kept = sum(word in found or word in letters for word in expected)
    assert kept >= 0.995 * len(expected), sorted(set(expected) - found)


def test_image_captions_are_kept_and_reported() -> None:
    doc, report = _read(next(p for p in PAGES if p.name == "images.xml"))
    captions = [p for p in _nodes(doc, "paragraph") if p.content and p.content[0].marks
                and p.content[0].marks[0].type == "em"]
    assert [_text(p).strip() for p in captions][:2] == ["JPEG image with caption", "PNG image with caption"]
    assert report.counts()["Confluence image caption"] == 6


def test_anchor_in_a_heading_becomes_its_id_not_an_empty_heading() -> None:
    doc, _report = _read(next(p for p in PAGES if p.name == "anchors.xml"))
    headings = _nodes(doc, "heading")
    assert all(_text(h).strip() for h in headings)
    assert [h.attrs.get("id") for h in headings][:3] == ["anchors", "subsection-1", "subsection-links"]
    links = [m.attrs["href"] for t in _nodes(doc, "text") for m in t.marks if m.type == "link"]
    assert "#subsection-1" in links and "docs_sample.pdf" in links


def test_generated_and_unknown_macros_are_reported() -> None:
    _doc, report = _read(next(p for p in PAGES if p.name == "toc.xml"))
    assert {"Confluence 'toc' macro (built from other pages)",
            "Confluence 'children' macro (built from other pages)"} <= set(report.counts())
    doc, report = _read(next(p for p in PAGES if p.name == "math.xml"))
    assert "Confluence macro 'easy-math-block'" in report.counts()
    assert "easy-math-block" in _text(doc)


def test_task_lists_panels_code_status() -> None:
    counts = {kind: sum(len(_nodes(_read(p)[0], kind)) for p in PAGES)
              for kind in ("checklist", "banner", "codeblock", "table")}
    assert counts["checklist"] >= 1 and counts["banner"] >= 40 and counts["codeblock"] >= 7
    doc, _report = _read(next(p for p in PAGES if p.name == "status.xml"))
    assert "purple" in _text(doc)


def test_convert_command_reads_storage_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = next(p for p in PAGES if p.name == "tasklist.xml")
    assert main(["convert", str(page), "--from", "confluence-storage", "--to", "md"]) == 0
    assert "- [x] **Finished** action" in capsys.readouterr().out
