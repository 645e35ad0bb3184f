"""Google Docs and Word HTML: rewrite the editors' presentational markup into plain HTML before the walk.

Both editors say everything with inline CSS on ``<span>``s and paragraphs, most of it defaults that mean
nothing (``font-family``, ``font-size: 11pt``, ``color: #000000``, ``mso-*``). ``prepare`` rewrites them in
the parsed tree, so the generic rules then read the meaning:

- a span's ``font-weight: 700`` becomes a ``<b>`` around it, ``vertical-align: super|sub`` a
  ``<sup>``/``<sub>``;
  colours that are not the default stay in ``style`` (a ``styles`` mark), the rest of the CSS goes (and a
  link's own colour and underline go too);
- Google Docs' ``<b style="font-weight:normal" id="docs-internal-guid-...">`` wrapper is not bold (the
  generic ``<b>`` rule honours ``font-weight: normal``);
- a span in a monospace font (``Courier New``, ``Roboto Mono`` ...) becomes ``<code>``;
- Google Docs' "download as HTML" export first gets its class styles inlined and its flat lists nested
  (``html_gdocs``), then reads like the clipboard;
- Word's ``MsoListParagraph`` paragraphs (``mso-list: l0 level2``) become nested ``<ol>``/``<ul>`` items, the
  list marker span (``mso-list: Ignore``) goes; ``<o:p>`` wrappers and paragraphs holding only
  non-breaking spaces (Word's spacing) go, and so does the clipboard's ``Apple-interchange-newline``.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from productive_docs.converter.readers import html_gdocs
from productive_docs.converter.readers.html_forms import css_declarations, css_text

_WORD_MARKERS = ("urn:schemas-microsoft-com:office", "class=Mso", 'class="Mso', "mso-list")
_LEVEL = re.compile(r"level(\d+)")
_ORDERED_MARKER = re.compile(r"^[(\[]?([0-9]+|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)\]]$")
_DEFAULT_COLOURS = frozenset({"#000000", "#000", "black", "rgb(0,0,0)", "windowtext", "auto", "inherit"})
_NO_BACKGROUND = frozenset({"transparent", "#ffffff", "#fff", "white", "rgb(255,255,255)", "inherit",
                            "initial"})
_MONOSPACE = re.compile(r"mono|courier|consolas|menlo|monaco|inconsolata|source code|fira code", re.I)
_BOLD = frozenset({"bold", "bolder", "600", "700", "800", "900"})


def is_office(source: str) -> bool:
    """True for HTML written by Google Docs or Word (their markup needs ``prepare``)."""
    return (
        "docs-internal-guid" in source
        or any(marker in source for marker in _WORD_MARKERS)
        or html_gdocs.is_export(source)
    )


def prepare(soup: BeautifulSoup, root: Tag) -> None:
    """Rewrite Google Docs / Word markup under ``root`` (part of ``soup``, which makes the new tags) in place
    (see the module docstring)."""
    if root.find("style") is not None or soup.find("style") is not None:
        numbered = html_gdocs.inline_classes(root, soup)
        html_gdocs.nest_lists(root, numbered)
        html_gdocs.unwrap_redirects(root)
    _word_lists(root, soup)
    for span in root.find_all("span", style=True):
        _clean_span(span, soup)
    for wrapper in root.find_all("o:p"):
        wrapper.unwrap()
    for clipboard_newline in root.find_all("br", class_="Apple-interchange-newline"):
        clipboard_newline.decompose()
    for paragraph in root.find_all("p"):
        if not paragraph.get_text().strip() and paragraph.find("img") is None:
            paragraph.decompose()


def _clean_span(span: Tag, soup: BeautifulSoup) -> None:
    """Keep the meaning of a span's CSS, drop the editor defaults."""
    css = css_declarations(str(span["style"]))
    if "mso-list" in css and css["mso-list"].lower() == "ignore":
        return
    kept: dict[str, str] = {}
    in_link = span.find_parent("a") is not None or _wraps_one_link(span)
    color = css.get("color", "").replace(" ", "").lower()
    if color and color not in _DEFAULT_COLOURS and not in_link:
        kept["color"] = css["color"]
    background = (css.get("background-color") or css.get("background") or "").replace(" ", "").lower()
    if background and background not in _NO_BACKGROUND:
        kept["background-color"] = css.get("background-color") or css["background"]
    for prop in ("font-style", "text-decoration", "text-decoration-line"):
        if css.get(prop) and css[prop] not in ("normal", "none") and not (in_link and prop != "font-style"):
            kept[prop] = css[prop]
    if kept:
        span["style"] = css_text(kept)
    else:
        del span["style"]
    if css.get("font-weight", "").lower() in _BOLD:
        span.wrap(soup.new_tag("b"))
    if _MONOSPACE.search(css.get("font-family", "")) and span.find_parent("code") is None:
        span.wrap(soup.new_tag("code"))
    vertical = css.get("vertical-align", "")
    if vertical in ("super", "sub"):
        span.wrap(soup.new_tag("sup" if vertical == "super" else "sub"))


def _wraps_one_link(span: Tag) -> bool:
    """A span around one link and nothing else (Google Docs' export styles the link from outside)."""
    children = [child for child in span.contents if isinstance(child, Tag) or str(child).strip()]
    return len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "a"


def _is_list_paragraph(el: object) -> bool:
    if not isinstance(el, Tag) or el.name != "p":
        return False
    if any(name.startswith("MsoListParagraph") for name in el.get("class") or []):
        return True
    style = str(el.get("style") or "").lower().replace(" ", "")
    return "mso-list:l" in style


def _marker(paragraph: Tag) -> str:
    """Remove Word's list marker span and return its text ("1.", "a)", a bullet character)."""
    for span in paragraph.find_all("span", style=True):
        if css_declarations(str(span["style"])).get("mso-list", "").lower() == "ignore":
            text = span.get_text().replace("\xa0", " ").strip()
            span.decompose()
            return text
    return ""


def _word_lists(root: Tag, soup: BeautifulSoup) -> None:
    """Turn runs of Word list paragraphs into nested lists."""
    stack: list[tuple[int, Tag]] = []
    previous: Tag | None = None
    for paragraph in root.find_all(_is_list_paragraph):
        if previous is None or _next_tag(previous) is not paragraph:
            stack = []
        previous = paragraph
        style = str(paragraph.get("style") or "")
        match = _LEVEL.search(style)
        level = int(match.group(1)) if match else 1
        kind = "ol" if _ORDERED_MARKER.match(_marker(paragraph)) else "ul"
        while stack and stack[-1][0] > level:
            stack.pop()
        if not stack or stack[-1][0] < level:
            new_list = soup.new_tag(kind)
            if stack:
                items = stack[-1][1].find_all("li", recursive=False)
                (items[-1] if items else stack[-1][1]).append(new_list)
            else:
                paragraph.insert_before(new_list)
            stack.append((level, new_list))
        item = soup.new_tag("li")
        stack[-1][1].append(item)
        marker_free = paragraph.extract()
        del marker_free["class"]
        item.append(marker_free)


def _next_tag(el: Tag) -> Tag | None:
    """The next element sibling of the list the paragraph went into (whitespace skipped)."""
    node = el.parent
    while node is not None and node.name not in ("ul", "ol"):
        node = node.parent
    top = node
    while top is not None and top.parent is not None and top.parent.name in ("ul", "ol", "li"):
        top = top.parent
    sibling = top.next_sibling if top is not None else None
    while isinstance(sibling, NavigableString) and not sibling.strip():
        sibling = sibling.next_sibling
    return sibling if isinstance(sibling, Tag) else None
