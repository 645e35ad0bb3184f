"""Lowering for ``productive-md``: what Productive's Markdown endpoints cannot take (spec §2, §2.6).

Runs after ``converter.lowering.lower_for_productive``; every change is one report entry.

| construct                                   | becomes                                               |
| ------------------------------------------- | ----------------------------------------------------- |
| banner                                      | blockquote opening with a bold label ("Warning")      |
| columns                                     | their blocks one after another                        |
| mention                                     | its label as text                                     |
| file                                        | its name, linked to its URL                           |
| var                                         | text ``{name}``                                       |
| underline, discussion, styles marks         | dropped (the text stays)                              |
| paragraph / heading alignment               | dropped                                               |
| image width                                 | dropped                                               |
| empty paragraph (its breaks are reported)   | dropped                                               |
| line break at a paragraph's start/end       | dropped                                               |
| line break right after another (an empty line) | dropped (two spaces cannot end a blank line)       |
| line break in a heading or table cell       | a space                                               |
| codeblock marks                             | dropped                                               |
| table without cells                        | dropped                                               |
| table: header cells outside row 1, body cells in row 1 | row 1 becomes the header row, the rest body rows |
| table: spans, alignment, background, widths | dropped (spans padded with empty cells)               |
| table cell with several paragraphs          | one paragraph, joined by a space                      |
| paragraph alignment in a table cell         | dropped                                               |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.report import Report

HTML_ONLY_MARKS = frozenset({inferred.UNDERLINE, "discussion", "styles"})
CELL_TYPES = ("table_header", "table_cell")

Rule = Callable[[Node, Report], list[Node]]
InlineRule = Callable[[Node, list[Mark], Report, int | None], list[Node]]


def lower_for_markdown(doc: Node, report: Report) -> Node:
    """A copy of ``doc`` that the Markdown proxy endpoints can take, every change reported."""
    return Node("doc", dict(doc.attrs), _blocks(doc.content, report), line=doc.line)


def _blocks(nodes: list[Node], report: Report) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.extend(BLOCK_RULES.get(node.type, _container)(node, report))
    return out


def _container(node: Node, report: Report) -> list[Node]:
    return [Node(node.type, dict(node.attrs), _blocks(node.content, report), line=node.line)]


def _drop_align(node: Node, report: Report) -> dict[str, Any]:
    attrs = dict(node.attrs)
    if attrs.pop(inferred.ALIGN_ATTR, None):
        report.add(f"{node.type} alignment", "dropped", node.line)
    return attrs


def _paragraph(node: Node, report: Report) -> list[Node]:
    content = _inline(node.content, report, node.line)
    while content and content[0].type == "br":
        content.pop(0)
        report.add("line break at a paragraph start", "dropped", node.line)
    while content and content[-1].type == "br":
        content.pop()
        report.add("line break at a paragraph end", "dropped", node.line)
    content = _single_breaks(content, report, node.line)
    if not content:
        return []  # an empty paragraph holds nothing; dropped line breaks were reported above
    return [Node("paragraph", _drop_align(node, report), content, line=node.line)]


def _single_breaks(content: list[Node], report: Report, line: int | None) -> list[Node]:
    """Drop each line break that follows another: productive-md ends a broken line with two spaces, and a line
    holding only those spaces is blank, which would end the paragraph there."""
    out: list[Node] = []
    for child in content:
        if child.type == "br" and out and out[-1].type == "br":
            report.add("line break right after another", "dropped", line)
            continue
        out.append(child)
    return out


def _heading(node: Node, report: Report) -> list[Node]:
    content = [
        _space_for_break(child, report, "heading") for child in _inline(node.content, report, node.line)
    ]
    return [Node("heading", _drop_align(node, report), content, line=node.line)]


def _space_for_break(node: Node, report: Report, where: str) -> Node:
    if node.type != "br":
        return node
    report.add(f"line break in a {where}", "a space", node.line)
    return Node("text", text=" ", marks=node.marks, line=node.line)


def _banner(node: Node, report: Report) -> list[Node]:
    kind = str(node.attrs.get(inferred.BANNER_TYPE_ATTR) or "info")
    report.add(f"banner {kind}", "blockquote with a bold label", node.line)
    label = Node("paragraph", content=[Node("text", text=kind.capitalize(), marks=[Mark("strong")])])
    return [Node("blockquote", {}, [label, *_blocks(node.content, report)], line=node.line)]


def _columns(node: Node, report: Report) -> list[Node]:
    report.add("columns", "their blocks one after another", node.line)
    return _blocks([block for column in node.content for block in column.content], report)


def _codeblock(node: Node, report: Report) -> list[Node]:
    if any(child.marks for child in node.content):
        report.add("marks in a codeblock", "dropped", node.line)
    content = [Node("text", text=child.text) for child in node.content if child.text]
    return [Node("codeblock", dict(node.attrs), content, line=node.line)]


def _table(node: Node, report: Report) -> list[Node]:
    rows = [row.content for row in node.content]
    width = max((sum(_span(cell, "colspan") for cell in row) for row in rows), default=0)
    if width == 0:
        report.add("table without cells", "dropped", node.line)
        return []
    out_rows = []
    for index, row in enumerate(rows):
        cell_type = CELL_TYPES[0] if index == 0 else CELL_TYPES[1]
        cells: list[Node] = []
        for cell in row:
            if cell.type != cell_type:
                report.add(f"{cell.type} in table row {index + 1}", cell_type, node.line)
            cells.append(Node(cell_type, {}, [_cell_paragraph(cell, report)], line=cell.line))
            _report_cell_attrs(cell, report, node.line)
            cells += [
                Node(cell_type, {}, [Node("paragraph")])
                for _ in range(_span(cell, "colspan") - 1)
            ]
        cells += [Node(cell_type, {}, [Node("paragraph")]) for _ in range(width - len(cells))]
        out_rows.append(Node("table_row", {}, cells))
    return [Node("table", dict(node.attrs), out_rows, line=node.line)]


def _span(cell: Node, key: str) -> int:
    """A cell's ``colspan`` or ``rowspan`` (1 when unset)."""
    return int(cell.attrs.get(key) or 1)


def _report_cell_attrs(cell: Node, report: Report, line: int | None) -> None:
    for key in ("colspan", "rowspan"):
        if _span(cell, key) > 1:
            report.add(f"table cell {key}", "dropped", line)
    for key in ("background", "colwidth", inferred.ALIGN_ATTR):
        if cell.attrs.get(key):
            report.add(f"table cell {key}", "dropped", line)


def _cell_paragraph(cell: Node, report: Report) -> Node:
    paragraphs = [block for block in cell.content if block.type == "paragraph"]
    if len(paragraphs) > 1:
        report.add("table cell with several paragraphs", "one paragraph", cell.line)
    for paragraph in paragraphs:
        _drop_align(paragraph, report)
    content: list[Node] = []
    for paragraph in paragraphs:
        if content and paragraph.content:
            content.append(Node("text", text=" "))
        content += paragraph.content
    content = [_space_for_break(child, report, "table cell") for child in _inline(content, report, cell.line)]
    return Node("paragraph", {}, content)


BLOCK_RULES: dict[str, Rule] = {
    "paragraph": _paragraph,
    "heading": _heading,
    inferred.BANNER: _banner,
    inferred.COLUMNS: _columns,
    "codeblock": _codeblock,
    "table": _table,
}


# --- inline -------------------------------------------------------------------------------------------------


def _inline(nodes: list[Node], report: Report, line: int | None) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        marks = [mark for mark in node.marks if mark.type not in HTML_ONLY_MARKS]
        for mark in node.marks:
            if mark.type in HTML_ONLY_MARKS:
                report.add(f"{mark.type} mark", "dropped (text kept)", line)
        out.extend(INLINE_RULES.get(node.type, _keep)(node, marks, report, line))
    return out


def _keep(node: Node, marks: list[Mark], report: Report, line: int | None) -> list[Node]:
    return [Node(node.type, dict(node.attrs), list(node.content), node.text, marks, node.line)]


def _image(node: Node, marks: list[Mark], report: Report, line: int | None) -> list[Node]:
    attrs = {key: node.attrs.get(key) for key in ("src", "alt", "title")}
    if node.attrs.get("width") not in (None, ""):
        report.add("image width", "dropped", line)
    return [Node("image", attrs, marks=marks)]


def _mention(node: Node, marks: list[Mark], report: Report, line: int | None) -> list[Node]:
    label = "".join(child.text or "" for child in node.content) or str(node.attrs.get("label") or "")
    report.add("mention", "its label as text", line)
    return [Node("text", text=label, marks=marks)] if label else []


def _file(node: Node, marks: list[Mark], report: Report, line: int | None) -> list[Node]:
    attrs = {json_key: node.attrs.get(json_key) for json_key in inferred.FILE_ATTRS.values()}
    name = str(attrs.get("name") or attrs.get("url") or "file")
    report.add("file", "a link to it", line)
    link = [Mark("link", {"href": attrs["url"], "title": None})] if attrs.get("url") else []
    return [Node("text", text=name, marks=[*marks, *link])]


def _var(node: Node, marks: list[Mark], report: Report, line: int | None) -> list[Node]:
    report.add("var", "text {name}", line)
    return [Node("text", text="{" + str(node.attrs.get(inferred.VAR_NAME_ATTR) or "") + "}", marks=marks)]


INLINE_RULES: dict[str, InlineRule] = {
    "image": _image, "mention": _mention, inferred.FILE: _file, inferred.VAR: _var,
}
