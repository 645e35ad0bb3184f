"""``productive-docs import`` of Notion exports: two real exports by different authors (Obsidian Importer's
test data, MIT, see fixtures/notion/SOURCE.md), a folder form, and hostile zips."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from productive_docs.converter.errors import InputError
from productive_docs.sync.cli.main import main
from productive_docs.sync.importers.anchors import gfm_anchor
from productive_docs.sync.importers.detect import detect
from productive_docs.sync.importers.notion import import_notion
from productive_docs.sync.importers.sources import open_tree

from productive_docs import converter

NOTION = Path(__file__).resolve().parents[2] / "fixtures" / "notion"
MARKDOWN = NOTION / "markdown-csv-export.zip"
HTML = NOTION / "html-export-testspace.zip"
_HEX_ID = re.compile(r"[0-9a-f]{32}")

MakeZip = Callable[[dict[str, bytes]], bytes]


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def _page_words(md_file: Path) -> Counter[str]:
    """The words of an imported page: its title (front matter) and its body as rendered."""
    front, body = md_file.read_text(encoding="utf-8").split("\n---\n", 1)
    title = re.search(r"^title: (.*)$", front, re.M)
    rendered = BeautifulSoup(converter.convert(body, "md", "html"), "html.parser").get_text(" ")
    return _words(rendered) + _words(title.group(1) if title else "")


def _kept(source: Counter[str], result: Counter[str]) -> float:
    return sum(min(count, result[word]) for word, count in source.items()) / max(1, sum(source.values()))


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.md") if p.name != "IMPORT-REPORT.md")


def _local_links(page: Path) -> list[str]:
    return [href for href in re.findall(r"\]\(([^)\s]+)", page.read_text(encoding="utf-8"))
            if "://" not in href and not href.startswith("#")]


def test_markdown_and_csv_export_becomes_a_tree_without_ids(tmp_path: Path) -> None:
    assert detect(MARKDOWN) == "notion"
    out = tmp_path / "docs"
    result = import_notion(MARKDOWN, out)
    stats = result.stats
    assert not stats.failed_pages and stats.pages == 278 + 1, "278 Markdown pages and one database"
    pages = _pages(out)
    assert not [p for p in pages if _HEX_ID.search(str(p.relative_to(out)))], "no Notion id in a file name"
    tracker = (out / "habit-tracker" / "index.md").read_text(encoding="utf-8")
    assert "| Date | Ran today | Meditated | Practiced guitar |" in tracker
    rows = len(list((out / "habit-tracker").glob("*.md"))) - 1
    # 259 rows name their row page; 11 row pages Notion named by a relative date ("@Today") are listed
    assert rows == 270 and tracker.count("](") == rows, "every row page is linked from the database page"
    assert tracker.count("| [@") == 259 and "Row pages not matched to a row:" in tracker
    assert "- [@Today](today.md)\n- [@Today](today-2.md)" in tracker
    home = (out / "home" / "index.md").read_text(encoding="utf-8")
    assert "[My tasks](my-tasks.md)" in home
    # the export lacks two databases the home page links to: reported, nothing else broken
    assert sorted(p.page for p in stats.broken_links) == ["home/index.md", "home/index.md"]
    for page in pages:  # 0 links into the export left pointing at export files
        for href in _local_links(page):
            assert (page.parent / href.split("#")[0]).exists() or href.endswith(".csv"), (page, href)
    source_words: Counter[str] = Counter()
    export = open_tree(MARKDOWN)
    try:
        for name in export.names:
            if name.endswith(".md"):
                source_words += _words(BeautifulSoup(converter.convert(export.read_text(name), "md", "html"),
                                                     "html.parser").get_text(" "))
            elif name.endswith("_all.csv"):
                source_words += _words(export.read_bytes(name).decode("utf-8-sig"))
    finally:
        export.close()
    assert _kept(source_words, sum((_page_words(p) for p in pages), Counter())) >= 0.995
    # subpages in the order their parent lists them: the tracker's rows as the database lists them
    first_row = re.search(r"\| \[@[^]]+\]\(([^)]+)\)", tracker)
    assert first_row is not None
    assert "\norder: 1\n" in (out / "habit-tracker" / first_row.group(1)).read_text(encoding="utf-8")
    journal = out / "journal.md"
    assert journal.read_text(encoding="utf-8").startswith("---\ntitle: Journal\nnotion_id: 152bb52ee2b580ba")


def test_html_export_keeps_words_blocks_and_attachments(tmp_path: Path) -> None:
    assert detect(HTML) == "notion"
    out = tmp_path / "docs"
    assert main(["import", str(HTML), "-o", str(out), "-q"]) == 0
    pages = _pages(out)
    assert sorted(str(p.relative_to(out)) for p in pages) == [
        "attachment-tests.md", "block-reference.md", "formatting-tests.md", "index.md"]
    export = open_tree(HTML)
    try:
        sources = {name: export.read_text(name) for name in export.names if name.endswith(".html")
                   and name != "index.html"}
    finally:
        export.close()
    # images: every one the pages show is in the output, the callout icons left out and reported
    report = (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    reported = int(re.search(r"\| Notion callout icon \| (\d+) \|", report).group(1))
    soups = [BeautifulSoup(html, "html.parser") for html in sources.values()]
    shown = sum(len(soup.select("article img")) for soup in soups)
    icons = sum(len(soup.select("figure.callout img.icon")) for soup in soups)
    assert reported == icons == 10, "ten icons are images (left out), one an emoji (kept as text)"
    assert sum(p.read_text(encoding="utf-8").count("![") for p in pages) == shown - icons
    source_words: Counter[str] = Counter()
    for html in sources.values():
        article = BeautifulSoup(html, "html.parser").find("article")
        for math in article.select(".katex"):  # equations are kept as their LaTeX (a report entry)
            tex = math.find("annotation")
            math.replace_with(tex.get_text() if tex is not None else "")
        source_words += _words(article.get_text(" "))
    result_words = sum((_page_words(p) for p in pages), Counter())
    assert _kept(source_words, result_words) >= 0.995
    blocks = (out / "block-reference.md").read_text(encoding="utf-8")
    assert "- [ ] This is a todo-list item." in blocks
    assert re.search(r"> \[!NOTE\]\n> \S+ This is a callout block with an emoji icon", blocks)
    assert "```latex\n\\begin{array}{c}" in blocks
    assert "# A Toggle Heading 1\n" in blocks and "### A Toggle Heading 3\n" in blocks
    anchors = {gfm_anchor(line.lstrip("#")) for line in blocks.splitlines() if line.startswith("#")}
    in_page = re.findall(r"\]\(#([^)]+)\)", blocks)
    assert len(in_page) == 9 and set(in_page) <= anchors, "the table of contents links to the headings"
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "[Block Reference](block-reference.md)" in index and ".html" not in index
    attachments = (out / "attachment-tests.md").read_text(encoding="utf-8")
    copied = sorted(p.name for p in (out / "assets").iterdir())
    assert copied and all(f"assets/{name}" in attachments for name in copied)
    report = (out / "IMPORT-REPORT.md").read_text(encoding="utf-8")
    assert "# Notion import report" in report and "| Notion callout |" in report
    assert "| Notion equation |" in report and "| broken links (pages not in the export) | 0 |" in report


def test_unpacked_folder_imports_like_the_zip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    with zipfile.ZipFile(HTML) as outer:
        inner = outer.read(outer.namelist()[0])
    zipfile.ZipFile(io.BytesIO(inner)).extractall(folder)
    assert detect(folder) == "notion"
    from_folder = import_notion(folder, tmp_path / "a")
    from_zip = import_notion(HTML, tmp_path / "b")
    assert sorted(from_folder.paths.values()) == sorted(from_zip.paths.values())
    for path in from_zip.paths.values():
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()



@pytest.mark.parametrize("nested", [False, True])
def test_zip_slip_is_refused_before_anything_is_written(tmp_path: Path, nested: bool,
                                                        make_zip: MakeZip) -> None:
    hostile = make_zip({"Page 0123456789abcdef0123456789abcdef.md": b"# Page\n",
                    "../../escaped 0123456789abcdef0123456789abcdee.md": b"# Out\n"})
    if nested:
        hostile = make_zip({"Export-01234567-89ab-cdef-0123-456789abcdef-Part-1.zip": hostile})
    source = tmp_path / "export.zip"
    source.write_bytes(hostile)
    with pytest.raises(InputError, match="climbs out"):
        import_notion(source, tmp_path / "out" / "docs")
    assert not (tmp_path / "out").exists() and not list(tmp_path.rglob("escaped*"))


def test_callout_colour_sets_the_banner_type() -> None:
    from productive_docs.converter.readers.html import parse
    from productive_docs.converter.report import Report
    from productive_docs.sync.importers.notion import prepare_html

    soup = parse('<figure class="block-color-red_background callout"><div class="icon">⚠️</div>'
                 '<div><p>Do not delete</p></div></figure>'
                 '<figure class="block-color-gray_background callout"><div><p>Note</p></div></figure>')
    report = Report()
    prepare_html(soup, report)
    assert [b["type"] for b in soup.find_all("banner")] == ["critical", "info"]
    assert "⚠️ Do not delete" in soup.get_text(), "an emoji icon is text, kept"
    assert report.counts()["Notion callout"] == 2 and not report.counts()["Notion callout icon"]


def test_a_symbolic_link_in_an_unpacked_export_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Home 0123456789abcdef0123456789abcdef.md").write_text("# Home\n\n![x](secret.png)\n")
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (folder / "secret.png").symlink_to(outside)
    (folder / "Leak 0123456789abcdef0123456789abcdee.md").symlink_to(outside)
    result = import_notion(folder, tmp_path / "docs")
    assert sorted(result.paths.values()) == ["index.md"]
    assert [p.ref for p in result.stats.missing_files] == ["secret.png"]
    assert not list((tmp_path / "docs").rglob("*.png"))
