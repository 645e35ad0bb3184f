"""json -> html -> json is the identity on the normal form, for every node and mark (hypothesis)."""

from __future__ import annotations

from html_testing import converter_strategies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from productive_docs.converter import Report, inferred
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Mark, Node, check, normalize
from productive_docs.converter.readers.html import read
from productive_docs.converter.writers.html import render_blocks, write

strategies = converter_strategies()
#: Generating whole documents is the slow part; 100 per property keeps the area's tests well under a minute.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(doc: Node) -> Node:
    return read(write(doc, Report()), Report()).doc


@SETTINGS
@given(strategies.documents)
def test_json_html_json_is_identity(doc: Node) -> None:
    back = round_trip(doc)
    assert check(back) == []
    assert normalize(back) == normalize(lower_for_productive(doc, Report()))


@SETTINGS
@given(strategies.documents)
def test_render_blocks_keeps_deep_headings(doc: Node) -> None:
    back = read(render_blocks(doc.content, Report()), Report()).doc
    assert normalize(back) == normalize(doc)


#: Whitespace a browser would collapse: the writer must keep it (``white-space: pre-wrap``).
spacey_text = st.text(alphabet=" \t\nab\u00a0<&", min_size=1, max_size=10)
spacey_inline = st.lists(
    st.one_of(
        st.builds(lambda value, strong: Node("text", text=value, marks=[Mark("strong")] if strong else []),
                  spacey_text, st.booleans()),
        st.just(Node("br")),
        st.just(Node(inferred.VAR, {inferred.VAR_NAME_ATTR: "name"})),
    ),
    min_size=1, max_size=5,
)
spacey_docs = st.builds(
    lambda blocks: Node("doc", content=blocks),
    st.lists(st.one_of(
        st.builds(lambda c: Node("paragraph", content=c), spacey_inline),
        st.builds(lambda c: Node("heading", {"level": 2}, c), spacey_inline),
        st.builds(lambda code: Node("codeblock", {"language": None}, [Node("text", text=code)]), spacey_text),
    ), min_size=1, max_size=3),
)


@settings(SETTINGS, max_examples=300)
@given(spacey_docs)
def test_whitespace_survives_the_round_trip(doc: Node) -> None:
    assert normalize(round_trip(doc)) == normalize(doc)
