"""The HTML reader's parsed tree: light elements built from the standard library's ``HTMLParser`` events.

Why not beautifulsoup4's tree: on the Confluence corpus bs4's ``html.parser`` tree building was 4.2 s of the
reader's 9.8 s; the same ``HTMLParser`` events into these slotted elements cost about 1.6 s
(``bench/bench_html.py --builders`` measures both, and lxml). lxml would parse faster still, but its tree
differs from ``html.parser``'s (implied ``<p>`` closing, ``<html><body>`` wrappers, moved table content),
which would change the reader's outputs.

The tree is the one bs4 4.x builds with ``html.parser``, so outputs stay byte-identical: void elements have
no content, an end tag closes up to the most recent open element of its name (a stray one is ignored, but
still ends the current text), ``<x/>`` is empty, ``script``/``style``/``template``/``rt``/``rp`` text has
its own string class, comments/CDATA/declarations are kept as their own string classes, multi-valued
attributes (``class``...) are lists, the last of duplicate attributes wins, character references are
resolved as bs4 does (``tests/converter/test_html_tree.py`` compares the structures, also on random tag soup).

Plain text is a plain ``str`` in ``Element.contents`` (``type(child) is str``); the other string classes
subclass ``str``. Elements offer the subset of bs4's ``Tag`` API the readers use.

The builder choice lives here only: ``parse`` is the one entry; ``from_soup`` turns a bs4 tree (the Word and
Google Docs clean-up, and importers that rewrite the tree with bs4 first) into this one, so the reader only
ever sees these types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from productive_docs.converter.readers.html_tokenizer import Tokenizer

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag


class Comment(str):
    """``<!-- ... -->``."""

    __slots__ = ()


class CData(str):
    """``<![CDATA[ ... ]]>`` (in ``get_text``, not read as text)."""

    __slots__ = ()


class Declaration(str):
    """``<!...>`` other than a doctype or CDATA."""

    __slots__ = ()


class Doctype(str):
    """``<!DOCTYPE ...>``."""

    __slots__ = ()


class ProcessingInstruction(str):
    """``<?...>``."""

    __slots__ = ()


class Script(str):
    """Text inside ``<script>``."""

    __slots__ = ()


class Stylesheet(str):
    """Text inside ``<style>``."""

    __slots__ = ()


class TemplateString(str):
    """Text inside ``<template>``."""

    __slots__ = ()


class RubyText(str):
    """Text inside ``<rt>``."""

    __slots__ = ()


class RubyParenthesis(str):
    """Text inside ``<rp>``."""

    __slots__ = ()


#: Elements whose text gets its own string class (bs4's ``DEFAULT_STRING_CONTAINERS``).
STRING_CONTAINERS: dict[str, type[str]] = {
    "rt": RubyText, "rp": RubyParenthesis, "style": Stylesheet, "script": Script, "template": TemplateString,
}
#: Strings ``get_text`` joins by default (bs4's ``MAIN_CONTENT_STRING_TYPES``).
_MAIN_TEXT: frozenset[type[str]] = frozenset({str, CData})
#: Elements that never have content (bs4's HTML ``empty_element_tags``).
VOID = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image", "img",
    "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source", "spacer", "track",
    "wbr",
})
#: Attributes holding a space-separated list, for every element and per element.
_LIST_ATTRS = frozenset({"class", "accesskey", "dropzone"})
_LIST_ATTRS_OF = {
    "a": {"rel", "rev"}, "link": {"rel", "rev"}, "td": {"headers"}, "th": {"headers"},
    "form": {"accept-charset"}, "object": {"archive"}, "area": {"rel"}, "icon": {"sizes"},
    "iframe": {"sandbox"}, "output": {"for"},
}
_NON_SPACE = re.compile(r"\S+")
ROOT_NAME = "[document]"

#: A ``find``/``find_all`` name filter: a name, names, a test on the element, or None/True for any.
NameFilter = (str | list[str] | tuple[str, ...] | set[str] | frozenset[str] | Callable[["Element"], bool]
              | bool | None)


class Element:
    """An element: name, attributes (``class`` and the like as lists), children, parent, source line."""

    __slots__ = ("attrs", "contents", "name", "parent", "sourceline")

    def __init__(self, name: str, attrs: dict[str, Any], parent: Element | None = None,
                 sourceline: int | None = None) -> None:
        self.name = name
        self.attrs = attrs
        self.contents: list[Element | str] = []
        self.parent = parent
        self.sourceline = sourceline

    def __repr__(self) -> str:
        return f"<{self.name} {self.attrs!r} ({len(self.contents)} children)>"

    # --- attributes ---------------------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)

    def has_attr(self, key: str) -> bool:
        return key in self.attrs

    def __getitem__(self, key: str) -> Any:
        return self.attrs[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.attrs[key] = value

    # --- navigation ---------------------------------------------------------------------------------

    @property
    def children(self) -> Iterator[Element | str]:
        return iter(self.contents)

    @property
    def descendants(self) -> Iterator[Element | str]:
        """Every node below, in document order (iterative: any depth)."""
        todo: list[Element | str] = list(reversed(self.contents))
        while todo:
            node = todo.pop()
            yield node
            if type(node) is Element and node.contents:
                todo.extend(reversed(node.contents))

    def _sibling(self, step: int) -> Element | str | None:
        if self.parent is None:
            return None
        siblings = self.parent.contents
        for index, node in enumerate(siblings):
            if node is self:
                other = index + step
                return siblings[other] if 0 <= other < len(siblings) else None
        return None

    @property
    def previous_sibling(self) -> Element | str | None:
        return self._sibling(-1)

    @property
    def next_sibling(self) -> Element | str | None:
        return self._sibling(1)

    @property
    def title(self) -> Element | None:
        """The first ``<title>`` below (bs4's ``soup.title``)."""
        return self.find("title")

    def get_text(self, separator: str = "", strip: bool = False) -> str:
        """The text below as bs4 joins it: plain text and CDATA (in ``<style>`` and the like, their text)."""
        container = STRING_CONTAINERS.get(self.name)
        kinds = frozenset({container}) if container is not None else _MAIN_TEXT
        parts: list[str] = []
        for node in self.descendants:
            if type(node) in kinds:
                text = cast(str, node)
                if strip:
                    text = text.strip()
                    if not text:
                        continue
                parts.append(str(text))
        return separator.join(parts)

    # --- searching ----------------------------------------------------------------------------------

    def find_all(self, name: NameFilter = None, attrs: dict[str, Any] | None = None, *,
                 recursive: bool = True, **filters: Any) -> list[Element]:
        """Elements below matching ``name`` and attribute filters (``class_`` for ``class``; a value is
        True for present, a string, a compiled pattern or a test)."""
        matches = _matcher(name, {**(attrs or {}), **filters})
        if not recursive:
            return [node for node in self.contents if type(node) is Element and matches(node)]
        found: list[Element] = []
        todo = self.contents[::-1]  # document order, without a generator per call
        while todo:
            node = todo.pop()
            if type(node) is Element:
                if matches(node):
                    found.append(node)
                if node.contents:
                    todo += node.contents[::-1]
        return found

    def find(self, name: NameFilter = None, attrs: dict[str, Any] | None = None, *,
             recursive: bool = True, outside: Element | None = None, **filters: Any) -> Element | None:
        """The first element below matching ``name`` and the filters, in document order; ``outside``: an
        element whose content is not searched (a page's body, when looking for its chrome)."""
        matches = _matcher(name, {**(attrs or {}), **filters})
        if not recursive:
            return next((node for node in self.contents if type(node) is Element and matches(node)), None)
        todo = self.contents[::-1]
        while todo:
            node = todo.pop()
            if type(node) is Element:
                if matches(node):
                    return node
                if node.contents and node is not outside:
                    todo += node.contents[::-1]
        return None

    def find_parent(self, name: NameFilter = None, **filters: Any) -> Element | None:
        matches = _matcher(name, filters)
        node = self.parent
        while node is not None:
            if matches(node):
                return node
            node = node.parent
        return None

    # --- changing -----------------------------------------------------------------------------------

    def extract(self) -> Element:
        """Take the element out of its parent."""
        if self.parent is not None:
            siblings = self.parent.contents
            for index, node in enumerate(siblings):
                if node is self:
                    del siblings[index]
                    break
            self.parent = None
        return self

    def decompose(self) -> None:
        """Take the element out and drop its content (iteratively: any depth), so that no reference cycle
        is left for the garbage collector (only children point back at their parents)."""
        self.extract()
        todo = [self]
        while todo:
            node = todo.pop()
            contents = node.contents
            if contents:
                todo += [child for child in contents if type(child) is Element and child.contents]
                node.contents = []


def _class_value_matches(value: Any, wanted: Any) -> bool:
    """bs4's attribute match: a list value matches when one item or the whole joined value does."""
    if wanted is True:
        return value is not None
    if wanted is None:
        return value is None
    if value is None:
        return False
    if isinstance(value, list):
        return any(_class_value_matches(item, wanted) for item in value) or (
            len(value) > 1 and _class_value_matches(" ".join(value), wanted))
    if isinstance(wanted, str):
        return value == wanted
    if isinstance(wanted, re.Pattern):
        return wanted.search(value) is not None
    if isinstance(wanted, (list, tuple, set, frozenset)):
        return value in wanted
    return bool(wanted(value))


def _matcher(name: NameFilter, filters: dict[str, Any]) -> Callable[[Element], bool]:
    wanted = {("class" if key == "class_" else key): value for key, value in filters.items()}
    if name is None or name is True:
        def name_ok(el: Element) -> bool:
            return True
    elif isinstance(name, str):
        def name_ok(el: Element) -> bool:
            return el.name == name
    elif isinstance(name, (list, tuple, set, frozenset)):
        names = frozenset(name)

        def name_ok(el: Element) -> bool:
            return el.name in names
    else:
        name_ok = name  # type: ignore[assignment]
    if not wanted:
        return name_ok
    if len(wanted) == 1:
        [(key, value)] = wanted.items()
        if isinstance(value, str):  # the common search (``id=``, ``class_=``), without the general match
            def one_string(el: Element) -> bool:
                found = el.attrs.get(key)
                if found == value:
                    return name_ok(el)
                return type(found) is list and _class_value_matches(found, value) and name_ok(el)

            return one_string

    def matches(el: Element) -> bool:
        if not name_ok(el):
            return False
        attrs = el.attrs
        return all(_class_value_matches(attrs.get(key), value) for key, value in wanted.items())

    return matches


# --- building -----------------------------------------------------------------------------------------


class _TreeBuilder(Tokenizer):
    """``HTMLParser`` events into elements, with the tree-building rules of bs4's ``html.parser`` builder."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = Element(ROOT_NAME, {})
        self.current = self.root
        self.stack: list[Element] = [self.root]
        self.open_count: dict[str, int] = {}
        #: Open elements whose text gets its own string class.
        self.containers: list[Element] = []
        #: Void elements closed at their start tag whose end tag may still come (bs4 ignores it once).
        self.closed_void: dict[str, int] = {}
        self.data: list[str] = []

    def updatepos(self, i: int, j: int) -> int:
        """Advance the line number over ``rawdata[i:j]`` (called for every token). The base class also
        keeps the column in ``offset``, which nothing here reads (elements keep their line only)."""
        if i < j:
            self.lineno += self.rawdata.count("\n", i, j)
        return j

    def end_data(self, kind: type[str] | None = None) -> None:
        data = self.data
        if data:
            text = data[0] if len(data) == 1 else "".join(data)
            self.data = []
            if kind is None:
                if self.containers:
                    text = STRING_CONTAINERS[self.containers[-1].name](text)
            else:
                text = kind(text)
            self.current.contents.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._child(tag, attrs)
        if tag in VOID:
            self.closed_void[tag] = self.closed_void.get(tag, 0) + 1
            return
        self.stack.append(element)
        self.current = element
        open_count = self.open_count
        open_count[tag] = open_count.get(tag, 0) + 1
        if tag in STRING_CONTAINERS:
            self.containers.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<x/>``: opened and closed at once (html.parser's rule, void or not), so a child that holds
        nothing and is never current."""
        self._child(tag, attrs)

    def _child(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        """A new child of the current element (the text before it ended first)."""
        if self.data:
            self.end_data()
        parent = self.current
        element = Element(tag, _attributes(tag, attrs) if attrs else {}, parent, self.lineno)
        parent.contents.append(element)
        return element

    def handle_endtag(self, tag: str) -> None:
        closed_void = self.closed_void
        if closed_void:
            closed = closed_void.get(tag)
            if closed:
                closed_void[tag] = closed - 1
                return
        self._pop_to(tag)

    def _pop_to(self, tag: str) -> None:
        if self.data:
            self.end_data()
        open_count = self.open_count
        if not open_count.get(tag):
            return
        stack = self.stack
        containers = self.containers
        while len(stack) > 1:
            element = stack.pop()
            name = element.name
            open_count[name] -= 1
            if containers and containers[-1] is element:
                containers.pop()
            if name == tag:
                break
        self.current = stack[-1]

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def handle_charref(self, name: str) -> None:
        self.data.append(_charref(name))

    def handle_entityref(self, name: str) -> None:
        self.data.append(_entity(name))

    def _special(self, text: str, kind: type[str]) -> None:
        if self.data:
            self.end_data()
        self.data.append(text)
        self.end_data(kind)

    def handle_comment(self, data: str) -> None:
        self._special(data, Comment)

    def handle_decl(self, decl: str) -> None:
        self._special(decl[len("DOCTYPE "):], Doctype)

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):
            self._special(data[len("CDATA["):], CData)
        else:
            self._special(data, Declaration)

    def handle_pi(self, data: str) -> None:
        self._special(data, ProcessingInstruction)


def _attributes(tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, Any]:
    """A start tag's attributes as bs4 keeps them: the last of duplicates wins, a bare one is ``""``, a
    space-separated list (``class``...) is a list."""
    values: dict[str, Any] = dict(attrs)
    if None in values.values():
        for key, value in attrs:  # in order: the last of duplicate attributes wins
            values[key] = "" if value is None else value
    own = _LIST_ATTRS_OF.get(tag)
    for key, value in values.items():
        if key in _LIST_ATTRS or (own is not None and key in own):
            values[key] = _NON_SPACE.findall(value)
    return values


_CHARREFS: dict[str, str] = {}
_ENTITIES: dict[str, str] | None = None
_DECIMAL_WITH_DATA = re.compile("^([0-9]+)(.*)")
_HEX_WITH_DATA = re.compile("^([0-9a-f]+)(.*)")


def _charref(name: str) -> str:
    """A numeric character reference as bs4 resolves it (WHATWG's table for C1 codes and invalid points),
    followed by any text html.parser took into the reference."""
    found = _CHARREFS.get(name)
    if found is None:
        from bs4.dammit import UnicodeDammit

        digits, base, pattern = name, 10, _DECIMAL_WITH_DATA
        if name[:1] in ("x", "X"):
            digits, base, pattern = name[1:], 16, _HEX_WITH_DATA
        number: int | None
        extra = ""
        try:
            number = int(digits, base)
        except ValueError:
            match = pattern.search(digits)
            number = int(match.group(1), base) if match else None
            extra = match.group(2) if match else digits
        found = (UnicodeDammit.numeric_character_reference(number)[0] if number is not None else "") + extra
        if len(_CHARREFS) < 10_000:
            _CHARREFS[name] = found
    return found


def _entity(name: str) -> str:
    """A named reference: its characters, or the literal ``&name`` when HTML has no such entity."""
    global _ENTITIES
    if _ENTITIES is None:
        from bs4.dammit import EntitySubstitution

        _ENTITIES = dict(EntitySubstitution.HTML_ENTITY_TO_CHARACTER)
    found = _ENTITIES.get(name)
    return found if found is not None else f"&{name}"


class MarkupRejected(ValueError):
    """html.parser could not parse the markup (it raises AssertionError on some malformed declarations)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        #: The line (1-based) the parser had reached.
        self.line = line


def parse(html: str) -> Element:
    """The tree of an HTML text, rooted at a ``[document]`` element, as bs4's ``html.parser`` builds it."""
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except AssertionError as exc:
        raise MarkupRejected(str(exc), builder.lineno) from exc
    builder.end_data()
    return builder.root


_STRING_KINDS: dict[str, type[str]] = {
    "NavigableString": str, "Comment": Comment, "CData": CData, "Declaration": Declaration,
    "Doctype": Doctype, "ProcessingInstruction": ProcessingInstruction, "Script": Script,
    "Stylesheet": Stylesheet, "TemplateString": TemplateString, "RubyTextString": RubyText,
    "RubyParenthesisString": RubyParenthesis,
}


def from_soup(soup: BeautifulSoup | Tag) -> Element:
    """The same tree made of these elements (after a clean-up that rewrote the page with bs4)."""
    from bs4 import Tag

    def element(tag: Tag, parent: Element | None) -> Element:
        attrs = {key: list(value) if isinstance(value, list) else value for key, value in tag.attrs.items()}
        return Element(tag.name, attrs, parent, tag.sourceline)

    root = element(soup, None)
    todo: list[tuple[Any, Element]] = [(soup, root)]
    while todo:
        tag, copy = todo.pop()
        for child in tag.contents:
            if isinstance(child, Tag):
                child_copy = element(child, copy)
                copy.contents.append(child_copy)
                todo.append((child, child_copy))
            else:
                copy.contents.append(_STRING_KINDS.get(type(child).__name__, Comment)(child))
    return root


__all__ = ["VOID", "Element", "MarkupRejected", "from_soup", "parse"]
