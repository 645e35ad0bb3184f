"""HTML reader: Productive HTML, Confluence pages, Google Docs, Word and plain web pages into the tree.

beautifulsoup4 parses (``html.parser``: pure Python, gives source lines for the report, handles 10,000
nested levels; see ``bench/bench_html.py`` for the measurement). The parsed tree is then walked without
recursion: each element's handler (``TAG_RULES``, or a family's class rules in ``html_confluence``) asks the
``Builder`` to open blocks, push marks or add inline nodes, and registers what to undo when the element
ends. The builder keeps the document valid whatever the nesting.

Lowered (each reported with its source line): headings keep levels 4-6 (the Productive writers lower them);
definition lists become paragraphs with the term in bold; ``sup``/``sub``/``mark`` become plain text;
blocks inside table cells become paragraphs of the cell (``html_builder``); unknown elements keep their
content; ``script``/``style``/``iframe``/forms/``on*``/script URLs are removed (``html_sanitize``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from converter import Document, inferred
from converter.errors import InputError
from converter.model import Mark, Node
from converter.readers import html_confluence, html_office
from converter.readers.html_builder import TEXTBLOCKS, Builder, Frame
from converter.readers.html_forms import (
    CELL_CSS,
    COLUMNS_CSS,
    HTML_ATTRS,
    INT_ATTRS,
    MENTION_SHORTHAND,
    SPAN_KINDS,
    css_declarations,
    parse_colwidth,
)
from converter.readers.html_sanitize import (
    DROPPED_ELEMENTS,
    FORM_WRAPPERS,
    SILENT_ELEMENTS,
    event_handlers,
    unsafe_css,
    unsafe_url,
)
from converter.report import Report

#: The bs4 tree builder (see the module docstring for why).
PARSER = "html.parser"
#: bs4 turns whitespace-only strings into one space outside these tags; "[document]" (its root) keeps them
#: everywhere, because the reader applies the browser's rules itself (they depend on CSS ``white-space``).
_KEEP_WHITESPACE = frozenset({"[document]", "pre", "textarea"})

Handler = Callable[["Reader", Tag], bool]
"""An element handler: acts on the builder, returns True to walk the element's children."""

_PRESERVING = ("pre", "pre-wrap", "break-spaces", "pre-line")


def read(source: str | dict[str, Any], report: Report) -> Document:
    """Read an HTML page; a Confluence export contributes its ``#main-content`` only."""
    if not isinstance(source, str):
        raise InputError("HTML input must be text", report.source)
    metadata: dict[str, Any] = {}
    title = html_confluence.page_title(source)
    if title:
        metadata["title"] = title
    with _gc_paused():
        first_line = 1
        if html_confluence.MAIN_CONTENT in source:
            body, first_line = html_confluence.main_content(source)
            soup = _parse(body)
            root: Tag = soup.find(id="main-content") or soup
        else:
            root = soup = _parse(source)
        if html_office.is_office(source):
            html_office.prepare(root, report)
        doc = Reader(report, first_line, confluence=html_confluence.is_confluence(source)).run(root)
        soup.decompose()
    if not doc.content:
        doc.content.append(Node("paragraph"))
    return Document(doc, metadata)


def _parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, PARSER, preserve_whitespace_tags=_KEEP_WHITESPACE)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is parsed and walked.

    A parsed page is a large graph of objects with parent links; the collector would walk it again and
    again while it grows (a quarter of the parse time, measured in ``bench/bench_html.py``). Its garbage
    is collected normally afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_blocks(html: str, report: Report, line: int | None = None) -> list[Node]:
    """Block nodes of an HTML fragment (raw HTML in Markdown, the server's ``*_html`` bodies)."""
    with _gc_paused():
        return Reader(report, line).run(_parse(html)).content


def parse_inline(html: str, report: Report, line: int | None = None) -> list[Node]:
    """Inline nodes of an HTML fragment for one paragraph; blocks in it are joined with line breaks."""
    blocks = parse_blocks(html, report, line)
    out: list[Node] = []
    pending = list(reversed(blocks))
    if len(blocks) > 1 or any(block.type != "paragraph" for block in blocks):
        report.add("block HTML in inline position", "inline content with line breaks", line)
    while pending:
        node = pending.pop()
        if node.type in TEXTBLOCKS:
            if out:
                out.append(Node("br"))
            out.extend(node.content)
        elif node.type == "codeblock":
            for line in "".join(child.text or "" for child in node.content).split("\n"):
                if out:
                    out.append(Node("br"))
                if line:
                    out.append(Node("text", text=line, marks=[Mark("code")]))
        else:
            pending.extend(reversed(node.content))
    return out


class Reader:
    """One walk over a parsed tree; handlers call the helpers below."""

    def __init__(self, report: Report, line: int | None = None, *, confluence: bool = False) -> None:
        self.report = report
        #: Confluence class rules apply on Confluence pages only (``class="panel"`` means nothing elsewhere).
        self.class_rules = html_confluence.CLASS_RULES if confluence else {}
        self.builder = Builder(report)
        self.line_offset = (line - 1) if line else 0
        self.exits: list[Callable[[], None]] = []
        self.reported_once: set[str] = set()

    # --- walking --------------------------------------------------------------------------------------

    def run(self, root: Tag) -> Node:
        """Walk ``root`` iteratively (no recursion, so any depth works) and return the doc node."""
        builder = self.builder
        exits = self.exits
        todo: list[Any] = list(reversed(root.contents))
        while todo:
            item = todo.pop()
            kind = type(item)
            if kind is NavigableString:
                self.text(item)
            elif kind is int:
                while len(exits) > item:
                    exits.pop()()
            elif kind is Tag:
                mark = len(exits)
                if item.sourceline is not None:
                    builder.line = item.sourceline + self.line_offset
                if self.enter(item) and item.contents:
                    todo.append(mark)
                    todo.extend(reversed(item.contents))
                else:
                    while len(exits) > mark:
                        exits.pop()()
        while len(builder.frames) > 1:
            builder.close(builder.frames[1])
        return builder.root

    def enter(self, el: Tag) -> bool:
        """Handle an element: its event handlers are reported, a class rule wins over the tag rule."""
        if el.attrs:
            for name in event_handlers(el.attrs):
                self.lowered(f"event handler attribute {name!r} on <{el.name}>", "removed")
            classes = el.attrs.get("class")
            if classes and self.class_rules:
                for name in classes:
                    rule = self.class_rules.get(name)
                    if rule is not None:
                        return rule(self, el)
        return TAG_RULES.get(el.name, _unknown)(self, el)

    def by_tag(self, el: Tag) -> bool:
        """Handle ``el`` by its tag rule (for class rules that only adjust an element)."""
        return TAG_RULES.get(el.name, _unknown)(self, el)

    def text(self, value: str) -> None:
        """Text of the document; outside code, the mention shorthand becomes a mention."""
        if "@[" in value and not self.builder.preserve and all(m.type != "code" for m in self.builder.marks):
            self._text_with_mentions(value)
        else:
            self.builder.add_text(value)

    def _text_with_mentions(self, value: str) -> None:
        """The ``@[type:id:label]`` mention shorthand of the HTML endpoints (spec §2.4)."""
        start = 0
        for match in MENTION_SHORTHAND.finditer(value):
            self.builder.add_text(value[start:match.start()])
            kind, ident, label = match.groups()
            attrs = {"type": inferred.MENTION_TYPE_HTML_TO_JSON.get(kind, kind), "id": ident, "label": label}
            self.builder.add_inline(Node("mention", attrs, [Node("text", text=label)]))
            start = match.end()
        self.builder.add_text(value[start:])

    # --- helpers for handlers -------------------------------------------------------------------------

    def after(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the current element ends."""
        self.exits.append(action)

    def block(self, node: Node) -> Frame:
        """Open a block for the current element; it closes when the element ends."""
        frame = self.builder.open(node)
        self.after(lambda: self.builder.close(frame))
        return frame

    def mark(self, mark: Mark) -> None:
        """Apply a mark to the current element's content."""
        self.builder.push_mark(mark)
        self.after(lambda: self.builder.pop_mark(mark))

    def preserve_whitespace(self) -> None:
        """Keep whitespace as written inside the current element."""
        self.builder.preserve += 1

        def undo() -> None:
            self.builder.preserve -= 1

        self.after(undo)

    def wrapper(self) -> None:
        """A block-level element without a node of its own: it ends the paragraph before and after it."""
        self.builder.end_textblock()
        self.after(self.builder.end_textblock)

    def lowered(self, what: str, became: str, *, once: bool = False) -> None:
        """Report a lowering at the current line (``once``: only its first occurrence in this input)."""
        if once:
            if what in self.reported_once:
                return
            self.reported_once.add(what)
        self.report.add(what, became, self.builder.line)

    def safe_url(self, el: Tag, attr: str, *, image: bool = False) -> str | None:
        """``el[attr]`` when it is a safe URL; unsafe ones are reported and dropped."""
        url = el.get(attr)
        if not isinstance(url, str):
            return None
        reason = unsafe_url(url, image=image)
        if reason:
            self.lowered(f"{reason} in <{el.name} {attr}>", "removed")
            return None
        return url

    def styles_of(self, el: Tag) -> dict[str, str]:
        """The inline CSS of ``el``; values that load or run something are reported and dropped."""
        style = el.get("style")
        if not isinstance(style, str):
            return {}
        css = css_declarations(style)
        for name in [name for name, value in css.items() if unsafe_css(value)]:
            self.lowered(f"active CSS in <{el.name} style> {name}", "removed")
            del css[name]
        return css


# --- attribute helpers --------------------------------------------------------------------------------------


def mapped_attrs(kind: str, el: Tag) -> dict[str, Any]:
    """JSON attrs of a Productive form from its HTML attributes (the ``html_forms`` table)."""
    out: dict[str, Any] = {}
    for html_name, json_name in HTML_ATTRS[kind]:
        value = el.get(html_name)
        if isinstance(value, list):
            value = " ".join(value)
        if value is None:
            continue
        if json_name in INT_ATTRS:
            value = _int(value)
        elif json_name == "colwidth":
            value = parse_colwidth(value)
        elif json_name == "width":
            value = _int(value) if value.isdigit() else value
        out[json_name] = value
    return out


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def _alignment(el: Tag, css: dict[str, str]) -> str | None:
    align = css.get("text-align") or el.get("align")
    if isinstance(align, str) and align.lower() in inferred.ALIGNMENTS:
        return align.lower()
    return None


# --- block handlers -----------------------------------------------------------------------------------------


def _textblock(r: Reader, el: Tag, node: Node) -> bool:
    css = r.styles_of(el)
    align = _alignment(el, css)
    if align:
        node.attrs[inferred.ALIGN_ATTR] = align
    if css.get("white-space") in _PRESERVING:
        r.preserve_whitespace()
    r.block(node)
    return True


def _paragraph(r: Reader, el: Tag) -> bool:
    return _textblock(r, el, Node("paragraph"))


def _heading(r: Reader, el: Tag) -> bool:
    return _textblock(r, el, Node("heading", {"level": int(el.name[1])}))


def _blockquote(r: Reader, el: Tag) -> bool:
    r.block(Node("blockquote"))
    return True


def _code_language(el: Tag) -> str | None:
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


def _code_text(el: Tag) -> str:
    """The text of a ``<pre>`` as a browser shows it (``<br>`` is a newline; the first newline is dropped)."""
    parts: list[str] = []
    for node in el.descendants:
        kind = type(node)
        if kind is NavigableString:
            parts.append(node)
        elif kind is Tag and node.name == "br":
            parts.append("\n")
    code = "".join(parts)
    if code.startswith("\n") and type(el.contents[0]) is NavigableString:
        code = code[1:]
    return code[:-1] if code.endswith("\n") else code


def _pre(r: Reader, el: Tag) -> bool:
    code = _code_text(el)
    frame = r.builder.open(Node("codeblock", {"language": _code_language(el)}))
    if frame.flat:
        r.builder.preserve += 1
        for index, line in enumerate(code.split("\n")):
            if index:
                r.builder.add_inline(Node("br"))
            r.builder.push_mark(mark := Mark("code"))
            r.builder.add_text(line)
            r.builder.pop_mark(mark)
        r.builder.preserve -= 1
    elif code:
        frame.node.content.append(Node("text", text=code))
    r.builder.close(frame)
    return False


def _list_kind(r: Reader) -> str | None:
    for frame in reversed(r.builder.frames):
        if frame.flat:
            return None
        if frame.node.type in ("ul", "ol", inferred.CHECKLIST):
            return frame.node.type
        if frame.node.type not in ("li", inferred.CHECKLIST_ITEM, *TEXTBLOCKS):
            return None
    return None


def _ul(r: Reader, el: Tag) -> bool:
    classes = el.get("class") or []
    if el.get("type") == inferred.CHECKLIST or "contains-task-list" in classes:
        r.block(Node(inferred.CHECKLIST))
    else:
        r.block(Node("ul"))
    return True


def _ol(r: Reader, el: Tag) -> bool:
    attrs = mapped_attrs("ol", el)
    r.block(Node("ol", {"order": attrs["order"]} if attrs.get("order") is not None else {}))
    return True


def _checked(value: Any) -> bool:
    return value is not None and str(value).lower() not in ("false", "0", "no")


def _task_checkbox(el: Tag) -> Tag | None:
    """The checkbox a Markdown renderer puts at the start of a task list item."""
    for child in el.children:
        if type(child) is Tag:
            if child.name == "input" and child.get("type") == "checkbox":
                return child
            if child.name == "p":
                return _task_checkbox(child)
            return None
        if child.strip():
            return None
    return None


def _li(r: Reader, el: Tag) -> bool:
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


def _table(r: Reader, el: Tag) -> bool:
    frame = r.block(Node("table"))
    widths = html_confluence.colgroup_widths(el)
    caption = el.find("caption", recursive=False)
    if caption is not None:
        r.lowered("table caption", "paragraph above the table")
        caption_node = Node("paragraph", content=[Node("text", text=caption.get_text(" ", strip=True))])
        parent = r.builder.frames[-2].node if len(r.builder.frames) > 1 else r.builder.root
        if caption_node.content[0].text and not frame.flat:
            parent.content.insert(len(parent.content) - 1, caption_node)
        caption.decompose()
    if widths and not frame.flat:
        r.after(lambda: html_confluence.apply_colwidths(frame.node, widths))
    return True


def _row(r: Reader, el: Tag) -> bool:
    r.block(Node("table_row"))
    return True


def _cell(r: Reader, el: Tag) -> bool:
    attrs = mapped_attrs("table_cell", el)
    for name in ("colspan", "rowspan"):
        if attrs.get(name) is None or attrs[name] < 1:
            attrs.pop(name, None)
    css = r.styles_of(el)
    for prop, key in CELL_CSS.items():
        if css.get(prop):
            attrs[key] = css[prop]
    if inferred.ALIGN_ATTR in attrs or el.get("align"):
        align = _alignment(el, css)
        attrs.pop(inferred.ALIGN_ATTR, None)
        if align:
            attrs[inferred.ALIGN_ATTR] = align
    if el.get("bgcolor") and "background" not in attrs:
        attrs["background"] = el["bgcolor"]
    r.block(Node("table_header" if el.name == "th" else "table_cell", attrs))
    return True


def _divider(r: Reader, el: Tag) -> bool:
    r.builder.close(r.builder.open(Node("divider")))
    return False


def _banner(r: Reader, el: Tag) -> bool:
    kind = el.get("type")
    if kind not in inferred.BANNER_TYPES:
        r.lowered(f"banner type {kind!r}", f"banner type {inferred.BANNER_TYPES[0]!r}")
        kind = inferred.BANNER_TYPES[0]
    r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}))
    return True


def _div(r: Reader, el: Tag) -> bool:
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


def _wrapper(r: Reader, el: Tag) -> bool:
    css = r.styles_of(el) if el.has_attr("style") else {}
    if css.get("white-space") in _PRESERVING:
        r.preserve_whitespace()
    r.wrapper()
    return True


def _figcaption(r: Reader, el: Tag) -> bool:
    r.block(Node("paragraph"))
    return True


def _definition_list(r: Reader, el: Tag) -> bool:
    r.lowered("definition list", "paragraphs, terms in bold")
    r.wrapper()
    return True


def _definition_term(r: Reader, el: Tag) -> bool:
    r.block(Node("paragraph"))
    r.mark(Mark("strong"))
    return True


# --- inline handlers ----------------------------------------------------------------------------------------


def _simple_mark(name: str) -> Handler:
    def handler(r: Reader, el: Tag) -> bool:
        css = r.styles_of(el) if el.has_attr("style") else {}
        if name == "strong" and css.get("font-weight") in ("normal", "400"):
            return True
        r.mark(Mark(name))
        return True

    return handler


def _link(r: Reader, el: Tag) -> bool:
    href = r.safe_url(el, "href")
    if href is not None:
        title = el.get("title")
        r.mark(Mark("link", {"href": href, "title": title if isinstance(title, str) else None}))
    return True


def _image(r: Reader, el: Tag) -> bool:
    src = r.safe_url(el, "src", image=True)
    if src is None:
        if el.has_attr("src"):
            return False
        r.lowered("image without src", "removed")
        return False
    attrs = mapped_attrs("image", el)
    attrs["src"] = src
    r.builder.add_inline(Node("image", attrs))
    return False


def _br(r: Reader, el: Tag) -> bool:
    r.builder.add_inline(Node("br"))
    return False


def _span(r: Reader, el: Tag) -> bool:
    attrs = el.attrs
    for attribute, kind in SPAN_KINDS:
        if attribute in attrs:
            return SPAN_RULES[kind](r, el)
    if "style" in attrs:
        _style_marks(r, r.styles_of(el))
    return True


def _style_marks(r: Reader, css: dict[str, str]) -> None:
    """Marks from inline CSS: the ``styles`` keys as a styles mark, italic/underline/strike as their marks."""
    styles = {key: css[prop] for prop, key in inferred.STYLES_CSS.items() if css.get(prop)}
    if styles:
        r.mark(Mark("styles", styles))
    if css.get("font-style") == "italic":
        r.mark(Mark("em"))
    decoration = css.get("text-decoration") or css.get("text-decoration-line") or ""
    if "underline" in decoration:
        r.mark(Mark(inferred.UNDERLINE))
    if "line-through" in decoration:
        r.mark(Mark("strike"))
    if css.get("white-space") in _PRESERVING:
        r.preserve_whitespace()


def _mention(r: Reader, el: Tag) -> bool:
    attrs = mapped_attrs("mention", el)
    kind = attrs.get("type")
    if isinstance(kind, str):
        attrs["type"] = inferred.MENTION_TYPE_HTML_TO_JSON.get(kind, kind)
    avatar = r.safe_url(el, "mention-avatar-url", image=True)
    if avatar is None:
        attrs.pop("avatarUrl", None)
    label = " ".join(el.get_text().split()) or attrs.get("label") or ""
    r.builder.add_inline(Node("mention", attrs, [Node("text", text=label)] if label else []))
    return False


def _file(r: Reader, el: Tag) -> bool:
    attrs = mapped_attrs(inferred.FILE, el)
    url_key = inferred.FILE_ATTRS["url"]
    if url_key in attrs and r.safe_url(el, "url") is None:
        del attrs[url_key]
    r.builder.add_inline(Node(inferred.FILE, attrs))
    return False


def _var(r: Reader, el: Tag) -> bool:
    r.builder.add_inline(Node(inferred.VAR, mapped_attrs(inferred.VAR, el)))
    return False


def _discussion(r: Reader, el: Tag) -> bool:
    r.mark(Mark("discussion", mapped_attrs("discussion", el)))
    return True


SPAN_RULES: dict[str, Handler] = {
    "mention": _mention,
    inferred.FILE: _file,
    inferred.VAR: _var,
    "discussion": _discussion,
}


# --- lowered, removed and unknown elements ------------------------------------------------------------------


def _plain(what: str) -> Handler:
    def handler(r: Reader, el: Tag) -> bool:
        r.lowered(what, "plain text", once=True)
        return True

    return handler


def _dropped(r: Reader, el: Tag) -> bool:
    r.lowered(f"<{el.name}> element", "removed with its content")
    return False


def _form(r: Reader, el: Tag) -> bool:
    r.lowered(f"<{el.name}> form element", "its text")
    return True


def _silent(r: Reader, el: Tag) -> bool:
    return False


def _transparent(r: Reader, el: Tag) -> bool:
    return True


def _unknown(r: Reader, el: Tag) -> bool:
    r.lowered(f"unknown element <{el.name}>", "its content", once=True)
    if el.name in _UNKNOWN_BLOCKS:
        r.wrapper()
    return True


_UNKNOWN_BLOCKS = frozenset({"menu", "dir", "listing", "xmp", "plaintext", "marquee", "multicol"})

TAG_RULES: dict[str, Handler] = {
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
    "dt": _definition_term,
    "dd": _figcaption,
    "strong": _simple_mark("strong"),
    "b": _simple_mark("strong"),
    "em": _simple_mark("em"),
    "i": _simple_mark("em"),
    "cite": _simple_mark("em"),
    "dfn": _simple_mark("em"),
    "var": _simple_mark("em"),
    "u": _simple_mark(inferred.UNDERLINE),
    "ins": _simple_mark(inferred.UNDERLINE),
    "del": _simple_mark("strike"),
    "s": _simple_mark("strike"),
    "strike": _simple_mark("strike"),
    "code": _simple_mark("code"),
    "kbd": _simple_mark("code"),
    "samp": _simple_mark("code"),
    "tt": _simple_mark("code"),
    "a": _link,
    "img": _image,
    "br": _br,
    "span": _span,
    "sup": _plain("superscript"),
    "sub": _plain("subscript"),
    "mark": _plain("highlight (<mark>)"),
    "math": _plain("math"),
    **{name: _wrapper for name in (
        "section", "article", "main", "header", "footer", "nav", "aside", "address", "center", "figure",
        "details", "summary", "hgroup", "search", "body", "html", "caption",
    )},
    **{name: _transparent for name in (
        "thead", "tbody", "tfoot", "font", "small", "big", "abbr", "acronym", "q", "time", "data", "bdi",
        "bdo", "nobr", "o:p", "ruby", "rb", "rt", "rp", "picture", "s:p",
    )},
    **{name: _dropped for name in DROPPED_ELEMENTS},
    **{name: _form for name in FORM_WRAPPERS},
    **{name: _silent for name in SILENT_ELEMENTS},
    **html_confluence.STORAGE_RULES,
}

__all__ = ["PARSER", "Reader", "mapped_attrs", "parse_blocks", "parse_inline", "read"]

