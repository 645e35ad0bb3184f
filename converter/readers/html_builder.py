"""The tree builder of the HTML reader: open blocks, active marks, browser whitespace rules.

HTML found in the wild does not nest the way the document schema wants: text sits straight in ``<div>``s and
list items, a ``<div>`` sits inside a ``<p>``, lists sit directly in lists, tables in lists, ``<p>`` in
``<p>`` (``html.parser`` applies no implied end tags). The builder takes element handlers' requests
("open a list item", "add this text") and keeps the tree valid the way ProseMirror's DOM parser does:

- inline content outside a text block opens a paragraph for it;
- a block that may not stand where it is opened closes text blocks (hoisting it out of inline content),
  closes open list items for a new item, closes a list or table that only a stray item or cell opened, or
  is wrapped in the container it needs (a list item for a list in a list, a row and cell for a cell or
  block in a table);
- a table cell holds paragraphs only: blocks opened inside one are flattened into paragraphs (reported once
  per block): list items get a "1. " or bullet prefix, headings become bold, code keeps its code mark;
- nesting deeper than ``MAX_DEPTH`` is flattened the same way, so no tree is too deep for recursive walks.

Whitespace follows the browser: runs collapse to one space, a space is dropped at the start of a text block
and after a ``<br>``, trailing spaces are dropped at the block's end; ``<pre>`` and ``white-space: pre*``
keep everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from productive_docs.converter import inferred
from productive_docs.converter.model import LIST_BLOCKS, SCHEMA, Mark, Node
from productive_docs.converter.report import Report

TEXTBLOCKS = frozenset({"paragraph", "heading"})
CELLS = frozenset({"table_header", "table_cell"})
#: What whitespace collapsing changes: a run of two or more, or one character other than a space (a lone
#: space stays as it is, so ordinary text has no match at all and ``sub`` returns it untouched).
_COLLAPSE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")
_COLLAPSIBLE = " \t\n\r\f"

#: The container a node needs around it when its parent cannot hold it directly: (parent, child) -> wrapper.
_WRAPPERS: dict[str, str] = {
    "li": "ul",
    inferred.CHECKLIST_ITEM: inferred.CHECKLIST,
    "table_row": "table",
    "table_cell": "table_row",
    "table_header": "table_row",
    inferred.COLUMN: inferred.COLUMNS,
}
#: What a structural container opens for content it cannot hold itself.
_IMPLIED_CHILD = {
    "ul": "li",
    "ol": "li",
    inferred.CHECKLIST: inferred.CHECKLIST_ITEM,
    "table": "table_row",
    "table_row": "table_cell",
    inferred.COLUMNS: inferred.COLUMN,
}
_ROW_ITEMS = frozenset({"table_row", *CELLS})
_ITEMS = frozenset({"li", inferred.CHECKLIST_ITEM, *_ROW_ITEMS})
#: Deepest nesting of open nodes; deeper blocks are flattened into paragraphs, so that every recursive
#: tree walk downstream (normal form, writers) stays far from Python's recursion limit.
MAX_DEPTH = 48
#: Containers an item search does not cross: a new ``<li>`` inside a cell starts a list in that cell.
_BARRIERS = frozenset({"doc", "blockquote", inferred.BANNER, inferred.COLUMN, *CELLS})


def _combine(active: list[Mark], mark: Mark) -> list[Mark]:
    """``active`` with ``mark`` added: it replaces a mark of its type, a ``styles`` mark merges into one."""
    out = [existing for existing in active if existing.type != mark.type]
    if mark.type == "styles":
        previous = next((existing for existing in active if existing.type == "styles"), None)
        if previous is not None:
            mark = Mark("styles", {**previous.attrs, **mark.attrs})
    out.append(mark)
    return out


@dataclass(slots=True, eq=False)
class Frame:
    """An open node. ``flat`` frames stand for a block lowered into the paragraphs of a table cell."""

    node: Node
    implicit: bool = False
    flat: bool = False
    preserve: bool = False
    prefix: str = ""
    counter: int = 0
    closed: bool = False
    mark: Mark | None = None


@dataclass(slots=True)
class Builder:
    """Receives open/close/text requests from the element handlers and builds a valid tree."""

    report: Report
    root: Node = field(default_factory=lambda: Node("doc"))
    frames: list[Frame] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    preserve: int = 0
    line: int | None = None
    #: ``_effective[i]``: the marks in force once ``marks[:i + 1]`` are open (kept per level, so a deep
    #: nest of marks costs constant time per element).
    _effective: list[list[Mark]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.frames.append(Frame(self.root))

    # --- marks ----------------------------------------------------------------------------------------

    def push_mark(self, mark: Mark) -> None:
        """Apply ``mark`` to what is added until ``pop_mark``."""
        self.marks.append(mark)
        self._effective.append(_combine(self.current_marks(), mark))

    def pop_mark(self, mark: Mark) -> None:
        """Stop applying ``mark`` (usually the innermost; a misnested one is found further down)."""
        for index in range(len(self.marks) - 1, -1, -1):
            if self.marks[index] is mark:
                del self.marks[index]
                del self._effective[index:]
                for later in self.marks[index:]:
                    self._effective.append(_combine(self.current_marks(), later))
                return

    def current_marks(self) -> list[Mark]:
        """Active marks, one per type (the innermost wins; nested styles merge)."""
        return self._effective[-1] if self._effective else []

    # --- blocks ---------------------------------------------------------------------------------------

    @property
    def top(self) -> Frame:
        return self.frames[-1]

    def open(self, node: Node, *, implicit: bool = False) -> Frame:
        """Open ``node`` at the nearest place it may stand; returns its frame (close it with ``close``)."""
        node.line = node.line or self.line
        frames = self.frames
        kind = node.type
        while True:
            top = frames[-1]
            top_type = top.node.type
            holds = SCHEMA[top_type].content
            in_cell = top.flat or top_type in CELLS
            too_deep = len(frames) > MAX_DEPTH and "paragraph" in holds
            if too_deep and not in_cell and kind != "paragraph":
                return self._open_flat(node, f"nesting deeper than {MAX_DEPTH} levels")
            if kind in holds and not (in_cell and kind != "paragraph"):
                return self._push(top, node, implicit)
            if top_type in TEXTBLOCKS or self._stray_container(top, node):
                self._pop()
            elif node.type in _ITEMS and (not in_cell or (node.type in _ROW_ITEMS and not top.flat)):
                if not self._close_to_holder(node, crossing_cells=in_cell):
                    self._open_wrapper(top.node, node)
            elif in_cell:
                return self._open_flat(node, "in a table cell")
            else:
                self._open_wrapper(top.node, node)

    def _stray_container(self, top: Frame, node: Node) -> bool:
        """True when ``top`` is a list or table that only stray items opened and ``node`` fits below it."""
        if not top.implicit or node.type in _ITEMS or node.type in LIST_BLOCKS:
            return False
        index = len(self.frames) - 1
        while index > 0 and self.frames[index].implicit and self.frames[index].node.type in _IMPLIED_CHILD:
            index -= 1
        return index < len(self.frames) - 1 and node.type in SCHEMA[self.frames[index].node.type].content

    def _open_wrapper(self, parent: Node, node: Node) -> None:
        """Open the container ``node`` needs in ``parent`` (for a list in a list: reopen the last item)."""
        implied = _IMPLIED_CHILD.get(parent.type)
        if parent.type in LIST_BLOCKS and node.type in LIST_BLOCKS:
            last = parent.content[-1] if parent.content else None
            if last is not None and last.type == implied:
                self.frames.append(Frame(last, implicit=True))
                return
        self.open(Node(implied or _WRAPPERS[node.type]), implicit=True)

    def _close_to_holder(self, node: Node, *, crossing_cells: bool) -> bool:
        """Close open frames up to one that holds ``node`` directly (a new item closes the previous one)."""
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.flat:
                return False
            if node.type in SCHEMA[frame.node.type].content:
                while len(self.frames) > index + 1:
                    self._pop()
                return True
            if frame.node.type in _BARRIERS and not (crossing_cells and frame.node.type in CELLS):
                return False
        return False

    def _push(self, parent: Frame, node: Node, implicit: bool) -> Frame:
        parent.node.content.append(node)
        if parent.flat and parent.prefix not in ("", "ol"):
            node.content.append(Node("text", text=parent.prefix))
            parent.prefix = ""
        frame = Frame(node, implicit, False, self.preserve > 0)  # positional: the most frequent frame
        self.frames.append(frame)
        return frame

    def _open_flat(self, node: Node, why: str) -> Frame:
        """A block that may not stand here (in a table cell, too deep): its text goes into paragraphs."""
        if not self.top.flat:
            became = "a bold paragraph" if node.type == "heading" else "paragraphs"
            self.report.add(f"{node.type} {why}", became, node.line)
        while self.top.node.type in TEXTBLOCKS:
            self._pop()
        frame = Frame(self.top.node, flat=True)
        if node.type in ("li", inferred.CHECKLIST_ITEM):
            parent = self.top
            parent.counter += 1
            frame.prefix = f"{parent.counter}. " if parent.prefix == "ol" else "\N{BULLET} "
        elif node.type == "ol":
            frame.prefix = "ol"
        elif node.type in TEXTBLOCKS:
            frame = self._push(self.top, Node("paragraph", line=node.line), False)
            frame.flat = True
            if node.type == "heading":
                frame.mark = Mark("strong")
                self.push_mark(frame.mark)
            return frame
        self.frames.append(frame)
        return frame

    def close(self, frame: Frame) -> None:
        """Close ``frame`` and everything opened inside it (a no-op when it was closed already)."""
        if frame.closed:
            return
        while self.frames[-1] is not frame:
            self._pop()
        self._pop()

    def end_textblock(self) -> None:
        """End the paragraph being filled, if any (block-level wrappers and ``<br>`` between blocks)."""
        while self.top.node.type in TEXTBLOCKS and len(self.frames) > 1:
            self._pop()

    def _pop(self) -> None:
        frame = self.frames.pop()
        frame.closed = True
        node = frame.node
        if frame.flat:
            if node.type == "paragraph":
                self._trim(frame)
            if frame.mark is not None:
                self.pop_mark(frame.mark)
            return
        if node.type in TEXTBLOCKS:
            self._trim(frame)
            if frame.implicit and not node.content:
                self._remove(node)

    def _remove(self, node: Node) -> None:
        parent = self.top.node
        if parent.content and parent.content[-1] is node:
            parent.content.pop()

    @staticmethod
    def _trim(frame: Frame) -> None:
        """Drop the spaces a browser drops at the end of a block."""
        content = frame.node.content
        if frame.preserve:
            return
        while content and content[-1].type == "text":
            last = content[-1]
            stripped = (last.text or "").rstrip(" ")
            if stripped:
                last.text = stripped
                return
            content.pop()

    # --- inline ---------------------------------------------------------------------------------------

    def textblock(self) -> Frame:
        """The text block inline content goes into, opened on demand."""
        top = self.top
        if top.node.type in TEXTBLOCKS:
            return top
        return self.open(Node("paragraph"), implicit=True)

    def add_text(self, value: str) -> None:
        """Add text with the active marks, collapsing whitespace unless inside ``<pre>``."""
        if not value:
            return
        if self.preserve:
            frame = self.textblock()
        else:
            # whitespace only (most text between tags) is one space without a regex
            value = _COLLAPSE.sub(" ", value) if value.strip(_COLLAPSIBLE) else " "
            if value == " " and self.top.node.type not in TEXTBLOCKS:
                return
            frame = self.textblock()
            content = frame.node.content
            if not frame.preserve and value[0] == " ":
                last = content[-1] if content else None
                ends_in_space = last is not None and last.type == "text" and (last.text or "").endswith(" ")
                if last is None or last.type == "br" or ends_in_space:
                    value = value[1:]
            if not value:
                return
        marks = self.current_marks()
        content = frame.node.content
        last = content[-1] if content else None
        if last is not None and last.type == "text" and last.marks == marks:
            last.text = (last.text or "") + value
        else:
            content.append(Node("text", text=value, marks=list(marks)))

    def add_marked_text(self, value: str, mark: Mark) -> None:
        """Add text a handler makes up rather than walks (a macro title, a code line in a cell) under
        ``mark`` as well as the active marks."""
        self.push_mark(mark)
        self.add_text(value)
        self.pop_mark(mark)

    def add_inline(self, node: Node) -> None:
        """Add an inline node (image, mention, br ...) carrying the active marks."""
        if node.type != "br":
            node.marks = list(self.current_marks())
        self.textblock().node.content.append(node)
