"""``status --diff``: what changed on each side since the last sync, block by block, without lowering noise.

Blocks are compared by their key (``sync.engine.blocks.block_key``: the lowered normal form), as the merge
compares them, so a ``####`` heading Productive stores as h3, a re-wrapped paragraph or another list marker
is no change; only blocks whose content changed are shown. Each shown block is its text: the file's own
lines for a local block, the local Markdown of a remote one (links relative, as a pull writes them).

With a base (``sync.engine.base``) two parts: the file against the last sync, and Productive against the
last sync, each a list of hunks. Without one, Productive's version against the file. A file titled by its
first heading leaves that heading out (the title is a line of the plan, not a block of the body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.converter.model import Node, from_json
from productive_docs.sync.engine.blocks import LocalDoc, block_key, body_blocks, split_local
from productive_docs.sync.engine.folder import title_heading
from productive_docs.sync.engine.merge import default_render, rekeyed

#: Lines shown per page at most (the rest is counted).
MAX_LINES = 80
LOCAL_HEADER = "local changes (file against the last sync):"
REMOTE_HEADER = "changes in Productive (against the last sync):"
TWO_WAY_HEADER = "Productive's version -> the file (no base yet):"


@dataclass(frozen=True, slots=True)
class Block:
    key: str
    text: str


def hunks(old: Sequence[Block], new: Sequence[Block]) -> list[str]:
    """Diff lines of two block sequences: ``@@ block N @@`` then ``-`` and ``+`` lines of whole blocks."""
    lines: list[str] = []
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines.append(f"@@ block {j1 + 1} @@")
        lines += [f"-{line}" for block in old[i1:i2] for line in block.text.splitlines()]
        lines += [f"+{line}" for block in new[j1:j2] for line in block.text.splitlines()]
    return lines


def _local_blocks(doc: LocalDoc, keys: Sequence[str]) -> list[Block]:
    """The file's blocks: a node that has its lines to itself shows them, others are rendered."""
    blocks = []
    for index, node in enumerate(doc.nodes):
        group = doc.groups[doc.group_of[index]]
        text = group.text if group.first == group.last == index else default_render([node])
        blocks.append(Block(keys[index], text.strip("\r\n")))
    return _without_title(doc, blocks)


def _without_title(doc: LocalDoc, blocks: list[Block]) -> list[Block]:
    if "title" in doc.metadata:
        return blocks
    at = title_heading(doc.nodes)
    return blocks if at is None else blocks[:at] + blocks[at + 1:]


def _tree_blocks(nodes: Sequence[Node], shown: Sequence[Node]) -> list[Block]:
    shown = shown if len(shown) == len(nodes) else nodes
    return [Block(block_key(node), default_render([view]).strip("\n"))
            for node, view in zip(nodes, shown, strict=True)]


def page_diff(text: str, remote: Node, shown: Node, base_body: dict | None,
              base_source: str | None) -> list[str]:
    """The block diff of one page (see the module docstring): ``text`` the file, ``remote`` Productive's
    body, ``shown`` that body as the file would show it (one top-level node for each), and the base."""
    local = split_local(text)
    remote_blocks = _tree_blocks(body_blocks(remote), body_blocks(shown))
    base = base_local = None
    if base_body is not None and base_source is not None:
        try:
            base, base_local = from_json(base_body), split_local(base_source)
        except (ProductiveDocsError, ValueError):
            base = None
    if base is None or base_local is None:
        return _capped([TWO_WAY_HEADER, *hunks(remote_blocks, _local_blocks(local, local.keys))])
    base_nodes = body_blocks(base)
    base_keys = [block_key(node) for node in base_nodes]
    base_blocks = _tree_blocks(base_nodes, base_nodes)
    as_written = _local_blocks(base_local, base_local.keys)  # the base file's own lines, title left out
    if len(as_written) == len(base_blocks):
        base_blocks = [Block(key, block.text) for key, block in zip(base_keys, as_written, strict=True)]
        local_keys = rekeyed(local.keys, [block.key for block in as_written], base_keys)
    else:
        local_keys = local.keys
    lines = []
    if ours := hunks(base_blocks, _local_blocks(local, local_keys)):
        lines += [LOCAL_HEADER, *ours]
    if theirs := hunks(base_blocks, remote_blocks):
        lines += [REMOTE_HEADER, *theirs]
    return _capped(lines)


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return lines[:MAX_LINES] + [f"... {len(lines) - MAX_LINES} more lines"]
