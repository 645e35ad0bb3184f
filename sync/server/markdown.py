"""The local server's Markdown reader: mistune's AST -> the stored JSON tree.

Productive converts Markdown on its own servers, with its own parser; the emulator uses **mistune**, a
parser independent of the converter's markdown-it-py reader, so the two can check each other. It accepts
what spec §2 says the Markdown path accepts: paragraphs, headings, blockquotes, fenced code, ordered and
bullet lists, task lists (-> checklist), GFM tables, dividers, inline images, hard breaks, and the marks
strong/em/strike/code/link. Raw HTML stays literal text (§2.6: raw HTML inside Markdown is unsupported);
GFM table alignment is dropped (§2.3: alignment needs HTML). Headings deeper than 3 are clamped by
``lower_for_productive``. Rules are small functions in two tables, one per node kind.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, cast

import mistune
from productive_docs.converter import inferred
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Mark, Node, text
from productive_docs.converter.report import Report

Token = dict[str, Any]

_parse = mistune.create_markdown(renderer=None, plugins=["strikethrough", "table", "task_lists"])


def markdown_to_doc(source: str) -> Node:
    """The document Productive would store for ``source``."""
    tokens = cast(list[Token], _parse(source))  # renderer=None: the AST, a list of tokens
    return lower_for_productive(Node("doc", content=_blocks(tokens) or [Node("paragraph")]), Report())


# --- blocks -------------------------------------------------------------------------------------


def _blocks(tokens: list[Token]) -> list[Node]:
    nodes: list[Node] = []
    for token in tokens:
        rule = BLOCK_RULES.get(token["type"])
        if rule is not None:
            nodes += rule(token)
    return nodes


def _paragraph(token: Token) -> list[Node]:
    content = _inlines(token.get("children") or [], [])
    return [Node("paragraph", content=content)] if content else []


def _heading(token: Token) -> list[Node]:
    return [Node("heading", {"level": token["attrs"]["level"]}, _inlines(token.get("children") or [], []))]


def _blockquote(token: Token) -> list[Node]:
    return [Node("blockquote", content=_blocks(token.get("children") or []) or [Node("paragraph")])]


def _code(token: Token) -> list[Node]:
    info = ((token.get("attrs") or {}).get("info") or "").split()
    code = token.get("raw", "").removesuffix("\n")
    return [Node("codeblock", {"language": info[0] if info else None}, [text(code)] if code else [])]


def _list(token: Token) -> list[Node]:
    items = token.get("children") or []
    attrs = token.get("attrs") or {}
    if items and all(item["type"] == "task_list_item" for item in items):
        return [
            Node(
                inferred.CHECKLIST,
                content=[
                    Node(
                        inferred.CHECKLIST_ITEM,
                        {inferred.CHECKED_ATTR: bool(item["attrs"]["checked"])},
                        _item(item),
                    )
                    for item in items
                ],
            )
        ]
    children = [Node("li", content=_item(item)) for item in items]
    if attrs.get("ordered"):
        return [Node("ol", {"order": attrs.get("start", 1)}, children)]
    return [Node("ul", content=children)]


def _item(token: Token) -> list[Node]:
    """An item's blocks; an li always wraps a paragraph (spec §2.3)."""
    return _blocks(token.get("children") or []) or [Node("paragraph")]


def _table(token: Token) -> list[Node]:
    rows: list[Node] = []
    for part in token.get("children") or []:
        if part["type"] == "table_head":
            rows.append(_row(part["children"]))
        else:
            rows += [_row(row.get("children") or []) for row in part.get("children") or []]
    return [Node("table", content=rows)]


def _row(cells: list[Token]) -> Node:
    return Node(
        "table_row",
        content=[
            Node(
                "table_header" if (cell.get("attrs") or {}).get("head") else "table_cell",
                {"colspan": 1, "rowspan": 1, "colwidth": None, "background": None},
                [Node("paragraph", content=_inlines(cell.get("children") or [], []))],
            )
            for cell in cells
        ],
    )


def _literal_block(token: Token) -> list[Node]:
    raw = token.get("raw", "").strip()
    return [Node("paragraph", content=[text(raw)])] if raw else []


BLOCK_RULES: dict[str, Callable[[Token], list[Node]]] = {
    "paragraph": _paragraph,
    "block_text": _paragraph,
    "heading": _heading,
    "block_quote": _blockquote,
    "block_code": _code,
    "list": _list,
    "table": _table,
    "thematic_break": lambda token: [Node("divider")],
    "block_html": _literal_block,
}


# --- inlines ------------------------------------------------------------------------------------


def _inlines(tokens: list[Token], marks: list[Mark]) -> list[Node]:
    """Inline nodes, adjacent text with equal marks merged (ProseMirror stores it that way)."""
    nodes: list[Node] = []
    for token in tokens:
        rule = INLINE_RULES.get(token["type"])
        for node in rule(token, marks) if rule is not None else []:
            last = nodes[-1] if nodes else None
            if last is not None and last.type == node.type == "text" and last.marks == node.marks:
                last.text = (last.text or "") + (node.text or "")
            else:
                nodes.append(node)
    return nodes


def _text(token: Token, marks: list[Mark]) -> list[Node]:
    """Text with its entity references decoded (mistune leaves ``&amp;`` to the renderer; a backslash
    escape arrives as its own token, so ``\\&amp;`` stays literal)."""
    raw = html.unescape(token.get("raw", ""))
    return [text(raw, marks)] if raw else []


def _literal(token: Token, marks: list[Mark]) -> list[Node]:
    raw = token.get("raw", "")
    return [text(raw, marks)] if raw else []


def _marked(mark_type: str) -> Callable[[Token, list[Mark]], list[Node]]:
    def rule(token: Token, marks: list[Mark]) -> list[Node]:
        return _inlines(token.get("children") or [], [*marks, Mark(mark_type)])

    return rule


def _link(token: Token, marks: list[Mark]) -> list[Node]:
    attrs = token.get("attrs") or {}
    link = Mark("link", {"href": attrs.get("url"), "title": attrs.get("title")})
    return _inlines(token.get("children") or [], [*marks, link])


def _image(token: Token, marks: list[Mark]) -> list[Node]:
    attrs = token.get("attrs") or {}
    alt = "".join(node.text or "" for node in _inlines(token.get("children") or [], []))
    return [
        Node(
            "image", {"src": attrs.get("url"), "alt": alt or None, "title": attrs.get("title"), "width": None}
        )
    ]


INLINE_RULES: dict[str, Callable[[Token, list[Mark]], list[Node]]] = {
    "text": _text,
    "inline_html": _literal,
    "codespan": lambda token, marks: [text(token["raw"], [*marks, Mark("code")])] if token.get("raw") else [],
    "strong": _marked("strong"),
    "emphasis": _marked("em"),
    "strikethrough": _marked("strike"),
    "link": _link,
    "image": _image,
    "linebreak": lambda token, marks: [Node("br")],
    "softbreak": lambda token, marks: [text(" ", marks)],
}
