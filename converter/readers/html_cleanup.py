"""Import cleanup: what other editors' pages carry for looks only, removed once the tree is built.

Pages written by Confluence, Google Docs, Word or any web editor (a whole HTML document, not a fragment)
space their text with empty paragraphs and stray spaces that a person keeping the Markdown would delete.
``clean`` removes them from the tree, counting each kind and reporting each count once per document:

| what                                                            | becomes                          |
| --------------------------------------------------------------- | -------------------------------- |
| spacer paragraph: empty, or only line breaks and (non-breaking) spaces | dropped (a container keeps one) |
| line breaks and spaces at the start or end of a paragraph or heading | dropped                      |
| spaces at the edge of a mark (``<b>Status: </b>done``)          | moved outside the mark           |
| a list without items (an empty item gets an empty paragraph)    | dropped                          |
| a URL in plain text (``https://``, ``mailto:``, ``ftp://``)     | a link to itself (an autolink)   |
| a link address with characters a URL may not hold (``…``, space) | percent-encoded (the same URL)  |
| a style that is the default: black text, ``font-weight`` 400/normal, a transparent background, | dropped |
| and in headings Google Docs' heading greys (``#434343``, ``#666666``)                   |                 |

Code is left as it is (its spaces are content). Fragments (Productive's own HTML, raw HTML inside Markdown,
the server's bodies) are read as they are written, so json -> html -> json stays the identity.
"""

from __future__ import annotations

import re
from collections import Counter

from productive_docs.converter import inferred
from productive_docs.converter.links import normalize_link
from productive_docs.converter.model import LIST_BLOCKS, Mark, Node
from productive_docs.converter.report import Report

#: A whole HTML document (an export or a saved page), as opposed to a fragment.
_DOCUMENT = re.compile(r"<(?:!doctype|html|body|head)\b", re.IGNORECASE)
#: Whitespace a browser shows as nothing or as a gap only (``\xa0`` is a non-breaking space).
_SPACE = " \t\n\r\f\xa0"
#: A URL in plain text; trailing punctuation belongs to the sentence (GFM's extended autolink rule).
_URL = re.compile(r"\b(?:https?://|ftp://|mailto:)[^\s<>\"]+?(?=[.,:;!?'\")\]]*(?:[\s<>\"]|$))")
_TEXTBLOCKS = frozenset({"paragraph", "heading"})
_WHAT = {
    "spacer": ("spacer paragraphs", "dropped"),
    "edge": ("line breaks and spaces at a paragraph's edge", "dropped"),
    "mark": ("spaces at the edge of a mark", "moved outside the mark"),
    "list": ("lists without items", "dropped"),
    "url": ("plain-text URLs", "links (as Markdown shows them)"),
    "href": ("link addresses with characters URLs may not hold", "percent-encoded"),
    "style": ("styles that are the default (black, weight 400, heading grey)", "dropped"),
}
#: ``styles`` mark values that say what the text looks like anyway, per key; colours are compared lower-cased
#: without spaces.
_DEFAULT_STYLES = {
    "color": frozenset({"#000000", "#000", "black", "rgb(0,0,0)", "windowtext", "inherit", "initial"}),
    "fontWeight": frozenset({"400", "normal", "inherit", "initial"}),
    "backgroundColor": frozenset({"transparent", "inherit", "initial", "rgba(0,0,0,0)"}),
}
#: Google Docs' default heading colours (Heading 3, Heading 4 to 6 and Subtitle): no style in a heading.
_HEADING_GREYS = frozenset({"#434343", "#666666", "rgb(67,67,67)", "rgb(102,102,102)"})
_ITEMS = frozenset({"li", inferred.CHECKLIST_ITEM})


def is_page(source: str) -> bool:
    """True for a whole HTML document (an editor's export or saved page), which ``clean`` tidies."""
    return _DOCUMENT.search(source, 0, 4096) is not None


def clean(doc: Node, report: Report) -> None:
    """Tidy ``doc`` in place (see the module docstring); one report entry per kind of change."""
    counts: Counter[str] = Counter()
    pending = [doc]
    while pending:  # no recursion: imported pages nest deeply
        node = pending.pop()
        if node.type in _TEXTBLOCKS:
            if not _untouched(node.content):
                node.content = _tidied(node.content, node.type == "heading", counts)
            continue
        empty_lists, paragraphs = _census(node.content)
        if empty_lists:
            node.content = [child for child in node.content if child.type not in LIST_BLOCKS or child.content]
            counts["list"] += empty_lists
        if paragraphs and node.type != "codeblock":
            node.content = _without_spacers(node, counts)
        if node.type in _ITEMS and not node.content:
            node.content = [Node("paragraph")]  # as the Markdown reader gives an empty item
        pending.extend(node.content)
    for kind, count in counts.items():
        what, became = _WHAT[kind]
        report.add(f"{what} ({count})", became)


def _tidied(content: list[Node], heading: bool, counts: Counter[str]) -> list[Node]:
    """A text block's content with every tidying step applied (a new list)."""
    content = _without_default_styles(content, heading, counts)
    return _trim_edges(_marks_off_edges(_linked_urls(content, counts), counts), counts)


def _untouched(content: list[Node]) -> bool:
    """True when ``_tidied`` would change nothing: no marks, no colon (so no URL), no line break or space at
    either edge. Most text blocks (and empty ones) are like this; a test holds the two equal."""
    for node in content:
        if node.marks or ":" in (node.text or ""):
            return False
    if not content:
        return True
    first, last = content[0], content[-1]
    return (
        first.type != "br"
        and last.type != "br"
        and (first.type != "text" or (first.text or "").lstrip(_SPACE) == first.text)
        and (last.type != "text" or (last.text or "").rstrip(_SPACE) == last.text)
    )


def _linked_urls(content: list[Node], counts: Counter[str]) -> list[Node]:
    """Plain-text URLs (not in a link, not code) as links to themselves."""
    out: list[Node] = []
    for node in content:
        text = node.text or ""
        linked_or_code = False
        for mark in node.marks:
            if mark.type == "link":
                linked_or_code = True
                href = mark.attrs.get("href")
                if isinstance(href, str):
                    normal = normalize_link(href)
                    if normal != href:
                        mark.attrs["href"] = normal  # the same address, as Markdown links hold it
                        counts["href"] += 1
            elif mark.type == "code":
                linked_or_code = True
        if linked_or_code or node.type != "text" or ":" not in text:
            out.append(node)
            continue
        start = 0
        for match in _URL.finditer(text):
            if match.start() > start:
                out.append(Node("text", text=text[start : match.start()], marks=node.marks, line=node.line))
            link = Mark("link", {"href": normalize_link(match.group(0)), "title": None})
            out.append(Node("text", text=match.group(0), marks=[*node.marks, link], line=node.line))
            counts["url"] += 1
            start = match.end()
        if start < len(text):
            out.append(Node("text", text=text[start:], marks=node.marks, line=node.line) if start else node)
    return out


def _without_default_styles(content: list[Node], heading: bool, counts: Counter[str]) -> list[Node]:
    """Drop ``styles`` values that are the default look (``_DEFAULT_STYLES``), and a mark left empty."""
    for node in content:
        for mark in node.marks:
            if mark.type == "styles":
                break
        else:  # no styles mark (most text): nothing to drop
            continue
        marks = []
        for mark in node.marks:
            if mark.type == "styles":
                kept = {key: val for key, val in mark.attrs.items() if not _is_default(key, val, heading)}
                if len(kept) < len(mark.attrs):
                    counts["style"] += 1
                    mark = Mark("styles", kept)
                if not kept:
                    continue
            marks.append(mark)
        node.marks = marks
    return content


def _is_default(key: str, value: object, heading: bool) -> bool:
    if not isinstance(value, str):
        return False
    value = value.replace(" ", "").lower()
    return value in _DEFAULT_STYLES.get(key, ()) or (heading and key == "color" and value in _HEADING_GREYS)


def _census(children: list[Node]) -> tuple[int, bool]:
    """How many of ``children`` are lists without items, and whether one is a paragraph (one pass)."""
    empty_lists = 0
    paragraphs = False
    for child in children:
        kind = child.type
        if kind == "paragraph":
            paragraphs = True
        elif kind in LIST_BLOCKS and not child.content:
            empty_lists += 1
    return empty_lists, paragraphs


def _is_spacer(node: Node) -> bool:
    if node.type != "paragraph":
        return False
    for child in node.content:
        if child.type != "br" and (child.type != "text" or (child.text or "").strip(_SPACE)):
            return False
    return True


def _without_spacers(node: Node, counts: Counter[str]) -> list[Node]:
    kept = [child for child in node.content if not _is_spacer(child)]
    dropped = len(node.content) - len(kept)
    if not kept and node.type != "doc":
        kept, dropped = [Node("paragraph")], dropped - 1  # a list item, cell or column keeps one block
    if dropped:
        counts["spacer"] += dropped
    return kept


def _is_code(node: Node) -> bool:
    return any(mark.type == "code" for mark in node.marks)


def _trim_edges(content: list[Node], counts: Counter[str]) -> list[Node]:
    """Drop line breaks and spaces at both ends (code excepted), in place (``clean`` hands it a new list)."""
    for step, strip in ((0, str.lstrip), (-1, str.rstrip)):
        while content:
            edge = content[step]
            if edge.type == "br":
                content.pop(step)
            elif edge.type == "text" and (rest := strip(edge.text or "", _SPACE)) != edge.text:
                if _is_code(edge):
                    break
                if rest:
                    content[step] = Node("text", text=rest, marks=edge.marks, line=edge.line)
                    counts["edge"] += 1
                    break
                content.pop(step)
            else:
                break
            counts["edge"] += 1
    return content


def _marks_off_edges(content: list[Node], counts: Counter[str]) -> list[Node]:
    """Split edge spaces off text nodes so they carry only the marks that go on around them."""
    out: list[Node] = []
    for index, node in enumerate(content):
        text = node.text or ""
        if node.type != "text" or not node.marks or text.strip(_SPACE) == text or _is_code(node):
            out.append(node)
            continue
        before = content[index - 1].marks if index else []
        after = content[index + 1].marks if index + 1 < len(content) else []
        core = text.strip(_SPACE)
        if not core:
            out.append(_spaces(text, _shared(node.marks, before, after), node, counts))
            continue
        lead, trail = text[: len(text) - len(text.lstrip(_SPACE))], text[len(text.rstrip(_SPACE)) :]
        if lead:
            out.append(_spaces(lead, _shared(node.marks, before), node, counts))
        out.append(Node("text", text=core, marks=node.marks, line=node.line))
        if trail:
            out.append(_spaces(trail, _shared(node.marks, after), node, counts))
    return out


def _shared(marks: list[Mark], *neighbours: list[Mark]) -> list[Mark]:
    return [mark for mark in marks if all(mark in other for other in neighbours)]


def _spaces(text: str, marks: list[Mark], node: Node, counts: Counter[str]) -> Node:
    if len(marks) < len(node.marks):
        counts["mark"] += 1
    return Node("text", text=text, marks=marks, line=node.line)
