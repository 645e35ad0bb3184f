"""The vendored real sites (fixtures/sites): detected, arranged as their navigation says, read in their
dialect with nothing left as literal syntax, and pushed to the local server over HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from productive_docs.converter.model import Node, check
from productive_docs.sync.engine.folder import scan
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.sites import detect

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
#: Syntax that must never reach a pushed body as text (issue 15).
FORBIDDEN = ("===", "///", "--8<--", "{:", "{ .", ":material-", "[[toc]]", ":::", "{%", "[[")


def _visible(node: Node) -> list[str]:
    """Text a reader sees outside code."""
    if node.type == "codeblock":
        return []
    if node.type == "text" and not any(mark.type == "code" for mark in node.marks):
        return [node.text or ""]
    return [text for child in node.content for text in _visible(child)]


def _images(node: Node) -> list[Node]:
    return ([node] if node.type == "image" else []) + [i for child in node.content for i in _images(child)]


def test_mkdocs_site_is_found_beside_docs_and_its_nav_orders_and_titles_the_pages() -> None:
    docs = SITES / "mkdocs-material" / "docs"
    site = detect(docs)
    assert site.kind == "mkdocs" and "pymdownx.tabbed" in (site.options.features or ())
    tree = scan(docs)
    assert list(tree.pages) == ["", "reference/", "reference/content-tabs.md", "reference/formatting.md",
                                "reference/grids.md", "reference/images.md", "reference/tooltips.md"]
    assert tree.pages["reference/"].title == "Reference"
    assert tree.pages["reference/formatting.md"].title == "Formatting"
    assert any("external link" in e.what for e in tree.pages[""].report.entries)


def test_mkdocs_pages_hold_no_literal_syntax_and_md_in_html_images_are_images() -> None:
    tree = scan(SITES / "mkdocs-material" / "docs")
    for page in tree.pages.values():
        page.load()
        assert page.error is None and page.doc is not None
        assert check(page.doc) == [], page.key
        text = "\n".join(_visible(page.doc))
        assert [f for f in FORBIDDEN if f in text] == [], page.key
        assert not [e for e in page.report.entries if "not understood" in e.what], page.key
    images = _images(tree.pages["reference/images.md"].doc)
    assert len(images) >= 5 and any(image.attrs.get("width") == 300 for image in images)
    tabs = tree.pages["reference/content-tabs.md"]
    assert sum(e.what == "content tab" for e in tabs.report.entries) >= 4


def test_docusaurus_folder_reads_mdx_pages_in_sidebar_order() -> None:
    docs = SITES / "docusaurus" / "docs"
    assert detect(docs).kind == "docusaurus"
    tree = scan(docs)
    keys = list(tree.pages)
    assert keys[:3] == ["", "intro.mdx", "tutorial-basics/"]
    assert tree.pages["tutorial-basics/"].title == "Tutorial - Basics"
    basics = "tutorial-basics/"
    assert keys.index(basics + "create-a-page.mdx") < keys.index(basics + "create-a-document.mdx")
    assert keys.index("tutorial-basics/") < keys.index("tutorial-extras/")
    features = tree.pages["tutorial-basics/markdown-features.mdx"]
    text = "\n".join(_visible(features.doc))
    assert ":::" not in text and "import " not in text
    assert any(node.type == "banner" for node in features.doc.content)


def test_obsidian_wikilinks_resolve_against_the_vault_and_the_rest_is_reported() -> None:
    vault = SITES / "obsidian-vault"
    assert detect(vault).kind == "obsidian"
    tree = scan(vault)
    note = tree.pages["Notes/Evergreen notes turn ideas into objects that you can manipulate.md"]
    hrefs = [m.attrs["href"] for n in _walk(note.doc) for m in n.marks if m.type == "link"]
    assert "../Categories/Evergreen.md" in hrefs
    unresolved = [e for e in note.report.entries if "no such note" in e.what]
    assert unresolved and all(e.line for e in unresolved)
    assert "[[" not in "\n".join(_visible(note.doc))


def test_gitbook_summary_titles_and_orders_and_hints_become_banners() -> None:
    docs = SITES / "gitbook"
    assert detect(docs).kind == "gitbook"
    tree = scan(docs)
    assert list(tree.pages) == ["", "installing-lanraragi/", "installing-lanraragi/methods.md",
                                "installing-lanraragi/windows.md", "installing-lanraragi/docker.md"]
    assert tree.pages["installing-lanraragi/"].title == "Installing LANraragi"
    assert tree.pages["installing-lanraragi/windows.md"].title == "LRR for Windows (Win10)"
    for page in tree.pages.values():
        page.load()
        assert "{%" not in "\n".join(_visible(page.doc)), page.key
    methods = tree.pages["installing-lanraragi/methods.md"].doc
    assert {n.attrs["type"] for n in methods.content if n.type == "banner"} == {"warning", "info"}


def _walk(node: Node) -> list[Node]:
    return [node] + [n for child in node.content for n in _walk(child)]


@pytest.mark.parametrize(("site", "folder"), [("mkdocs-material", "docs"), ("docusaurus", "docs"),
                                              ("obsidian-vault", "."), ("gitbook", ".")])
def test_each_site_is_pushed_in_its_order(tmp_path: Path, fast_client, site: str, folder: str) -> None:
    root = tmp_path / site
    shutil.copytree(SITES / site, root)
    docs = (root / folder).resolve()
    result = push_folder(docs, fast_client, project_id="1")
    assert result.exit_code in (0, 1), result.outcomes  # 1: missing images and links are reported
    assert not [o for o in result.outcomes if o.action == "failed"]
    pages = fast_client.list_pages(filters={"root_page_id": result.doc_id},
                                   fields=["title", "parent_page_id"])
    tree = scan(docs)
    expected = sorted(tuple(tree.pages[k].title for k in page.children) for page in tree.pages.values()
                      if page.children)
    siblings: dict[str, list] = {}
    for page in sorted(pages, key=lambda p: int(p.id)):  # the API appends: ids give each parent's order
        if page.id != result.doc_id:
            siblings.setdefault(str(page.parent_page_id or result.doc_id), []).append(page.title)
    assert sorted(tuple(titles) for titles in siblings.values()) == expected
    again = push_folder(docs, fast_client)
    assert {o.action for o in again.outcomes} == {"unchanged"}
