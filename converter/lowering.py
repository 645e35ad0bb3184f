"""Lowering rules for Productive targets: what the tree may hold but Productive cannot store.

The tree keeps everything a local file expresses; the ``productive-md``, ``html`` and ``json`` writers
first pass it through ``lower_for_productive``. Each rule reports what it changed.

| construct        | becomes                                   | why                                  |
| ---------------- | ----------------------------------------- | ------------------------------------ |
| heading 4-6      | heading of level ``MAX_HEADING_LEVEL``    | spec §2.3: h4-h6 "are not rendered"  |

Constructs that no node can hold at all (footnotes, definition lists, math, nested tables, block content
in table cells, unknown HTML) are lowered by the readers, which know the source line; see their modules.
"""

from __future__ import annotations

from dataclasses import replace
from operator import is_not

from productive_docs.converter import inferred
from productive_docs.converter.model import INLINE, SCHEMA, Node
from productive_docs.converter.report import Report

#: Nodes whose content is inline by the schema (paragraph, heading, code block, inline nodes): no rule
#: applies inside them, so ``lower_for_productive`` does not walk their text (most of a document's nodes).
_INLINE_ONLY = frozenset(name for name, spec in SCHEMA.items() if spec.content <= INLINE)


def lower_for_productive(doc: Node, report: Report) -> Node:
    """A copy of ``doc`` that Productive can store, every change reported."""
    return _lowered(doc, report)


def _lowered(node: Node, report: Report) -> Node:
    """``node`` itself when nothing in it changes (a module function, not a closure: a recursive closure
    is a reference cycle that keeps the report alive until the garbage collector runs)."""
    if node.type in _INLINE_ONLY:
        level = node.attrs.get("level", 1) if node.type == "heading" else 1
        if level <= inferred.MAX_HEADING_LEVEL:
            return node
        report.add(f"heading level {level}", f"heading level {inferred.MAX_HEADING_LEVEL}", node.line)
        return replace(node, attrs={**node.attrs, "level": inferred.MAX_HEADING_LEVEL})
    lowered = [_lowered(child, report) for child in node.content]
    if any(map(is_not, lowered, node.content)):
        return replace(node, content=lowered)
    return node
