"""The state the Markdown rules share: the tree under construction (``Builder``) and the rule signatures.

Its own module, as markdown-it-py's ``rules_block/state_block.py``, so that the rule modules and the
driver (``markdown_rules``) do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.report import Report


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
    #: The inline rules in use (the plain ones, or with a site dialect's): set by ``markdown_rules.build``.
    inline_rules: dict[str, InlineRule] = field(default_factory=dict)
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


BlockRule = Callable[[Builder, list[Token], int], int]
InlineRule = Callable[[Builder, Token], None]
