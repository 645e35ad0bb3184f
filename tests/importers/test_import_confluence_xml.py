"""``productive-docs import`` of Confluence XML exports: three real exports of Confluence 3.4.7, 4.3.2 and
8.5.6 (the XWiki Confluence importer's test data, LGPL 2.1, see fixtures/confluence-xml/SOURCE.md), and
hostile input."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from productive_docs.converter.errors import InputError
from productive_docs.sync.cli.main import main
from productive_docs.sync.importers.confluence_xml import import_confluence_xml
from productive_docs.sync.importers.detect import detect

XML = Path(__file__).resolve().parents[2] / "fixtures" / "confluence-xml"
SITE = XML / "confluence-4.3.2.zip"

MakeZip = Callable[[dict[str, bytes]], bytes]


def test_site_export_takes_the_current_version_of_each_page_and_its_attachments(tmp_path: Path) -> None:
    assert detect(SITE) == "confluence-xml"
    out = tmp_path / "docs"
    result = import_confluence_xml(SITE, out)
    assert not result.stats.failed_pages
    # seven stored versions of "Page 1" are one page; one folder per space, its home page the index
    assert sorted(result.paths.values()) == ["priv/index.md", "priv/private-page-1.md", "space1/index.md",
                                             "space1/page-1.md", "space2/index.md", "space2/page-2.md"]
    page = (out / "space1" / "page-1.md").read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: Page 1\nconfluence_page_id: '753668'\n")
    assert "[space1 Home](index.md)" in page and "[space2 page2](../space2/page-2.md)" in page
    assert "[here](../space1/page-1.md)" in (out / "space2" / "page-2.md").read_text(encoding="utf-8")
    assert "```java\nContent of bloc code\n```" in page, "a CDATA section inside the body's CDATA is repaired"
    # attachments: every one the bodies use copied once, under its own name; nothing missing
    assert page.count("(assets/9391963529_96f9f9b16c_o.jpg)") == 2
    assert "[Config.xml](assets/Config.xml)" in page
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("assets/*"))
    assert copied == ["space1/assets/9391963529_96f9f9b16c_o.jpg", "space1/assets/Config.xml",
                      "space2/assets/image001.png"]
    assert result.stats.assets.copied == 3
    assert not result.stats.missing_files and not result.stats.broken_links
    report = (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "# Confluence XML import report" in report and "| Confluence Comment (left out) | 7 |" in report


def test_wiki_markup_of_confluence_3_is_kept_as_a_code_block_and_reported(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert main(["import", str(XML / "confluence-3.4.7.zip"), "-o", str(out), "-q"]) == 0
    page = (out / "test-demo-in-confluence-3-4-7.md").read_text(encoding="utf-8")
    assert "```confluence\nh4. Project: Test demo\n" in page
    assert "| Confluence wiki markup body | 2 |" in (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")


def test_drafts_are_left_out_and_attachments_the_folder_lacks_reported(tmp_path: Path) -> None:
    folder = XML / "confluence-8.5.6"
    assert detect(folder) == "confluence-xml"
    result = import_confluence_xml(folder, tmp_path / "docs")
    pages = ["2024-04-22-meeting-notes.md", "index.md", "page-with-comment.md"]
    assert sorted(result.paths.values()) == pages
    assert result.stats.lowered["Confluence page draft (left out)"] == 3
    missing = {(p.page, p.ref) for p in result.stats.missing_files}
    assert ("2024-04-22-meeting-notes.md", "cake.jpg") in missing


def test_reimport_removes_a_page_gone_from_the_export(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(XML / "confluence-8.5.6", folder)
    out = tmp_path / "docs"
    import_confluence_xml(folder, out)
    entities = folder / "entities.xml"
    entities.write_text(entities.read_text(encoding="utf-8").replace(
        ">Page With Comment<", ">Renamed page<"), encoding="utf-8")
    result = import_confluence_xml(folder, out)
    assert not (out / "page-with-comment.md").exists() and (out / "renamed-page.md").is_file()
    assert result.stats.stale_removed == ["page-with-comment.md"]



def test_entity_declarations_and_zip_slip_are_refused(tmp_path: Path, make_zip: MakeZip) -> None:
    bomb = tmp_path / "bomb.zip"
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b"<hibernate-generic>&b;</hibernate-generic>")
    bomb.write_bytes(make_zip({"entities.xml": laughs}))
    with pytest.raises(InputError, match="DTD"):
        import_confluence_xml(bomb, tmp_path / "a")
    slip = tmp_path / "slip.zip"
    slip.write_bytes(make_zip({"entities.xml": b"<hibernate-generic/>", "attachments/../../evil": b"x"}))
    with pytest.raises(InputError, match="climbs out"):
        import_confluence_xml(slip, tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_oversized_entities_file_is_refused_unread(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("productive_docs.sync.limits.MAX_ZIP_ENTRY_BYTES", 1000)
    with pytest.raises(InputError, match="MAX_ZIP_ENTRY_BYTES"):
        import_confluence_xml(XML / "confluence-8.5.6", tmp_path / "docs")


def test_hostile_titles_and_file_names_stay_inside_the_output(tmp_path: Path, make_zip: MakeZip) -> None:
    entities = """<hibernate-generic>
<object class="Space" package="p"><id name="id">1</id><property name="key">K</property>
  <property name="homePage" class="Page" package="p"><id name="id">10</id></property></object>
<object class="Page" package="p"><id name="id">10</id><property name="title">../../../escape</property>
  <property name="space" class="Space" package="p"><id name="id">1</id></property>
  <collection name="bodyContents" class="java.util.Collection">
    <element class="BodyContent" package="p"><id name="id">20</id></element></collection>
  <property name="contentStatus">current</property></object>
<object class="BodyContent" package="p"><id name="id">20</id><property name="body"><![CDATA[<p>x<ac:image>
  <ri:attachment ri:filename="../../../evil.png"/></ac:image></p>]]></property>
  <property name="bodyType">2</property></object>
<object class="Attachment" package="p"><id name="id">30</id>
  <property name="title">../../../evil.png</property><property name="version">1</property>
  <property name="containerContent" class="Page" package="p"><id name="id">10</id></property></object>
</hibernate-generic>"""
    source = tmp_path / "space.zip"
    png = b"\x89PNG\r\n\x1a\n"
    source.write_bytes(make_zip({"entities.xml": entities.encode(), "attachments/10/30/1": png}))
    out = tmp_path / "a" / "b" / "docs"
    result = import_confluence_xml(source, out)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != source]
    assert written and all(out in p.parents for p in written), written
    assert result.stats.assets.copied == 1 and not (tmp_path / "evil.png").exists()


def test_the_confluence_alias_points_an_xml_export_to_import(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    assert main(["import-confluence", str(SITE), "-o", str(tmp_path / "docs")]) == 1
    assert "Confluence XML export (entities.xml): use `productive-docs import`" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()
