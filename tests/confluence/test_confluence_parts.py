"""The parts of the import that need no converter: page metadata, tree, output paths, page links, assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from productive_docs.converter.readers.html import parse_tree
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.confluence.assets import AssetStore, safe_name
from productive_docs.sync.confluence.export import open_export
from productive_docs.sync.confluence.links import PageLinks, page_ref, tiny_link_id
from productive_docs.sync.confluence.pages import Attachment, page_id_of, read_page
from productive_docs.sync.confluence.tree import TreeNode, assign_paths, build_tree, read_index, slug

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"


@pytest.fixture(scope="module")
def export():
    return open_export(FIXTURE)


@pytest.fixture(scope="module")
def pages(export):
    found = {}
    for file in export.pages():
        meta = found[file] = read_page(file, export.read_text(file))
        meta.breadcrumbs = [export.find(crumb) for crumb in meta.breadcrumbs]
    return found


def test_page_metadata_as_stated(pages) -> None:
    home = pages["Home_100.html"]
    assert (home.page_id, home.title, home.created_by, home.last_modified) == (
        "100", "Tiny Space Home", "Ada Lovelace", "Mar 05, 2024")
    faq = pages["300.html"]
    assert (faq.page_id, faq.title, faq.created_by, faq.last_modified) == (
        "300", "FAQ & Notes", "Linus Torvalds", "Dec 24, 2023")
    assert pages["Setup_201.html"].last_modified == "Feb 02, 2024"
    assert pages["Orphan_400.html"].breadcrumbs == ["Home_100.html", "Guide_200.html"]
    assert [(a.path, a.name) for a in home.attachments] == [
        ("attachments/100/1001.png", "logo.png"),
        ("attachments/100/1003.pdf", "Quarterly report.pdf"),
        ("attachments/100/1004.docx", "Minutes.docx"),
    ]
    assert page_id_of("Title_With_Underscores_123.html") == "123" and page_id_of("Title.html") is None


def test_tree_from_index_with_breadcrumb_fallback(export, pages) -> None:
    roots = read_index(export.read_text("index.html"))
    assert [r.file for r in roots] == ["Home_100.html"]
    assert [c.file for c in roots[0].children] == ["Guide_200.html", "300.html", "Ohm%27s-Law_500.html"]
    home, others = build_tree(roots, pages)
    assert others == []
    guide = home.children[0]
    assert [c.file for c in guide.children] == ["Setup_201.html", "Orphan_400.html"]
    assert guide.children[1].from_breadcrumbs and not guide.children[0].from_breadcrumbs
    assert sorted(node.file for node in home.walk()) == sorted(pages)
    assert assign_paths(home, others, pages) == {
        "Home_100.html": "index.md",
        "Guide_200.html": "user-guide/index.md",
        "Setup_201.html": "user-guide/setup.md",
        "Orphan_400.html": "user-guide/orphan-notes.md",
        "300.html": "faq-notes.md",
        "Ohm%27s-Law_500.html": "ohm-s-law.md",
    }


def test_paths_unique_and_safe_for_clashing_titles(pages) -> None:
    metas = {f"{n}.html": pages["300.html"] for n in range(7)}
    titles = ["Notes", "notes", "NOTES!", "Index", "../../etc", "日本語", "CON"]
    home = TreeNode("0.html", "Home", [TreeNode(f"{n}.html", title) for n, title in enumerate(titles[1:], 1)])
    paths = assign_paths(home, [], metas)
    assert sorted(paths.values()) == [
        "con-2.md", "etc.md", "index-2.md", "index.md", "notes-2.md", "notes.md", "page-300.md"]
    assert slug("Ünïcödé — Title") == "unicode-title"


@pytest.mark.parametrize(("href", "page_id", "file"), [
    ("Guide_200.html", "200", "Guide_200.html"),
    ("300.html#FAQ-Why", "300", "300.html"),
    ("Ohm%27s-Law_500.html", "500", "Ohm%27s-Law_500.html"),
    ("/wiki/spaces/TS/pages/201/Setup", "201", None),
    ("https://tiny.atlassian.net/wiki/spaces/TS/pages/201/Setup#Setup-Install", "201", None),
    ("/pages/viewpage.action?pageId=201", "201", None),
    ("https://tiny.atlassian.net/wiki/x/yQ", "201", None),
])
def test_page_ref_forms(href: str, page_id: str, file: str | None) -> None:
    ref = page_ref(href)
    assert ref is not None and (ref.page_id, ref.file) == (page_id, file)


@pytest.mark.parametrize("href", ["https://example.com/x.html", "attachments/1/2.png", "#top", "mailto:a@b.c",
                                  "https://tiny.atlassian.net/browse/TS-1", "/wiki/people/123"])
def test_not_page_refs(href: str) -> None:
    assert page_ref(href) is None


def test_tiny_link_ids() -> None:
    assert tiny_link_id("yQ") == "201"
    assert tiny_link_id("AQCbSQ") == "1234894849"


def test_links_rewritten_relative_and_unknown_kept(export) -> None:
    paths = {"Home_100.html": "index.md", "Setup_201.html": "guide/setup.md",
             "Ohm%27s-Law_500.html": "ohm.md"}
    links = PageLinks(paths, {"100": "Home_100.html", "201": "Setup_201.html", "500": "Ohm%27s-Law_500.html"},
                      export.find)
    assert links.rewrite("Home_100.html", "guide/setup.md") == (True, "../index.md")
    assert links.rewrite("Setup_201.html#Setup-Install", "index.md") == (True, "guide/setup.md#Setup-Install")
    assert links.rewrite("Ohm%2527s-Law_500.html", "guide/setup.md") == (True, "../ohm.md")
    assert links.rewrite("Renamed-Title_500.html", "index.md") == (True, "ohm.md")
    assert links.rewrite("/wiki/x/yQ", "ohm.md") == (True, "guide/setup.md")
    assert links.rewrite("Missing_888.html", "index.md") == (True, "Missing_888.html")
    assert links.rewrite("https://example.com/", "index.md") == (False, "https://example.com/")


def test_assets_named_safely_stored_once_per_folder(export, tmp_path: Path) -> None:
    store = AssetStore(export, tmp_path)
    first = store.place("attachments/200/2001.png", "screen.png", "guide/index.md")
    same_content = store.place("attachments/201/2011.png", "screen copy.png", "guide/setup.md")
    other_folder = store.place("attachments/201/2011.png", "screen copy.png", "index.md")
    clash = store.place("attachments/100/1001.png", "Screen.png", "guide/setup.md")
    assert (first, same_content, other_folder) == ("assets/screen.png",) * 2 + ("assets/screen-copy.png",)
    assert clash == "assets/Screen-2.png"
    assert not any(tmp_path.rglob("*.png")), "placing names a file; the page's job writes it"
    for target, data in store.take():
        write_atomic(target, data)
    assert store.take() == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "assets/screen-copy.png", "guide/assets/Screen-2.png", "guide/assets/screen.png"]
    assert (store.counts.copied, store.counts.deduplicated) == (3, 1)
    copied = (tmp_path / "guide/assets/screen.png").read_bytes()
    assert copied == export.read_bytes("attachments/200/2001.png")


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "etc-passwd"),
    (".hidden.png", "hidden.png"),
    ("a:b*c?.PNG", "a-b-c.PNG"),
    ("Résumé 2024.pdf", "Résumé-2024.pdf"),
    ("", "file"),
    ("con.txt", "con-file.txt"),
    ("con.tar.gz", "con-file.tar.gz"),
    ("x" * 300 + ".png", "x" * 80 + ".png"),
])
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_write_atomic_makes_missing_folders_and_replaces_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "page.md"
    write_atomic(target, "one\n")
    write_atomic(target, b"two\n")
    write_atomic(target.with_name("other.md"), "three\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["other.md", "page.md"]


def test_the_attachments_section_is_found_outside_the_body() -> None:
    """``find(id=...)`` (its one-string fast path) gives the first in document order, at any depth; with
    ``outside`` it does not look into that element. The attachments section is page chrome: an element of
    the body with the same id neither hides it nor stands in for it."""
    page = ('<div id="main-content"><p>x<span><b id="attachments">in the body</b></span></p></div>'
            '<div class="pageSection"><h2 id="attachments">Attachments:</h2>'
            '<a href="attachments/1/2.png">a.png</a></div>')
    tree = parse_tree(page)
    heading = tree.find(id="attachments")
    assert heading is not None and heading.get_text() == "in the body"
    outside = tree.find(id="attachments", outside=tree.find(id="main-content"))
    assert outside is not None and outside.get_text() == "Attachments:"
    assert tree.find(id="missing") is None
    assert read_page("p_1.html", page).attachments == [Attachment("attachments/1/2.png", "a.png")]
