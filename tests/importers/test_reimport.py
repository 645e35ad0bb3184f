"""A re-import drops the pages the source no longer has, for every kind (as the Confluence re-import does)."""

from __future__ import annotations

import shutil
from pathlib import Path

from productive_docs.sync.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MD2CONF = FIXTURES / "confluence-storage" / "md2conf"


def test_reimport_of_storage_pages_removes_a_page_gone_from_the_source(tmp_path: Path) -> None:
    folder = tmp_path / "space"
    shutil.copytree(MD2CONF, folder)
    out = tmp_path / "docs"
    assert main(["import", str(folder), "-o", str(out), "-q"]) == 0
    assert (out / "tasklist.md").is_file()
    (folder / "tasklist.xml").unlink()
    assert main(["import", str(folder), "-o", str(out), "-q"]) == 0
    assert not (out / "tasklist.md").exists()
    report = (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "| files of an earlier import removed | 1 |" in report and "- `tasklist.md`" in report


def test_reimport_of_word_documents_removes_a_document_gone_from_the_source(tmp_path: Path) -> None:
    folder = tmp_path / "word"
    folder.mkdir()
    documents = sorted((FIXTURES / "docx").rglob("*.docx"))[:2]
    for document in documents:
        shutil.copy(document, folder / document.name)
    out = tmp_path / "docs"
    main(["import", str(folder), "-o", str(out), "-q"])
    pages = sorted(p.name for p in out.glob("*.md") if p.name != "IMPORT-REPORT.md")
    assert len(pages) == 2
    (folder / documents[0].name).unlink()
    main(["import", str(folder), "-o", str(out), "-q"])
    left = sorted(p.name for p in out.glob("*.md") if p.name != "IMPORT-REPORT.md")
    assert len(left) == 1 and left[0] in pages
