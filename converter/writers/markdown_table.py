"""GFM pipe tables for the ``md`` writer: any table whose cells hold inline content, losslessly.

A cell's paragraphs are joined by ``<br>`` (as are its line breaks); what a pipe table cannot say goes
into the attribute line of ``converter.table_attrs``: column widths, colours, header cells outside row 1,
an alignment that differs from the column's, which ``<br>`` ended a paragraph. A table without a header
row is written with its first row as the header (``"head": false`` in the attribute line).

Only what a pipe table cannot hold at all is left to HTML (the caller writes it and reports ``reason``):
merged cells, rows of different lengths, an empty table, attrs on a cell's paragraphs or the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from productive_docs.converter import inferred, table_attrs
from productive_docs.converter.model import SCHEMA, Node

GFM_ALIGN = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}
#: The attr keys the attribute line uses itself (a cell attr of that name needs HTML).
_META_KEYS = frozenset({"type", "p"})
_DEFAULTS = SCHEMA["table_cell"].attrs


def html_reason(node: Node) -> str | None:
    """Why ``node`` must be an HTML table, or ``None`` when a pipe table can hold it."""
    rows = node.content
    if not rows or any(row.type != "table_row" or not row.content for row in rows):
        return "empty table or row"
    if any(value not in (None, "", [], {}) for key, value in node.attrs.items() if key != "id"):
        return "table attributes"
    for row in rows:
        for cell in row.content:
            if int(cell.attrs.get("colspan") or 1) > 1 or int(cell.attrs.get("rowspan") or 1) > 1:
                return "merged cells"
            if _META_KEYS & cell.attrs.keys() or not cell.content:
                return "cell attributes"
            for paragraph in cell.content:
                if paragraph.type != "paragraph" or any(
                    value not in (None, "", [], {}) for key, value in paragraph.attrs.items() if key != "id"
                ):
                    return "block content in a cell"
    if len({len(row.content) for row in rows}) > 1:
        return "rows of different lengths"
    return None


def _own_attrs(cell: Node) -> dict[str, Any]:
    """A cell's attrs that the attribute line keeps (not defaults, not what GFM says itself)."""
    return {
        key: value
        for key, value in cell.attrs.items()
        if key not in table_attrs.GFM_CELL_ATTRS
        and value not in (None, "", [], {})
        and _DEFAULTS.get(key, object()) != value
    }


def _column_align(cells: list[Node]) -> str | None:
    aligns = Counter(cell.attrs.get(inferred.ALIGN_ATTR) or None for cell in cells)
    usable = [(count, align) for align, count in aligns.items() if align in GFM_ALIGN]
    return max(usable, key=lambda pair: (pair[0], pair[1] is None))[1] if usable else None


def _shared(dicts: list[dict[str, Any]]) -> dict[str, Any]:
    first, *rest = dicts
    return {key: value for key, value in first.items() if all(other.get(key) == value for other in rest)}


def write_table(node: Node, inline: Callable[[list[Node]], str | None]) -> str | None:
    """The pipe table (and attribute line) for ``node``; ``None`` when a cell's inline content cannot be
    written in a table (``inline`` returned ``None`` for it)."""
    rows = [row.content for row in node.content]
    width = len(rows[0])
    head = any(cell.type == "table_header" for cell in rows[0])
    aligns = [_column_align([row[c] for row in rows]) for c in range(width)]
    own = [[_own_attrs(cell) for cell in row] for row in rows]
    columns = [_shared([own[r][c] for r in range(len(rows))]) for c in range(width)]
    cells: dict[str, dict[str, Any]] = {}
    lines = []
    for r, row in enumerate(rows):
        texts = []
        for c, cell in enumerate(row):
            extra = {key: value for key, value in own[r][c].items() if key not in columns[c]}
            expected = "table_header" if r == 0 and head else "table_cell"
            if cell.type != expected:
                extra["type"] = cell.type
            if (cell.attrs.get(inferred.ALIGN_ATTR) or None) != aligns[c]:
                extra[inferred.ALIGN_ATTR] = cell.attrs.get(inferred.ALIGN_ATTR) or None
            content, breaks = _joined(cell.content)
            if breaks:
                extra["p"] = breaks
            text = inline(content)
            if text is None:
                return None
            texts.append(text)
            if extra:
                cells[f"{r},{c}"] = extra
        lines.append("| " + " | ".join(texts) + " |")
    lines.insert(1, "| " + " | ".join(GFM_ALIGN[align] for align in aligns) + " |")
    meta: dict[str, Any] = {}
    if not head:
        meta["head"] = False
    if any(columns):
        meta["columns"] = columns
    if cells:
        meta["cells"] = cells
    if meta:
        meta = {"size": [len(rows), width], **meta}
        lines += ["", table_attrs.comment(meta)]
    return "\n".join(lines)


def _joined(paragraphs: list[Node]) -> tuple[list[Node], list[int]]:
    """One cell's paragraphs as one inline run, and which of its line breaks end a paragraph."""
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
