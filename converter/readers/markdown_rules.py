"""markdown-it tokens -> document nodes: one small rule per token type, dispatched from two tables.

``BLOCK_RULES`` handles the flat block token stream (``*_open`` pushes a node, ``*_close`` pops it);
``INLINE_RULES`` handles the children of an ``inline`` token, with a stack of active marks. Constructs no
node can hold are lowered by the rules, where the source line is known, and reported:

| construct            | becomes                                                              |
| -------------------- | -------------------------------------------------------------------- |
| footnote reference   | text ``[n]``                                                         |
| footnote definitions | a final paragraph "Footnotes" and an ordered list of the definitions |
| definition list      | each term a bold paragraph, each definition a blockquote             |
| math (inline/block)  | code mark / codeblock with language ``math``                         |
| admonition title     | a bold first paragraph in the banner (default titles are dropped)    |
| collapsible ``???``  | a plain banner                                                       |
| mixed task list      | a bullet list whose task items start with literal ``[ ]`` / ``[x]``  |
| ordered task list    | a checklist (numbers are not kept)                                   |
| GitHub IMPORTANT     | banner ``info`` (writes back as NOTE)                                |
| em in em, strong in strong | one mark (the tree holds a mark once)                          |
| link without text    | dropped                                                              |
| raw HTML             | what the HTML reader makes of it (its own lowerings reported too)    |

Raw HTML (unsupported inside Markdown, spec §2.6) is reported and handed to the HTML reader:
``html_block`` to ``parse_blocks``; an inline run that holds ``html_inline`` is rendered to HTML as a
whole by markdown-it and given to ``parse_inline``, so tags that wrap Markdown (``<u>**x**</u>``) keep
both.

The rules live in ``markdown_block_rules`` (the flat block stream) and ``markdown_inline_rules`` (the
children of ``inline`` tokens); this module holds the ``Builder`` they share and the driver, ``build``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_block_rules import BLOCK_RULES
from productive_docs.converter.readers.markdown_dialect_rules import DIALECT_BLOCK_RULES, DIALECT_INLINE_RULES
from productive_docs.converter.readers.markdown_inline_rules import INLINE_RULES
from productive_docs.converter.report import Report

BlockRule = Callable[["Builder", list[Token], int], int]
InlineRule = Callable[["Builder", Token], None]


@dataclass(slots=True)
class Builder:
    """The tree under construction: a stack of open nodes, the active marks, lowering bookkeeping."""

    md: MarkdownIt
    env: dict[str, Any]
    report: Report
    stack: list[Node] = field(default_factory=lambda: [Node("doc")])
    marks: list[Mark] = field(default_factory=list)
    nested_marks: int = 0
    link_starts: list[int] = field(default_factory=list)
    line: int | None = None
    #: The inline rules in use (the plain ones, or with a site dialect's).
    inline_rules: dict[str, InlineRule] = field(default_factory=lambda: INLINE_RULES)
    #: Per open dialect container: whether it opened a node (a tab label does not).
    opened: list[bool] = field(default_factory=list)

    @property
    def top(self) -> Node:
        return self.stack[-1]

    def open(self, node: Node) -> None:
        node.line = self.line
        self.stack[-1].content.append(node)
        self.stack.append(node)

    def close(self) -> Node:
        return self.stack.pop()

    def add(self, node: Node) -> None:
        if node.line is None:
            node.line = self.line
        self.stack[-1].content.append(node)

    def add_text(self, text: str, marks: list[Mark]) -> None:
        """A text node (the commonest node: built with positional arguments, the fastest way)."""
        self.stack[-1].content.append(Node("text", {}, [], text, marks, self.line))

    def active(self) -> list[Mark]:
        """The active marks, each once (``*(*a*)*`` nests em in em; the tree holds it once)."""
        if not self.nested_marks:
            return self.marks.copy()
        out: list[Mark] = []
        for mark in self.marks:
            if mark not in out:
                out.append(mark)
        return out

    def lowered(self, what: str, became: str) -> None:
        self.report.add(what, became, self.line)


#: The rules of a file read with a site dialect (``MarkdownOptions``; its tokens never occur otherwise).
_DIALECT_BLOCK_RULES = {**BLOCK_RULES, **DIALECT_BLOCK_RULES}
_DIALECT_INLINE_RULES = {**INLINE_RULES, **DIALECT_INLINE_RULES}


def build(md: MarkdownIt, tokens: list[Token], env: dict[str, Any], report: Report) -> Node:
    """The document tree of a token stream."""
    dialect = "options" in env
    b = Builder(md, env, report, inline_rules=_DIALECT_INLINE_RULES if dialect else INLINE_RULES)
    rules, i, end = _DIALECT_BLOCK_RULES if dialect else BLOCK_RULES, 0, len(tokens)
    while i < end:
        token = tokens[i]
        if token.map is not None:
            b.line = token.map[0] + 1
        rule = rules.get(token.type)
        if rule is None:
            b.lowered(f"markdown construct {token.type!r}", "dropped")
            i += 1
            continue
        i = rule(b, tokens, i)
    return b.stack[0]
