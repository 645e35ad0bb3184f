"""``productive-docs import`` of a folder of Confluence storage-format pages (md2conf's test targets, MIT)."""

from __future__ import annotations

import shutil
from pathlib import Path

from productive_docs.sync.cli.main import main
from productive_docs.sync.importers.detect import detect
from productive_docs.sync.importers.storage import import_storage

MD2CONF = Path(__file__).resolve().parents[2] / "fixtures" / "confluence-storage" / "md2conf"


def test_folder_of_storage_pages_imports_with_its_attachments(tmp_path: Path) -> None:
    assert detect(MD2CONF) == "confluence-storage"
    result = import_storage(MD2CONF, tmp_path / "docs")
    assert not result.stats.failed_pages and result.stats.pages == len(list(MD2CONF.glob("*.xml")))
    images = (tmp_path / "docs" / "images.md").read_text(encoding="utf-8")
    assert images.count("assets/figure-raster.png") == 2, "one file, linked from both images using it"
    assert sorted(p.name for p in (tmp_path / "docs" / "assets").iterdir()) == ["docs-sample.pdf",
                                                                               "figure-raster.png"]
    assert result.stats.assets.copied == 2
    assert "[PDF document](assets/docs-sample.pdf)" in (tmp_path / "docs" / "anchors.md").read_text()
    missing = {(p.page, p.ref) for p in result.stats.missing_files}
    assert ("images.md", "figure_vector.svg") in missing and ("anchors.md", "docs_sample.xlsx") in missing
    assert not any(ref == "figure_raster.png" for _page, ref in missing)


def test_links_to_pages_by_title_become_relative_links(tmp_path: Path) -> None:
    folder = tmp_path / "space"
    shutil.copytree(MD2CONF, folder)
    (folder / "Start here.xml").write_text(
        '<p>See <ac:link><ri:page ri:content-title="tasklist"/><ac:plain-text-link-body><![CDATA[the tasks]]>'
        '</ac:plain-text-link-body></ac:link> and '
        '<ac:link><ri:page ri:content-title="Elsewhere"/></ac:link>.</p>',
        encoding="utf-8")
    assert main(["import", str(folder), "-o", str(tmp_path / "docs"), "-q"]) == 0
    page = (tmp_path / "docs" / "start-here.md").read_text(encoding="utf-8")
    assert "[the tasks](tasklist.md)" in page and "Elsewhere" in page
    assert "Confluence page link" in (tmp_path / "docs" / "IMPORT-REPORT.md").read_text(encoding="utf-8")
