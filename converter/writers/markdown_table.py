"""GFM pipe tables for the ``md`` writer: any table whose cells hold inline content, losslessly.

A cell's paragraphs are joined by ``<br>`` (as are its line breaks); what a pipe table cannot say goes
into the attribute line of ``converter.attribute_line``: column widths, colours, header cells outside
row 1, an alignment that differs from the column's, which ``<br>`` ended a paragraph, paragraph alignment. A
table without a header row is written with its first row as the header (``"head": false``).

Merged cells are the pipe table's grid with the cells they cover left empty, and their ``colspan`` /
``rowspan`` in the attribute line (the reader drops the covered cells again). Only what a pipe table
cannot hold at all is left to HTML (the caller writes it and reports ``reason``): merged cells that do not
make a rectangle, rows of different lengths, an empty table or row, attrs on the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from productive_docs.converter import attribute_line, inferred
from productive_docs.converter.model import SCHEMA, Node

GFM_ALIGN = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}
_DEFAULTS = SCHEMA["table_cell"].attrs


def html_reason(node: Node, rows: list[list[Node | None]] | None) -> str | None:
    """Why ``node`` must be an HTML table, or ``None`` when a pipe table can hold it (``rows``: its
    ``table_grid``)."""
    if not node.content or any(row.type != "table_row" or not row.content for row in node.content):
        return "empty table or row"
    if any(value not in (None, "", [], {}) for key, value in node.attrs.items() if key != "id"):
        return "table attributes"
    for row in node.content:
        for cell in row.content:
            if attribute_line.META_KEYS & cell.attrs.keys():
                return "cell attributes named like the attribute line's keys"
            if any(paragraph.type != "paragraph" for paragraph in cell.content):
                return "block content in a cell"
    if rows is None:
        return "rows of different lengths (merged cells counted)"
    return None


def table_grid(node: Node) -> list[list[Node | None]] | None:
    """The ``grid`` of a table node's rows (computed once for ``html_reason`` and ``write_table``)."""
    return grid([row.content for row in node.content])


def _span(cell: Node, key: str) -> int:
    value = cell.attrs.get(key)
    return value if isinstance(value, int) and value > 1 else 1


def grid(rows: list[list[Node]]) -> list[list[Node | None]] | None:
    """The rows as a rectangle of positions: each cell where HTML places it, ``None`` where a merged cell
    covers the position; ``None`` when the cells do not fill a rectangle exactly."""
    placed: dict[tuple[int, int], Node | None] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            if rowspan == colspan == 1:  # most cells: their own position, free as the loop above found
                placed[(r, c)] = cell
                c += 1
                continue
            if r + rowspan > len(rows):
                return None
            for position in ((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)):
                if position in placed:
                    return None
                placed[position] = cell if position == (r, c) else None
            c += colspan
    width = max((c for _, c in placed), default=-1) + 1
    if len(placed) != width * len(rows):
        return None
    return [[placed[(r, c)] for c in range(width)] for r in range(len(rows))]


_NO_DEFAULT = object()
_PARAGRAPH_SKIP = frozenset({"id"})


def _present(attrs: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    if not attrs:
        return {}
    return {
        key: value
        for key, value in attrs.items()
        if key not in skip and value not in (None, "", [], {}) and _DEFAULTS.get(key, _NO_DEFAULT) != value
    }


def _own_attrs(cell: Node, expected: str, breaks: list[int]) -> dict[str, Any]:
    """What the attribute line keeps of one cell: attrs GFM cannot say (spans too), its type when
    unexpected, its paragraphs' attrs, which breaks end a paragraph, and that it has no paragraph."""
    own = _present(cell.attrs, attribute_line.GFM_CELL_ATTRS)
    own |= {key: _span(cell, key) for key in ("colspan", "rowspan") if _span(cell, key) > 1}
    if cell.type != expected:
        own["type"] = cell.type
    if any(paragraph.attrs for paragraph in cell.content):  # else every paragraph's would be empty
        paragraph_attrs = [_present(paragraph.attrs, _PARAGRAPH_SKIP) for paragraph in cell.content]
        if any(paragraph_attrs):
            own["pa"] = paragraph_attrs
    if breaks:
        own["p"] = breaks
    if not cell.content:
        own["empty"] = True
    return own


def _column_align(cells: list[Node]) -> str | None:
    aligns = Counter(cell.attrs.get(inferred.ALIGN_ATTR) or None for cell in cells)
    usable = [(count, align) for align, count in aligns.items() if align in GFM_ALIGN]
    return max(usable, key=lambda pair: (pair[0], pair[1] is None))[1] if usable else None


def _shared(dicts: list[dict[str, Any]]) -> dict[str, Any]:
    if not dicts:
        return {}
    first, *rest = dicts
    return {
        key: value
        for key, value in first.items()
        if all(key in other and other[key] == value for other in rest)
    }


def write_table(
    node: Node, rows: list[list[Node | None]] | None, inline: Callable[[list[Node]], str | None]
) -> str | None:
    """The pipe table (and attribute line) for ``node`` (``rows``: its ``table_grid``); ``None`` when a
    cell's inline content cannot be written in a table (``inline`` returned ``None`` for it)."""
    if rows is None:
        return None
    width = len(rows[0])
    head = all(cell.type == "table_header" for cell in rows[0] if cell is not None)
    first_column = [row[0].type if row[0] is not None else None for row in rows[1:]]
    head_column = bool(first_column) and all(kind == "table_header" for kind in first_column)
    aligns = [_column_align([cell for row in rows if (cell := row[c]) is not None]) for c in range(width)]
    texts: list[list[str]] = []
    own: list[list[dict[str, Any]]] = []
    for r, row in enumerate(rows):
        texts.append([])
        own.append([])
        for c, cell in enumerate(row):
            if cell is None:  # covered by a merged cell: an empty cell the reader drops again
                texts[-1].append("")
                own[-1].append({})
                continue
            content, breaks = _joined(cell.content)
            text = inline(content)
            if text is None:
                return None
            texts[-1].append(text)
            expected = attribute_line.expected_type(r, c, head, head_column)
            own[-1].append(_own_attrs(cell, expected, breaks))
            if (cell.attrs.get(inferred.ALIGN_ATTR) or None) != aligns[c]:
                own[-1][-1][inferred.ALIGN_ATTR] = cell.attrs.get(inferred.ALIGN_ATTR) or None
    columns = [_shared([own[r][c] for r in range(len(rows)) if rows[r][c] is not None]) for c in range(width)]

    cells = {
        f"{r},{c}": extra
        for r in range(len(rows))
        for c in range(width)
        if (extra := {key: value for key, value in own[r][c].items() if key not in columns[c]})
    }
    lines = ["| " + " | ".join(row) + " |" for row in texts]
    lines.insert(1, "| " + " | ".join(GFM_ALIGN[align] for align in aligns) + " |")
    meta: dict[str, Any] = {}
    if not head:
        meta["head"] = False
    if head_column:
        meta["headcol"] = True
    if any(columns):
        meta["columns"] = columns
    if cells:
        meta["cells"] = cells
    if meta:
        meta = {"size": [len(rows), width], **meta}
        lines += ["", attribute_line.comment("table", meta)]
    return "\n".join(lines)


def _joined(paragraphs: list[Node]) -> tuple[list[Node], list[int]]:
    """One cell's paragraphs as one inline run, and which of its line breaks end a paragraph."""
    if len(paragraphs) == 1:  # most cells: one paragraph, no break that ends one
        return list(paragraphs[0].content), []
    content: list[Node] = []
    breaks: list[int] = []
    count = 0
    for index, paragraph in enumerate(paragraphs):
        if index:
            breaks.append(count)
            count += 1
            content.append(Node("br"))
        content += paragraph.content
        count += sum(1 for child in paragraph.content if child.type == "br")
    return content, breaks
