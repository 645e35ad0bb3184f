"""HTML reader: Productive HTML, Confluence pages, Google Docs, Word and plain web pages into the tree.

``html_tree`` parses (the standard library's ``HTMLParser`` into light elements, the tree bs4's
``html.parser`` builds: source lines for the report, any depth; see ``bench/bench_html.py`` for the
measurement). Word and Google Docs pages are cleaned up with beautifulsoup4 first (``html_office``) and
then turned into the same tree. The parsed tree is then walked without recursion: each element's handler
(``TAG_RULES`` in ``html_rules``, or Confluence's class rules in
``html_confluence``) asks the ``Builder`` to open blocks, push marks or add inline nodes, and registers
what to undo when the element ends. The builder keeps the document valid whatever the nesting.

Lowered (each reported with its source line): headings keep levels 4-6 (the Productive writers lower them);
definition lists become paragraphs with the term in bold; an empty link (``<a href="X"></a>``) of an
imported page shows its address, as an autolink (in a fragment it is dropped); ``sup``/``sub``/``mark``
become plain text; blocks inside table cells become paragraphs of the cell (``html_builder``); unknown
elements keep their content; ``script``/``style``/``iframe``/forms/``on*``/script URLs are removed
(``html_sanitize``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from productive_docs.converter import Document, inferred
from productive_docs.converter.errors import InputError
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers import html_cleanup, html_confluence, html_office, html_tree
from productive_docs.converter.readers.gc_pause import gc_paused
from productive_docs.converter.readers.html_builder import TEXTBLOCKS, Builder, Frame
from productive_docs.converter.readers.html_forms import MENTION_SHORTHAND, css_declarations
from productive_docs.converter.readers.html_rules import TAG_RULES, unknown_element
from productive_docs.converter.readers.html_sanitize import event_handlers, unsafe_css, unsafe_url
from productive_docs.converter.readers.html_tree import Element
from productive_docs.converter.report import Report

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

#: bs4 turns whitespace-only strings into one space outside these tags; "[document]" (its root) keeps them
#: everywhere, because the reader applies the browser's rules itself (they depend on CSS ``white-space``).
_KEEP_WHITESPACE = frozenset({"[document]", "pre", "textarea"})


def read(source: str | dict[str, Any], report: Report) -> Document:
    """Read an HTML page; a Confluence export contributes its ``#main-content`` only."""
    if not isinstance(source, str):
        raise InputError("HTML input must be text", report.source)
    with gc_paused():
        office = html_office.is_office(source)
        tree = parse(source) if office else parse_tree(source, report.source)
        return read_parsed(tree, report, office=office, confluence=html_confluence.is_confluence(source),
                           cleanup=office or html_cleanup.is_page(source))


def read_parsed(tree: Element | BeautifulSoup, report: Report, *, office: bool = False,
                confluence: bool = False, cleanup: bool = False) -> Document:
    """Read a page ``parse_tree`` made (the Confluence importer parses each page once for its metadata and
    body), or one ``parse`` made and an importer or the Word/Google Docs clean-up (``office``) rewrote.

    A page with a ``#main-content`` element (a Confluence export, whatever its template) contributes that
    element only, and is read with Confluence's class rules. ``cleanup`` tidies what editors' whole pages
    carry (``html_cleanup``: spacer paragraphs, edge breaks). The tree is emptied afterwards.
    """
    metadata: dict[str, Any] = {}
    with gc_paused():
        if not isinstance(tree, Element):
            main_soup = tree.find(id="main-content")
            if office:
                html_office.prepare(tree, main_soup if main_soup is not None else tree)
            tree = html_tree.from_soup(tree)
        title = html_confluence.page_title(tree)
        if title:
            metadata["title"] = title
        main = tree.find(id="main-content")
        root = main if main is not None else tree
        doc = Reader(report, confluence=confluence or main is not None, page=cleanup).run(root)
        tree.decompose()
        if cleanup:
            html_cleanup.clean(doc, report)
    if not doc.content:
        doc.content.append(Node("paragraph"))
    return Document(doc, metadata)


def parse_tree(html: str, source: str | None = None, line: int = 1) -> Element:
    """The parsed tree of an HTML text, as the reader walks it (``html_tree``: fast, no bs4); markup the
    parser gives up on is an ``InputError`` naming the file and line (``line``: where ``html`` starts)."""
    try:
        return html_tree.parse(html)
    except html_tree.MarkupRejected as exc:
        raise InputError(f"HTML the parser cannot read ({exc})", source, line - 1 + exc.line) from None


def parse(html: str) -> BeautifulSoup:
    """The same tree as beautifulsoup4's, for the clean-ups and importers that rewrite it with bs4 before
    ``read_parsed``."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser", preserve_whitespace_tags=_KEEP_WHITESPACE)


def parse_blocks(html: str, report: Report, line: int | None = None) -> list[Node]:
    """Block nodes of an HTML fragment (raw HTML in Markdown, the server's ``*_html`` bodies)."""
    with gc_paused():
        return Reader(report, line).run(parse_tree(html, report.source, line or 1)).content


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
            for code_line in "".join(child.text or "" for child in node.content).split("\n"):
                if out:
                    out.append(Node("br"))
                if code_line:
                    out.append(Node("text", text=code_line, marks=[Mark("code")]))
        else:
            pending.extend(reversed(node.content))
    return out


class Reader:
    """One walk over a parsed tree; handlers call the helpers below."""

    def __init__(
        self, report: Report, line: int | None = None, *, confluence: bool = False, page: bool = False
    ) -> None:
        self.report = report
        #: A whole page being imported (``read_parsed``'s ``cleanup``): an empty link shows its address.
        self.page = page
        #: Confluence class rules apply on Confluence pages only (``class="panel"`` means nothing elsewhere).
        self.class_rules = html_confluence.CLASS_RULES if confluence else {}
        self.builder = Builder(report)
        self.line_offset = (line - 1) if line else 0
        self.exits: list[Callable[[], None]] = []
        self.reported_once: set[str] = set()

    # --- walking --------------------------------------------------------------------------------------

    def run(self, root: Element) -> Node:
        """Walk ``root`` iteratively (no recursion, so any depth works) and return the doc node."""
        builder = self.builder
        exits = self.exits
        enter = self.enter
        text = self.text
        line_offset = self.line_offset
        todo: list[Any] = root.contents[::-1]
        while todo:
            item = todo.pop()
            kind = type(item)
            if kind is str:
                text(item)
            elif kind is int:
                while len(exits) > item:
                    exits.pop()()
            elif kind is Element:
                mark = len(exits)
                if item.sourceline is not None:
                    builder.line = item.sourceline + line_offset
                if enter(item) and item.contents:
                    if len(exits) > mark:  # else the children leave ``exits`` as they find it: no undo
                        todo.append(mark)
                    todo.extend(reversed(item.contents))
                else:
                    while len(exits) > mark:
                        exits.pop()()
        while len(builder.frames) > 1:
            builder.close(builder.frames[1])
        return builder.root

    def enter(self, el: Element) -> bool:
        """Handle an element: its event handlers are reported, a class rule wins over the tag rule."""
        attrs = el.attrs
        if attrs:
            for name in attrs:
                if name[:1] in "oO":  # most elements have no ``on*`` attribute: no list made for them
                    for handler in event_handlers(attrs):
                        self.lowered(f"event handler attribute {handler!r} on <{el.name}>", "removed")
                    break
            classes = attrs.get("class")
            if classes and self.class_rules:
                for name in classes:
                    rule = self.class_rules.get(name)
                    if rule is not None:
                        return rule(self, el)
        return TAG_RULES.get(el.name, unknown_element)(self, el)

    def by_tag(self, el: Element) -> bool:
        """Handle ``el`` by its tag rule (for class rules that only adjust an element)."""
        return TAG_RULES.get(el.name, unknown_element)(self, el)

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
            attrs = {"type": inferred.mention_type_to_json(kind), "id": ident, "label": label}
            self.builder.add_inline(Node("mention", attrs, [Node("text", text=label)]))
            start = match.end()
        self.builder.add_text(value[start:])

    # --- helpers for handlers -------------------------------------------------------------------------

    def after(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the current element ends."""
        self.exits.append(action)

    def block(self, node: Node) -> Frame:
        """Open a block for the current element; it closes when the element ends."""
        builder = self.builder
        frame = builder.open(node)
        self.exits.append(partial(builder.close, frame))  # no Python frame of its own when called
        return frame

    def mark(self, mark: Mark) -> None:
        """Apply a mark to the current element's content."""
        builder = self.builder
        builder.push_mark(mark)
        self.exits.append(partial(builder.pop_mark, mark))

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

    def safe_url(self, el: Element, attr: str, *, image: bool = False) -> str | None:
        """``el[attr]`` when it is a safe URL; unsafe ones are reported and dropped."""
        url = el.attrs.get(attr)
        if not isinstance(url, str):
            return None
        reason = unsafe_url(url, image=image)
        if reason:
            self.lowered(f"{reason} in <{el.name} {attr}>", "removed")
            return None
        return url

    def styles_of(self, el: Element) -> dict[str, str]:
        """The inline CSS of ``el``; values that load or run something are reported and dropped."""
        style = el.attrs.get("style")
        if not isinstance(style, str):
            return {}
        css = css_declarations(style)
        for name in [name for name, value in css.items() if unsafe_css(value)]:
            self.lowered(f"active CSS in <{el.name} style> {name}", "removed")
            del css[name]
        return css


__all__ = ["Reader", "parse", "parse_blocks", "parse_inline", "parse_tree", "read", "read_parsed"]

