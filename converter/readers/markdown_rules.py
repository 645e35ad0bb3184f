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
children of ``inline`` tokens); ``markdown_state`` holds the ``Builder`` they share (so that no rule
module imports this one); this module holds the driver, ``build``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from productive_docs.converter.model import Node
from productive_docs.converter.readers.markdown_block_rules import BLOCK_RULES
from productive_docs.converter.readers.markdown_inline_rules import INLINE_RULES
from productive_docs.converter.readers.markdown_state import BlockRule, Builder, InlineRule
from productive_docs.converter.report import Report

__all__ = ["BlockRule", "Builder", "InlineRule", "build"]

@cache
def _dialect_rules() -> tuple[dict[str, BlockRule], dict[str, InlineRule]]:
    """The rules of a file read with a site dialect (``MarkdownOptions``; its tokens never occur otherwise),
    loaded on the first such file."""
    from productive_docs.converter.readers.markdown_dialect_rules import (
        DIALECT_BLOCK_RULES,
        DIALECT_INLINE_RULES,
    )

    return {**BLOCK_RULES, **DIALECT_BLOCK_RULES}, {**INLINE_RULES, **DIALECT_INLINE_RULES}


#: What a token already turned into nodes is replaced with in the stream (see ``build``).
_SPENT = Token("spent", "", 0)


def build(md: MarkdownIt, tokens: list[Token], env: dict[str, Any], report: Report) -> Node:
    """The document tree of a token stream, which it consumes: each token is replaced with ``_SPENT`` once
    turned into nodes (no rule looks back), so the tokens are freed while the tree grows and the two do not
    peak together (a 10 MB file's tokens take about as much memory as its tree)."""
    rules, inline_rules = _dialect_rules() if "options" in env else (BLOCK_RULES, INLINE_RULES)
    b = Builder(md, env, report, inline_rules=inline_rules)
    i, end = 0, len(tokens)
    while i < end:
        token = tokens[i]
        if token.map is not None:
            b.line = token.map[0] + 1
        rule = rules.get(token.type)
        if rule is None:
            b.lowered(f"markdown construct {token.type!r}", "dropped")
            tokens[i] = _SPENT
            i += 1
            continue
        following = rule(b, tokens, i)
        tokens[i] = _SPENT
        i += 1
        while i < following:  # a rule that read the tokens after its own
            tokens[i] = _SPENT
            i += 1
    return b.stack[0]
