"""The HTML reader's shortcuts (issue 17) give what the general way gives, on any input.

Each shortcut skips work that would change nothing (a regex that only rewrites what needs rewriting, a
clean-up step skipped for content it cannot touch); each test below compares it with the general way it
stands for, on text built from the characters that matter to it.
"""

from __future__ import annotations

import copy
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.converter import Report, convert
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers import html_blocks, html_builder, html_cleanup

#: Whitespace of every kind the browser collapses, a non-breaking space (kept), and plain letters.
_SPACES = st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\r", "\f", "\xa0", "a", "b c"]), max_size=12).map(
    "".join
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(value=st.one_of(_SPACES, st.text(max_size=12)))
def test_collapse_changes_what_collapsing_every_run_changes(value: str) -> None:
    assert html_builder._COLLAPSE.sub(" ", value) == re.sub(r"[ \t\n\r\f]+", " ", value)


#: Attribute names a cell or paragraph may carry: those the rules read and others they must not depend on.
_NAMES = st.sampled_from([
    "class", "style", "align", "bgcolor", "colspan", "rowspan", "data-colwidth", "data-highlight-colour",
    "id", "valign", "width", "scope", "title", "dir", "xmlns", "onclick", "nowrap", "data-content-id",
])
_VALUES = st.sampled_from([
    "", "2", "0", "x", "center", "RIGHT", "#ff0000", "--theme-red", "confluenceTd", "confluenceTh", "100,20",
    "text-align: right", "background-color: red; white-space: pre", "width: 10px", "TEXT-ALIGN:Center",
])
_ATTRS = st.dictionaries(_NAMES, _VALUES, max_size=4).map(
    lambda attrs: "".join(f' {name}="{value}"' for name, value in attrs.items())
)


def _converted(html: str) -> tuple[str, str]:
    report = Report()
    return convert(html, "html", "json", report=report), str(report)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(cell=_ATTRS, header=_ATTRS, paragraph=_ATTRS, heading=_ATTRS, page=st.booleans())
def test_cells_and_text_blocks_without_read_attributes_read_as_by_the_rules(
    cell: str, header: str, paragraph: str, heading: str, page: bool
) -> None:
    body = (
        f"<table><tr><th{header}> a  b </th><td{cell}>c <b>d</b> </td></tr></table>"
        f"<p{paragraph}> e\n  f </p><h2{heading}>g </h2>"
    )
    html = f'<html><body><div id="main-content">{body}</div></body></html>' if page else body
    fast = _converted(html)
    every_name = frozenset(_NAMES.elements)  # every attribute counts as read: the general way always
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(html_blocks, "_CELL_READS", every_name)
        patch.setattr(html_blocks, "_TEXTBLOCK_READS", every_name)
        assert _converted(html) == fast


_MARKS = [Mark("strong"), Mark("code"), Mark("link", {"href": "https://x.org/a b", "title": None}),
          Mark("styles", {"color": "#000"})]
_CONTENT = st.lists(
    st.one_of(
        st.builds(lambda text, marks: Node("text", text=text, marks=marks),
                  st.lists(st.sampled_from([" ", "\xa0", "a", "b c", ":", "https://x.org", "\n"]), max_size=4)
                  .map("".join), st.lists(st.sampled_from(_MARKS), max_size=2, unique_by=id)),
        st.builds(lambda: Node("br")),
        st.builds(lambda: Node("image", {"src": "i.png"})),
    ),
    max_size=5,
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(content=_CONTENT, heading=st.booleans())
def test_untouched_text_blocks_are_what_tidying_leaves(content: list[Node], heading: bool) -> None:
    """The clean-up leaves a text block as it is when ``_untouched`` says so: tidying it changes nothing."""
    if html_cleanup._untouched(content):
        counts: Counter[str] = Counter()
        assert html_cleanup._tidied(copy.deepcopy(content), heading, counts) == content
        assert not counts
