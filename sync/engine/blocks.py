"""Documents as sequences of top-level blocks, for the three-way merge (``sync.engine.merge``).

Each top-level node of a tree gets a **key**: the hash of its Productive normal form after lowering
(``lower_for_productive`` then ``normalize``). A local ``####`` heading and the h3 Productive stores have the
same key, so lowering is never a change; block ids and other noise the normal form drops are not either.

On the local side each node also knows its **source group**: the lines of the file it came from. The file is
parsed with the Markdown reader's own parser; every top-level token (``map`` = its line range) starts a
region (columns, written between comments, are one region from their opening comment to their closing one;
an attribute line belongs to the region of the block before it), and a node belongs to the region holding
its source line. A group is one or more regions and the
nodes read from them (a definition list gives two nodes from one region; footnote definitions, read at the
end, pull the regions between into one group so that groups stay in document order). A group's text is:

- ``text``: from its first line to the end of its last token's lines;
- ``tail``: what follows up to the next group (blank lines, link reference definitions, HTML comments).

The file is exactly ``head`` (front matter and anything before the first block) + every group's text and
tail: a merge that keeps a group emits those bytes unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from productive_docs.converter import attribute_line
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, normalize
from productive_docs.converter.report import Report

from productive_docs import converter

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def block_key(node: Node) -> str:
    """The hash of a block's Productive normal form after lowering (see the module docstring)."""
    form = normalize(lower_for_productive(node, Report()))
    canonical = json.dumps(form, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def is_empty_paragraph(node: Node) -> bool:
    return node.type == "paragraph" and normalize(node) == {"type": "paragraph"}


def body_blocks(doc: Node) -> list[Node]:
    """The top-level nodes of a body, without the trailing empty paragraphs the normal form ignores."""
    content = list(doc.content)
    while content and is_empty_paragraph(content[-1]):
        content.pop()
    return content


@dataclass(frozen=True, slots=True)
class Group:
    """Lines of the local file and the nodes read from them (indices into ``LocalDoc.nodes``)."""

    first: int
    last: int
    text: str
    tail: str


@dataclass(slots=True)
class LocalDoc:
    """A local Markdown file split into blocks (see the module docstring)."""

    head: str
    nodes: list[Node]
    keys: list[str]
    groups: list[Group]
    #: Node index -> index of its group.
    group_of: list[int]
    #: The file's line ending (``\\n`` or ``\\r\\n``) and whether it ends with one.
    newline: str = "\n"
    final_newline: bool = True
    metadata: dict = field(default_factory=dict)

    def slice_of(self, first: int, last: int) -> str:
        """The source text of nodes ``first..last`` (inclusive) if they are whole groups, else ''."""
        start, end = self.group_of[first], self.group_of[last]
        if self.groups[start].first != first or self.groups[end].last != last:
            return ""
        return "".join(g.text + g.tail for g in self.groups[start:end + 1])


def _regions(text: str, lines: list[str]) -> tuple[list[tuple[int, int]], int]:
    """Top-level token line ranges ``(start, end)`` and the line the body starts at (after front matter)."""
    # imported here: a no-op push merges nothing and need not load the Markdown reader
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_core import block as block_tokens
    from markdown_it.rules_core import normalize as normalize_source
    from productive_docs.converter.readers.markdown import extensions, parser

    state = StateCore(text, parser(extensions(text)), {})
    normalize_source(state)
    block_tokens(state)  # block structure only: the inline parse is the reader's business
    tokens = state.tokens
    regions: list[tuple[int, int]] = []
    body_start = 0
    columns = 0  # open columns comments: their blocks up to the closing comment are one region, one node
    for token in tokens:
        if token.level != 0 or token.map is None or token.nesting < 0:
            continue
        if token.type == "front_matter" and not regions:
            body_start = token.map[1]
            continue
        start, end = token.map
        inside = columns
        if token.type == "html_block" and token.content.startswith("<!-- "):
            kind = (attribute_line.columns_comment(token.content) or ("",))[0]
            columns += (kind == "open") - (kind == "close" and columns > 0)
            line = attribute_line.parse(token.content)
            inside = inside or (line is not None and line[0] in attribute_line.KINDS)  # of the block before
        if inside and regions:
            regions[-1] = (regions[-1][0], max(regions[-1][1], min(end, len(lines))))
            continue
        if regions and start < regions[-1][1]:
            start = regions[-1][1]
        if end > start:
            regions.append((start, min(end, len(lines))))
    return regions, body_start


def split_local(text: str, resolve: Callable[[Node], Node] | None = None,
                source: str | None = None) -> LocalDoc:
    """Split a Markdown file into blocks; ``resolve`` maps the read tree to the one a push sends (links,
    images) and must keep its top-level nodes one for one. Raises ``InputError`` on unreadable input."""
    document = converter.read(text, "md", report=Report(source))
    read_nodes = body_blocks(document.doc)
    nodes = read_nodes
    if resolve is not None:
        resolved = body_blocks(resolve(Node("doc", content=list(read_nodes))))
        if len(resolved) != len(read_nodes):
            raise ValueError("resolve must keep the top-level nodes one for one")
        nodes = resolved
    lines = _LINE.findall(text)  # lines as markdown-it counts them (``splitlines`` also splits at \f)
    regions, body_start = _regions(text, lines)
    starts = [start for start, _ in regions]
    # group boundaries: [first region, last region] per group, nodes in document order
    spans: list[list[int]] = []  # [region_from, region_to, node_from, node_to]
    line = body_start
    for index, node in enumerate(read_nodes):
        line = node.line - 1 if node.line else line  # a node without a line stays with the one before
        region = max(bisect_right(starts, line) - 1, 0) if regions else 0
        if spans and region <= spans[-1][1]:
            while len(spans) > 1 and region < spans[-1][0]:
                merged = spans.pop()
                spans[-1][1], spans[-1][3] = max(spans[-1][1], merged[1]), merged[3]
            spans[-1][0] = min(spans[-1][0], region)
            spans[-1][3] = index
        else:
            spans.append([region, region, index, index])
    groups: list[Group] = []
    group_of: list[int] = []

    def joined(start: int, end: int) -> str:
        return "".join(lines[start:end])

    first_line = regions[spans[0][0]][0] if spans and regions else len(lines)
    head = joined(0, max(first_line, body_start) if spans else len(lines))
    for number, (region_from, region_to, node_from, node_to) in enumerate(spans):
        start = regions[region_from][0] if regions else 0
        end = regions[region_to][1] if regions else len(lines)
        following = regions[spans[number + 1][0]][0] if number + 1 < len(spans) else len(lines)
        groups.append(Group(node_from, node_to, joined(start, end), joined(end, following)))
        group_of.extend([number] * (node_to - node_from + 1))
    newline = "\r\n" if "\r\n" in text else "\n"
    return LocalDoc(head, nodes, [block_key(n) for n in nodes], groups, group_of, newline,
                    text.endswith("\n") or not text, document.metadata)


def keys_of(nodes: Sequence[Node]) -> list[str]:
    return [block_key(node) for node in nodes]
