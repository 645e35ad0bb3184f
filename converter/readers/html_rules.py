"""The element rules of the HTML reader: one small handler per tag, dispatched through ``TAG_RULES``.

A handler gets the ``Reader`` and the element, acts on the builder (open a block, push a mark, add an
inline node) and returns True when the reader should walk the element's children. What a handler opens
or pushes is undone when the element ends (``Reader.block`` / ``Reader.mark``).

The handlers live by kind: blocks in ``html_blocks``, marks and inline nodes in ``html_inline``,
Confluence storage elements in ``html_confluence``; this module adds the elements that are lowered,
removed or have no node of their own, and puts the table together.
"""

from __future__ import annotations

from productive_docs.converter.model import Mark
from productive_docs.converter.readers import html_confluence
from productive_docs.converter.readers.html_blocks import BLOCK_TAG_RULES, skip, transparent
from productive_docs.converter.readers.html_inline import INLINE_TAG_RULES
from productive_docs.converter.readers.html_sanitize import DROPPED_ELEMENTS, FORM_WRAPPERS, SILENT_ELEMENTS
from productive_docs.converter.readers.html_state import Handler, Reader
from productive_docs.converter.readers.html_tree import Element

# --- lowered, removed and unknown elements ------------------------------------------------------------------


def _plain(what: str) -> Handler:
    def handler(r: Reader, el: Element) -> bool:
        r.lowered(what, "plain text", once=True)
        return True

    return handler


def _dropped(r: Reader, el: Element) -> bool:
    r.lowered(f"<{el.name}> element", "removed with its content")
    return False


def _media(r: Reader, el: Element) -> bool:
    """``<audio>`` / ``<video>``: a link to its source (the player cannot be kept; its address can)."""
    source = el if el.get("src") else el.find("source", src=True)
    src = r.safe_url(source, "src") if isinstance(source, Element) else None
    if src is None:
        return _dropped(r, el)
    r.lowered(f"<{el.name}> element", "a link to its source")
    link = Mark("link", {"href": src, "title": None})
    r.builder.push_mark(link)
    r.builder.add_text(src)
    r.builder.pop_mark(link)
    return False


def _form(r: Reader, el: Element) -> bool:
    r.lowered(f"<{el.name}> form element", "its text")
    return True


def unknown_element(r: Reader, el: Element) -> bool:
    """An element no rule knows: reported once per name, its content kept."""
    r.lowered(f"unknown element <{el.name}>", "its content", once=True)
    if el.name in _UNKNOWN_BLOCKS:
        r.wrapper()
    return True


_UNKNOWN_BLOCKS = frozenset({"menu", "dir", "listing", "xmp", "plaintext", "marquee", "multicol"})

TAG_RULES: dict[str, Handler] = {
    **BLOCK_TAG_RULES,
    **INLINE_TAG_RULES,
    "sup": _plain("superscript"),
    "sub": _plain("subscript"),
    "mark": _plain("highlight (<mark>)"),
    "math": _plain("math"),
    **{name: transparent for name in (
        "thead", "tbody", "tfoot", "font", "small", "big", "abbr", "acronym", "q", "time", "data", "bdi",
        "bdo", "nobr", "o:p", "ruby", "rb", "rt", "rp", "picture", "s:p",
    )},
    **{name: _dropped for name in DROPPED_ELEMENTS},
    "audio": _media,
    "video": _media,
    **{name: _form for name in FORM_WRAPPERS},
    **{name: skip for name in SILENT_ELEMENTS},
    **html_confluence.STORAGE_RULES,
}
