"""The fast tokenizer gives exactly the library's ``HTMLParser`` events (names, arguments, line numbers), on
every fixture, on the Confluence corpus, and on random tag soup made of the pieces where the two could part:
plain and odd tags, references with and without ``;`` (in text and in attribute values, where library
versions differ), comments, ``<style>``/``<script>``/``<title>`` content, stray ``<`` and ``&``."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from html_testing import ALL_HTML, CONFLUENCE, ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from productive_docs.converter.readers import html_tokenizer
from productive_docs.converter.readers.html_tokenizer import Tokenizer


def _recorder(base: type[HTMLParser]) -> type[HTMLParser]:
    class Recorder(base):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.events: list[tuple[Any, ...]] = []

        def _add(self, *event: Any) -> None:
            # text split into more than one call (at a chunk's end) is the same text: join it
            if event[0] == "data" and self.events and self.events[-1][0] == "data":
                self.events[-1] = ("data", self.events[-1][1] + event[1], self.events[-1][2])
                return
            self.events.append((*event, self.lineno))

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._add("start", tag, attrs)

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._add("startend", tag, attrs)

        def handle_endtag(self, tag: str) -> None:
            self._add("end", tag)

        def handle_data(self, data: str) -> None:
            self._add("data", data)

        def handle_charref(self, name: str) -> None:
            self._add("charref", name)

        def handle_entityref(self, name: str) -> None:
            self._add("entityref", name)

        def handle_comment(self, data: str) -> None:
            self._add("comment", data)

        def handle_decl(self, decl: str) -> None:
            self._add("decl", decl)

        def unknown_decl(self, data: str) -> None:
            self._add("unknown_decl", data)

        def handle_pi(self, data: str) -> None:
            self._add("pi", data)

    return Recorder


_LIBRARY = _recorder(HTMLParser)
_FAST = _recorder(Tokenizer)


def _events(kind: type[HTMLParser], html: str) -> tuple[list[tuple[Any, ...]], Any]:
    parser = kind()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError as exc:  # the library gives up on some declarations: both must
        return parser.events, str(exc)  # type: ignore[attr-defined]
    return parser.events, None  # type: ignore[attr-defined]


def _assert_same(html: str) -> None:
    assert _events(_FAST, html) == _events(_LIBRARY, html)


@pytest.mark.parametrize("path", ALL_HTML, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture_events_match_the_library(path: Path) -> None:
    _assert_same(path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.corpus
@pytest.mark.slow
def test_confluence_corpus_events_match_the_library() -> None:
    pages = sorted(CONFLUENCE.glob("*.html"))
    assert len(pages) > 400
    for path in pages:
        _assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("html", [
    '<a href="x&amp;y" title=\'q\' hidden>t</a>',
    '<a href="?a=1&copy=2&amp&notit;&#65;&lt" title="&copy;&zz;">t</a>',
    "<A HREF=\"X\">t</A><BR/><br />",
    "<p\nclass=\"a\nb\">x</p>\n<q>",
    "a &amp b &#39 c &#x27; &zz; & d &#; e &#xyz; f",
    "&#;x&#;y<b>",
    "<style>p > a {}</style ><p>x</p><script>if (a<b) {}</script>",
    "<title>a <b> &amp;</title>",
    "<style>never closed",
    "<!-- a -- > b --> c <!-- d -->",
    "<a b='x'c>d</a><e>",
    "x < y <",
    "<a href=x>bare</a>",
    "<p>\u00a0<a\u00a0b>c</a></p>",
    "</>",
    "</ p>",
    "<![CDATA[x]]><!DOCTYPE html><?pi x?>",
    "tail &",
    "tail &am",
])
def test_edge_cases_match_the_library(html: str) -> None:
    _assert_same(html)


_TAGS = ["p", "a", "b", "br", "style", "script", "title", "textarea", "div", "P", "x-y"]
_PIECES = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"<{t}/>"),
    st.tuples(st.sampled_from(_TAGS), st.sampled_from(["class", "id", "href", "Data-X"]),
              st.lists(st.sampled_from([" ", "a", "&", ";", "<", ">", '"', "'", "=", "\n", "&copy", "&amp;",
                                        "&#65", "&not", "it"]), max_size=6).map("".join),
              st.sampled_from(['="{}"', "='{}'", "={}", "", ' = "{}"'])).map(
        lambda t: f"<{t[0]} {t[1]}{t[3].format(t[2])}>"),
    st.sampled_from(["&amp;", "&amp", "&nbsp", "&#65;", "&#65", "&#x41;", "&#x110000;", "&zz;", "&#;",
                     "&#x;", "&", "&#", "<!--c-->", "<!--", "-->", "--!>", "<![CDATA[d]]>", "<!x>", "<?p>",
                     "</ b>", "</b >", "<", ">", "/>", "\n", "</>", "<a\nb='1'\n>"]),
    st.text(alphabet="ab \n\t\xa0é;&<>", max_size=5),
)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
@example("&#;a&#;b<p>")
@example("<style><b></style>x")
def test_random_tag_soup_matches_the_library(html: str) -> None:
    _assert_same(html)


def test_the_fast_loop_runs_here_and_stands_aside_without_the_internals_it_uses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On the Pythons this project supports the fast loop is the one compared above (else every
    comparison would hold trivially); on one whose ``HTMLParser`` lacks the internals it uses, the library
    reads alone."""
    assert html_tokenizer._FAST
    calls: list[int] = []
    real = html_tokenizer.Tokenizer._library_token
    monkeypatch.setattr(html_tokenizer.Tokenizer, "_library_token",
                        lambda self, i: calls.append(i) or real(self, i))
    html = "<!DOCTYPE html><p class='a'>x &amp; y</p><!-- c -->"
    _assert_same(html)
    assert calls  # the doctype and the comment went through the fast loop's hand-off
    calls.clear()
    monkeypatch.setattr(html_tokenizer, "_FAST", False)
    _assert_same(html)
    assert not calls
