"""Markdown writers: local GFM (lossless) and the Markdown Productive's proxy endpoints accept.

``write_gfm`` expresses every node and mark of the tree in a form the Markdown reader reads back to the
same normal form:

| construct                                            | local Markdown form                               |
| ---------------------------------------------------- | ------------------------------------------------- |
| banner                                               | GitHub alert ``> [!NOTE]``, TIP, WARNING, CAUTION |
| mention                                              | ``@[type:id:label]``; HTML span with an avatar    |
| checklist                                            | ``- [ ] `` / ``- [x] ``                            |
| underline, discussion, styles; file, var; image in a cell | inline HTML of ``converter.writers.html``    |
| alignment, image width (paragraph, heading)          | attribute line ``<!-- attrs {...} -->`` after it  |
| table of inline cells (widths, colours, header cells | pipe table (breaks and paragraphs as ``<br>``),   |
| anywhere, no header row, several paragraphs)         | attribute line ``<!-- table {...} -->`` after it  |
| link whose text is its URL                           | autolink ``<https://...>``                        |
| columns                                              | their blocks between ``<!-- columns {...} -->``,  |
|                                                      | ``<!-- column -->`` and ``<!-- /columns -->``     |
| paragraph without text                               | ``<!-- paragraph {"br": n} -->``                   |
| paragraph with line breaks at its edges              | without them; ``"br": [lead, trail]`` in attrs line |
| table GFM cannot hold (spans, ragged rows; reported) | block HTML                                        |
| em / strong / strike no delimiter can open and close | ``<em>`` / ``<strong>`` / ``<del>``               |

Attribute lines: ``converter.attribute_line``; tables: ``markdown_table``.

``write_productive`` first lowers what the Markdown endpoints cannot take (``markdown_lowering``), then
writes plain GFM with two-space hard breaks (spec §2.4) and no HTML. ``write_productive_if_lossless``
gives that Markdown only when its lowering and writing lose nothing (else a push goes through the HTML
endpoints); ``needs_html`` is that test alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from productive_docs.converter import attribute_line, inferred
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node
from productive_docs.converter.readers.markdown_plugins import ALERT_FOR_BANNER
from productive_docs.converter.report import Report
from productive_docs.converter.writers import html as html_writer
from productive_docs.converter.writers.markdown_inline import InlineContext, write_inline
from productive_docs.converter.writers.markdown_lowering import lower_for_markdown
from productive_docs.converter.writers.markdown_table import html_reason, table_grid, write_table
from productive_docs.converter.writers.markdown_wrap import wrap

BULLET_LISTS = frozenset({"ul", inferred.CHECKLIST})


@dataclass(slots=True)
class Writer:
    """One write: the inline context (report, HTML allowed, break form) and the list marker to alternate."""

    inline: InlineContext
    alternate: bool = False
    #: Wrap paragraphs at this many columns (``markdown_wrap``); ``None``: one line per paragraph.
    wrap: int | None = None
    #: Columns the enclosing list items and quotes take before each line (subtracted from ``wrap``).
    indent: int = 0

    @property
    def report(self) -> Report:
        return self.inline.report

    @property
    def allow_html(self) -> bool:
        return self.inline.allow_html


BlockWriter = Callable[[Node, Writer], str]


def write_gfm(doc: Node, report: Report, wrap: int | None = None) -> str:
    """Local Markdown (GFM plus the forms above) for ``doc``; reads back to the same normal form.
    ``wrap``: break paragraphs into lines of at most that many columns where that changes nothing."""
    content = list(doc.content)
    while content and content[-1].type == "paragraph" and not content[-1].content:
        content.pop()  # Productive ends most bodies with an empty paragraph; the normal form ignores it
    return _document(content, Writer(InlineContext(report), wrap=wrap))


def write_productive(doc: Node, report: Report) -> str:
    """Markdown for Productive's ``*_markdown`` endpoints; HTML-only constructs lowered and reported."""
    lowered = lower_for_markdown(lower_for_productive(doc, report), report)
    return _productive_document(lowered, report)


def write_productive_if_lossless(doc: Node, report: Report) -> str | None:
    """``write_productive``, or None (``report`` untouched) when the Markdown endpoints would lose something
    that the HTML endpoints keep: when the Markdown lowering or writer reports anything. What
    ``lower_for_productive`` reports does not count: the HTML endpoints lose it too.

    One render decides and, when Markdown will do, is the payload; a lowering that reports stops before the
    document is written."""
    scratch = Report(report.source)
    lowered = lower_for_productive(doc, scratch)
    shared = len(scratch.entries)
    lowered = lower_for_markdown(lowered, scratch)
    if len(scratch.entries) > shared:
        return None
    text = _productive_document(lowered, scratch)
    if len(scratch.entries) > shared:
        return None
    report.entries.extend(scratch.entries)
    return text


def needs_html(doc: Node) -> bool:
    """True when ``productive-md`` would lose something that the HTML endpoints keep."""
    return write_productive_if_lossless(doc, Report()) is None


def _productive_document(lowered: Node, report: Report) -> str:
    return _document(lowered.content, Writer(InlineContext(report, allow_html=False, hard_break="  \n")))


def _document(blocks: list[Node], w: Writer) -> str:
    text = _blocks(blocks, w)
    return text + "\n" if text else ""


def _blocks(nodes: list[Node], w: Writer) -> str:
    """Blocks separated by blank lines; a list right after a list of its kind switches marker."""
    parts: list[str] = []
    previous: str | None = None
    previous_alternate = False
    for node in nodes:
        family = "bullet" if node.type in BULLET_LISTS else node.type
        w.alternate = family in ("bullet", "ol") and family == previous and not previous_alternate
        previous, previous_alternate = family, w.alternate
        text = BLOCK_WRITERS.get(node.type, _html_block)(node, w)
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def _html_block(node: Node, w: Writer) -> str:
    """A block as the HTML writer's form; a blank line would end the HTML block, so none is left."""
    if not w.allow_html:
        w.report.add(f"{node.type} block", "its content", node.line)
        return _blocks(node.content, w)
    html = html_writer.render_blocks([node], w.report).strip("\n")
    return re.sub(r"\n(?=[ \t]*(?:\n|$))", "&#10;", html)


#: Stands for a line break in the text ``_inline`` checks (a newline inside text collapses; a break does not).
_BREAK = "\x02"
_COLLAPSIBLE = re.compile(
    r"[ \t\n\r\f\x02]{2,}|^[ \t\n\r\f\x02]|[ \t\n\r\f\x02]$|[\t\n\r\f]"
)


def _inline(nodes: list[Node], w: Writer, collapsible: re.Pattern[str] = _COLLAPSIBLE) -> str | None:
    """Inline Markdown, or ``None`` when it embeds HTML and the HTML reader would collapse its whitespace."""
    w.inline.used_html = False
    text = write_inline(nodes, w.inline)
    if w.inline.used_html and w.allow_html:
        plain = "".join(
            n.text or "" if n.type == "text" else _BREAK if n.type == "br" else "x" for n in nodes
        )
        if collapsible.search(plain):
            return None
    return text


def _paragraph(node: Node, w: Writer) -> str:
    content = node.content
    if w.allow_html and (not content or content[0].type == "br" or content[-1].type == "br"):
        return _edge_breaks(node, w) or _html_block(node, w)
    return _textblock(node, w, "") or _html_block(node, w)


def _edge_breaks(node: Node, w: Writer) -> str | None:
    """A paragraph without text as a ``<!-- paragraph {...} -->`` comment; one with line breaks at its
    edges written without them, the counts in its attribute line (Markdown has no form for either)."""
    content = node.content
    lead = next((index for index, child in enumerate(content) if child.type != "br"), len(content))
    if lead == len(content):
        attrs = {key: value for key, value in node.attrs.items() if key != "id" and value not in (None, "")}
        return attribute_line.comment(attribute_line.PARAGRAPH, {**attrs, "br": lead} if lead else attrs)
    trail = next(index for index, child in enumerate(reversed(content)) if child.type != "br")
    inner = Node("paragraph", node.attrs, content[lead : len(content) - trail], line=node.line)
    return _textblock(inner, w, "", {"br": [lead, trail]})


def _heading(node: Node, w: Writer) -> str:
    if w.allow_html and any(child.type == "br" for child in node.content):
        return _html_block(node, w)
    level = int(node.attrs.get("level") or 1)
    return _textblock(node, w, "#" * level) or _html_block(node, w)


def _textblock(node: Node, w: Writer, hashes: str, extra: dict | None = None) -> str | None:
    """A paragraph (``hashes`` empty) or ATX heading, then the attribute line of what Markdown cannot say
    (alignment, image widths, ``extra``); ``None`` when it must be HTML."""
    meta = {
        key: value
        for key, value in node.attrs.items()
        if key not in ("id", "level") and value not in (None, "", [], {})
    }
    if "br" in meta:
        return None  # an attr of that name would be read as edge breaks
    meta.update(extra or {})
    if not w.allow_html:
        meta = {}  # ``lower_for_markdown`` dropped (and reported) them
    elif "images" in meta:
        return None
    w.inline.images = [] if w.allow_html else None
    try:
        text = _inline(node.content, w)
        images = w.inline.images
    finally:
        w.inline.images = None
    if text is None:
        return None
    if w.wrap and not hashes:
        text = wrap(text, w.wrap - w.indent)
    if hashes:
        backslashes = len(text[:-1]) - len(text[:-1].rstrip("\\"))
        if text.endswith("#") and backslashes % 2 == 0:  # an unescaped final "#" would close the heading
            text = text[:-1] + "\\#"
        text = hashes + (" " + text if text else "")
    if images and any(images):
        meta["images"] = images
    return text + "\n\n" + attribute_line.comment("attrs", meta) if meta else text


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def _indented(nodes: list[Node], w: Writer, columns: int) -> str:
    """Blocks that will be indented by ``columns`` (a quote's ``> ``, a list item's marker)."""
    w.indent += columns
    try:
        return _blocks(nodes, w)
    finally:
        w.indent -= columns


def _blockquote(node: Node, w: Writer) -> str:
    return _quote(_indented(node.content, w, 2)) if node.content else ">"


def _columns(node: Node, w: Writer) -> str:
    """Columns as their blocks between the comments of ``attribute_line`` (read back as the layout)."""
    if not w.allow_html:
        return _html_block(node, w)
    w.report.add("columns", "their blocks between columns comments (shown one after another)", node.line)
    attrs = {key: value for key, value in node.attrs.items() if value not in (None, "", [], {})}
    parts = [attribute_line.comment(attribute_line.COLUMNS_OPEN, attrs)]
    for index, column in enumerate(node.content):
        if index:
            parts.append(attribute_line.COLUMN_BREAK)
        body = _blocks(column.content, w)
        if body:
            parts.append(body)
    parts.append(attribute_line.COLUMNS_CLOSE)
    return "\n\n".join(parts)


def _banner(node: Node, w: Writer) -> str:
    alert = ALERT_FOR_BANNER.get(str(node.attrs.get(inferred.BANNER_TYPE_ATTR) or "info"), "NOTE")
    body = _indented(node.content, w, 2)
    return _quote(f"[!{alert}]\n{body}" if body else f"[!{alert}]")


def _codeblock(node: Node, w: Writer) -> str:
    code = "".join(child.text or "" for child in node.content)
    language = str(node.attrs.get("language") or "")
    char = "~" if "`" in language else "`"
    longest = max((len(run) for run in re.findall(re.escape(char) + "+", code)), default=0)
    fence = char * max(3, longest + 1)
    info = re.sub(r"([\\&])", r"\\\1", language)
    return f"{fence}{info}\n{code}\n{fence}" if code else f"{fence}{info}\n{fence}"


def _divider(node: Node, w: Writer) -> str:
    return "***"  # "---" first in a file would open front matter


def _item(marker: str, body: str, checkbox: str = "") -> str:
    """One list item: the marker (and task checkbox), then the body indented to the marker's width."""
    indent = " " * len(marker)
    lines = body.split("\n")
    if lines[0] == "***":
        lines[0] = "___"  # "* ***" would read as one thematic break
    first = marker + checkbox + lines[0] if lines[0] or checkbox else marker.rstrip(" ")
    return "\n".join([first, *(indent + line if line else "" for line in lines[1:])])


def _item_body(item: Node, w: Writer, marker: str) -> str:
    content = item.content
    if (
        len(content) == 1
        and content[0].type == "paragraph"
        and not content[0].content
        and not content[0].attrs
    ):
        return ""  # the reader gives an empty item an empty paragraph back
    return _indented(content, w, len(marker))


def _list(node: Node, w: Writer) -> str:
    alternate = w.alternate
    start = node.attrs.get("order")
    start = 1 if start is None else int(start)
    items = []
    for index, item in enumerate(node.content):
        checkbox = ""
        if node.type == "ol":
            marker = f"{start + index}{')' if alternate else '.'} "
        else:
            marker = "* " if alternate else "- "
            if node.type == inferred.CHECKLIST:
                checkbox = "[x] " if item.attrs.get(inferred.CHECKED_ATTR) else "[ ] "
        items.append(_item(marker, _item_body(item, w, marker), checkbox))
    loose = any(len(item.content) > 1 for item in node.content)
    return ("\n\n" if loose else "\n").join(items)


def _table(node: Node, w: Writer) -> str:
    rows = table_grid(node)
    reason = html_reason(node, rows) if w.allow_html else None
    if reason is not None:
        w.report.add(f"table with {reason}", "HTML table", node.line)
        return _html_block(node, w)
    w.inline.table = True
    try:
        text = write_table(node, rows, lambda content: _inline(content, w, _CELL_COLLAPSIBLE))
    finally:
        w.inline.table = False
    if text is None:
        w.report.add("table cell whose spacing HTML would change", "HTML table", node.line)
        return _html_block(node, w)
    return text


#: Whitespace the HTML reader would collapse in a cell, whose breaks are ``<br>`` (a break is ``\x02``).
_CELL_COLLAPSIBLE = re.compile(
    r"[ \t\n\r\f]{2,}|^[ \t\n\r\f]|[ \t\n\r\f]$|[\t\n\r\f]|\x02[ \t\n\r\f]|[ \t\n\r\f]\x02"
)


BLOCK_WRITERS: dict[str, BlockWriter] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "blockquote": _blockquote,
    inferred.BANNER: _banner,
    inferred.COLUMNS: _columns,
    "codeblock": _codeblock,
    "divider": _divider,
    "ul": _list,
    "ol": _list,
    inferred.CHECKLIST: _list,
    "table": _table,
}
