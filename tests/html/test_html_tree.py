"""The reader's light tree (``html_tree``) is the tree beautifulsoup4 builds with ``html.parser``: the same
elements, attributes, string classes, text and source lines, on the fixtures, the Confluence corpus and
random tag soup; and its bs4-like API answers as bs4's does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from html_testing import ALL_HTML, CONFLUENCE, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.converter import Report, convert
from productive_docs.converter.errors import InputError
from productive_docs.converter.readers.html import parse, parse_tree, read
from productive_docs.converter.readers.html_tree import Comment, Element, Stylesheet, from_soup


def shape(root: Element) -> list[tuple[object, ...]]:
    """Every node in document order: elements with name, attributes and line; strings with class and text."""
    out: list[tuple[object, ...]] = []
    for node in [root, *root.descendants]:
        if type(node) is Element:
            out.append(("element", node.name, node.attrs, node.sourceline, len(node.contents)))
        else:
            out.append((type(node).__name__, str(node)))
    return out


def assert_same_tree(html: str) -> None:
    expected = from_soup(parse(html))
    expected.sourceline = None
    assert shape(parse_tree(html)) == shape(expected)


@pytest.mark.parametrize("path", ALL_HTML, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture_trees_match_bs4(path: Path) -> None:
    assert_same_tree(path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.corpus
@pytest.mark.slow
def test_confluence_corpus_trees_match_bs4() -> None:
    pages = sorted(CONFLUENCE.glob("*.html"))
    assert len(pages) > 400
    for path in pages:
        assert_same_tree(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("html", [
    "<p>a<p>b</p>c</p>d",                          # no implied closing: <p> nests
    "<div><span>a</div>b</span>c",                 # an end tag closes up to its element; a stray one: ignored
    "a<br>b</br>c<br/>d</br></br>e",               # void elements; one later </br> per <br> is swallowed
    "<p/>x<img/>y<img></img>z",                    # <x/> is empty
    "<script>a<b>c</b></script><style>p{}</style>",  # raw text in its own string class
    "<rt>ruby<span>x</span></rt><template><i>t</i></template>",
    '<a class=" x  y " rel="a b" id=" k ">x</a><td headers="h1 h2">c</td>',  # multi-valued attributes
    '<p a="1" a="2" b>dup</p>',                     # the last of duplicate attributes wins; no value is ""
    "&amp;&nbsp;&copy&#65;&#x42;&#150;&#0;&#xD800;&bogus;&#12a;",  # character references as bs4 resolves them
    "<!DOCTYPE html><!-- c --><![CDATA[x<y]]><?pi x?><!weird>",
    "<ac:structured-macro ac:name=code><ac:parameter ac:name=x>1</ac:parameter></ac:structured-macro>",
    "line 1\n<p>\n  <b>line 3</b>\n</p>\n\n<i>\r\nline 6</i>",
    "<table><tr><td>a<tr><td>b</table>",
    "",
])
def test_edge_cases_match_bs4(html: str) -> None:
    assert_same_tree(html)


_TAGS = ["p", "div", "span", "b", "br", "img", "a", "li", "ul", "table", "td", "tr", "pre", "script",
         "style", "rt", "template", "ac:link", "hr", "input", "x"]
_PIECES = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"<{t}/>"),
    st.tuples(st.sampled_from(_TAGS), st.sampled_from(["class", "id", "href", "rel", "onclick"]),
              st.text(alphabet=" ab&<\"'", max_size=6)).map(lambda t: f"<{t[0]} {t[1]}=\"{t[2]}\">"),
    st.sampled_from(["&amp;", "&nbsp", "&#65;", "&#x110000;", "&zz;", "<!--c-->", "<![CDATA[d]]>", "\n",
                     "<!doctype x>", "<", ">", "&", "</", "<?p?>"]),
    st.text(alphabet="ab \n\t\xa0é", max_size=5),
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_random_tag_soup_matches_bs4(html: str) -> None:
    assert_same_tree(html)


def test_api_answers_as_bs4() -> None:
    html = ('<html><head><title> A : B </title><style>.c{}</style></head><body>'
            '<div id="main-content" class="wiki-content x"><p class="a b">one <b>two</b><!--no--></p>'
            '<a href="https://example.com/u?x">l</a><ul><li>i<ul><li>j</li></ul></li></ul></div></body></html>')
    ours, theirs = parse_tree(html), parse(html)
    assert ours.title is not None and theirs.title is not None
    assert ours.title.get_text() == theirs.title.get_text()
    assert ours.find("style").get_text() == theirs.find("style").get_text() == ".c{}"
    for name, filters in [("p", {"class_": "a"}), ("p", {"class_": "a b"}), (None, {"id": "main-content"}),
                          ("div", {"class_": "wiki-content"}), ("a", {"href": re.compile("^https://")}),
                          ("a", {"href": True}), (["li", "ul"], {}), (("b", "i"), {})]:
        found = [e.name for e in ours.find_all(name, **filters)]
        assert found == [e.name for e in theirs.find_all(name, **filters)]
    main, main_soup = ours.find(id="main-content"), theirs.find(id="main-content")
    assert main.get_text(" ", strip=True) == main_soup.get_text(" ", strip=True)
    assert len(main.find_all("li", recursive=False)) == len(main_soup.find_all("li", recursive=False)) == 0
    inner = ours.find_all("li")[1]
    assert inner.find_parent(["ul", "li"]).name == theirs.find_all("li")[1].find_parent(["ul", "li"]).name
    bold = ours.find("b")
    assert bold.previous_sibling == "one " and bold.next_sibling == Comment("no")
    assert isinstance(ours.find("style").contents[0], Stylesheet)
    bold.decompose()
    assert ours.find("b") is None and bold.parent is None


def test_markup_the_parser_gives_up_on_is_an_input_error_with_its_line() -> None:
    """html.parser raises AssertionError on an unknown marked section; that was a traceback."""
    with pytest.raises(InputError, match=r"^page.html:2: HTML the parser cannot read"):
        read("<p>a</p>\n<![foo[x]]>", Report("page.html"))
    with pytest.raises(InputError, match=r"^notes.md:4: HTML the parser cannot read"):
        convert("# Notes\n\ntext\n<div><![foo[x]]></div>\n", "md", "html", report=Report("notes.md"))
