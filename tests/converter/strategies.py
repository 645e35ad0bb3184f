"""Hypothesis strategies for valid documents: every node and mark, text full of Markdown-special characters.

"Valid" means what Productive stores (spec §2): list items, checklist items and cells start with a
paragraph and are never empty, text nodes are not empty and hold no newline outside code blocks, mention
content is its label. Within that, anything goes, including marks that start or end on spaces and
punctuation, so the delimiter and escaping rules are exercised.
"""

from __future__ import annotations

from hypothesis import strategies as st
from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node

TEXT_ALPHABET = "abcxyzAB019 é_*`[]#<>&\\|!~$@:.-+=()\"'?/{}\u00a0"
text_values = st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=12)
words = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
urls = st.sampled_from(
    [
        "https://example.com",
        "https://example.com/a_b?x=1&y=2",
        "/docs/page.md",
        "#anchor",
        "mailto:a@example.com",
        "https://example.com/a b",
        "https://ex.com/(x)",
    ]
)

simple_marks = st.sampled_from([Mark("em"), Mark("strong"), Mark("strike"), Mark(inferred.UNDERLINE)])
attr_marks = st.one_of(
    st.builds(
        lambda href, title: Mark("link", {"href": href, "title": title}), urls, st.one_of(st.none(), words)
    ),
    st.builds(
        lambda d: Mark("discussion", {"discussionId": d, "resolvedId": ""}), st.sampled_from(["1", "4740"])
    ),
    st.builds(lambda c: Mark("styles", {"color": c}), st.sampled_from(["#ef4444", "red"])),
)
mark_sets = st.lists(st.one_of(simple_marks, attr_marks), max_size=3, unique_by=lambda m: m.type)


@st.composite
def text_nodes(draw: st.DrawFn) -> Node:
    marks = draw(mark_sets)
    if draw(st.integers(0, 3)) == 0:
        marks.append(Mark("code"))
    return Node("text", text=draw(text_values), marks=marks)


def _mention(kind: str, ident: str, label: str, avatar: str | None) -> Node:
    return Node(
        "mention",
        {"id": ident, "type": kind, "label": label, "avatarUrl": avatar},
        [Node("text", text=label)],
    )


atoms = st.one_of(
    st.builds(
        lambda alt, src, title, width: Node(
            "image", {"src": src, "alt": alt, "title": title, "width": width}
        ),
        st.one_of(st.none(), words),
        urls,
        st.one_of(st.none(), words),
        st.sampled_from([None, 100]),
    ),
    st.builds(
        _mention,
        st.sampled_from(["person", "task", "page"]),
        st.sampled_from(["12", "89346"]),
        st.sampled_from(["John Doe", "Nikola Buhiniček", "a*b"]),
        st.sampled_from([None, "https://a/x.png"]),
    ),
    st.builds(
        lambda name, url, kind: Node(inferred.FILE, {"name": name, "url": url, "fileType": kind}),
        st.sampled_from(["Q1 report.pdf", "a_b.txt"]),
        urls,
        st.sampled_from(["application/pdf"]),
    ),
    st.builds(
        lambda name: Node(inferred.VAR, {inferred.VAR_NAME_ATTR: name}), st.sampled_from(["customer_name"])
    ),
    st.just(Node("br")),
)
inline_nodes = st.lists(st.one_of(text_nodes(), text_nodes(), atoms), min_size=1, max_size=6)
alignments = st.sampled_from([None, None, "center", "right", "justify"])


def paragraphs(content: st.SearchStrategy[list[Node]] = inline_nodes) -> st.SearchStrategy[Node]:
    return st.builds(
        lambda c, a: Node("paragraph", {inferred.ALIGN_ATTR: a} if a else {}, c), content, alignments
    )


headings = st.builds(lambda level, c: Node("heading", {"level": level}, c), st.integers(1, 6), inline_nodes)
codeblocks = st.builds(
    lambda lang, code: Node("codeblock", {"language": lang}, [Node("text", text=code)] if code else []),
    st.sampled_from([None, "python", "ruby"]),
    st.text(alphabet="ab `~\n*<>&#", max_size=20),
)
leaf_blocks = st.one_of(paragraphs(), paragraphs(), headings, codeblocks, st.just(Node("divider")))


def _cell(kind: str) -> st.SearchStrategy[Node]:
    return st.builds(
        lambda paras, align, span, bg: Node(
            kind, {inferred.ALIGN_ATTR: align, "colspan": span, "background": bg}, paras
        ),
        st.lists(paragraphs(st.lists(st.one_of(text_nodes(), atoms), max_size=3)), min_size=1, max_size=2),
        st.sampled_from([None, None, "center"]),
        st.sampled_from([1, 1, 1, 2]),
        st.sampled_from([None, None, "#fef3c7"]),
    )


@st.composite
def tables(draw: st.DrawFn) -> Node:
    width = draw(st.integers(1, 3))
    rows = []
    for index in range(draw(st.integers(1, 3))):
        kind = "table_header" if index == 0 and draw(st.integers(0, 4)) else "table_cell"
        rows.append(Node("table_row", {}, [draw(_cell(kind)) for _ in range(width)]))
    return Node("table", {}, rows)


def _with_first_paragraph(blocks: list[Node], first: Node) -> list[Node]:
    return [first, *blocks]


def _containers(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    blocks = st.lists(children, min_size=1, max_size=3)
    item_content = st.builds(_with_first_paragraph, st.lists(children, max_size=2), paragraphs())
    return st.one_of(
        st.builds(lambda c: Node("blockquote", {}, c), blocks),
        st.builds(
            lambda kind, c: Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}, c),
            st.sampled_from(inferred.BANNER_TYPES),
            blocks,
        ),
        st.builds(
            lambda items: Node("ul", {}, [Node("li", {}, c) for c in items]),
            st.lists(item_content, min_size=1, max_size=3),
        ),
        st.builds(
            lambda order, items: Node("ol", {"order": order}, [Node("li", {}, c) for c in items]),
            st.sampled_from([1, 1, 3, 0]),
            st.lists(item_content, min_size=1, max_size=3),
        ),
        st.builds(
            lambda items: Node(
                inferred.CHECKLIST,
                {},
                [Node(inferred.CHECKLIST_ITEM, {inferred.CHECKED_ATTR: checked}, c) for checked, c in items],
            ),
            st.lists(st.tuples(st.booleans(), item_content), min_size=1, max_size=3),
        ),
        st.builds(
            lambda cols: Node(
                inferred.COLUMNS,
                {inferred.COLUMNS_COUNT_ATTR: len(cols)},
                [Node(inferred.COLUMN, {}, c) for c in cols],
            ),
            st.lists(blocks, min_size=2, max_size=3),
        ),
    )


blocks = st.recursive(st.one_of(leaf_blocks, tables()), _containers, max_leaves=8)
documents = st.builds(lambda c: Node("doc", {}, c), st.lists(blocks, min_size=1, max_size=5))
