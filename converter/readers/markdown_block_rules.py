"""Block rules of the Markdown reader: each takes (builder, tokens, index) and returns the index of the
next token; ``*_open`` pushes a node, ``*_close`` pops it. ``BLOCK_RULES`` maps token types to them.

The lowerings they make (footnote definitions, definition lists, math blocks, admonition titles, mixed and
ordered task lists, raw HTML) are listed in ``markdown_rules``.
"""

from __future__ import annotations

from markdown_it.common.utils import unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from productive_docs.converter import attribute_line, inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_inline_rules import INLINE_RULES, add_inline
from productive_docs.converter.readers.markdown_plugins import banner_type
from productive_docs.converter.readers.markdown_state import BlockRule, Builder


def _opener(node_type: str) -> BlockRule:
    def rule(b: Builder, tokens: list[Token], i: int) -> int:
        b.open(Node(node_type, {}, []))
        return i + 1

    return rule


def _close(b: Builder, tokens: list[Token], i: int) -> int:
    b.close()
    return i + 1


def _close_filled(b: Builder, tokens: list[Token], i: int) -> int:
    """Close a container that Productive never stores empty (li, cell): give it an empty paragraph."""
    node = b.close()
    if not node.content:
        node.content.append(Node("paragraph", line=node.line))
    return i + 1


def _paragraph_close(b: Builder, tokens: list[Token], i: int) -> int:
    node = b.close()
    if not node.content:
        b.stack[-1].content.pop()
    return i + 1


def _heading_open(b: Builder, tokens: list[Token], i: int) -> int:
    b.open(Node("heading", {"level": int(tokens[i].tag[1])}))
    return i + 1


def _ordered_list_open(b: Builder, tokens: list[Token], i: int) -> int:
    start = tokens[i].attrGet("start")
    b.open(Node("ol", {"order": int(start)} if start is not None else {}))
    return i + 1


def _list_item_open(b: Builder, tokens: list[Token], i: int) -> int:
    meta = tokens[i].meta or {}
    b.open(Node("li", {inferred.CHECKED_ATTR: meta["checked"]} if "checked" in meta else {}))
    return i + 1


def _list_close(b: Builder, tokens: list[Token], i: int) -> int:
    """Task items turn their list into a checklist; a list mixing tasks and plain items stays a list."""
    node = b.close()
    tasks = [item for item in node.content if inferred.CHECKED_ATTR in item.attrs]
    if not tasks:
        return i + 1
    if len(tasks) == len(node.content):
        if node.type == "ol":
            b.lowered("ordered task list", "checklist")
        node.type, node.attrs = inferred.CHECKLIST, {}
        for item in node.content:
            item.type = inferred.CHECKLIST_ITEM
        return i + 1
    b.lowered("list mixing task and plain items", "list with literal [ ] / [x] text")
    for item in tasks:
        checked = item.attrs.pop(inferred.CHECKED_ATTR)
        first = item.content[0]
        if first.type == "paragraph":
            first.content.insert(0, Node("text", text="[x] " if checked else "[ ] ", line=first.line))
    return i + 1


def _code(b: Builder, tokens: list[Token], i: int) -> int:
    token = tokens[i]
    language = unescapeAll(token.info).strip() or None
    b.add(_codeblock(token.content, language))
    return i + 1


def _codeblock(source: str, language: str | None) -> Node:
    source = source[:-1] if source.endswith("\n") else source
    return Node("codeblock", {"language": language}, [Node("text", text=source)] if source else [])


def _divider(b: Builder, tokens: list[Token], i: int) -> int:
    b.add(Node("divider"))
    return i + 1


def _cell_open(node_type: str) -> BlockRule:
    def rule(b: Builder, tokens: list[Token], i: int) -> int:
        style = str(tokens[i].attrGet("style") or "")
        align = style.partition("text-align:")[2].strip() or None
        b.open(Node(node_type, {inferred.ALIGN_ATTR: align} if align else {}))
        b.open(Node("paragraph"))
        return i + 1

    return rule


def _cell_close(b: Builder, tokens: list[Token], i: int) -> int:
    paragraph = b.close()
    paragraph.line = None
    return _close(b, tokens, i)


def _skip(b: Builder, tokens: list[Token], i: int) -> int:
    return i + 1


def _html_block(b: Builder, tokens: list[Token], i: int) -> int:
    html = tokens[i].content
    columns = attribute_line.columns_comment(html) if html.startswith("<!-- ") else None
    if columns is not None:
        _columns_comment(b, tokens, i, *columns)
        return i + 1
    siblings = b.top.content
    attributes = attribute_line.parse(html)
    if attributes is not None and attributes[0] == attribute_line.PARAGRAPH:
        paragraph = attribute_line.paragraph(attributes[1])
        if paragraph is None:
            b.lowered("paragraph comment (malformed)", "ignored")
        else:
            b.add(paragraph)
        return i + 1
    if attributes is not None and siblings:  # what Markdown cannot say about the block before it
        problem = attribute_line.apply(siblings[-1], *attributes)
        if problem is not None:
            b.lowered(f"attribute line ({problem})", "ignored")
        return i + 1
    from productive_docs.converter.readers import html as html_reader  # beautifulsoup4 only when needed

    b.lowered("raw HTML block", "its content, read by the HTML reader")
    for node in html_reader.parse_blocks(tokens[i].content, b.report, b.line):
        b.add(node)
    return i + 1


def _columns_comment(b: Builder, tokens: list[Token], i: int, kind: str, attrs: dict) -> None:
    """``<!-- columns {...} -->`` / ``<!-- column -->`` / ``<!-- /columns -->`` (``attribute_line``): open the
    layout, start the next column, close it. A comment that does not pair up at its nesting level (a
    hand-edited file) is reported and ignored."""
    in_column = len(b.stack) > 2 and b.top.type == inferred.COLUMN and b.stack[-2].type == inferred.COLUMNS
    if kind == "open" and _closes(tokens, i):
        b.open(Node(inferred.COLUMNS, attrs))
        b.open(Node(inferred.COLUMN))
    elif kind != "open" and in_column:
        b.close()
        if kind == "column":
            b.open(Node(inferred.COLUMN))
        else:
            b.close()
    else:
        b.lowered(f"columns comment {tokens[i].content.strip()[:40]!r} that does not pair up", "ignored")


def _closes(tokens: list[Token], i: int) -> bool:
    """Whether the columns opened at ``tokens[i]`` are closed at the same nesting level, before it ends."""
    level, depth = tokens[i].level, 0
    for token in tokens[i + 1 :]:
        if token.level < level:
            return False
        if token.type != "html_block" or token.level != level or not token.content.startswith("<!-- "):
            continue
        found = attribute_line.columns_comment(token.content)
        kind = found[0] if found else None
        if kind == "open":
            depth += 1
        elif kind == "close":
            if not depth:
                return True
            depth -= 1
    return False


def _inline(b: Builder, tokens: list[Token], i: int) -> int:
    token = tokens[i]
    children = token.children or []
    if "<" in token.content and any(child.type == "html_inline" for child in children):
        from productive_docs.converter.readers import html as html_reader  # beautifulsoup4 only when needed

        b.lowered("raw inline HTML", "its content, read by the HTML reader")
        renderer = b.md.renderer
        assert isinstance(renderer, RendererHTML)
        html = renderer.renderInline(children, b.md.options, b.env)
        for node in html_reader.parse_inline(html, b.report, b.line):
            b.add(node)
        _report_inline_lowerings(b, children)
        return i + 1
    add_inline(b, children)
    return i + 1


def _report_inline_lowerings(b: Builder, children: list[Token]) -> None:
    """Inline runs rendered as HTML lower footnote refs, math and a site dialect's inline constructs
    through the render rules of ``converter.readers.markdown``."""
    for child in children:
        if child.type == "footnote_ref":
            b.lowered("footnote reference", "text [n]")
        elif child.type.startswith("math_inline"):
            b.lowered("inline math", "code")
        elif child.type in b.inline_rules and child.type not in INLINE_RULES and child.nesting >= 0:
            b.lowered(f"{child.type} {child.markup or child.content}".strip(), "its text, inside inline HTML")


def _banner_open(b: Builder, name: str, source: str) -> None:
    kind = banner_type(name)
    if kind is None:
        b.lowered(f"{source} {name!r}", "banner info")
        kind = "info"
    elif name.lower() == "important":
        b.lowered("alert IMPORTANT", "banner info")
    b.open(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}))


def _alert_open(b: Builder, tokens: list[Token], i: int) -> int:
    _banner_open(b, tokens[i].meta["kind"], "alert")
    return i + 4  # alert_open, alert_title_open, inline (the generated title), alert_title_close


def _admonition_open(b: Builder, tokens: list[Token], i: int) -> int:
    token = tokens[i]
    name = token.meta["tag"]
    if token.markup.startswith("?"):
        b.lowered("collapsible admonition", "banner")
    _banner_open(b, name, "admonition")
    if tokens[i + 1].type != "admonition_title_open":  # ``!!! tip ""``: no title at all
        return i + 1
    title = tokens[i + 2]
    if title.content and title.content != name.title():
        b.lowered("admonition title", "bold first paragraph")
        b.open(Node("paragraph"))
        b.marks.append(Mark("strong"))
        _inline(b, tokens, i + 2)
        b.marks.pop()
        b.close()
    return i + 4  # admonition_open, admonition_title_open, inline, admonition_title_close


def _container_open(b: Builder, tokens: list[Token], i: int) -> int:
    _banner_open(b, tokens[i].info.split()[0], "container")
    return i + 1


def _dl_open(b: Builder, tokens: list[Token], i: int) -> int:
    b.lowered("definition list", "bold term paragraphs and blockquoted definitions")
    return i + 1


def _dt_open(b: Builder, tokens: list[Token], i: int) -> int:
    b.open(Node("paragraph"))
    b.marks.append(Mark("strong"))
    return i + 1


def _dt_close(b: Builder, tokens: list[Token], i: int) -> int:
    b.marks.pop()
    return _paragraph_close(b, tokens, i)


def _math_block(b: Builder, tokens: list[Token], i: int) -> int:
    b.lowered("math block", "codeblock (math)")
    b.add(_codeblock(tokens[i].content.strip("\n") + "\n", "math"))
    return i + 1


def _footnote_block_open(b: Builder, tokens: list[Token], i: int) -> int:
    b.line = next((t.map[0] + 1 for t in tokens[i:] if t.map is not None), b.line)  # the block has no map
    b.lowered("footnote definitions", "a final 'Footnotes' ordered list")
    b.add(Node("paragraph", content=[Node("text", text="Footnotes", marks=[Mark("strong")])]))
    b.open(Node("ol"))
    return i + 1


def _front_matter(b: Builder, tokens: list[Token], i: int) -> int:
    return i + 1  # read by ``converter.readers.markdown`` before the tree is built


BLOCK_RULES: dict[str, BlockRule] = {
    "paragraph_open": _opener("paragraph"),
    "paragraph_close": _paragraph_close,
    "heading_open": _heading_open,
    "heading_close": _close,
    "blockquote_open": _opener("blockquote"),
    "blockquote_close": _close,
    "bullet_list_open": _opener("ul"),
    "bullet_list_close": _list_close,
    "ordered_list_open": _ordered_list_open,
    "ordered_list_close": _list_close,
    "list_item_open": _list_item_open,
    "list_item_close": _close_filled,
    "fence": _code,
    "code_block": _code,
    "hr": _divider,
    "table_open": _opener("table"),
    "table_close": _close,
    "thead_open": _skip,
    "thead_close": _skip,
    "tbody_open": _skip,
    "tbody_close": _skip,
    "tr_open": _opener("table_row"),
    "tr_close": _close,
    "th_open": _cell_open("table_header"),
    "th_close": _cell_close,
    "td_open": _cell_open("table_cell"),
    "td_close": _cell_close,
    "html_block": _html_block,
    "inline": _inline,
    "front_matter": _front_matter,
    "alert_open": _alert_open,
    "alert_close": _close,
    "admonition_open": _admonition_open,
    "admonition_close": _close,
    "container_banner_open": _container_open,
    "container_banner_close": _close,
    "dl_open": _dl_open,
    "dl_close": _skip,
    "dt_open": _dt_open,
    "dt_close": _dt_close,
    "dd_open": _opener("blockquote"),
    "dd_close": _close,
    "math_block": _math_block,
    "math_block_label": _math_block,
    "footnote_block_open": _footnote_block_open,
    "footnote_block_close": _close,
    "footnote_open": _opener("li"),
    "footnote_close": _close_filled,
    "footnote_anchor": _skip,
}
