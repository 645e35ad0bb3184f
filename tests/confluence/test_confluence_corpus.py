"""The real export (``shared/corpora/confluence-varlab``, 405 pages): one import shared by every test.

Checks the issue's promises: every page once, the folder tree equal to ``index.html``'s, every visible word
of each body in its Markdown, no link between exported pages left on ``.html``, every image either copied
or reported missing, and the zipped export giving the same output.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from productive_docs.converter.model import INLINE, Node
from productive_docs.sync.assets.references import IMAGE, LINK, is_local, references
from productive_docs.sync.confluence.export import open_export
from productive_docs.sync.confluence.importer import ImportResult, import_export
from productive_docs.sync.confluence.links import page_ref
from productive_docs.sync.confluence.pages import page_id_of
from productive_docs.sync.confluence.report import REPORT_NAME
from productive_docs.sync.confluence.tree import read_index
from shared_corpora import CORPORA

from productive_docs import converter

CORPUS = CORPORA / "confluence-varlab"
pytestmark = [pytest.mark.corpus, pytest.mark.slow]

_WORD = re.compile(r"[^\W_]+")
_BLOCKS = ("p", "div", "li", "td", "th", "tr", "table", "ul", "ol", "pre", "blockquote", "br", "hr", "dt",
           "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    return import_export(CORPUS, tmp_path_factory.mktemp("varlab") / "docs", progress=False)


@pytest.fixture(scope="module")
def outputs(imported: ImportResult) -> dict[str, str]:
    """Output path -> Markdown text of every page written."""
    return {path: (imported.out_dir / path).read_text(encoding="utf-8") for path in imported.paths.values()}


@pytest.fixture(scope="module")
def read_back(outputs: dict[str, str]) -> dict[str, converter.Document]:
    return {path: converter.read(text, "md") for path, text in outputs.items()}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFC", text)))


def _visible_text(html: bytes) -> str:
    """The text a reader sees in ``#main-content`` (no scripts or style sheets), blocks apart."""
    main = BeautifulSoup(html, "html.parser").find(id="main-content")
    if main is None:
        return ""
    for hidden in main.find_all(["script", "style"]):
        hidden.decompose()
    for block in main.find_all(_BLOCKS):
        block.insert_before(" ")
        block.insert(0, " ")
        block.insert_after(" ")
    return main.get_text()


def test_every_page_imported_exactly_once(imported: ImportResult) -> None:
    export_pages = open_export(CORPUS).pages()
    assert len(export_pages) == imported.stats.pages == 405
    ids = []
    for path in sorted(p for p in imported.out_dir.rglob("*.md") if p.name != REPORT_NAME):
        meta = yaml.safe_load(_FRONT_MATTER.match(path.read_text(encoding="utf-8")).group(1))
        ids.append(meta["confluence_page_id"])
        assert meta["title"] and meta["created_by"] and meta["last_modified"]
    assert sorted(ids) == sorted(page_id_of(file) for file in export_pages)
    assert not imported.stats.failed_pages


def test_folder_tree_equals_index_tree(imported: ImportResult) -> None:
    export = open_export(CORPUS)
    expected: dict[str, str | None] = {}

    def walk(node, parent: str | None) -> None:
        expected[page_id_of(export.find(node.file))] = parent
        for child in node.children:
            walk(child, page_id_of(export.find(node.file)))

    for root in read_index(export.read_text("index.html")):
        walk(root, None)
    by_path = {path: page_id_of(file) for file, path in imported.paths.items()}
    on_disk: dict[str, str | None] = {}
    for path, page_id in by_path.items():
        folder = posixpath.dirname(path)
        if posixpath.basename(path) == "index.md":
            folder = posixpath.dirname(folder) if folder else None
        on_disk[page_id] = None if folder is None else by_path[posixpath.join(folder, "index.md").lstrip("/")]
        assert (imported.out_dir / path).is_file()
    assert on_disk == expected


def _doc_text(node: Node) -> str:
    """The text of a read-back tree, blocks apart (so table cells do not run together)."""
    if node.type == "text":
        return node.text or ""
    inner = "".join(_doc_text(child) for child in node.content)
    return inner if node.type in INLINE else f" {inner} "


def test_every_visible_word_is_in_the_markdown(imported: ImportResult,
                                               read_back: dict[str, converter.Document]) -> None:
    export = open_export(CORPUS)
    lost = {}
    for file, path in imported.paths.items():
        text = _doc_text(read_back[path].doc)
        missing = _words(_visible_text(export.read_bytes(file))) - _words(text)
        # Inline runs glue words together ("TURD<a>https://..."): such a word counts when the page has its
        # letters in a row.
        letters = "".join(_WORD.findall(text))
        missing = {word for word in missing if word not in letters}
        if missing:
            lost[path] = sorted(missing)[:10]
    assert lost == {}


def test_no_link_between_exported_pages_left_on_html(imported: ImportResult,
                                                     read_back: dict[str, converter.Document]) -> None:
    export = open_export(CORPUS)
    left = []
    for path, document in read_back.items():
        for ref in references(document.doc):
            page = page_ref(ref.target) if ref.kind == LINK else None
            if page and imported.paths.get(export.find(page.file or "") or "") is not None:
                left.append((path, ref.target))
            if ref.kind == LINK and is_local(ref.target) and ref.target.split("#")[0].endswith(".md"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref.target.split("#")[0]))
                assert (imported.out_dir / target).is_file(), (path, ref.target)
    assert left == []
    assert imported.stats.links_rewritten > 100


def test_every_image_resolves_or_is_reported_missing(imported: ImportResult,
                                                     read_back: dict[str, converter.Document]) -> None:
    report = (imported.out_dir / REPORT_NAME).read_text(encoding="utf-8")
    missing_section = report.split("## Missing files", 1)[1]
    reported = set(re.findall(r"^\| (.+?) \| `(.+?)` \|", missing_section, re.M))
    checked = 0
    for path, document in read_back.items():
        for ref in references(document.doc):
            if ref.kind != IMAGE or not is_local(ref.target) or ref.target.startswith("/"):
                continue
            checked += 1
            copied = imported.out_dir / posixpath.dirname(path) / ref.target
            assert copied.is_file() or (path, ref.target) in reported, (path, ref.target)
    assert checked > 1000


def test_report_counts_add_up(imported: ImportResult) -> None:
    report = (imported.out_dir / REPORT_NAME).read_text(encoding="utf-8")
    assert "| pages | 405 |" in report
    assert f"| missing files | {len(imported.stats.missing_files)} |" in report
    assert f"## Broken links ({len(imported.stats.broken_links)})" in report
    copied = [p for p in imported.out_dir.rglob("*") if p.is_file() and p.parent.name == "assets"]
    assert len(copied) == imported.stats.assets.copied


def _files(folder: Path) -> dict[str, bytes]:
    """Every file an import wrote but its report (which states the time taken) and its manifest."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != REPORT_NAME and ".productive-docs" not in p.parts}


def test_zipped_export_gives_identical_output(imported: ImportResult, tmp_path: Path) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "varlab"), "zip", CORPUS.parent, CORPUS.name))
    zipped = import_export(archive, tmp_path / "docs", progress=False)
    assert _files(zipped.out_dir) == _files(imported.out_dir)


def _report_without_time(folder: Path) -> str:
    return re.sub(r"imported in [0-9.]+ s", "", (folder / REPORT_NAME).read_text(encoding="utf-8"))


def test_one_process_gives_the_output_of_the_pool(imported: ImportResult, tmp_path: Path) -> None:
    """The default import reads pages in a pool of processes (``sync.importers.pool``); one process must
    write the same bytes, report included."""
    single = import_export(CORPUS, tmp_path / "docs", progress=False, jobs=1)
    assert _files(single.out_dir) == _files(imported.out_dir)
    assert _report_without_time(single.out_dir) == _report_without_time(imported.out_dir)
    assert single.stats.lowered == imported.stats.lowered
