"""The Markdown writer's shortcuts (issue 17) give what the general way gives, on any text.

``escape_text`` returns text as it is when it holds nothing to escape (checked by three plain searches, not
the escapes themselves), and ``write_inline`` writes one unmarked text without building runs; both must
agree with the general way byte for byte, whatever the text: special characters, URL schemes in any case,
``www.``, line starts, edge whitespace.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink
from productive_docs.converter import Report
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.writers import markdown_inline
from productive_docs.converter.writers.markdown_inline import InlineContext, escape_text, write_inline

#: Pieces that each trigger (or nearly trigger) one escape, joined at random with plain text.
_PIECES = st.sampled_from([
    "a", "Z", "1", "1.", "9)", " ", "  ", "\t", "\n", "\r", "\xa0", "!", ".", ":", "@", "_", "~", "~~", "*",
    "`", "[", "]", "$", "\\", "<", "<a", "&", "&amp;", "&#", "|", "#", ">", "-", "+", "=", "http", "https",
    "HTTPS", "mailto", "xmpp", "www", "WwW", "httpſ", "é", "ſ", "K",
])
#: Only what the shortcut's searches look at beyond single characters: scheme names, colons, dots.
_WORDS = st.sampled_from([
    "a", "Z", " ", "http", "https", "HTTPS", "mailto", "MailTo", "xmpp", "XMPP", "www", "WwW.", "www.",
    "httpſ", ":", ".", "!",
])
_TEXT = st.one_of(
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=12).map("".join),
    st.lists(_WORDS, max_size=8).map("".join),
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(value=_TEXT, table=st.booleans(), in_html=st.booleans(), autolinks=st.booleans())
def test_escape_shortcut_agrees_with_the_escapes(
    value: str, table: bool, in_html: bool, autolinks: bool
) -> None:
    expected = markdown_inline._escape(value, table=table, in_html=in_html, autolinks=autolinks)
    assert escape_text(value, table=table, in_html=in_html, autolinks=autolinks) == expected


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(value=_TEXT, table=st.booleans(), allow_html=st.booleans())
def test_one_text_shortcut_agrees_with_the_runs(value: str, table: bool, allow_html: bool) -> None:
    nodes = [Node("text", text=value)]
    fast = InlineContext(Report(), allow_html=allow_html, table=table)
    general = InlineContext(Report(), allow_html=allow_html, table=table)
    assert write_inline(nodes, fast) == markdown_inline._write_runs(nodes, general)
    assert (fast.in_link, fast.used_html) == (general.in_link, general.used_html)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(url=st.one_of(_TEXT, st.sampled_from(["https://x.org/a b", "https://x.org/ü", "javascript:x", "//h"])))
def test_remembered_url_answers_are_the_computed_ones(url: str) -> None:
    """``_safe_url`` remembers its answer per address; the answer is the one computed afresh."""
    fresh = markdown_inline._reads_back_as(url, normalizeLink)
    assert markdown_inline._safe_url(url) == fresh
    assert markdown_inline._safe_url(url) == fresh  # the second time from the cache


def test_a_malformed_address_fails_as_it_did_without_the_cache() -> None:
    """A value no address can be (a list, from a malformed JSON tree) is not cached (it cannot be): the
    writer fails on it with the error it always gave, not with an unhashable-type error."""
    with pytest.raises(AttributeError):
        markdown_inline._safe_url(["https://x.org"])  # type: ignore[arg-type]


#: Marks a run may carry (two links to tell apart, so runs of equal marks and of different ones both occur).
_MARKS = [
    Mark("strong"), Mark("em"), Mark("code"), Mark("strike"),
    Mark("link", {"href": "https://x.org/a", "title": None}), Mark("link", {"href": "b", "title": None}),
]
_INLINE = st.lists(
    st.one_of(
        st.builds(lambda text, marks: Node("text", text=text, marks=marks), _TEXT,
                  st.lists(st.sampled_from(_MARKS), max_size=3, unique_by=id)),
        st.just(Node("br")),
        st.sampled_from([
            Node("image", {"src": "https://x.org/i.png", "alt": "*"}), Node("image", {"src": "a b"}),
        ]),
    ),
    max_size=6,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(nodes=_INLINE.filter(bool), data=st.data())
def test_one_mark_run_agrees_with_the_ranking(nodes: list[Node], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(nodes) - 1))
    pending = [mark for mark in nodes[start].marks if mark.type != "code"][:1]
    if pending:
        expected = markdown_inline._ranked_run(pending, nodes, start)
        assert markdown_inline._longest_run(pending, nodes, start) == expected


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(nodes=_INLINE, table=st.booleans(), allow_html=st.booleans())
def test_runs_shortcuts_agree_with_the_runs(nodes: list[Node], table: bool, allow_html: bool) -> None:
    """No content, one text, one text under one delimited mark: each has a shortcut in ``write_inline``."""
    fast = InlineContext(Report(), allow_html=allow_html, table=table)
    general = InlineContext(Report(), allow_html=allow_html, table=table)
    assert write_inline(nodes, fast) == markdown_inline._write_runs(nodes, general)


@settings(max_examples=100, deadline=None)
@given(marks=st.lists(st.sampled_from(_MARKS), max_size=4))
def test_equal_marks_have_equal_keys(marks: list[Mark]) -> None:
    """``merge_text`` merges texts whose mark lists are equal without comparing their keys."""
    copies = [Mark(mark.type, dict(mark.attrs)) for mark in marks]
    assert copies == marks
    assert markdown_inline._mark_key(copies) == markdown_inline._mark_key(marks)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(nodes=_INLINE, table=st.booleans(), allow_html=st.booleans())
def test_unmarked_shortcut_agrees_with_the_runs(nodes: list[Node], table: bool, allow_html: bool) -> None:
    merged = markdown_inline.merge_text([Node(node.type, node.attrs, text=node.text) for node in nodes])
    fast = InlineContext(Report(), allow_html=allow_html, table=table)
    general = InlineContext(Report(), allow_html=allow_html, table=table)
    expected = markdown_inline._emit(markdown_inline._pieces(merged, [], general, True), "\n", "\n", general)
    assert markdown_inline._unmarked(merged, fast) == expected
    assert (fast.in_link, fast.used_html) == (general.in_link, general.used_html)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(value=_TEXT, mark=st.sampled_from(["strong", "em", "strike"]), table=st.booleans(),
       allow_html=st.booleans())
def test_one_delimited_text_shortcut_agrees_with_the_runs(
    value: str, mark: str, table: bool, allow_html: bool
) -> None:
    nodes = [Node("text", text=value, marks=[Mark(mark)])]
    fast = InlineContext(Report(), allow_html=allow_html, table=table)
    general = InlineContext(Report(), allow_html=allow_html, table=table)
    assert write_inline(nodes, fast) == markdown_inline._write_runs(nodes, general)
    assert (fast.in_link, fast.used_html, fast.report.entries) == (
        general.in_link, general.used_html, general.report.entries)
