"""The HTML reader's shortcuts (issue 17) give what the general way gives, on any input.

Each shortcut skips work that would change nothing (a regex that only rewrites what needs rewriting, a
clean-up step skipped for content it cannot touch); each test below compares it with the general way it
stands for, on text built from the characters that matter to it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.converter.readers import html_builder

#: Whitespace of every kind the browser collapses, a non-breaking space (kept), and plain letters.
_SPACES = st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\r", "\f", "\xa0", "a", "b c"]), max_size=12).map(
    "".join
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(value=st.one_of(_SPACES, st.text(max_size=12)))
def test_collapse_changes_what_collapsing_every_run_changes(value: str) -> None:
    assert html_builder._COLLAPSE.sub(" ", value) == re.sub(r"[ \t\n\r\f]+", " ", value)
