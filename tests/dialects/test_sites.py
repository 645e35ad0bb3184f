"""Site detection and navigation on small folders: nav sections, tolerant YAML tags, .pages, SUMMARY.md,
a sidebars.js that is not a literal, and plain folders left alone."""

from __future__ import annotations

from productive_docs.sync.engine.folder import scan
from productive_docs.sync.engine.sites import detect

MKDOCS = """site_name: X
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.tabbed
nav:
  - Home: index.md
  - Tutorial - User Guide:
      - tutorial/index.md
      - environment-variables.md
      - tutorial/install.md
  - Cli: cli.md
"""


def test_a_nav_section_that_is_a_folder_titles_it_and_holds_its_pages_from_elsewhere(make_tree) -> None:
    root = make_tree({"mkdocs.yml": MKDOCS, "docs/index.md": "# Home\n", "docs/cli.md": "# cli\n",
                          "docs/environment-variables.md": "# Env\n", "docs/tutorial/index.md": "# Tut\n",
                          "docs/tutorial/install.md": "# Install\n", "docs/zzz.md": "# Not in nav\n"})
    tree = scan(root / "docs")
    assert list(tree.pages) == ["", "tutorial/", "environment-variables.md", "tutorial/install.md", "cli.md",
                                "zzz.md"]
    assert tree.pages["tutorial/"].title == "Tutorial - User Guide"
    assert tree.pages["environment-variables.md"].parent == "tutorial/"
    assert tree.pages["cli.md"].title == "Cli"


def test_docs_dir_found_from_the_site_root(make_tree) -> None:
    root = make_tree({"mkdocs.yml": "docs_dir: src\nnav:\n  - b.md\n  - a.md\n", "src/a.md": "# A\n",
                          "src/b.md": "# B\n"})
    assert list(scan(root / "src").pages) == ["", "b.md", "a.md"]


def test_awesome_pages_files_title_and_order_a_folder(make_tree) -> None:
    root = make_tree({"mkdocs.yml": "site_name: X\n", "docs/guide/.pages": "title: The Guide\nnav:\n"
                          "  - second.md\n  - ...\n", "docs/guide/first.md": "# First\n",
                          "docs/guide/second.md": "# Second\n"})
    tree = scan(root / "docs")
    assert tree.pages["guide/"].title == "The Guide"
    assert tree.pages["guide/"].children == ["guide/second.md", "guide/first.md"]


def test_gitbook_summary_orders_and_is_not_a_page(make_tree) -> None:
    root = make_tree({"SUMMARY.md": "# Summary\n\n* [Intro](README.md)\n* [Zed](z.md)\n* [Alpha](a.md)\n",
                          "README.md": "# Readme\n", "a.md": "# A\n", "z.md": "# Z\n"})
    tree = scan(root)
    assert detect(root).kind == "gitbook"
    assert list(tree.pages) == ["", "z.md", "a.md"]
    assert tree.pages["z.md"].title == "Zed"


def test_sidebars_js_that_computes_is_reported(make_tree) -> None:
    root = make_tree({"sidebars.js": "module.exports = makeSidebars(require('./x'));\n",
                          "docs/a.md": "---\nsidebar_position: 2\nsidebar_label: Second\n---\nA\n",
                          "docs/b.md": "---\nsidebar_position: 1\n---\n# B\n"})
    tree = scan(root / "docs")
    assert list(tree.pages) == ["", "b.md", "a.md"] and tree.pages["a.md"].title == "Second"
    assert any("not a plain object literal" in e.what for e in tree.pages[""].report.entries)


def test_a_plain_folder_is_plain_and_site_plain_wins(make_tree) -> None:
    root = make_tree({"a.md": '=== "Tab"\n\n    text\n'})
    assert detect(root).kind == "plain"
    (root / "mkdocs.yml").write_text("site_name: X\n", encoding="utf-8")
    assert detect(root).kind == "mkdocs"
    assert detect(root, "plain").kind == "plain"
    tree = scan(root, site="plain")
    assert not [e for e in tree.pages["a.md"].report.entries if e.what == "content tab"]


def test_site_absolute_and_route_links_resolve_against_the_docs_root(make_tree) -> None:
    root = make_tree({"mkdocs.yml": "site_name: X\n", "docs/guide/setup.md": "# Setup\n",
                          "docs/a/b.md": "# B\n\nSee [setup](/guide/setup), [gone](/nowhere) and [x][].\n"})
    page = scan(root / "docs").pages["a/b.md"]
    hrefs = [m.attrs["href"] for n in page.doc.content[0].content for m in n.marks if m.type == "link"]
    assert hrefs == ["../guide/setup.md", "/nowhere"]
    whats = [(e.what, e.line) for e in page.report.entries]
    assert ("site link /nowhere (no such file in the docs)", 3) in whats
    assert ("undefined reference link [x][]", 3) in whats


def test_constructs_of_extensions_the_site_does_not_enable_stay_text_and_are_linted(make_tree) -> None:
    root = make_tree({"mkdocs.yml": "site_name: X\nmarkdown_extensions:\n  - admonition\n",
                      "docs/a.md": '# A\n\n=== "Tab"\n\n    Text ==not marked==\n\n!!! note\n    Body\n'})
    page = scan(root / "docs").pages["a.md"]
    whats = [(e.what, e.line) for e in page.report.entries]
    assert ("mkdocs construct '=== \"' not understood", 3) in whats
    assert not any(what == "content tab" or what.startswith("highlight") for what, _ in whats)
    assert any(node.type == "banner" for node in page.doc.content)


def test_a_title_dropped_from_the_nav_does_not_outlive_it_in_memory(make_tree) -> None:
    from productive_docs.sync.engine.folder import Remembered

    root = make_tree({"mkdocs.yml": "nav:\n  - Command line: cli.md\n", "docs/cli.md": "# cli\n"})
    first = scan(root / "docs").pages["cli.md"]
    assert first.title == "Command line"
    memory = {"cli.md": Remembered(first.fingerprint, first.title)}
    (root / "mkdocs.yml").write_text("nav:\n  - cli.md\n", encoding="utf-8")
    assert scan(root / "docs", memory).pages["cli.md"].title == "cli"
