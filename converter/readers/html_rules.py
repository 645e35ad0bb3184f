"""The element rules of the HTML reader: one small handler per tag, dispatched through ``TAG_RULES``.

A handler gets the ``Reader`` and the element, acts on the builder (open a block, push a mark, add an
inline node) and returns True when the reader should walk the element's children. What a handler opens
or pushes is undone when the element ends (``Reader.block`` / ``Reader.mark``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bs4 import NavigableString, Tag

from converter import inferred
from converter.model import Mark, Node
from converter.readers import html_confluence
from converter.readers.html_builder import TEXTBLOCKS
from converter.readers.html_forms import (
    CELL_CSS,
    COLUMNS_CSS,
    HTML_ATTRS,
    INT_ATTRS,
    SPAN_KINDS,
    css_declarations,
    parse_colwidth,
)
from converter.readers.html_sanitize import DROPPED_ELEMENTS, FORM_WRAPPERS, SILENT_ELEMENTS

if TYPE_CHECKING:
    from converter.readers.html import Reader

Handler = Callable[["Reader", Tag], bool]
"""An element handler: acts on the builder, returns True to walk the element's children."""

#: CSS ``white-space`` values under which a browser keeps whitespace as written.
PRESERVING = ("pre", "pre-wrap", "break-spaces", "pre-line")


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
    if css.get("white-space") in PRESERVING:
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
    if css.get("white-space") in PRESERVING:
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
    if css.get("white-space") in PRESERVING:
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


def unknown_element(r: Reader, el: Tag) -> bool:
    """An element no rule knows: reported once per name, its content kept."""
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
