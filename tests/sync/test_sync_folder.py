"""Scanning a docs folder: titles, order, ignore rules, bad files (no server needed)."""

from __future__ import annotations

import pytest
from productive_docs.converter.errors import InputError
from productive_docs.sync.engine.folder import readable_name, scan


def test_titles_come_from_front_matter_then_first_h1_then_the_file_name(make_tree):
    root = make_tree({
        "a.md": "---\ntitle: From Front Matter\n---\n\n# Not the title\n",
        "b.md": "Intro\n\n# Heading Title\n\nBody\n",
        "getting-started_guide.md": "Just text\n",
    })
    pages = scan(root).pages
    assert pages["a.md"].title == "From Front Matter"
    assert [b.type for b in pages["a.md"].doc.content] == ["heading"]
    assert pages["b.md"].title == "Heading Title"
    assert [b.type for b in pages["b.md"].doc.content] == ["paragraph", "paragraph"]
    assert pages["getting-started_guide.md"].title == "Getting started guide"


def test_readable_name_drops_numeric_prefix():
    assert readable_name("02-install-the-tool") == "Install the tool"
    assert readable_name("10") == "10"


def test_order_is_front_matter_order_else_numeric_prefix_then_name(make_tree):
    root = make_tree({
        "b.md": "b\n",
        "a.md": "a\n",
        "02-second.md": "2\n",
        "10-tenth.md": "10\n",
        "last.md": "---\norder: 1\n---\nfirst\n",
        "sub/index.md": "---\nweight: 0\n---\nfolder\n",
        "sub/x.md": "x\n",
        "late.md": "---\norder: 5\n---\nafter the second\n",
    })
    expected = ["sub/", "last.md", "02-second.md", "late.md", "10-tenth.md", "a.md", "b.md"]
    assert scan(root).pages[""].children == expected


def test_pages_come_parents_first_in_order(make_tree):
    root = make_tree({"z.md": "z\n", "guide/b.md": "b\n", "guide/a.md": "a\n"})
    assert list(scan(root).pages) == ["", "guide/", "guide/a.md", "guide/b.md", "z.md"]


def test_folder_body_from_index_or_readme_else_a_list_of_children(make_tree):
    root = make_tree({
        "README.md": "# Project Docs\n\nWelcome\n",
        "with-index/index.md": "---\ntitle: Indexed\n---\nHello\n",
        "with-index/page.md": "p\n",
        "plain/one.md": "# One\n",
        "plain/two.md": "# Two\n",
    })
    pages = scan(root).pages
    assert pages[""].title == "Project Docs" and pages[""].source == "README.md"
    assert pages["with-index/"].title == "Indexed" and pages["with-index/"].children == ["with-index/page.md"]
    generated = pages["plain/"].doc.content[0]
    assert generated.type == "ul"
    links = [li.content[0].content[0] for li in generated.content]
    assert [(t.text, t.marks[0].attrs["href"]) for t in links] == [("One", "one.md"), ("Two", "two.md")]


def test_ignore_rules_hidden_files_and_productive_false(make_tree):
    root = make_tree({
        ".productiveignore": "drafts/\n*.secret.md\n",
        "keep.md": "k\n",
        "drafts/wip.md": "w\n",
        "notes.secret.md": "s\n",
        ".hidden.md": "h\n",
        ".git/config.md": "c\n",
        "private.md": "---\nproductive: false\n---\nno\n",
        "page.remote.md": "left by a conflict\n",
        "image.png": b"\x89PNG",
    })
    tree = scan(root)
    assert list(tree.pages) == ["", "keep.md"]
    assert tree.skipped == {"private.md": "productive: false"}


def test_broken_symbolic_links_are_skipped_with_a_reason(make_tree):
    root = make_tree({"keep.md": "k\n", "drafts/old.md": "o\n", ".productiveignore": "drafts/\n"})
    (root / "x.md").symlink_to("nowhere.md")
    (root / "guide").symlink_to("../missing-folder")
    (root / "drafts" / "gone.md").symlink_to("nowhere.md")
    (root / "logo.png").symlink_to("nowhere.png")
    (root / "alias.md").symlink_to("keep.md")
    tree = scan(root)
    assert list(tree.pages) == ["", "alias.md", "keep.md"]
    assert tree.skipped == {"x.md": "broken symbolic link (to nowhere.md)",
                            "guide": "broken symbolic link (to ../missing-folder)"}


@pytest.mark.parametrize(("ignore", "message"), [
    (b"drafts/\ncaf\xe9\n", ".productiveignore:2: invalid UTF-8"),
    (b"drafts/\n\n[z-a]\n", ".productiveignore:3: bad pattern '[z-a]' (bad character range z-a)"),
])
def test_a_bad_ignore_file_names_its_line(make_tree, ignore: bytes, message: str):
    root = make_tree({"index.md": "# Home\n", ".productiveignore": ignore})
    with pytest.raises(InputError) as caught:
        scan(root)
    assert str(caught.value) == f"{root}/{message}"


def test_bad_files_are_reported_with_path_and_line_and_the_rest_goes_on(make_tree):
    root = make_tree({
        "good.md": "fine\n",
        "latin1.md": b"line one\nline two \xe9t\xe9\n",
        "broken.md": "---\ntitle: [unclosed\n---\nbody\n",
        "bad-order.md": "---\norder: soon\n---\nbody\n",
    })
    tree = scan(root)
    errors = {page.key: page.error for page in tree.failed}
    assert errors["latin1.md"].startswith("latin1.md:2: invalid UTF-8")
    assert errors["broken.md"].startswith("broken.md:")
    assert errors["bad-order.md"].startswith("bad-order.md:1:")
    assert tree.pages["good.md"].error is None


@pytest.mark.parametrize("name", ["a.remote.md", "guide/a.remote.md", "x.remote.md/", "x.remote.md/b.md",
                                  ".remote.md", "remote.md", "a.remote.md.bak", "a.REMOTE.md", "a.md",
                                  "guide/remote/a.md", "a.remote.markdown", "deep/er/b.remote.md"])
def test_without_an_ignore_file_the_tool_files_match_as_pathspec_matches_them(name):
    """A folder without ``.productiveignore`` leaves out the tool's own files without pathspec
    (``folder.ToolFiles``), exactly as the gitignore patterns do."""
    import pathspec
    from productive_docs.sync.engine.folder import IGNORE_BACKEND, TOOL_PATTERNS, ToolFiles

    spec = pathspec.GitIgnoreSpec.from_lines(list(TOOL_PATTERNS), backend=IGNORE_BACKEND)
    assert ToolFiles.match_file(name) == spec.match_file(name)
