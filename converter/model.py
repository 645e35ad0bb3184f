"""The one document tree every reader produces and every writer consumes.

Nodes and marks carry the names of the stored Productive JSON (spec §2), so the stored body is simply the
tree's JSON form. The tree is a little wider than what Productive stores in one place only: headings may
have levels 4-6 (local Markdown keeps them; the Productive writers lower them). ``line`` is the source
line a node came from, kept for conversion reports and never compared or serialised.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from productive_docs.converter import inferred


@dataclass(slots=True)
class Mark:
    """An inline mark (``strong``, ``link`` ...) on a text node."""

    type: str
    attrs: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        return Mark, (self.type, self.attrs)


@dataclass(slots=True)
class Node:
    """A block or inline node; ``text`` is set on ``text`` nodes only."""

    type: str
    attrs: dict[str, Any] = field(default_factory=dict)
    content: list[Node] = field(default_factory=list)
    text: str | None = None
    marks: list[Mark] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields in order: a third smaller and twice as fast to write as the default state
        of a slotted class (an import sends every page's tree to and from its worker processes)."""
        return Node, (self.type, self.attrs, self.content, self.text, self.marks, self.line)


def text(value: str, marks: list[Mark] | None = None) -> Node:
    """A text node."""
    return Node("text", text=value, marks=list(marks or ()))


def empty_doc() -> Node:
    """The body of a fresh Productive page (spec §2.1)."""
    return Node("doc", content=[Node("paragraph")])


# --- schema -------------------------------------------------------------------------------------------------

INLINE = frozenset({"text", "image", inferred.FILE, "mention", inferred.VAR, "br"})
LIST_BLOCKS = frozenset({"ul", "ol", inferred.CHECKLIST})
BLOCK = frozenset(
    {"paragraph", "heading", "blockquote", "codeblock", "table", "divider", inferred.BANNER, inferred.COLUMNS}
    | LIST_BLOCKS
)
MARKS = frozenset({"link", "em", "strike", inferred.UNDERLINE, "strong", "code", "discussion", "styles"})


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """What a node may contain, and its attrs with their defaults (a default is dropped by ``normalize``)."""

    content: frozenset[str]
    attrs: dict[str, Any] = field(default_factory=dict)


_CELL_ATTRS = {"colspan": 1, "rowspan": 1, "colwidth": None, "background": None, inferred.ALIGN_ATTR: None}

SCHEMA: dict[str, NodeSpec] = {
    "doc": NodeSpec(BLOCK),
    "paragraph": NodeSpec(INLINE, {"id": None, inferred.ALIGN_ATTR: None}),
    "heading": NodeSpec(INLINE, {"level": 1, "id": None, inferred.ALIGN_ATTR: None}),
    "blockquote": NodeSpec(BLOCK, {"id": None}),
    "codeblock": NodeSpec(frozenset({"text"}), {"language": None, "id": None}),
    "ol": NodeSpec(frozenset({"li"}), {"order": 1, "id": None}),
    "ul": NodeSpec(frozenset({"li"}), {"id": None}),
    "li": NodeSpec(BLOCK),
    inferred.CHECKLIST: NodeSpec(frozenset({inferred.CHECKLIST_ITEM}), {"id": None}),
    inferred.CHECKLIST_ITEM: NodeSpec(BLOCK, {inferred.CHECKED_ATTR: False}),
    "table": NodeSpec(frozenset({"table_row"}), {"id": None}),
    "table_row": NodeSpec(frozenset({"table_header", "table_cell"})),
    "table_header": NodeSpec(frozenset({"paragraph"}), _CELL_ATTRS),
    "table_cell": NodeSpec(frozenset({"paragraph"}), _CELL_ATTRS),
    "divider": NodeSpec(frozenset()),
    inferred.BANNER: NodeSpec(BLOCK, {inferred.BANNER_TYPE_ATTR: "info", "id": None}),
    inferred.COLUMNS: NodeSpec(
        frozenset({inferred.COLUMN}), {inferred.COLUMNS_COUNT_ATTR: None, inferred.COLUMNS_WIDTHS_ATTR: None}
    ),
    inferred.COLUMN: NodeSpec(BLOCK),
    "text": NodeSpec(frozenset()),
    "image": NodeSpec(frozenset(), {"src": None, "alt": None, "title": None, "width": None}),
    inferred.FILE: NodeSpec(frozenset(), {v: None for v in inferred.FILE_ATTRS.values()}),
    "mention": NodeSpec(frozenset({"text"}), {"id": None, "type": None, "label": None, "avatarUrl": None}),
    inferred.VAR: NodeSpec(frozenset(), {inferred.VAR_NAME_ATTR: None}),
    "br": NodeSpec(frozenset()),
}

MARK_ATTRS: dict[str, dict[str, Any]] = {
    "link": {"href": None, "title": None},
    "discussion": {"discussionId": None, "resolvedId": None},
    "styles": {key: None for key in inferred.STYLES_ATTRS},
}


def check(node: Node, path: str = "doc") -> list[str]:
    """Schema problems of a tree, one readable line each (empty when the tree is valid)."""
    if _valid(node):  # the common case, without building a path for every node
        return []
    problems: list[str] = []
    spec = SCHEMA.get(node.type)
    if spec is None:
        return [f"{path}: unknown node type {node.type!r}"]
    if node.type == "text":
        if not node.text:
            problems.append(f"{path}: empty text node")
        problems += [f"{path}: unknown mark {m.type!r}" for m in node.marks if m.type not in MARKS]
    for index, child in enumerate(node.content):
        where = f"{path}/{index}:{child.type}"
        if child.type not in spec.content:
            problems.append(f"{where}: {child.type!r} may not stand in {node.type!r}")
        problems += check(child, where)
    return problems


def _valid(node: Node) -> bool:
    """Whether ``check`` finds nothing in ``node``."""
    spec = SCHEMA.get(node.type)
    if spec is None:
        return False
    if node.type == "text" and (not node.text or any(m.type not in MARKS for m in node.marks)):
        return False
    allowed = spec.content
    return all(child.type in allowed and _valid(child) for child in node.content)


# --- JSON form --------------------------------------------------------------------------------------------


def to_json(node: Node) -> dict[str, Any]:
    """The stored JSON object of a node (attrs and content only where present)."""
    out: dict[str, Any] = {"type": node.type}
    if node.attrs:
        out["attrs"] = dict(node.attrs)
    if node.text is not None:
        out["text"] = node.text
    if node.marks:
        out["marks"] = [
            {"type": m.type, "attrs": dict(m.attrs)} if m.attrs else {"type": m.type} for m in node.marks
        ]
    if node.content:
        out["content"] = [to_json(child) for child in node.content]
    return out


def from_json(data: dict[str, Any]) -> Node:
    """A node from its stored JSON object; raises ``ValueError`` on a shape that is not a node."""
    if not isinstance(data, dict) or not isinstance(node_type := data.get("type"), str):
        raise ValueError(f"not a document node: {str(data)[:80]!r}")
    attrs = data.get("attrs") or {}
    content = data.get("content") or []
    marks = data.get("marks") or []
    if not isinstance(attrs, dict) or not isinstance(content, list) or not isinstance(marks, list):
        raise ValueError(f"malformed {node_type!r} node")
    node_marks = [_mark_from_json(mark, node_type) for mark in marks] if marks else []
    text_value = data.get("text")
    return Node(
        node_type,
        dict(attrs),
        [from_json(child) for child in content] if content else [],
        text_value if isinstance(text_value, str) else None,
        node_marks,
    )


def _mark_from_json(data: Any, node_type: str) -> Mark:
    if isinstance(data, dict) and isinstance(mark_type := data.get("type"), str):
        attrs = data.get("attrs") or {}
        if isinstance(attrs, dict):
            return Mark(mark_type, dict(attrs))
    raise ValueError(f"malformed mark in a {node_type!r} node")


# --- normal form --------------------------------------------------------------------------------------------


#: Nodes whose ``id`` attr is content (who is mentioned), not a block anchor.
_ID_IS_CONTENT = frozenset({"mention"})


def _clean_attrs(attrs: dict[str, Any], defaults: dict[str, Any], keep_id: bool = False) -> dict[str, Any]:
    """Attrs without block ids, nulls, empty strings and default values, keys sorted."""
    return {
        key: attrs[key]
        for key in sorted(attrs)
        if (keep_id or key != "id")
        and attrs[key] not in (None, "", [], {})
        and defaults.get(key, object()) != attrs[key]
    }


def _norm_marks(marks: list[Mark]) -> list[dict[str, Any]]:
    out = []
    for mark in marks:
        attrs = _clean_attrs(mark.attrs, MARK_ATTRS.get(mark.type, {}))
        out.append({"type": mark.type, "attrs": attrs} if attrs else {"type": mark.type})
    return sorted(out, key=lambda m: json.dumps(m, sort_keys=True))


def _norm_node(node: Node) -> dict[str, Any]:
    spec = SCHEMA.get(node.type)
    out: dict[str, Any] = {"type": node.type}
    attrs = _clean_attrs(node.attrs, spec.attrs if spec else {}, keep_id=node.type in _ID_IS_CONTENT)
    if attrs:
        out["attrs"] = attrs
    if node.type == "text":
        out["text"] = node.text or ""
        marks = _norm_marks(node.marks)
        if marks:
            out["marks"] = marks
        return out
    content: list[dict[str, Any]] = []
    for child in node.content:
        if child.type == "text" and not child.text:
            continue
        norm = _norm_node(child)
        last = content[-1] if content else None
        if last and last["type"] == norm["type"] == "text" and last.get("marks") == norm.get("marks"):
            last["text"] += norm["text"]
        else:
            content.append(norm)
    if content:
        out["content"] = content
    return out


def normalize(node: Node) -> dict[str, Any]:
    """The normal form used to compare documents (spec §3.4).

    Drops block ``attrs.id``, null/empty/default attrs and empty text nodes, merges adjacent text with equal
    marks, sorts marks, and treats a trailing empty paragraph (and an empty document) as nothing.
    """
    out = _norm_node(node)
    if node.type == "doc":
        blocks = out.get("content", [])
        while blocks and blocks[-1] == {"type": "paragraph"}:
            blocks.pop()
        out["content"] = blocks
    return out


def doc_hash(node: Node) -> str:
    """A stable hash of the normal form, for change detection."""
    canonical = json.dumps(normalize(node), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
