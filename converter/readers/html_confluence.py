"""Confluence page HTML (space exports and the storage-like markup inside them), rule by CSS class.

On a Confluence page (``is_confluence``) the reader looks each class of an element up in ``CLASS_RULES``
before its tag rule, so a Confluence macro is recognised by the class Confluence gives its wrapper:

| Confluence construct                          | becomes                                            |
| --------------------------------------------- | -------------------------------------------------- |
| info / note / tip / warning macro             | banner info / warning / success / critical         |
| panel macro (not a code panel)                | banner info                                        |
| code panel, ``syntaxhighlighter`` ``<pre>``   | codeblock, language from ``brush:`` (``<pre>`` rule) |
| ``inline-task-list``, ``li.checked``          | checklist, checked items                           |
| ``columnLayout`` with 2-5 cells               | columns of column                                  |
| expand macro                                  | its title in bold, then its content                |
| status lozenge                                | bold text                                          |
| user mention link                             | the name as text (an export has no person id)      |
| emoticon image                                | its Unicode character (``EMOTICONS``)              |
| ``colgroup`` widths (any table, ``<table>`` rule) | cell ``colwidth``                               |
| embedded image                                | image with the relative ``data-image-src``         |

Attachment links keep their relative ``href`` for the importer to resolve. The storage format (``ac:`` and
``ri:`` elements) maps the same way through ``STORAGE_RULES``: info/note/tip/warning/panel macros, code and
noformat macros, expand, status, task lists, layouts, images, links and emoticons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.html_blocks import bold_paragraph, skip, transparent
from productive_docs.converter.readers.html_builder import TEXTBLOCKS
from productive_docs.converter.readers.html_state import Handler, Reader
from productive_docs.converter.readers.html_tree import Element

#: Confluence information macro class -> banner type.
MACRO_BANNERS = {
    "confluence-information-macro-information": "info",
    "confluence-information-macro-note": "warning",
    "confluence-information-macro-tip": "success",
    "confluence-information-macro-warning": "critical",
}
#: Confluence emoticon name -> the character it shows (used when the export has no emoji fallback).
EMOTICONS = {
    "smile": "\N{SLIGHTLY SMILING FACE}",
    "sad": "\N{SLIGHTLY FROWNING FACE}",
    "cheeky": "\N{FACE WITH STUCK-OUT TONGUE}",
    "laugh": "\N{GRINNING FACE}",
    "wink": "\N{WINKING FACE}",
    "thumbs-up": "\N{THUMBS UP SIGN}",
    "thumbs-down": "\N{THUMBS DOWN SIGN}",
    "information": "\N{INFORMATION SOURCE}",
    "tick": "\N{WHITE HEAVY CHECK MARK}",
    "cross": "\N{CROSS MARK}",
    "warning": "\N{WARNING SIGN}",
    "plus": "\N{HEAVY PLUS SIGN}",
    "minus": "\N{HEAVY MINUS SIGN}",
    "question": "\N{BLACK QUESTION MARK ORNAMENT}",
    "light-on": "\N{ELECTRIC LIGHT BULB}",
    "light-off": "\N{ELECTRIC LIGHT BULB}",
    "yellow-star": "\N{WHITE MEDIUM STAR}",
    "red-star": "\N{WHITE MEDIUM STAR}",
    "green-star": "\N{WHITE MEDIUM STAR}",
    "blue-star": "\N{WHITE MEDIUM STAR}",
    "heart": "\N{HEAVY BLACK HEART}",
    "broken-heart": "\N{BROKEN HEART}",
}
#: Confluence column layout -> grid template of the columns node.
LAYOUT_WIDTHS = {
    "two-equal": "1fr 1fr",
    "two-left-sidebar": "1fr 2fr",
    "two-right-sidebar": "2fr 1fr",
    "three-equal": "1fr 1fr 1fr",
    "three-with-sidebars": "1fr 2fr 1fr",
}
_SHORTNAME = re.compile(r"^(?::[\w+-]+:)+$")
_MENTION_CLASSES = frozenset({"confluence-userlink", "user-mention"})
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_CODEPOINTS = re.compile(r"^[0-9a-f]{4,6}(?:-[0-9a-f]{4,6})*$")


def is_confluence(source: str) -> bool:
    """True for a Confluence page (export or storage format): its class rules apply."""
    return "main-content" in source or "confluence" in source or "<ac:" in source


def page_title(soup: Element) -> str | None:
    """The page title of an export's ``<title>`` ("Space : Page" -> "Page")."""
    if soup.title is None:
        return None
    text = " ".join(soup.title.get_text().split())
    _space, sep, title = text.partition(" : ")
    return (title if sep else text) or None


def _information_macro(r: Reader, el: Element) -> bool:
    classes: Sequence[str] = el.get("class") or []
    kind = next((MACRO_BANNERS[name] for name in classes if name in MACRO_BANNERS), "info")
    r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}))
    return True


def _panel(r: Reader, el: Element) -> bool:
    if "code" in (el.get("class") or []):
        r.wrapper()
    else:
        r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: "info"}))
    return True


def _lozenge(r: Reader, el: Element) -> bool:
    r.mark(Mark("strong"))
    return True


def _js_unescape(value: str) -> str:
    """``\\uD83D\\uDDD3`` (a JavaScript string escape, as some exports write emoji) as the character."""
    if "\\u" not in value:
        return value
    escaped = _JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return escaped.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _emoji_of_id(emoji_id: object) -> str | None:
    """The character of a ``data-emoji-id`` made of hex code points (``1f4cb``, ``1f44d-1f3fb``)."""
    if isinstance(emoji_id, str) and _CODEPOINTS.match(emoji_id):
        return "".join(chr(int(point, 16)) for point in emoji_id.split("-"))
    return None


def _emoticon(r: Reader, el: Element) -> bool:
    fallback = el.get("data-emoji-fallback")
    fallback = _js_unescape(fallback) if isinstance(fallback, str) else ""
    name = str(el.get("data-emoticon-name") or "")
    if fallback and not _SHORTNAME.match(fallback):
        char = fallback
    elif (by_id := _emoji_of_id(el.get("data-emoji-id"))) is not None:
        char = by_id
    elif name in EMOTICONS:
        char = EMOTICONS[name]
    else:
        char = str(el.get("alt") or fallback or "")
        r.lowered(f"emoticon {name or char!r}", f"text {char!r}", once=True)
    if char:
        r.builder.add_text(char)
    return False


def _user_mention(r: Reader, el: Element) -> bool:
    """A mention becomes the person's name (an export has no Productive person id); the names of mentions
    written one right after the other (no space between the links) are kept apart by a space."""
    before = el.previous_sibling
    if isinstance(before, Element) and _MENTION_CLASSES.intersection(before.get("class") or []):
        r.builder.add_text(" ")
    return True


def _task_list(r: Reader, el: Element) -> bool:
    r.block(Node(inferred.CHECKLIST))
    return True


def _columns(r: Reader, count: int, layout: str) -> bool:
    """A columns node for a layout of 2-5 cells (any other count is only a wrapper of its cells)."""
    if not inferred.COLUMNS_MIN <= count <= inferred.COLUMNS_MAX:
        r.wrapper()
        return True
    attrs: dict[str, int | str] = {inferred.COLUMNS_COUNT_ATTR: count}
    widths = LAYOUT_WIDTHS.get(layout)
    if widths:
        attrs[inferred.COLUMNS_WIDTHS_ATTR] = widths
    r.block(Node(inferred.COLUMNS, attrs))
    return True


def _column_layout(r: Reader, el: Element) -> bool:
    cells = [child for child in el.find_all("div", recursive=False) if "cell" in (child.get("class") or [])]
    return _columns(r, len(cells), str(el.get("data-layout") or ""))


def _layout_cell(r: Reader, el: Element) -> bool:
    """A layout cell is a column inside a columns node (a one-cell layout is only a wrapper)."""
    if r.builder.top.node.type == inferred.COLUMNS:
        r.block(Node(inferred.COLUMN))
    else:
        r.wrapper()
    return True


def _embedded_image(r: Reader, el: Element) -> bool:
    if el.name == "img" and isinstance(el.get("data-image-src"), str):
        el["src"] = el["data-image-src"]
    return r.by_tag(el)


def _table_cell(r: Reader, el: Element) -> bool:
    """Confluence keeps a cell's colour in ``data-highlight-colour`` (a hex colour or a theme variable)."""
    attrs = el.attrs
    colour = attrs.get("data-highlight-colour")
    if isinstance(colour, str) and colour.startswith("#") and "bgcolor" not in attrs:
        attrs["bgcolor"] = colour
    return r.by_tag(el)


CLASS_RULES: dict[str, Handler] = {
    "confluence-information-macro": _information_macro,
    "panel": _panel,
    "panelHeader": bold_paragraph,
    "expand-control": bold_paragraph,
    "expand-control-icon": skip,
    "status-macro": _lozenge,
    "confluence-userlink": _user_mention,
    "user-mention": _user_mention,
    "emoticon": _emoticon,
    "inline-task-list": _task_list,
    "columnLayout": _column_layout,
    "cell": _layout_cell,
    "confluence-embedded-image": _embedded_image,
    "confluence-anchor-link": skip,
    "confluenceTd": _table_cell,
    "confluenceTh": _table_cell,
}


# --- storage format (``ac:`` / ``ri:`` elements, as in pages saved from the editor or the REST API) ------

#: Storage-format macro name -> banner type.
STORAGE_BANNERS = {
    "info": "info", "note": "warning", "tip": "success", "warning": "critical", "panel": "info",
}


def _parameter(el: Element, name: str) -> str | None:
    for parameter in el.find_all("ac:parameter", recursive=False):
        if parameter.get("ac:name") == name:
            return parameter.get_text()
    return None


def _bold_paragraph(r: Reader, value: str) -> None:
    frame = r.builder.open(Node("paragraph"))
    r.builder.add_marked_text(value, Mark("strong"))
    r.builder.close(frame)


#: Macros whose content Confluence computes from other pages or the space: removed, reported.
GENERATED_MACROS = frozenset({
    "toc", "toc-zone", "children", "pagetree", "recently-updated", "contentbylabel", "content-report-table",
    "livesearch", "create-from-template", "blog-posts", "attachments", "page-index", "listlabels",
})
#: Macros that show another page's content (it is not in this page): a link to that page by title.
INCLUDE_MACROS = frozenset({"include", "excerpt-include"})


def _structured_macro(r: Reader, el: Element) -> bool:
    name = str(el.get("ac:name") or "")
    title = _parameter(el, "title")
    if name in STORAGE_BANNERS:
        r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: STORAGE_BANNERS[name]}))
        if title:
            _bold_paragraph(r, title)
    elif name in ("code", "noformat"):
        body = el.find("ac:plain-text-body", recursive=False)
        code = body.get_text() if body is not None else ""
        frame = r.builder.open(Node("codeblock", {"language": _parameter(el, "language")}))
        if code and not frame.flat:
            frame.node.content.append(Node("text", text=code))
        r.builder.close(frame)
        return False
    elif name == "expand":
        r.wrapper()
        _bold_paragraph(r, title or "Click here to expand...")
    elif name == "status":
        r.builder.add_marked_text(title or "", Mark("strong"))
        return False
    elif name == "anchor":
        return _anchor(r, _parameter(el, "") or "")
    elif name in GENERATED_MACROS:
        r.lowered(f"Confluence {name!r} macro (built from other pages)", "removed", once=True)
        return False
    elif name in INCLUDE_MACROS:
        return _include(r, el, name)
    elif name == "excerpt":
        r.lowered("Confluence 'excerpt' macro", "its body", once=True)
        r.wrapper()
    elif el.find("ac:rich-text-body", recursive=False) is not None:
        r.lowered(f"Confluence macro {name!r}", "its body", once=True)
        r.wrapper()
    else:
        return _macro_as_text(r, el, name)
    return True


def _anchor(r: Reader, name: str) -> bool:
    """An anchor macro names the block it sits in (a heading, usually): it becomes that block's id."""
    top = r.builder.top.node
    if name and top.type in TEXTBLOCKS and not top.attrs.get("id"):
        top.attrs["id"] = name
    elif name:
        r.lowered("Confluence anchor outside a heading or paragraph", "removed", once=True)
    return False


def _include(r: Reader, el: Element, name: str) -> bool:
    page = el.find("ri:page")
    title = str(page.get("ri:content-title") or "") if page is not None else ""
    r.lowered(f"Confluence {name!r} macro", "a paragraph naming the included page", once=True)
    frame = r.builder.open(Node("paragraph"))
    r.builder.add_text(f"Included from the page {title}" if title else "Included from another page")
    r.builder.close(frame)
    return False


def _macro_as_text(r: Reader, el: Element, name: str) -> bool:
    """A macro this reader does not know (Jira issues, charts, apps): a link to the URL it names, else its
    name and key parameters as text, so the reader of the page sees something was there."""
    parameters = {str(p.get("ac:name") or ""): p.get_text(" ", strip=True)
                  for p in el.find_all("ac:parameter", recursive=False)}
    url = next((value for value in parameters.values() if value.startswith(("https://", "http://"))), None)
    key = parameters.get("key") or parameters.get("jqlQuery") or parameters.get("body") or parameters.get("")
    label = f"[{name}: {key}]" if key else f"[{name}]"
    r.lowered(f"Confluence macro {name!r}", "a link" if url else "text naming it", once=True)
    if url:
        r.builder.add_marked_text(label, Mark("link", {"href": url}))
    else:
        r.builder.add_text(label)
    return False


def _task(r: Reader, el: Element) -> bool:
    status = el.find("ac:task-status", recursive=False)
    checked = status is not None and status.get_text().strip() == "complete"
    r.block(Node(inferred.CHECKLIST_ITEM, {inferred.CHECKED_ATTR: checked}))
    return True


def _layout_section(r: Reader, el: Element) -> bool:
    cells = el.find_all("ac:layout-cell", recursive=False)
    return _columns(r, len(cells), str(el.get("ac:type") or "").replace("_", "-"))


def _storage_image(r: Reader, el: Element) -> bool:
    attachment = el.find("ri:attachment")
    url = el.find("ri:url")
    src = attachment.get("ri:filename") if attachment is not None else url.get("ri:value") if url else None
    if not isinstance(src, str):
        r.lowered("Confluence image without a source", "removed")
        return False
    caption = el.find("ac:caption")
    caption_text = caption.get_text(" ", strip=True) if caption is not None else ""
    el["src"] = src
    for storage, html_name in (("ac:alt", "alt"), ("ac:title", "title"), ("ac:width", "width")):
        if el.has_attr(storage):
            el[html_name] = el[storage]
    el.name = "img"
    r.by_tag(el)
    if caption_text:
        r.lowered("Confluence image caption", "an italic paragraph below the image")
        r.builder.end_textblock()
        frame = r.builder.open(Node("paragraph"))
        r.builder.add_marked_text(caption_text, Mark("em"))
        r.builder.close(frame)
    return False


def _storage_link(r: Reader, el: Element) -> bool:
    """Links to attachments keep their file name as ``href``; page and user links become their text."""
    body = el.find(["ac:link-body", "ac:plain-text-link-body"], recursive=False)
    attachment = el.find("ri:attachment", recursive=False)
    page = el.find("ri:page", recursive=False)
    text = body.get_text() if body is not None else ""
    anchor = el.get("ac:anchor")
    if attachment is None and page is None and isinstance(anchor, str) and anchor:
        r.builder.add_marked_text(text or anchor, Mark("link", {"href": f"#{anchor}"}))
        return False
    href = attachment.get("ri:filename") if attachment is not None else None
    if isinstance(href, str):
        r.builder.add_marked_text(text or href, Mark("link", {"href": href}))
        return False
    if page is not None:
        text = text or str(page.get("ri:content-title") or "")
        r.lowered("Confluence page link", "its title as text", once=True)
    elif el.find("ri:user", recursive=False) is not None and not text:
        text = "@user"
        r.lowered("Confluence user mention without a name", "'@user'", once=True)
    r.builder.add_text(text)
    return False


def _storage_emoticon(r: Reader, el: Element) -> bool:
    el["data-emoticon-name"] = str(el.get("ac:name") or "")
    fallback = el.get("ac:emoji-fallback")
    if isinstance(fallback, str):
        el["data-emoji-fallback"] = fallback
    return _emoticon(r, el)


STORAGE_RULES: dict[str, Handler] = {
    "ac:structured-macro": _structured_macro,
    "ac:parameter": skip,
    "ac:rich-text-body": transparent,
    "ac:plain-text-body": transparent,
    "ac:task-list": _task_list,
    "ac:task": _task,
    "ac:task-id": skip,
    "ac:task-uuid": skip,
    "ac:task-status": skip,
    "ac:task-body": transparent,
    "ac:layout": transparent,
    "ac:layout-section": _layout_section,
    "ac:layout-cell": _layout_cell,
    "ac:image": _storage_image,
    "ac:link": _storage_link,
    "ac:emoticon": _storage_emoticon,
    "ac:inline-comment-marker": transparent,
    "ac:placeholder": skip,
}
