"""``productive-docs import`` of Word documents and the detection of the export kind.

Two sets by different authors: mammoth's test documents (BSD-2-Clause, ``fixtures/docx/mammoth``) and
python-docx's (MIT, ``fixtures/docx/python-docx``)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from productive_docs.converter.errors import UsageError
from productive_docs.sync.cli.main import main
from productive_docs.sync.confluence.report import REPORT_NAME
from productive_docs.sync.importers.detect import detect
from productive_docs.sync.importers.docx import import_docx

from productive_docs import converter

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MAMMOTH = FIXTURES / "docx" / "mammoth"
SETS = [MAMMOTH, FIXTURES / "docx" / "python-docx"]
TINY_CONFLUENCE = FIXTURES / "confluence" / "tiny-export"
_WORD = re.compile(r"[^\W_]+")
_TEXT_RUN = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _node_text(node: converter.Node) -> str:
    return (node.text or "") + " " + " ".join(_node_text(child) for child in node.content)


def _count(node: converter.Node, kind: str) -> int:
    return (node.type == kind) + sum(_count(child, kind) for child in node.content)


@pytest.fixture(scope="module", params=SETS, ids=lambda p: p.name)
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    return import_docx(request.param, tmp_path_factory.mktemp("docx") / "docs")


@pytest.fixture(scope="module")
def mammoth_set(tmp_path_factory: pytest.TempPathFactory):
    return import_docx(MAMMOTH, tmp_path_factory.mktemp("mammoth") / "docs")


def test_every_document_becomes_a_page(imported) -> None:
    assert not imported.stats.failed_pages
    source = Path(imported.stats.export)
    assert sorted(imported.paths.values()) == sorted(f"{p.stem}.md" for p in source.glob("*.docx"))


def test_visible_words_kept(imported) -> None:
    expected, kept = 0, 0
    for source, page in imported.paths.items():
        words = _WORD.findall(" ".join(_TEXT_RUN.findall(_document_xml(Path(source)))))
        doc = converter.read((imported.out_dir / page).read_text(encoding="utf-8"), "md").doc
        found = set(_WORD.findall(_node_text(doc)))
        expected += len(words)
        kept += sum(word in found for word in words)
    assert expected > 20 and kept >= 0.995 * expected


def test_tables_and_images_counted_or_reported(imported) -> None:
    tables = 0
    for source, page in imported.paths.items():
        xml = _document_xml(Path(source))
        doc = converter.read((imported.out_dir / page).read_text(encoding="utf-8"), "md").doc
        tables += xml.count("<w:tbl>") - _count(doc, "table")
        assert _count(doc, "image") == xml.count("<a:blip "), page
    assert tables == imported.stats.lowered["table in a table cell"]


def test_each_image_copied_once_and_linked(imported) -> None:
    copied = {p.name for p in (imported.out_dir / "assets").iterdir()}
    assert len(copied) == imported.stats.assets.copied >= 1
    linked = set()
    for page in imported.paths.values():
        text = (imported.out_dir / page).read_text(encoding="utf-8")
        assert ".docx" not in text
        linked |= set(re.findall(r"\]\(assets/([^)]+)\)", text))
    assert linked == copied


def test_lists_nest(mammoth_set) -> None:
    lists = converter.read((mammoth_set.out_dir / "simple-list.md").read_text(encoding="utf-8"), "md").doc
    assert _count(lists, "ul") == 1 and _count(lists, "li") == 2


def test_comments_are_reported(mammoth_set) -> None:
    report = (mammoth_set.out_dir / REPORT_NAME).read_text(encoding="utf-8")
    assert report.startswith("---\nproductive: false\n---\n# Word import report")
    assert "| Word comment (left out) | 2 |" in report


def test_kind_is_detected(tmp_path: Path) -> None:
    assert detect(MAMMOTH / "tables.docx") == "docx"
    assert detect(MAMMOTH) == "docx"
    assert detect(TINY_CONFLUENCE) == "confluence"
    archive = shutil.make_archive(str(tmp_path / "space"), "zip", TINY_CONFLUENCE.parent, "tiny-export")
    assert detect(Path(archive)) == "confluence"
    (tmp_path / "xml").mkdir()
    (tmp_path / "xml" / "entities.xml").write_text("<hibernate-generic/>")
    assert detect(tmp_path / "xml") == "confluence-xml"
    with pytest.raises(UsageError, match="cannot tell"):
        detect(FIXTURES / "confluence-storage")


def test_import_command_and_its_confluence_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(MAMMOTH / "tables.docx"), "-o", str(tmp_path / "word"), "-q"]) == 0
    assert (tmp_path / "word" / "tables.md").is_file()
    assert main(["import", str(TINY_CONFLUENCE), "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main(["import-confluence", str(TINY_CONFLUENCE), "-o", str(tmp_path / "b"), "-q"]) == 0
    pages = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.md"))
    assert pages == sorted(p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*.md"))
    assert main(["import", str(MAMMOTH / "tables.docx"), "-o", str(tmp_path / "word"), "-q"]) == 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("mine")
    assert main(["import", str(MAMMOTH), "-o", str(tmp_path / "mine")]) == 2
    assert "not empty" in capsys.readouterr().err


def test_footnotes_are_kept_in_the_trees_footnote_form_with_no_dangling_anchor(mammoth_set) -> None:
    page = (mammoth_set.out_dir / "footnotes.md").read_text(encoding="utf-8")
    assert "#footnote" not in page and "↑" not in page, "no link to an anchor no page keeps"
    assert "Ouch\\[1\\].\\[2\\]" in page
    assert "**Footnotes**\n\n1. A tachyon walks into a bar.\n2. Fin.\n" in page
    report = (mammoth_set.out_dir / REPORT_NAME).read_text(encoding="utf-8")
    assert "| Word footnote reference | 2 |" in report and "| Word footnotes | 1 |" in report
