"""Google Docs "download as HTML" (``File > Download > Web page``): class-based styles into plain HTML.

Unlike the clipboard (``docs-internal-guid``, inline CSS everywhere), the export says everything with
classes defined in one ``<style>`` block: ``<span class="c5">`` is bold when ``.c5{font-weight:700}``, and
lists are flat siblings, one ``<ul class="lst-kix_<id>-<level>">`` per run of items at one nesting level,
bullet or number told by the ``.lst-kix_<id>-<level>>li:before{content:...}`` rule (a ``counter(...)`` is a
number) rather than by the tag. ``inline_classes`` copies each class rule's declarations into the
element's ``style`` (what ``html_office.prepare`` then reads like the clipboard's inline CSS), and
``nest_lists`` rebuilds the nesting and the list kinds. Both work on the parsed tree before the walk.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from productive_docs.converter.readers.html_forms import css_declarations, css_text

#: The export's marks: a ``doc-content`` body and Google's list classes.
_MARKERS = ("doc-content", "lst-kix_")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_AT_RULE = re.compile(r"@[^;{}]*;")
_CLASS = re.compile(r"\.([\w-]+)")
_LIST_CLASS = re.compile(r"lst-kix_([\w]+)-(\d+)")
_MARKER_RULE = re.compile(r"\.lst-kix_([\w]+-\d+)>li:before")
#: Declarations copied from class rules onto spans and links (the rest is page layout).
_INLINE_PROPS = frozenset({
    "font-weight", "font-style", "text-decoration", "text-decoration-line", "vertical-align", "color",
    "background-color", "font-family",
})
#: Paragraph alignments worth keeping (``left`` is every paragraph's default).
_ALIGNMENTS = frozenset({"center", "right", "justify"})
_TEXTBLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li")


def is_export(source: str) -> bool:
    """True for a Google Docs HTML export (class-based styles in a ``<style>`` block)."""
    head = source[:200_000]
    return "<style" in head and any(marker in head for marker in _MARKERS)


def _class_rules(soup: BeautifulSoup) -> tuple[dict[str, dict[str, str]], dict[str, bool]]:
    """Class -> its declarations, and list class (``<id>-<level>``) -> numbered, from the ``<style>``s."""
    classes: dict[str, dict[str, str]] = {}
    numbered: dict[str, bool] = {}
    for style in soup.find_all("style"):
        text = _AT_RULE.sub("", style.get_text())
        for selectors, body in _RULE.findall(text):
            declarations = css_declarations(body)
            for selector in (part.strip() for part in selectors.split(",")):
                marker = _MARKER_RULE.fullmatch(selector)
                if marker and "content" in declarations:
                    numbered[marker.group(1)] = "counter(" in declarations["content"]
                elif selector.startswith(".") and _CLASS.fullmatch(selector):
                    classes.setdefault(selector[1:], {}).update(declarations)
    return classes, numbered


def inline_classes(root: Tag, soup: BeautifulSoup) -> dict[str, bool]:
    """Copy class styles onto spans and links (their text look) and paragraph alignments onto text blocks;
    returns which list classes are numbered (for ``nest_lists``)."""
    classes, numbered = _class_rules(soup)
    if not classes:
        return numbered
    for el in root.find_all(("span", "a", *_TEXTBLOCKS), class_=True):
        merged: dict[str, str] = {}
        for name in el.get("class") or []:
            merged.update(classes.get(name, {}))
        if el.name in ("span", "a"):
            kept = {prop: value for prop, value in merged.items() if prop in _INLINE_PROPS}
        else:
            align = merged.get("text-align", "")
            kept = {"text-align": align} if align in _ALIGNMENTS else {}
        if kept:
            own = css_declarations(str(el.get("style") or ""))
            el["style"] = css_text({**kept, **own})
    return numbered


def _list_key(el: Tag) -> tuple[str, int] | None:
    for name in el.get("class") or []:
        match = _LIST_CLASS.fullmatch(name)
        if match:
            return match.group(1), int(match.group(2))
    return None


def _next_element(el: Tag) -> Tag | None:
    sibling = el.next_sibling
    while isinstance(sibling, NavigableString) and not sibling.strip():
        sibling = sibling.next_sibling
    return sibling if isinstance(sibling, Tag) else None


def nest_lists(root: Tag, numbered: dict[str, bool]) -> None:
    """Rebuild nested lists from runs of flat ``lst-kix`` lists; the kind from the marker rule."""
    for first in root.find_all(("ul", "ol"), class_=_LIST_CLASS):
        if first.parent is None or _list_key(first) is None:
            continue  # already moved into a run
        previous = first.previous_sibling
        while isinstance(previous, NavigableString) and not previous.strip():
            previous = previous.previous_sibling
        if isinstance(previous, Tag) and previous.name in ("ul", "ol") and _list_key(previous):
            continue  # not the start of a run
        _nest_run(first, numbered)


def _nest_run(first: Tag, numbered: dict[str, bool]) -> None:
    stack: list[tuple[int, Tag]] = []
    current: Tag | None = first
    while current is not None and current.name in ("ul", "ol") and (key := _list_key(current)):
        following = _next_element(current)
        list_id, level = key
        kind = numbered.get(f"{list_id}-{level}")
        if kind is not None:
            current.name = "ol" if kind else "ul"
        while stack and stack[-1][0] > level:
            stack.pop()
        if stack and stack[-1][0] == level and stack[-1][1].name == current.name:
            for item in current.find_all("li", recursive=False):
                stack[-1][1].append(item.extract())
            current.decompose()
        else:
            if stack and stack[-1][0] == level:
                stack.pop()
            if stack:
                items = stack[-1][1].find_all("li", recursive=False)
                if items:
                    items[-1].append(current.extract())
            stack.append((level, current))
        current = following


def unwrap_redirects(root: Tag) -> None:
    """Links through Google's redirect (``https://www.google.com/url?q=<address>&sa=D...``) to the address."""
    for link in root.find_all("a", href=re.compile(r"^https://www\.google\.com/url\?")):
        target = parse_qs(urlsplit(str(link["href"])).query).get("q")
        if target and target[0].startswith(("http://", "https://", "mailto:")):
            link["href"] = target[0]
