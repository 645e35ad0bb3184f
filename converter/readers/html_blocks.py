"""Block element handlers of the HTML reader (``p``, headings, lists, tables, banners, columns ...).

Each handler gets the ``Reader`` and the element, opens the block the element stands for (closed again when
the element ends, ``Reader.block``) and returns True when the reader should walk the element's children.
``BLOCK_TAG_RULES`` maps tag names to them; ``html_rules`` puts the full table together.

The handlers both ``html_rules`` and ``html_confluence`` use (``transparent``, ``skip``, ``bold_paragraph``)
live here, the module below both: ``html_rules`` imports ``html_confluence`` for its storage rules, so
neither of those two can hold them without an import cycle. ``<colgroup>`` widths are read here too: the
``<table>`` rule applies them to every table, Confluence's or not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from productive_docs.converter import inferred
from productive_docs.converter.model import LIST_BLOCKS, Mark, Node
from productive_docs.converter.readers.html_builder import TEXTBLOCKS
from productive_docs.converter.readers.html_forms import (
    CELL_CSS,
    COLUMNS_CSS,
    HTML_ATTRS,
    PRESERVING,
    css_declarations,
    mapped_attrs,
)
from productive_docs.converter.readers.html_state import Handler, Reader
from productive_docs.converter.readers.html_tree import Element

_PIXELS = re.compile(r"width:\s*([0-9.]+)px")


def _alignment(el: Element, css: dict[str, str]) -> str | None:
    align = css.get("text-align") or el.attrs.get("align")
    if isinstance(align, str) and align.lower() in inferred.ALIGNMENTS:
        return align.lower()
    return None


#: The attributes ``_textblock`` reads: a paragraph or heading without them (most) is opened as it is.
_TEXTBLOCK_READS = frozenset({"style", "align", "bgcolor"})


def _textblock(r: Reader, el: Element, node: Node) -> bool:
    if _TEXTBLOCK_READS.isdisjoint(el.attrs):
        r.block(node)
        return True
    css = r.styles_of(el)
    align = _alignment(el, css)
    if align:
        node.attrs[inferred.ALIGN_ATTR] = align
    if css.get("white-space") in PRESERVING:
        r.preserve_whitespace()
    r.block(node)
    return True


def _paragraph(r: Reader, el: Element) -> bool:
    return _textblock(r, el, Node("paragraph"))


def _heading(r: Reader, el: Element) -> bool:
    return _textblock(r, el, Node("heading", {"level": int(el.name[1])}))


def _blockquote(r: Reader, el: Element) -> bool:
    r.block(Node("blockquote"))
    return True


def _code_language(el: Element) -> str | None:
    """The language of a code block: Productive's attribute, Confluence's brush, or a ``language-`` class."""
    language = el.get("codeblock-language")
    if isinstance(language, str):
        return language or None
    params = el.get("data-syntaxhighlighter-params")
    if isinstance(params, str):
        brush = css_declarations(params).get("brush")
        if brush:
            return brush
    code = el.find("code", recursive=False)
    for candidate in (el, code):
        for name in (candidate.get("class") or []) if candidate is not None else []:
            for prefix in ("language-", "lang-"):
                if name.startswith(prefix) and len(name) > len(prefix):
                    return name[len(prefix):]
    return None


def _code_text(el: Element) -> str:
    """The text of a ``<pre>`` as a browser shows it (``<br>`` is a newline; the first newline is dropped)."""
    parts: list[str] = []
    for node in el.descendants:
        if type(node) is str:
            parts.append(node)
        elif type(node) is Element and node.name == "br":
            parts.append("\n")
    code = "".join(parts)
    if code.startswith("\n") and type(el.contents[0]) is str:
        code = code[1:]
    return code[:-1] if code.endswith("\n") else code


def _pre(r: Reader, el: Element) -> bool:
    code = _code_text(el)
    frame = r.builder.open(Node("codeblock", {"language": _code_language(el)}))
    if frame.flat:
        r.builder.preserve += 1
        for index, line in enumerate(code.split("\n")):
            if index:
                r.builder.add_inline(Node("br"))
            r.builder.add_marked_text(line, Mark("code"))
        r.builder.preserve -= 1
    elif code:
        frame.node.content.append(Node("text", text=code))
    r.builder.close(frame)
    return False


def _list_kind(r: Reader) -> str | None:
    for frame in reversed(r.builder.frames):
        if frame.flat:
            return None
        if frame.node.type in LIST_BLOCKS:
            return frame.node.type
        if frame.node.type not in ("li", inferred.CHECKLIST_ITEM, *TEXTBLOCKS):
            return None
    return None


def _ul(r: Reader, el: Element) -> bool:
    classes: Sequence[str] = el.get("class") or []
    if el.get("type") == inferred.CHECKLIST or "contains-task-list" in classes:
        r.block(Node(inferred.CHECKLIST))
    else:
        r.block(Node("ul"))
    return True


def _ol(r: Reader, el: Element) -> bool:
    attrs = mapped_attrs("ol", el)
    r.block(Node("ol", {"order": attrs["order"]} if attrs.get("order") is not None else {}))
    return True


def _checked(value: Any) -> bool:
    return value is not None and str(value).lower() not in ("false", "0", "no")


def _task_checkbox(el: Element) -> Element | None:
    """The checkbox a Markdown renderer puts at the start of a task list item."""
    for child in el.children:
        if type(child) is Element:
            if child.name == "input" and child.get("type") == "checkbox":
                return child
            if child.name == "p":
                return _task_checkbox(child)
            return None
        if str(child).strip():
            return None
    return None


def _li(r: Reader, el: Element) -> bool:
    checkbox = _task_checkbox(el) if "task-list-item" in (el.get("class") or []) else None
    in_checklist = _list_kind(r) == inferred.CHECKLIST
    if el.get("type") == inferred.CHECKLIST_ITEM or checkbox is not None or in_checklist:
        if checkbox is not None:
            checked = checkbox.has_attr("checked")
            checkbox.decompose()
        else:
            checked = _checked(el.get("checked")) or "checked" in (el.get("class") or [])
        r.block(Node(inferred.CHECKLIST_ITEM, {inferred.CHECKED_ATTR: checked}))
    else:
        r.block(Node("li"))
    return True


def _colgroup_widths(table: Element) -> list[int | None] | None:
    """Pixel widths of a table's columns from its ``<colgroup>`` (``None`` where a column has none)."""
    colgroup = table.find("colgroup", recursive=False)
    if colgroup is None:
        return None
    widths: list[int | None] = []
    for col in colgroup.find_all("col", recursive=False):
        match = _PIXELS.search(str(col.get("style") or ""))
        span = int(str(col["span"])) if str(col.get("span", "")).isdigit() else 1
        widths += [round(float(match.group(1))) if match else None] * span
    return widths if any(width is not None for width in widths) else None


def _apply_colwidths(table: Node, widths: list[int | None]) -> None:
    """Give each cell the widths of the columns it spans (rowspans taken into account)."""
    occupied: set[tuple[int, int]] = set()
    for row_index, row in enumerate(table.content):
        column = 0
        for cell in row.content:
            while (row_index, column) in occupied:
                column += 1
            attrs = cell.attrs
            colspan = max(int(attrs.get("colspan") or 1), 1)
            rowspan = max(int(attrs.get("rowspan") or 1), 1)
            spanned = widths[column:column + colspan]  # a new list: the cell's own
            if len(spanned) == colspan and None not in spanned:
                attrs["colwidth"] = spanned
            for extra_row in range(1, rowspan):
                occupied.update((row_index + extra_row, column + offset) for offset in range(colspan))
            column += colspan


def _table(r: Reader, el: Element) -> bool:
    frame = r.block(Node("table"))
    widths = _colgroup_widths(el)
    caption = el.find("caption", recursive=False)
    if caption is not None:
        r.lowered("table caption", "paragraph above the table")
        caption_node = Node("paragraph", content=[Node("text", text=caption.get_text(" ", strip=True))])
        parent = r.builder.frames[-2].node if len(r.builder.frames) > 1 else r.builder.root
        if caption_node.content[0].text and not frame.flat:
            parent.content.insert(len(parent.content) - 1, caption_node)
        caption.decompose()
    if widths and not frame.flat:
        r.after(lambda: _apply_colwidths(frame.node, widths))
    return True


def _row(r: Reader, el: Element) -> bool:
    r.block(Node("table_row"))
    return True


#: The attributes ``_cell_attrs`` reads; a cell without any of them (most: a class at most) has no attrs.
_CELL_READS = frozenset({*(name for name, _ in HTML_ATTRS["table_cell"]), "style", "align", "bgcolor"})


def _cell(r: Reader, el: Element) -> bool:
    attrs = {} if _CELL_READS.isdisjoint(el.attrs) else _cell_attrs(r, el)
    r.block(Node("table_header" if el.name == "th" else "table_cell", attrs))
    return True


def _cell_attrs(r: Reader, el: Element) -> dict[str, Any]:
    """A cell's attrs: spans, widths, colour and alignment from its attributes and inline CSS."""
    attrs = mapped_attrs("table_cell", el)
    for name in ("colspan", "rowspan"):
        if attrs.get(name) is None or attrs[name] < 1:
            attrs.pop(name, None)
    css = r.styles_of(el)
    for prop, key in CELL_CSS.items():
        if css.get(prop):
            attrs[key] = css[prop]
    align = _alignment(el, css)  # the copied ``text-align`` gives way to a known alignment, or none
    attrs.pop(inferred.ALIGN_ATTR, None)
    if align:
        attrs[inferred.ALIGN_ATTR] = align
    if el.get("bgcolor") and "background" not in attrs:
        attrs["background"] = el["bgcolor"]
    return attrs


def _divider(r: Reader, el: Element) -> bool:
    r.builder.close(r.builder.open(Node("divider")))
    return False


def _banner(r: Reader, el: Element) -> bool:
    kind = el.get("type")
    if kind not in inferred.BANNER_TYPES:
        r.lowered(f"banner type {kind!r}", f"banner type {inferred.BANNER_TYPES[0]!r}")
        kind = inferred.BANNER_TYPES[0]
    r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}))
    return True


def _div(r: Reader, el: Element) -> bool:
    if el.has_attr("data-columns"):
        attrs = mapped_attrs(inferred.COLUMNS, el)
        widths = r.styles_of(el).get(COLUMNS_CSS)
        if widths:
            attrs[inferred.COLUMNS_WIDTHS_ATTR] = widths
        r.block(Node(inferred.COLUMNS, attrs))
    elif el.has_attr("data-column"):
        r.block(Node(inferred.COLUMN))
    else:
        return _wrapper(r, el)
    return True


def _wrapper(r: Reader, el: Element) -> bool:
    css = r.styles_of(el) if el.has_attr("style") else {}
    if css.get("white-space") in PRESERVING:
        r.preserve_whitespace()
    r.wrapper()
    return True


def _figcaption(r: Reader, el: Element) -> bool:
    r.block(Node("paragraph"))
    return True


def _definition_list(r: Reader, el: Element) -> bool:
    r.lowered("definition list", "paragraphs, terms in bold")
    r.wrapper()
    return True


def bold_paragraph(r: Reader, el: Element) -> bool:
    """A paragraph in bold: a definition term, a Confluence panel or expand title."""
    r.block(Node("paragraph"))
    r.mark(Mark("strong"))
    return True


def transparent(r: Reader, el: Element) -> bool:
    """An element without a node of its own (``<tbody>``, ``<font>``, a Confluence user link): its content
    is kept, and a class rule using it keeps the tag rule (a link, say) from applying."""
    return True


def skip(r: Reader, el: Element) -> bool:
    """An element that is not content (document head, Confluence macro parameters): skipped unreported."""
    return False


BLOCK_TAG_RULES: dict[str, Handler] = {
    "p": _paragraph,
    **{f"h{level}": _heading for level in range(1, 7)},
    "blockquote": _blockquote,
    "pre": _pre,
    "ul": _ul,
    "ol": _ol,
    "li": _li,
    "table": _table,
    "tr": _row,
    "td": _cell,
    "th": _cell,
    "hr": _divider,
    "banner": _banner,
    "div": _div,
    "figcaption": _figcaption,
    "dl": _definition_list,
    "dt": bold_paragraph,
    "dd": _figcaption,
    **{name: _wrapper for name in (
        "section", "article", "main", "header", "footer", "nav", "aside", "address", "center", "figure",
        "details", "summary", "hgroup", "search", "body", "html", "caption",
    )},
}
