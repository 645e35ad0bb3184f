"""Inline rules of the Markdown reader: each takes (builder, token) for one child of an ``inline`` token
and appends to the open block, with the builder's stack of active marks. ``INLINE_RULES`` maps token
types to them.

The lowerings they make (footnote references, inline math, a mark nested in itself, links without text)
are listed in ``markdown_rules``.
"""

from __future__ import annotations

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_state import Builder, InlineRule


def _text(b: Builder, token: Token) -> None:
    if token.content:
        b.add_text(token.content, b.active())


def _mark_open(mark_type: str) -> InlineRule:
    def rule(b: Builder, token: Token) -> None:
        mark = Mark(mark_type)
        if mark in b.marks:
            b.lowered(f"{mark_type} nested in {mark_type}", f"one {mark_type}")
            b.nested_marks += 1
        b.marks.append(mark)

    return rule


def _mark_close(b: Builder, token: Token) -> None:
    mark = b.marks.pop()
    if b.nested_marks and mark in b.marks:
        b.nested_marks -= 1


def _link_open(b: Builder, token: Token) -> None:
    b.marks.append(Mark("link", {"href": token.attrGet("href"), "title": token.attrGet("title")}))
    b.link_starts.append(len(b.top.content))


def _link_close(b: Builder, token: Token) -> None:
    mark = b.marks.pop()
    if len(b.top.content) == b.link_starts.pop():
        b.lowered(f"link without text to {mark.attrs['href']!r}", "dropped")


def _softbreak(b: Builder, token: Token) -> None:
    b.add_text(" ", b.active())


def _hardbreak(b: Builder, token: Token) -> None:
    b.add(Node("br", marks=b.active()))


def _code_inline(b: Builder, token: Token) -> None:
    b.add_text(token.content, [*b.active(), Mark("code", {})])


def _image(b: Builder, token: Token) -> None:
    renderer = b.md.renderer
    assert isinstance(renderer, RendererHTML)
    alt = renderer.renderInlineAsText(token.children or [], b.md.options, b.env)
    attrs = {"src": token.attrGet("src"), "alt": alt or None, "title": token.attrGet("title")}
    b.add(Node("image", attrs, marks=b.active()))


def _mention(b: Builder, token: Token) -> None:
    meta = token.meta
    attrs = {"id": meta["id"], "type": inferred.mention_type_to_json(meta["type"]), "label": meta["label"]}
    b.add(Node("mention", attrs, [Node("text", text=meta["label"])], marks=b.active()))


def _footnote_ref(b: Builder, token: Token) -> None:
    b.lowered("footnote reference", "text [n]")
    b.add(Node("text", text=f"[{token.meta['id'] + 1}]", marks=b.active()))


def _math_inline(b: Builder, token: Token) -> None:
    b.lowered("inline math", "code")
    b.add(Node("text", text=token.content, marks=[*b.active(), Mark("code")]))


def _unknown_inline(b: Builder, token: Token) -> None:
    b.lowered(f"markdown construct {token.type!r}", "its source text")
    if token.content:
        b.add(Node("text", text=token.content, marks=b.active()))


INLINE_RULES: dict[str, InlineRule] = {
    "text": _text,
    "text_special": _text,
    "softbreak": _softbreak,
    "hardbreak": _hardbreak,
    "em_open": _mark_open("em"),
    "em_close": _mark_close,
    "strong_open": _mark_open("strong"),
    "strong_close": _mark_close,
    "s_open": _mark_open("strike"),
    "s_close": _mark_close,
    "link_open": _link_open,
    "link_close": _link_close,
    "code_inline": _code_inline,
    "image": _image,
    "mention": _mention,
    "footnote_ref": _footnote_ref,
    "math_inline": _math_inline,
    "math_inline_double": _math_inline,
}


def add_inline(b: Builder, children: list[Token]) -> None:
    """Add the nodes of an ``inline`` token's children to the open block. Text, the commonest child, goes
    straight to its rule, without the table's lookup."""
    rules = b.inline_rules
    for child in children:
        if child.type == "text":
            _text(b, child)
        else:
            rules.get(child.type, _unknown_inline)(b, child)
