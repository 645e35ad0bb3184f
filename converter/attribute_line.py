"""Attribute lines: what Markdown cannot say about a block, in one HTML comment right after it.

Written by the ``md`` writer, read back by the Markdown reader onto the block just read; a comment renders
as nothing, so the Markdown looks as it should everywhere. Two kinds:

- ``<!-- attrs {...} -->`` after a paragraph or heading: its attrs (``textAlign``) and, under ``"images"``,
  one object per image in it (``{"width": 760}``, ``null`` for an image without extras);
- ``<!-- table {...} -->`` after a table, below;
- ``<!-- paragraph {...} -->`` on its own: a paragraph without text (``"br"``: how many line breaks it
  holds, and its attrs), which Markdown has no form for. A paragraph with text but line breaks at its
  edges is written without them and ``"br": [leading, trailing]`` in its ``attrs`` line.

Columns (a layout GFM has no form for) are their blocks between three comments, so every Markdown viewer
shows the blocks one after another and the reader rebuilds the layout:

    <!-- columns {"count":2,"widths":"1fr 2fr"} -->

    Left

    <!-- column -->

    Right

    <!-- /columns -->

The opening comment holds the columns' attrs; ``<!-- column -->`` starts the next column.

A GFM table holds one paragraph of inline content per cell, a header row and one alignment per column.
Everything else a table of the tree may carry is written by the ``md`` writer in a comment right after
the table (a comment renders as nothing, so the table looks as it should everywhere), and the Markdown
reader puts it back on the table just read:

    | Name | Count |
    | --- | --: |
    | Alpha | 1 |

    <!-- table {"size":[2,2],"head":false,"columns":[{"colwidth":[120]},{}],"cells":{"1,1":{"p":[0]}}} -->

| key       | holds                                                                                      |
| --------- | ------------------------------------------------------------------------------------------ |
| ``size``  | rows and columns (a table edited since is left as read, with a report entry)               |
| ``head``  | ``false``: row 1 is body cells (a table without a header row: its first row is the header) |
| ``headcol`` | ``true``: column 1 is header cells (below row 1 too)                                     |
| ``columns`` | per column, the attrs all its cells share (``colwidth``, ``background`` ...)             |
| ``cells`` | ``"row,column"`` -> that cell's own attrs (``null`` removes a column's), ``"type"`` when a |
|           | cell is a header cell outside row 1 (or a body cell in it), ``"align"`` when it is not its |
|           | column's, ``"p"``: which of the cell's ``<br>`` (counted from 0) end a paragraph, ``"pa"``: |
|           | its paragraphs' attrs (alignment), ``"empty"``: the cell has no paragraph at all;         |
|           | ``"colspan"`` / ``"rowspan"``: a merged cell, whose covered cells are empty in the table   |
"""

from __future__ import annotations

import json
import re
from typing import Any

from productive_docs.converter import inferred
from productive_docs.converter.model import Node

PREFIX = "<!-- "
SUFFIX = " -->"
PATTERN = re.compile(r"<!-- (table|attrs|paragraph) (\{.*\}) -->\s*", re.DOTALL)
KINDS = {"table": frozenset({"table"}), "attrs": frozenset({"paragraph", "heading"})}
#: The kind of comment that stands for a paragraph of its own (not a line about the block before it).
PARAGRAPH = "paragraph"
#: Most line breaks a paragraph comment or an edge count may ask for (a bound on hand-edited files).
MAX_BREAKS = 1000
#: Cell attrs a pipe table expresses itself, or the writer adds to a cell's entry itself (spans).
GFM_CELL_ATTRS = frozenset({"colspan", "rowspan", inferred.ALIGN_ATTR})
#: Keys of a cell's entry that are not cell attrs (a cell attr of such a name makes the table HTML).
META_KEYS = frozenset({"type", "p", "pa", "empty"})
#: Longest comment read (a bound on what a hand-edited file can make the reader parse).
MAX_LENGTH = 1_000_000


COLUMNS_OPEN = "columns"
COLUMN_BREAK = "<!-- column -->"
COLUMNS_CLOSE = "<!-- /columns -->"
_COLUMNS = re.compile(r"<!-- columns( \{.*\})? -->\s*", re.DOTALL)


def columns_comment(html: str) -> tuple[str, dict[str, Any]] | None:
    """``("open", attrs)``, ``("column", {})`` or ``("close", {})`` for the comments that delimit columns,
    ``None`` for any other HTML (or an opening comment whose attrs are not a JSON object)."""
    text = html.rstrip()
    if text == COLUMN_BREAK:
        return "column", {}
    if text == COLUMNS_CLOSE:
        return "close", {}
    match = _COLUMNS.fullmatch(html) if len(html) <= MAX_LENGTH else None
    if match is None:
        return None
    try:
        attrs = json.loads(match.group(1)) if match.group(1) else {}
    except ValueError:
        return None
    return ("open", attrs) if isinstance(attrs, dict) else None


def comment(kind: str, meta: dict[str, Any]) -> str:
    """The attribute line for ``meta`` (compact JSON; ``--`` cannot occur in it, so the comment stays one)."""
    text = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return f"{PREFIX}{kind} " + text.replace("--", "-\\u002d") + SUFFIX


def parse(html: str) -> tuple[str, dict[str, Any]] | None:
    """The kind and metadata of an attribute line, or ``None`` when ``html`` is not one."""
    if len(html) > MAX_LENGTH or not html.startswith(PREFIX):
        return None
    match = PATTERN.fullmatch(html)
    if not match:
        return None
    try:
        meta = json.loads(match.group(2))
    except ValueError:
        return None
    return (match.group(1), meta) if isinstance(meta, dict) else None


def apply(block: Node, kind: str, meta: dict[str, Any]) -> str | None:
    """Put ``meta`` back on ``block``, the block before the line; a reason when it does not fit."""
    if block.type not in KINDS[kind]:
        return f"{kind} attribute line after a {block.type}"
    return _apply_table(block, meta) if kind == "table" else _apply_block(block, meta)


def paragraph(meta: dict[str, Any]) -> Node | None:
    """The paragraph a ``<!-- paragraph {...} -->`` comment stands for; ``None`` when malformed."""
    count = meta.pop("br", 0)
    if not isinstance(count, int) or not 0 <= count <= MAX_BREAKS:
        return None
    return Node("paragraph", meta, [Node("br") for _ in range(count)])


def _apply_block(block: Node, meta: dict[str, Any]) -> str | None:
    edges = meta.pop("br", None)
    if edges is not None:
        if (
            not isinstance(edges, list) or len(edges) != 2
            or not all(isinstance(n, int) and 0 <= n <= MAX_BREAKS for n in edges)
        ):
            return "the attribute line is malformed"
        block.content[:0] = [Node("br") for _ in range(edges[0])]
        block.content += [Node("br") for _ in range(edges[1])]
    images = [node for node in block.content if node.type == "image"]
    extras = meta.pop("images", None) or [None] * len(images)
    if not isinstance(extras, list) or len(extras) != len(images):
        return "the images no longer match the attribute line"
    for image, extra in zip(images, extras, strict=True):
        image.attrs.update(extra if isinstance(extra, dict) else {})
    block.attrs.update(meta)
    return None


def _apply_table(table: Node, meta: dict[str, Any]) -> str | None:
    """Put ``meta`` back on ``table`` (as the Markdown reader built it); a reason when it does not fit."""
    rows = [row.content for row in table.content]
    size = meta.get("size")
    if size != [len(rows), len(rows[0]) if rows else 0] or any(len(row) != size[1] for row in rows):
        return "the table no longer has the size its attribute line was written for"
    columns = meta.get("columns") or [{}] * size[1]
    cells = meta.get("cells") or {}
    if not isinstance(columns, list) or len(columns) != size[1] or not isinstance(cells, dict):
        return "the attribute line is malformed"
    head, head_column = meta.get("head") is not False, meta.get("headcol") is True
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            own = cells.get(f"{r},{c}") or {}
            if (r, c) in covered:
                if own or any(paragraph.content for paragraph in cell.content):
                    return "a cell that a merged cell covers is not empty"
                continue
            if not isinstance(own, dict) or not isinstance(columns[c], dict):
                return "the attribute line is malformed"
            attrs = {**cell.attrs, **columns[c], **own}
            kind = attrs.pop("type", None) or expected_type(r, c, head, head_column)
            paragraphs = _split_paragraphs(cell.content, attrs.pop("p", None) or [])
            paragraph_attrs = attrs.pop("pa", None) or []
            if not isinstance(paragraph_attrs, list) or len(paragraph_attrs) > len(paragraphs):
                return "the attribute line is malformed"
            for paragraph, extra in zip(paragraphs, paragraph_attrs, strict=False):
                paragraph.attrs.update(extra if isinstance(extra, dict) else {})
            if attrs.pop("empty", None):
                paragraphs = []
            row[c] = Node(
                kind if kind in ("table_header", "table_cell") else cell.type,
                {key: value for key, value in attrs.items() if value is not None},
                paragraphs,
                line=cell.line,
            )
            spans = [attrs.get("rowspan") or 1, attrs.get("colspan") or 1]
            if not all(isinstance(span, int) and span >= 1 for span in spans):
                return "the attribute line is malformed"
            if r + spans[0] > len(rows) or c + spans[1] > size[1]:
                return "the merged cells no longer fit the table"
            covered |= {(r + dr, c + dc) for dr in range(spans[0]) for dc in range(spans[1]) if dr or dc}
    for r, row in enumerate(rows):
        row[:] = [cell for c, cell in enumerate(row) if (r, c) not in covered]
    return None


def expected_type(row: int, column: int, head: bool, head_column: bool) -> str:
    """The cell type the pipe table and the table-wide keys give a cell (``"type"`` says otherwise)."""
    return "table_header" if (row == 0 and head) or (column == 0 and head_column) else "table_cell"


def _split_paragraphs(content: list[Node], breaks: list[int]) -> list[Node]:
    """A cell's one paragraph split at the line breaks that ended paragraphs."""
    if not breaks or len(content) != 1:
        return content
    paragraphs = [Node("paragraph")]
    count = 0
    for node in content[0].content:
        if node.type == "br":
            if count in breaks:
                paragraphs.append(Node("paragraph"))
                count += 1
                continue
            count += 1
        paragraphs[-1].content.append(node)
    return paragraphs
