"""Writer for the Productive HTML forms (spec §2.3-2.5), the body of the ``*_html`` proxy calls.

Every node and mark has one form, rendered by a small function in ``BLOCK_RENDERERS`` /
``INLINE_RENDERERS``; attribute names come from the one mapping table in
``converter.readers.html_forms``, so the HTML reader reads each form back into the node it came from
(json -> html -> json is the identity on the normal form).

Two choices the spec leaves open, made here so the round trip holds:

- a code block whose text ends in a newline gets one more (the reader drops the newline a ``<pre>`` ends
  with, as every HTML-to-Markdown tool does);
- a text block whose text a browser would collapse (runs of spaces, leading or trailing spaces, newlines,
  tabs) is written with ``style="white-space: pre-wrap"``, the CSS that tells a browser - and our
  reader - to keep that whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from productive_docs.converter import inferred
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.html_forms import (
    CELL_CSS,
    COLUMNS_CSS,
    HTML_ATTRS,
    colwidth_text,
    css_text,
    shorthand_as_text,
)
from productive_docs.converter.readers.html_sanitize import unsafe_css, unsafe_url
from productive_docs.converter.report import Report

#: Marks from the outermost to the innermost wrapper; the order is fixed so output is stable.
MARK_ORDER = ("link", "discussion", "styles", "strong", "em", inferred.UNDERLINE, "strike", "code")
_MARK_RANK = {name: rank for rank, name in enumerate(MARK_ORDER)}
SIMPLE_MARK_TAGS = {"strong": "strong", "em": "em", inferred.UNDERLINE: "u", "strike": "del", "code": "code"}
STYLES_CSS_BY_KEY = {key: css for css, key in inferred.STYLES_CSS.items()}
#: Attributes holding URLs: a tree read from stored JSON may hold anything, so the writer checks them too.
URL_ATTRS = frozenset({"href", "src", "url", "mention-avatar-url"})
IMAGE_URL_ATTRS = frozenset({"src", "mention-avatar-url"})

#: Stand-ins for a text block's inline nodes that are not text, in the text ``_collapses_whitespace`` checks.
_LINE_START, _OTHER_INLINE = "\x02", "\x01"
#: Whitespace in text that a browser would not show as written.
_HARD_WHITESPACE = re.compile(r"[\t\n\r\f]")
_PRE_WRAP = {"white-space": "pre-wrap"}


def write(doc: Node, report: Report) -> str:
    """The Productive HTML of ``doc``, with what Productive cannot store lowered (and reported) first."""
    return render_blocks(lower_for_productive(doc, report).content, report)


def render_blocks(nodes: list[Node], report: Report) -> str:
    """HTML of block nodes, without lowering (the Markdown writer embeds it)."""
    return "".join([_block(node, report) for node in nodes])


def render_inline(nodes: list[Node], report: Report) -> str:
    """HTML of inline nodes (the content of one paragraph), without lowering. Unmarked text, the commonest
    node, is written without the dispatch of ``_inline``."""
    return "".join([
        _text_html(node.text or "") if node.type == "text" and not node.marks else _inline(node, report)
        for node in nodes
    ])


# --- helpers ------------------------------------------------------------------------------------------------


def _attr_value(value: Any) -> str:
    """An attribute's text: booleans as ``true``/``false``, ``colwidth`` lists as ``145,80``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return colwidth_text(value)
    return str(value)


def _attrs_html(pairs: list[tuple[str, Any]]) -> str:
    """` name="value"` for every pair whose value is set (``None`` means absent)."""
    return "".join(f' {name}="{escape(_attr_value(value))}"' for name, value in pairs if value is not None)


def _mapped(node_type: str, attrs: dict[str, Any], report: Report) -> list[tuple[str, Any]]:
    """The HTML attributes of a node or mark, from the mapping table; script URLs dropped and reported."""
    pairs = [(html_name, attrs.get(json_name)) for html_name, json_name in HTML_ATTRS.get(node_type, ())]
    safe = []
    for name, value in pairs:
        if name in URL_ATTRS and isinstance(value, str):
            reason = unsafe_url(value, image=name in IMAGE_URL_ATTRS)
            if reason:
                report.add(f"{reason} in {node_type} {name}", "removed")
                continue
        safe.append((name, value))
    return safe


def _style(declarations: dict[str, Any]) -> tuple[str, str | None]:
    """The ``style`` attribute of the set declarations (absent when none is set)."""
    set_ = {name: str(value) for name, value in declarations.items() if value not in (None, "")}
    return ("style", css_text(set_) if set_ else None)


def _children(node: Node, report: Report) -> str:
    return render_blocks(node.content, report)


def _collapses_whitespace(node: Node) -> bool:
    """True when the block's text would not survive browser whitespace rules: a browser collapses runs of
    spaces and drops spaces at the start of a line and at the block's end."""
    parts = [
        child.text or "" if child.type == "text" else _LINE_START if child.type == "br" else _OTHER_INLINE
        for child in node.content
    ]
    text = parts[0] if len(parts) == 1 else "".join(parts)
    return (
        "  " in text
        or text.startswith(" ")
        or text.endswith(" ")
        or _LINE_START + " " in text
        or _HARD_WHITESPACE.search(text) is not None
    )


# --- block renderers ----------------------------------------------------------------------------------------


def _wrapped(tag: str, attrs: str = "") -> Callable[[Node, Report], str]:
    """The renderer of a block that is its children in one element: ``<tag attrs>...</tag>``."""

    def render(node: Node, report: Report) -> str:
        return f"<{tag}{attrs}>{_children(node, report)}</{tag}>"

    return render


def _textblock(tag: str, node: Node, report: Report) -> str:
    """A paragraph or heading; ``white-space: pre-wrap`` when its whitespace would collapse."""
    align = node.attrs.get(inferred.ALIGN_ATTR)
    pre_wrap = _collapses_whitespace(node)
    attrs = ""
    if pre_wrap or align not in (None, ""):
        attrs = _attrs_html([_style({"text-align": align, **(_PRE_WRAP if pre_wrap else {})})])
    return f"<{tag}{attrs}>{render_inline(node.content, report)}</{tag}>"


def _paragraph(node: Node, report: Report) -> str:
    return _textblock("p", node, report)


def _heading(node: Node, report: Report) -> str:
    level = node.attrs.get("level")
    return _textblock(f"h{min(max(level, 1), 6) if isinstance(level, int) else 1}", node, report)


def _codeblock(node: Node, report: Report) -> str:
    code = "".join(child.text or "" for child in node.content if child.type == "text")
    if code.endswith("\n"):
        code += "\n"
    attrs = _attrs_html(_mapped("codeblock", node.attrs, report))
    return f"<pre{attrs}><code>{escape(code, quote=False)}</code></pre>"


def _ol(node: Node, report: Report) -> str:
    order = node.attrs.get("order")
    attrs = _attrs_html([("start", order if order not in (None, 1) else None)])
    return f"<ol{attrs}>{_children(node, report)}</ol>"


def _checklist_item(node: Node, report: Report) -> str:
    checked = bool(node.attrs.get(inferred.CHECKED_ATTR))
    attrs = _attrs_html([("type", inferred.CHECKLIST_ITEM), ("checked", checked)])
    return f"<li{attrs}>{_children(node, report)}</li>"


def _cell(node: Node, report: Report) -> str:
    tag = "th" if node.type == "table_header" else "td"
    attrs = node.attrs
    pairs = [(name, value) for name, value in _mapped(node.type, attrs, report) if value != 1 and value != []]
    style = _style({prop: attrs.get(key) for prop, key in CELL_CSS.items()})
    return f"<{tag}{_attrs_html([*pairs, style])}>{_children(node, report)}</{tag}>"


def _divider(node: Node, report: Report) -> str:
    return "<hr>"


def _banner(node: Node, report: Report) -> str:
    kind = node.attrs.get(inferred.BANNER_TYPE_ATTR) or inferred.BANNER_TYPES[0]
    return f'<banner type="{escape(str(kind))}">{_children(node, report)}</banner>'


def _columns(node: Node, report: Report) -> str:
    widths = _style({COLUMNS_CSS: node.attrs.get(inferred.COLUMNS_WIDTHS_ATTR)})
    attrs = _attrs_html([*_mapped(inferred.COLUMNS, node.attrs, report), widths])
    return f"<div data-columns{attrs}>{_children(node, report)}</div>"


def _unknown_block(node: Node, report: Report) -> str:
    report.add(f"unknown node {node.type!r}", "its content", node.line)
    if node.content and node.content[0].type in BLOCK_RENDERERS:
        return _children(node, report)
    return f"<p>{render_inline(node.content, report)}</p>" if node.content else ""


BLOCK_RENDERERS: dict[str, Callable[[Node, Report], str]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "blockquote": _wrapped("blockquote"),
    "codeblock": _codeblock,
    "ol": _ol,
    "ul": _wrapped("ul"),
    "li": _wrapped("li"),
    inferred.CHECKLIST: _wrapped("ul", f' type="{inferred.CHECKLIST}"'),
    inferred.CHECKLIST_ITEM: _checklist_item,
    "table": _wrapped("table"),
    "table_row": _wrapped("tr"),
    "table_header": _cell,
    "table_cell": _cell,
    "divider": _divider,
    inferred.BANNER: _banner,
    inferred.COLUMNS: _columns,
    inferred.COLUMN: _wrapped("div", " data-column"),
}


def _block(node: Node, report: Report) -> str:
    renderer = BLOCK_RENDERERS.get(node.type)
    if renderer is None:
        if node.type in INLINE_RENDERERS:
            return f"<p>{_inline(node, report)}</p>"
        return _unknown_block(node, report)
    return renderer(node, report)


# --- inline renderers ---------------------------------------------------------------------------------------


def _text(node: Node, report: Report) -> str:
    return _text_html(node.text or "")


def _text_html(text: str) -> str:
    """Escaped text; literal ``@[type:id:label]`` is split by an empty span so it stays text (spec §2.4)."""
    html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return shorthand_as_text(html)


def _br(node: Node, report: Report) -> str:
    return "<br>"


def _image(node: Node, report: Report) -> str:
    return f"<img{_attrs_html(_mapped('image', node.attrs, report))}>"


def _file(node: Node, report: Report) -> str:
    name = node.attrs.get(inferred.FILE_ATTRS["name"]) or ""
    attrs = _attrs_html(_mapped(inferred.FILE, node.attrs, report))
    return f"<span{attrs}>{escape(str(name), quote=False)}</span>"


def _mention(node: Node, report: Report) -> str:
    attrs = dict(node.attrs)
    kind = attrs.get("type")
    attrs["type"] = inferred.mention_type_to_html(kind) if isinstance(kind, str) else kind
    html_attrs = _attrs_html(_mapped("mention", attrs, report))
    return f"<span{html_attrs}>{render_inline(node.content, report)}</span>"


def _var(node: Node, report: Report) -> str:
    return f"<span{_attrs_html(_mapped(inferred.VAR, node.attrs, report))}></span>"


INLINE_RENDERERS: dict[str, Callable[[Node, Report], str]] = {
    "text": _text,
    "br": _br,
    "image": _image,
    inferred.FILE: _file,
    "mention": _mention,
    inferred.VAR: _var,
}


def _open_mark(mark: Mark, report: Report) -> tuple[str, str]:
    """The opening and closing tag of a mark."""
    tag = SIMPLE_MARK_TAGS.get(mark.type)
    if tag:
        return f"<{tag}>", f"</{tag}>"
    if mark.type == "link":
        return f"<a{_attrs_html(_mapped('link', mark.attrs, report))}>", "</a>"
    if mark.type == "discussion":
        return f"<span{_attrs_html(_mapped('discussion', mark.attrs, report))}>", "</span>"
    if mark.type == "styles":
        css = {STYLES_CSS_BY_KEY[key]: value for key, value in mark.attrs.items() if key in STYLES_CSS_BY_KEY}
        for name in [name for name, value in css.items() if isinstance(value, str) and unsafe_css(value)]:
            report.add(f"active CSS in styles {name}", "removed")
            del css[name]
        return f"<span{_attrs_html([_style(css)])}>", "</span>"
    return "", ""


def _mark_rank(mark: Mark) -> int:
    return _MARK_RANK.get(mark.type, len(MARK_ORDER))


def _inline(node: Node, report: Report) -> str:
    renderer = INLINE_RENDERERS.get(node.type)
    if renderer is None:
        report.add(f"unknown inline node {node.type!r}", "its text", node.line)
        body = render_inline(node.content, report)
    else:
        body = renderer(node, report)
    marks = node.marks
    if not marks:
        return body
    if len(marks) > 1:
        marks = sorted(marks, key=_mark_rank, reverse=True)
    for mark in marks:
        if mark.type not in _MARK_RANK:
            report.add(f"unknown mark {mark.type!r}", "plain text", node.line)
        opening, closing = _open_mark(mark, report)
        body = f"{opening}{body}{closing}"
    return body
