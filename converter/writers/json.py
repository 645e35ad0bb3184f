"""Writer for the stored body (the JSON object Productive keeps in ``pages.body``).

The text is exactly ``json.dumps(model.to_json(tree), ensure_ascii=False)``, written straight from the
tree: building the intermediate dicts cost four times as much as writing the text (``bench_convert.py``,
md -> json), and a 10 MB document's dicts take more memory than its tree.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.report import Report

#: Attrs are written by the standard encoder (any JSON value may stand in them).
_encode_attrs = json.JSONEncoder(ensure_ascii=False).encode


def write(doc: Node, report: Report) -> str:
    """The stored JSON of ``doc``, with what Productive cannot store lowered first."""
    return _node(lower_for_productive(doc, report))


def _mark(mark: Mark) -> str:
    if mark.attrs:
        return f'{{"type": {encode_basestring(mark.type)}, "attrs": {_encode_attrs(mark.attrs)}}}'
    return f'{{"type": {encode_basestring(mark.type)}}}'


def _node(node: Node) -> str:
    """A node's object, keys in the order of ``model.to_json`` (attrs, text, marks, content where present)."""
    parts = ['{"type": ', encode_basestring(node.type)]
    if node.attrs:
        parts += [', "attrs": ', _encode_attrs(node.attrs)]
    if node.text is not None:
        parts += [', "text": ', encode_basestring(node.text)]
    if node.marks:
        parts += [', "marks": [', ", ".join([_mark(mark) for mark in node.marks]), "]"]
    if node.content:
        parts += [', "content": [', ", ".join([_node(child) for child in node.content]), "]"]
    parts.append("}")
    return "".join(parts)
