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

from converter import inferred
from converter.model import Node
from converter.report import Report


def lower_for_productive(doc: Node, report: Report) -> Node:
    """A copy of ``doc`` that Productive can store, every change reported."""

    def visit(node: Node) -> Node:
        attrs = node.attrs
        if node.type == "heading" and attrs.get("level", 1) > inferred.MAX_HEADING_LEVEL:
            report.add(
                f"heading level {attrs['level']}", f"heading level {inferred.MAX_HEADING_LEVEL}", node.line
            )
            attrs = {**attrs, "level": inferred.MAX_HEADING_LEVEL}
        content = node.content
        if content:
            lowered = [visit(child) for child in content]
            if any(new is not old for new, old in zip(lowered, content, strict=True)):
                content = lowered
        if attrs is node.attrs and content is node.content:
            return node
        return replace(node, attrs=attrs, content=content)

    return visit(doc)
