"""Links between files <-> page URLs, and safe file names for pull (no server needed)."""

from __future__ import annotations

from productive_docs.converter.model import Mark, Node, text
from productive_docs.sync.engine.links import DEFAULT_TEMPLATE, to_relative, to_urls
from productive_docs.sync.engine.pull import safe_name


def _doc(*hrefs: str) -> Node:
    linked = [text(href, [Mark("link", {"href": href})]) for href in hrefs]
    return Node("doc", content=[Node("paragraph", content=linked)])


def _hrefs(doc: Node) -> list[str]:
    return [t.marks[0].attrs["href"] for t in doc.content[0].content]


PAGES = {"": 1, "guide/": 1, "guide/setup.md": 1, "faq.md": 1}
IDS = {"": "10", "guide/": "11", "guide/setup.md": "12", "faq.md": "13"}
URL = "https://app.productive.io/7/docs/doc/10?page={}"


def test_relative_links_become_page_urls_with_their_fragment():
    doc = _doc("setup.md#install", "../faq.md", "./", "../index.md", "https://example.com/x", "#top")
    result = to_urls(doc, "guide/setup.md", PAGES, IDS, template=DEFAULT_TEMPLATE, org_id="7", root_id="10")
    assert _hrefs(result.doc) == [URL.format(12) + "#install", URL.format(13), URL.format(11), URL.format(10),
                                  "https://example.com/x", "#top"]
    assert not result.problems and not result.waiting


def test_links_outside_the_tree_are_reported_and_unknown_ids_wait():
    doc = _doc("../../outside.md", "faq.md")
    result = to_urls(doc, "guide/setup.md", PAGES, {"": "10"}, template=DEFAULT_TEMPLATE, org_id="7",
                     root_id="10")
    assert result.problems == [("../../outside.md", "points outside the synced tree", None),
                               ("faq.md", "names no synced page", None)]
    doc2 = to_urls(_doc("faq.md"), "index.md", PAGES, {"": "10"}, template=DEFAULT_TEMPLATE, org_id="7",
                   root_id="10")
    assert doc2.waiting == {"faq.md"} and _hrefs(doc2.doc) == ["faq.md"]


def test_a_docs_site_link_without_the_file_suffix_or_from_the_site_root_finds_its_page():
    """The npm docs link ``[npm outdated](npm-outdated)`` and ``[npm outdated](/commands/npm-outdated)``
    (``commands/npm-diff.md``): before, the first was reported as naming no page and the second left as a
    path that means nothing in Productive. A site-root path naming no page stays as it is, unreported."""
    pages = {"": 1, "commands/": 1, "commands/npm-outdated.md": 1, "commands/npm-diff.md": 1,
             "using-npm/": 1, "using-npm/scripts.mdx": 1, "faq.md": 1}
    ids = {key: str(20 + number) for number, key in enumerate(pages)}
    doc = _doc("npm-outdated", "npm-outdated#synopsis", "/commands/npm-outdated", "../using-npm/scripts",
               "/faq", "/", "/commands/", "/about-us", "npm-gone")
    result = to_urls(doc, "commands/npm-diff.md", pages, ids, template=DEFAULT_TEMPLATE, org_id="7",
                     root_id="20")
    page = "https://app.productive.io/7/docs/doc/20?page={}".format
    assert _hrefs(result.doc) == [page(22), page(22) + "#synopsis", page(22), page(25), page(26), page(20),
                                  page(21), "/about-us", "npm-gone"]
    assert result.problems == [("npm-gone", "names no synced page", None)]


def test_a_link_problem_names_the_line_of_its_block():
    item = Node("li", content=[Node("paragraph", content=[text("x", [Mark("link", {"href": "gone.md"})])])],
                line=7)
    doc = Node("doc", content=[Node("ul", content=[item], line=6)])
    result = to_urls(doc, "faq.md", PAGES, IDS, template=DEFAULT_TEMPLATE, org_id="7", root_id="10")
    assert result.problems == [("gone.md", "names no synced page", 7)]


def test_page_urls_turn_back_into_relative_paths():
    doc = _doc(URL.format(12) + "#install", URL.format(13), "https://example.com")
    files = {"12": "guide/setup.md", "13": "faq.md", "11": "guide/index.md"}
    back = to_relative(doc, "guide/other.md", files, DEFAULT_TEMPLATE)
    assert _hrefs(back) == ["setup.md#install", "../faq.md", "https://example.com"]


def test_safe_names_never_escape_and_never_collide():
    taken: set[str] = set()
    assert safe_name("../../etc/passwd", taken) == "etc-passwd"
    assert safe_name("a/b\\c:d", taken) == "a-b-c-d"
    assert safe_name("..", taken) == "untitled"
    assert safe_name("CON", taken) == "CON-page"
    assert safe_name("con.txt", taken) == "con-page.txt"  # Windows reserves "con.txt-page" too
    assert safe_name("Ünïcödé – 日本語", taken) == "Ünïcödé – 日本語"
    assert safe_name("Same", taken) == "Same"
    assert safe_name("same", taken) == "same 2"
    assert safe_name("index", taken) == "index-page"
    assert safe_name("x" * 300, taken) == "x" * 100
    assert safe_name(".hidden", taken) == "hidden"
