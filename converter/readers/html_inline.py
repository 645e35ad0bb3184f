"""Inline element handlers of the HTML reader: marks (``strong``, ``a``, styled spans ...) and inline nodes
(``img``, ``br``, the mention, file, var and discussion spans of the Productive forms).

A mark a handler pushes applies to the element's content and is popped when the element ends
(``Reader.mark``). ``INLINE_TAG_RULES`` maps tag names to the handlers; ``SPAN_RULES`` the kinds of
Productive span (``html_forms.SPAN_KINDS``).
"""

from __future__ import annotations

from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.html_forms import PRESERVING, SPAN_KINDS, mapped_attrs
from productive_docs.converter.readers.html_state import Handler, Reader
from productive_docs.converter.readers.html_tree import Element


def _simple_mark(name: str) -> Handler:
    def handler(r: Reader, el: Element) -> bool:
        css = r.styles_of(el) if el.has_attr("style") else {}
        if name == "strong" and css.get("font-weight") in ("normal", "400"):
            return True
        r.mark(Mark(name))
        return True

    return handler


def _link(r: Reader, el: Element) -> bool:
    href = r.safe_url(el, "href")
    if href is None:
        return True
    title = el.get("title")
    link = Mark("link", {"href": href, "title": title if isinstance(title, str) else None})
    if el.get_text() or el.find(("img", "br")) is not None:
        r.mark(link)
        return True
    # An empty link (``<a href="X"></a>``) shows nothing, but an imported page's addresses are content: kept
    # as an autolink. A fragment (raw HTML in Markdown, Productive's HTML) is read as a browser shows it.
    if not r.page:
        r.lowered(f"empty link to {href[:80]!r}", "dropped")
        return True
    r.lowered("empty link", "a link showing its address")
    r.builder.push_mark(link)
    r.builder.add_text(href)
    r.builder.pop_mark(link)
    return True


def _image(r: Reader, el: Element) -> bool:
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


def _br(r: Reader, el: Element) -> bool:
    r.builder.add_inline(Node("br"))
    return False


def _span(r: Reader, el: Element) -> bool:
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


def _mention(r: Reader, el: Element) -> bool:
    attrs = mapped_attrs("mention", el)
    kind = attrs.get("type")
    if isinstance(kind, str):
        attrs["type"] = inferred.mention_type_to_json(kind)
    avatar = r.safe_url(el, "mention-avatar-url", image=True)
    if avatar is None:
        attrs.pop("avatarUrl", None)
    label = " ".join(el.get_text().split()) or attrs.get("label") or ""
    r.builder.add_inline(Node("mention", attrs, [Node("text", text=label)] if label else []))
    return False


def _file(r: Reader, el: Element) -> bool:
    attrs = mapped_attrs(inferred.FILE, el)
    url_key = inferred.FILE_ATTRS["url"]
    if url_key in attrs and r.safe_url(el, "url") is None:
        del attrs[url_key]
    r.builder.add_inline(Node(inferred.FILE, attrs))
    return False


def _var(r: Reader, el: Element) -> bool:
    r.builder.add_inline(Node(inferred.VAR, mapped_attrs(inferred.VAR, el)))
    return False


def _discussion(r: Reader, el: Element) -> bool:
    r.mark(Mark("discussion", mapped_attrs("discussion", el)))
    return True


SPAN_RULES: dict[str, Handler] = {
    "mention": _mention,
    inferred.FILE: _file,
    inferred.VAR: _var,
    "discussion": _discussion,
}


INLINE_TAG_RULES: dict[str, Handler] = {
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
}
