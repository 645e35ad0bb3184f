"""The import end to end on the hand-made export (six pages): files, front matter, links, assets, report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from productive_docs.sync.assets.references import IMAGE, LINK, references
from productive_docs.sync.cli.main import main
from productive_docs.sync.confluence import pages
from productive_docs.sync.confluence.importer import MANIFEST, import_export
from productive_docs.sync.confluence.report import REPORT_NAME

from productive_docs import converter

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (the sync state excepted) by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".productive-docs" not in p.parts}


def refs(folder: Path, page: str) -> dict[str, list[str]]:
    """Front matter and references of one output page, read back with the Markdown reader."""
    result = converter.read((folder / page).read_text(encoding="utf-8"), "md")
    found: dict[str, list[str]] = {IMAGE: [], LINK: []}
    for ref in references(result.doc):
        found.setdefault(ref.kind, []).append(ref.target)
    return {"meta": result.metadata, **found}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("tiny") / "docs"
    return import_export(FIXTURE, out, progress=False)


def test_files_written(imported) -> None:
    assert sorted(snapshot(imported.out_dir)) == [
        REPORT_NAME,
        "assets/Quarterly-report.pdf",
        "assets/logo.png",
        "faq-notes.md",
        "index.md",
        "ohm-s-law.md",
        "user-guide/assets/Kick-off-deck-preview.jpg",
        "user-guide/assets/screen.png",
        "user-guide/index.md",
        "user-guide/orphan-notes.md",
        "user-guide/setup.md",
    ]
    assert imported.exit_code == 0


def test_front_matter_as_the_export_states_it(imported) -> None:
    home = refs(imported.out_dir, "index.md")["meta"]
    assert home == {"title": "Tiny Space Home", "confluence_page_id": "100", "created_by": "Ada Lovelace",
                    "last_modified": "Mar 05, 2024"}
    faq = refs(imported.out_dir, "faq-notes.md")["meta"]
    assert faq["title"] == "FAQ & Notes" and faq["confluence_page_id"] == "300" and faq["order"] == 2
    assert refs(imported.out_dir, "user-guide/orphan-notes.md")["meta"]["order"] == 2


def test_links_between_pages_are_relative_markdown(imported) -> None:
    out = imported.out_dir
    home = refs(out, "index.md")[LINK]
    assert "user-guide/index.md" in home and "faq-notes.md" in home and "user-guide/setup.md" in home
    assert "https://example.com/docs" in home
    assert "Missing-Page_888.html" in home
    assert "https://tiny.atlassian.net/wiki/spaces/TS/pages/999/Gone+Page" in home
    assert "setup.md#Setup-Install" in refs(out, "user-guide/index.md")[LINK]
    assert "../index.md" in refs(out, "user-guide/setup.md")[LINK]
    assert refs(out, "faq-notes.md")[LINK] == ["ohm-s-law.md", "user-guide/setup.md"]
    assert sorted(p.ref for p in imported.stats.broken_links) == [
        "Missing-Page_888.html", "https://tiny.atlassian.net/wiki/spaces/TS/pages/999/Gone+Page"]


def test_assets_copied_next_to_pages_and_stored_once(imported) -> None:
    out = imported.out_dir
    assert refs(out, "index.md")[IMAGE] == ["assets/logo.png", "attachments/100/1002.png"]
    guide = refs(out, "user-guide/index.md")
    assert guide[IMAGE] == ["assets/screen.png", "assets/Kick-off-deck-preview.jpg"]
    assert refs(out, "user-guide/setup.md")[IMAGE] == ["assets/screen.png"]
    assert (out / "assets/logo.png").read_bytes() == (FIXTURE / "attachments/100/1001.png").read_bytes()
    assert imported.stats.assets.deduplicated == 1


def test_unreferenced_attachments_become_a_files_list(imported) -> None:
    page = refs(imported.out_dir, "index.md")
    assert "assets/Quarterly-report.pdf" in page[LINK]
    text = (imported.out_dir / "index.md").read_text(encoding="utf-8")
    assert "Files" in text and "Minutes.docx (not in the export)" in text
    assert sorted((p.ref, p.note) for p in imported.stats.missing_files) == [
        ("attachments/100/1002.png", "image not in the export"),
        ("attachments/100/1004.docx", "attachment Minutes.docx not in the export"),
        ("attachments/200/2002.pptx", "link not in the export"),
    ]
    assert "Files" not in (imported.out_dir / "user-guide" / "index.md").read_text(encoding="utf-8")


def test_report_counts(imported) -> None:
    report = (imported.out_dir / REPORT_NAME).read_text(encoding="utf-8")
    assert report.startswith("---\nproductive: false\n---\n")
    for line in ("| pages | 6 |", "| pages placed by breadcrumbs (not in index.html) | 1 |",
                 "| broken links (pages not in the export) | 2 |", "| missing files | 3 |",
                 "| identical files stored once | 1 |"):
        assert line in report
    assert "## Missing files (3)" in report and "Minutes.docx" in report
    assert "`Missing-Page_888.html`" in report


def test_zip_gives_the_same_output_and_reimport_is_stable(imported, tmp_path: Path) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "space"), "zip", FIXTURE.parent, FIXTURE.name))
    zipped = import_export(archive, tmp_path / "from-zip", progress=False)
    again = import_export(FIXTURE, imported.out_dir, progress=False)
    expected = {k: v for k, v in snapshot(imported.out_dir).items() if k != REPORT_NAME}
    assert {k: v for k, v in snapshot(zipped.out_dir).items() if k != REPORT_NAME} == expected
    assert again.stats.pages == zipped.stats.pages == 6


def test_reimport_removes_files_only_an_earlier_import_wrote(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    import_export(FIXTURE, out, progress=False)
    manifest = out / ".productive-docs" / MANIFEST
    record = json.loads(manifest.read_text(encoding="utf-8"))
    record["files"] += ["old-title.md", "gone/assets/old.png", "../outside.txt"]
    manifest.write_text(json.dumps(record), encoding="utf-8")
    for name in ("old-title.md", "gone/assets/old.png", "my-notes.md"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("x", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("keep", encoding="utf-8")
    result = import_export(FIXTURE, out, progress=False)
    assert result.stats.stale_removed == ["gone/assets/old.png", "old-title.md"]
    assert not (out / "old-title.md").exists() and not (out / "gone").exists()
    assert (out / "my-notes.md").exists() and (tmp_path / "outside.txt").exists()
    assert "## Files of an earlier import removed (2)" in (out / REPORT_NAME).read_text(encoding="utf-8")


def test_a_failing_page_is_reported_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = pages.read_parsed

    def read(soup, report, **options):
        if "Rayleigh" in soup.get_text():
            raise converter.InputError("unreadable table", report.source, 7)
        return real_read(soup, report, **options)

    monkeypatch.setattr(pages, "read_parsed", read)
    result = import_export(FIXTURE, tmp_path / "docs", progress=False)
    assert result.exit_code == 1 and result.stats.pages == 6
    assert [(p.page, p.ref) for p in result.stats.failed_pages] == [("faq-notes.md", "300.html")]
    assert "300.html:7: unreadable table" in result.stats.failed_pages[0].note
    assert "title: FAQ & Notes" in (tmp_path / "docs" / "faq-notes.md").read_text(encoding="utf-8")
    assert (tmp_path / "docs" / "user-guide" / "setup.md").is_file()


def test_progress_bar_does_not_change_the_output(imported, tmp_path: Path) -> None:
    shown = import_export(FIXTURE, tmp_path / "docs", progress=True)
    assert {k: v for k, v in snapshot(shown.out_dir).items() if k != REPORT_NAME} == {
        k: v for k, v in snapshot(imported.out_dir).items() if k != REPORT_NAME}


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-confluence", str(FIXTURE), "-o", str(tmp_path / "out")]) == 0
    assert "imported 6 pages" in capsys.readouterr().out
    assert (tmp_path / "out" / "index.md").is_file()
    assert main(["import-confluence", str(FIXTURE), "-o", str(FIXTURE / "inside")]) == 2
    assert not (FIXTURE / "inside").exists()


def test_each_page_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One HTML parse per page (its metadata and its body come from the same tree), and one of the index:
    every module the import parses with is watched, in one process so the counts are this process's."""
    from productive_docs.converter.readers import html
    from productive_docs.sync.confluence import tree

    parsed: list[str] = []

    def counting(real):
        def parse(markup, *args, **kwargs):
            parsed.append(markup if isinstance(markup, str) else "")
            return real(markup, *args, **kwargs)
        return parse

    for name in ("parse", "parse_tree"):  # a bs4 soup, or the reader's own light tree
        if hasattr(html, name):
            watched = counting(getattr(html, name))
            for module in (html, pages, tree):
                monkeypatch.setattr(module, name, watched, raising=False)
    result = import_export(FIXTURE, tmp_path / "docs", progress=False, jobs=1)
    page_files = sorted(p for p in FIXTURE.glob("*.html") if p.name != "index.html")
    assert result.stats.pages == len(page_files) > 1
    assert len(parsed) == len(page_files) + 1
    assert sorted(parsed) == sorted(p.read_text(encoding="utf-8") for p in FIXTURE.glob("*.html"))
