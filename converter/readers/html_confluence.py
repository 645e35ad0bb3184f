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
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Tag
from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.html_blocks import bold_paragraph, skip, transparent

if TYPE_CHECKING:
    from productive_docs.converter.readers.html import Reader
    from productive_docs.converter.readers.html_rules import Handler

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
_SHORTNAME = re.compile(r"^:[\w+-]+:$")


def is_confluence(source: str) -> bool:
    """True for a Confluence page (export or storage format): its class rules apply."""
    return "main-content" in source or "confluence" in source or "<ac:" in source


def page_title(soup: BeautifulSoup) -> str | None:
    """The page title of an export's ``<title>`` ("Space : Page" -> "Page")."""
    if soup.title is None:
        return None
    text = " ".join(soup.title.get_text().split())
    _space, sep, title = text.partition(" : ")
    return (title if sep else text) or None


def _information_macro(r: Reader, el: Tag) -> bool:
    classes = el.get("class") or []
    kind = next((MACRO_BANNERS[name] for name in classes if name in MACRO_BANNERS), "info")
    r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: kind}))
    return True


def _panel(r: Reader, el: Tag) -> bool:
    if "code" in (el.get("class") or []):
        r.wrapper()
    else:
        r.block(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: "info"}))
    return True


def _lozenge(r: Reader, el: Tag) -> bool:
    r.mark(Mark("strong"))
    return True


def _emoticon(r: Reader, el: Tag) -> bool:
    fallback = el.get("data-emoji-fallback")
    name = str(el.get("data-emoticon-name") or "")
    if isinstance(fallback, str) and fallback and not _SHORTNAME.match(fallback):
        char = fallback
    elif name in EMOTICONS:
        char = EMOTICONS[name]
    else:
        char = str(el.get("alt") or fallback or "")
        r.lowered(f"emoticon {name or char!r}", f"text {char!r}", once=True)
    if char:
        r.builder.add_text(char)
    return False


def _task_list(r: Reader, el: Tag) -> bool:
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


def _column_layout(r: Reader, el: Tag) -> bool:
    cells = [child for child in el.find_all("div", recursive=False) if "cell" in (child.get("class") or [])]
    return _columns(r, len(cells), str(el.get("data-layout") or ""))


def _layout_cell(r: Reader, el: Tag) -> bool:
    """A layout cell is a column inside a columns node (a one-cell layout is only a wrapper)."""
    if r.builder.top.node.type == inferred.COLUMNS:
        r.block(Node(inferred.COLUMN))
    else:
        r.wrapper()
    return True


def _embedded_image(r: Reader, el: Tag) -> bool:
    if el.name == "img" and isinstance(el.get("data-image-src"), str):
        el["src"] = el["data-image-src"]
    return r.by_tag(el)


def _table_cell(r: Reader, el: Tag) -> bool:
    """Confluence keeps a cell's colour in ``data-highlight-colour`` (a hex colour or a theme variable)."""
    colour = el.get("data-highlight-colour")
    if isinstance(colour, str) and colour.startswith("#") and not el.has_attr("bgcolor"):
        el["bgcolor"] = colour
    return r.by_tag(el)


CLASS_RULES: dict[str, Handler] = {
    "confluence-information-macro": _information_macro,
    "panel": _panel,
    "panelHeader": bold_paragraph,
    "expand-control": bold_paragraph,
    "expand-control-icon": skip,
    "status-macro": _lozenge,
    "confluence-userlink": transparent,
    "user-mention": transparent,
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


def _parameter(el: Tag, name: str) -> str | None:
    for parameter in el.find_all("ac:parameter", recursive=False):
        if parameter.get("ac:name") == name:
            return parameter.get_text()
    return None


def _bold_paragraph(r: Reader, value: str) -> None:
    frame = r.builder.open(Node("paragraph"))
    r.builder.add_marked_text(value, Mark("strong"))
    r.builder.close(frame)


def _structured_macro(r: Reader, el: Tag) -> bool:
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
    else:
        r.lowered(f"Confluence macro {name!r}", "its body", once=True)
        r.wrapper()
    return True


def _task(r: Reader, el: Tag) -> bool:
    status = el.find("ac:task-status", recursive=False)
    checked = status is not None and status.get_text().strip() == "complete"
    r.block(Node(inferred.CHECKLIST_ITEM, {inferred.CHECKED_ATTR: checked}))
    return True


def _layout_section(r: Reader, el: Tag) -> bool:
    cells = el.find_all("ac:layout-cell", recursive=False)
    return _columns(r, len(cells), str(el.get("ac:type") or "").replace("_", "-"))


def _storage_image(r: Reader, el: Tag) -> bool:
    attachment = el.find("ri:attachment")
    url = el.find("ri:url")
    src = attachment.get("ri:filename") if attachment is not None else url.get("ri:value") if url else None
    if not isinstance(src, str):
        r.lowered("Confluence image without a source", "removed")
        return False
    el["src"] = src
    for storage, html_name in (("ac:alt", "alt"), ("ac:title", "title"), ("ac:width", "width")):
        if el.has_attr(storage):
            el[html_name] = el[storage]
    el.name = "img"
    return r.by_tag(el)


def _storage_link(r: Reader, el: Tag) -> bool:
    """Links to attachments keep their file name as ``href``; page and user links become their text."""
    body = el.find(["ac:link-body", "ac:plain-text-link-body"], recursive=False)
    attachment = el.find("ri:attachment", recursive=False)
    page = el.find("ri:page", recursive=False)
    text = body.get_text() if body is not None else ""
    if attachment is not None and isinstance(attachment.get("ri:filename"), str):
        href = attachment["ri:filename"]
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


def _storage_emoticon(r: Reader, el: Tag) -> bool:
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
