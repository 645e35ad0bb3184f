"""``productive-docs import`` of Google Docs exports. The two documented layouts ("Web page (.html, zipped)":
``<Title>.html`` beside ``images/``; a Takeout of Drive) are built here around self-made pages in Google
Docs' markup, and around the real exports in ``fixtures/html-third-party/google-docs-export`` (made by the
google-docs-to-markdown project, BSD-3-Clause)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from productive_docs.converter.errors import InputError
from productive_docs.sync.cli.main import main
from productive_docs.sync.importers.detect import detect
from productive_docs.sync.importers.gdocs import import_gdocs

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

MakeZip = Callable[[dict[str, bytes]], bytes]


def _document(title: str, body: str) -> bytes:
    return (f'<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"><style '
            f'type="text/css">.c1{{font-weight:700}}.c2{{font-style:italic}}</style><title>{title}</title>'
            f'</head><body class="c3 doc-content">{body}</body></html>').encode()


PLAN = _document("Quarterly plan", (
    '<h1 class="c4" id="h.x1"><span class="c1">Goals</span></h1>'
    '<p class="c5"><span>Ship the importer</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup>'
    '<span>, see </span><span><a href="https://www.google.com/url?q=https://example.com/spec&amp;sa=D&amp;'
    'source=editors&amp;ust=1&amp;usg=AOv">the spec</a></span>.</p>'
    '<p class="c5"><span style="overflow: hidden; display: inline-block; width: 120.00px; height: 80.00px;">'
    '<img alt="" src="images/image1.png" style="width: 120.00px; height: 80.00px;" title=""></span></p>'
    '<div><p class="c6"><a href="#ftnt_ref1" id="ftnt1">[1]</a><span class="c2">&nbsp;By the end of May.'
    '</span></p></div>'))



def test_download_as_web_page_zip_becomes_a_page_with_its_image(tmp_path: Path, make_zip: MakeZip) -> None:
    source = tmp_path / "QuarterlyPlan.zip"
    source.write_bytes(make_zip({"QuarterlyPlan.html": PLAN, "images/image1.png": PNG}))
    assert detect(source) == "gdocs"
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out), "-q"]) == 0
    page = (out / "index.md").read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: Quarterly plan\n---\n")
    # the heading's class makes it bold, and Google Docs' headings are not bold by default: the bold is kept
    assert "# **Goals**" in page and "[the spec](https://example.com/spec)" in page
    assert "*By the end of May.*" in page, "the note's class makes it italic"
    assert "#ftnt" not in page and "Ship the importer\\[1\\]" in page and "By the end of May." in page
    assert "![](assets/image1.png)" in page and (out / "assets" / "image1.png").read_bytes() == PNG
    report = (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "# Google Docs import report" in report and "| Google redirect link | 1 |" in report
    assert "| Google Docs footnote marker | 2 |" in report


def test_takeout_keeps_drive_folders_and_leaves_out_the_archive_browser(tmp_path: Path,
                                                                        make_zip: MakeZip) -> None:
    source = tmp_path / "takeout-20240929T124909Z-001.zip"
    source.write_bytes(make_zip({
        "Takeout/archive_browser.html": _document("Archive overview", "<p>Your Google data</p>"),
        "Takeout/Drive/Quarterly plan.html": _document("Quarterly plan", "<h1><span>Goals</span></h1>"),
        "Takeout/Drive/Team/Onboarding.html": _document("Onboarding", "<p><span>Welcome</span></p>"),
    }))
    assert detect(source) == "gdocs"
    result = import_gdocs(source, tmp_path / "docs")
    assert sorted(result.paths.values()) == ["quarterly-plan.md", "team/index.md", "team/onboarding.md"]
    assert not result.stats.failed_pages and not result.stats.missing_files


def test_zip_slip_is_refused(tmp_path: Path, make_zip: MakeZip) -> None:
    source = tmp_path / "doc.zip"
    source.write_bytes(make_zip({"Doc.html": PLAN, "images/../../../evil.png": PNG}))
    with pytest.raises(InputError, match="climbs out"):
        import_gdocs(source, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "evil.png").exists()


def test_takeout_word_documents_in_a_folder_link_their_images(tmp_path: Path, make_zip: MakeZip) -> None:
    word = (Path(__file__).resolve().parents[2] / "fixtures" / "docx" / "python-docx" / "having-images.docx")
    source = tmp_path / "takeout.zip"
    source.write_bytes(make_zip({"Takeout/Drive/Team/Pictures.docx": word.read_bytes(),
                                 "Takeout/Drive/Plan.html": _document("Plan", "<p><span>Plan</span></p>")}))
    out = tmp_path / "docs"
    result = import_gdocs(source, out)
    page = (out / "team" / "pictures.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", page)
    assert images and all(src.startswith("../assets/") and (out / "team" / src).is_file() for src in images)
    assert not result.stats.missing_files
    assert result.stats.assets.copied == len(list((out / "assets").iterdir()))


REAL_EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "html-third-party" / "google-docs-export"


@pytest.mark.parametrize("export", sorted(REAL_EXPORTS.glob("*.html")), ids=lambda path: path.stem)
def test_real_exports_import_with_every_word(export: Path, tmp_path: Path, make_zip: MakeZip) -> None:
    source = tmp_path / f"{export.stem}.zip"
    source.write_bytes(make_zip({export.name: export.read_bytes()}))
    assert detect(source) == "gdocs"
    out = tmp_path / "docs"
    result = import_gdocs(source, out)
    assert not result.stats.failed_pages
    text = " ".join(path.read_text(encoding="utf-8") for path in out.rglob("*.md")
                    if path.name != "IMPORT-REPORT.md")
    soup = BeautifulSoup(export.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script", "title"]):
        tag.decompose()
    have = Counter(re.findall(r"\w+", text.lower()))
    missing = [word for word in re.findall(r"\w+", soup.get_text(" ").lower()) if not have[word]]
    assert missing == []
    assert "#h." not in text and "google.com/url" not in text


def test_links_to_headings_and_bookmarks_point_at_markdown_anchors(tmp_path: Path, make_zip: MakeZip) -> None:
    """Google Docs links to a heading by its id (``#h.…``) and to a bookmark (``#id.…``): Markdown keeps the
    headings' anchors only, a repeated heading's numbered as GitHub numbers them."""
    export = REAL_EXPORTS / "internal-links.html"
    source = tmp_path / "links.zip"
    source.write_bytes(make_zip({export.name: export.read_bytes()}))
    import_gdocs(source, tmp_path / "docs")
    page = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")
    assert re.findall(r"\]\((#[^)]*)\)", page) == [
        "#first-he-ading", "#second-heading", "#second-heading-1", "#first-he-ading", "#second-heading-1"]
    report = (tmp_path / "docs" / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "| Google Docs link to a block | 2 |" in report
