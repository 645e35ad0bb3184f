"""Three-way merge of a page: base (last agreed), local (the file), remote (Productive), block by block.

The three documents are sequences of block keys (``sync.engine.blocks``). ``merge3`` finds the regions where
all three agree; between two such regions each side either kept the base (then the other side's change is
taken), or both made the same change, or they differ. Differing regions of equal length are merged position
by position, and a list or table changed on both sides is merged once more one level down (items, rows)
before anything is called a conflict.

Two results, one per side:

- ``tree``, what a push sends: blocks nobody changed (and blocks changed the same way) take the **remote**
  node, so attributes the file cannot express (column widths, block ids) survive; local changes take the
  local node. None when there is a conflict: nothing is written to Productive for that page.
- ``text``, the new file: every kept local block is its source slice byte for byte; only blocks from the
  remote side (or merged lists/tables) are written by ``render``; the head (front matter) is kept; the line
  ending and the final newline are the file's. A conflict is written between git-style markers around the
  conflicting blocks only; ``refuse_markers`` then stops a push of the file until they are gone.

When ``base_local`` (the file as last synced) is given, a local block equal to its base-local block counts as
unchanged even where the file cannot express what Productive holds (a table's widths): its key is mapped to
the base key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from merge3 import Merge3
from productive_docs.converter.errors import InputError
from productive_docs.converter.model import LIST_BLOCKS, Node, normalize
from productive_docs.converter.report import Report
from productive_docs.sync.engine.blocks import LocalDoc, block_key, body_blocks, keys_of
from productive_docs.sync.engine.result import MARKERS_LEFT

from productive_docs import converter

START, BASE, MIDDLE, END = "<<<<<<< local", "||||||| base", "=======", ">>>>>>> productive"
_MARKER = re.compile(rf"^(?:{re.escape(START)}|{re.escape(END)})[ \t]*\r?$", re.M)
#: Containers merged one level down (items, rows) before a conflict is declared.
NESTED = LIST_BLOCKS | {"table"}


@dataclass(frozen=True, slots=True)
class Keep:
    """Unchanged, or changed the same way on both sides: local text, remote node."""

    local: int
    remote: int


@dataclass(frozen=True, slots=True)
class Local:
    """Changed (or added) locally."""

    local: int


@dataclass(frozen=True, slots=True)
class Remote:
    """Changed (or added) in Productive."""

    remote: int


@dataclass(frozen=True, slots=True)
class Merged:
    """A list or table both sides changed, merged item by item."""

    node: Node
    local: int
    remote: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """Ranges ``(start, end)`` of base, local and remote blocks that changed differently."""

    base: tuple[int, int]
    local: tuple[int, int]
    remote: tuple[int, int]


Piece = Keep | Local | Remote | Merged | Conflict


def align(base: Sequence[str], local: Sequence[str], remote: Sequence[str],
          nested: Callable[[int, int, int], Node | None] | None = None) -> list[Piece]:
    """The merge of three key sequences as pieces in document order. ``nested(base, local, remote)`` may
    merge one block both sides changed (a list, a table); what it cannot merge is a ``Conflict``."""
    pieces: list[Piece] = []
    at_base = at_local = at_remote = 0
    for base_start, base_end, local_start, local_end, remote_start, remote_end in Merge3(
            base, local, remote).find_sync_regions():
        pieces += _gap(base[at_base:base_start], local[at_local:local_start], remote[at_remote:remote_start],
                       (at_base, at_local, at_remote), nested)
        pieces += [Keep(local_start + k, remote_start + k) for k in range(base_end - base_start)]
        at_base, at_local, at_remote = base_end, local_end, remote_end
    return pieces


@dataclass(frozen=True, slots=True)
class _Edit:
    """One side's change of base blocks ``[start, end)`` into its blocks ``[new_start, new_end)``."""

    side: int  # 0 local, 1 remote
    start: int
    end: int
    new_start: int
    new_end: int

    def touches(self, other: _Edit) -> bool:
        """Whether two edits of different sides cannot both be applied independently: overlapping base
        ranges, or two inserts at one place (their order would be a guess)."""
        if self.start == self.end and other.start == other.end:
            return self.start == other.start
        return max(self.start, other.start) < min(self.end, other.end) or (
            self.start == self.end and other.start < self.start < other.end) or (
            other.start == other.end and self.start < other.start < self.end)


class _Side:
    """One side's edits of a gap, and where each base boundary falls in that side."""

    def __init__(self, side: int, base: Sequence[str], keys: Sequence[str]) -> None:
        self.side = side
        self.edits: list[_Edit] = []
        self.before = [0] * len(base) + [len(keys)]
        self.after = [0] * len(base) + [len(keys)]
        matcher = SequenceMatcher(None, list(base), list(keys), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1 + 1):
                    self.before[i1 + k] = self.after[i1 + k] = j1 + k
                continue
            self.edits.append(_Edit(side, i1, i2, j1, j2))
            self.before[i1], self.after[i2] = j1, j2
            if i1 == i2:
                self.after[i1] = j2

    def span(self, cluster: list[_Edit], start: int, end: int) -> tuple[int, int]:
        """This side's blocks for base ``[start, end)`` and this side's edits of a cluster."""
        mine = [e for e in cluster if e.side == self.side]
        return (min([self.before[start], *(e.new_start for e in mine)]),
                max([self.before[end], *(e.new_end for e in mine)]))


def _gap(base: Sequence[str], local: Sequence[str], remote: Sequence[str], offsets: tuple[int, int, int],
         nested: Callable[[int, int, int], Node | None] | None) -> list[Piece]:
    """One region between agreements. Edits of the two sides that touch different base blocks are both
    taken; touching ones form a cluster: the same change on both sides, a nested merge, or a conflict."""
    z0, a0, b0 = offsets
    if local == base:
        return [Remote(b0 + j) for j in range(len(remote))]
    if remote == base:
        return [Local(a0 + i) for i in range(len(local))]
    if local == remote:
        return [Keep(a0 + k, b0 + k) for k in range(len(local))]
    sides = _Side(0, base, local), _Side(1, base, remote)
    clusters: list[list[_Edit]] = []
    for edit in sorted(sides[0].edits + sides[1].edits, key=lambda e: (e.start, e.end, e.side)):
        if clusters and any(edit.side != other.side and edit.touches(other) for other in clusters[-1]):
            clusters[-1].append(edit)
        else:
            clusters.append([edit])
    pieces: list[Piece] = []
    at = 0
    for cluster in clusters:
        start, end = min(e.start for e in cluster), max(e.end for e in cluster)
        pieces += [Keep(a0 + sides[0].before[z], b0 + sides[1].before[z]) for z in range(at, start)]
        at = max(at, end)
        if len({e.side for e in cluster}) == 1:
            pieces += [Local(a0 + j) if e.side == 0 else Remote(b0 + j)
                       for e in cluster for j in range(e.new_start, e.new_end)]
            continue
        (l1, l2), (r1, r2) = (side.span(cluster, start, end) for side in sides)
        if local[l1:l2] == remote[r1:r2]:
            pieces += [Keep(a0 + l1 + k, b0 + r1 + k) for k in range(l2 - l1)]
        elif end - start == l2 - l1 == r2 - r1:
            pieces += _by_position(base, local, remote, (z0 + start, a0 + l1, b0 + r1), offsets, end - start,
                                   nested)
        else:
            pieces.append(Conflict((z0 + start, z0 + end), (a0 + l1, a0 + l2), (b0 + r1, b0 + r2)))
    pieces += [Keep(a0 + sides[0].before[z], b0 + sides[1].before[z]) for z in range(at, len(base))]
    return pieces


def _by_position(base: Sequence[str], local: Sequence[str], remote: Sequence[str], at: tuple[int, int, int],
                 offsets: tuple[int, int, int], count: int,
                 nested: Callable[[int, int, int], Node | None] | None) -> list[Piece]:
    """Blocks both sides changed in one stretch of equal length, one position at a time: one side kept the
    block, both made the same change, a nested merge, or a conflict (adjacent ones joined)."""
    out: list[Piece] = []
    for k in range(count):
        z, a, b = at[0] + k, at[1] + k, at[2] + k
        key_base, key_local, key_remote = base[z - offsets[0]], local[a - offsets[1]], remote[b - offsets[2]]
        if key_local == key_base:
            out.append(Remote(b))
        elif key_remote == key_base:
            out.append(Local(a))
        elif key_local == key_remote:
            out.append(Keep(a, b))
        elif nested and (node := nested(z, a, b)) is not None:
            out.append(Merged(node, a, b))
        elif out and isinstance(last := out[-1], Conflict) and last.base[1] == z:
            out[-1] = Conflict((last.base[0], z + 1), (last.local[0], a + 1), (last.remote[0], b + 1))
        else:
            out.append(Conflict((z, z + 1), (a, a + 1), (b, b + 1)))
    return out


@dataclass(slots=True)
class MergeResult:
    pieces: list[Piece]
    #: The body to push (None on a conflict).
    tree: Node | None
    #: The new file text.
    text: str
    conflicts: int
    #: The merged body differs from the remote one (a push has something to write).
    push_needed: bool


def default_render(nodes: Sequence[Node]) -> str:
    """Local Markdown of some blocks (the ``md`` writer, as pull writes files)."""
    return converter.write(Node("doc", content=list(nodes)), "md", report=Report())


def rekeyed(local: Sequence[str], base_local: Sequence[str] | None, base: Sequence[str]) -> list[str]:
    """Local keys with blocks equal to their base-local block given that block's base key (see the module
    docstring); unchanged when the base-local file does not line up with the base one for one."""
    out = list(local)
    if base_local is None or len(base_local) != len(base):
        return out
    matcher = SequenceMatcher(None, list(base_local), out, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            out[block.b + k] = base[block.a + k]
    return out


def merge(base: Node, local: LocalDoc, remote: Node, *, base_local: LocalDoc | None = None,
          render: Callable[[Sequence[Node]], str] = default_render) -> MergeResult:
    """Merge a page three ways (see the module docstring)."""
    base_nodes, remote_nodes = body_blocks(base), body_blocks(remote)
    base_keys, remote_keys = keys_of(base_nodes), keys_of(remote_nodes)
    local_keys = rekeyed(local.keys, base_local.keys if base_local else None, base_keys)
    base_local_nodes = base_local.nodes if base_local and len(base_local.nodes) == len(base_nodes) else None

    def nested(z: int, a: int, b: int) -> Node | None:
        return merge_nested(base_nodes[z], local.nodes[a], remote_nodes[b],
                            base_local_nodes[z] if base_local_nodes else None)

    pieces = align(base_keys, local_keys, remote_keys, nested)
    conflicts = sum(isinstance(p, Conflict) for p in pieces)
    tree = None
    push_needed = False
    if not conflicts:
        nodes = [_tree_node(p, local, remote_nodes) for p in pieces]
        tree = Node("doc", content=nodes)
        merged_keys = [remote_keys[p.remote] if isinstance(p, Keep) else block_key(n)
                       for p, n in zip(pieces, nodes, strict=True)]
        push_needed = merged_keys != remote_keys
    text = _Text(local, base_nodes, remote_nodes, base_local, render).write(pieces)
    return MergeResult(pieces, tree, text, conflicts, push_needed)


def _tree_node(piece: Piece, local: LocalDoc, remote_nodes: list[Node]) -> Node:
    if isinstance(piece, Keep | Remote):
        return remote_nodes[piece.remote]
    if isinstance(piece, Merged):
        return piece.node
    assert isinstance(piece, Local), "a tree is built only when nothing conflicts"
    return local.nodes[piece.local]


def _attrs(node: Node) -> dict:
    return normalize(Node(node.type, node.attrs)).get("attrs", {})


def merge_nested(base: Node, local: Node, remote: Node, base_local: Node | None = None) -> Node | None:
    """A list or table changed on both sides, merged by items or rows; None when that conflicts too."""
    if not base.type == local.type == remote.type or base.type not in NESTED:
        return None
    attrs_base, attrs_local, attrs_remote = _attrs(base), _attrs(local), _attrs(remote)
    if attrs_local != attrs_base and attrs_remote not in (attrs_base, attrs_local):
        return None
    attrs = remote.attrs if attrs_local == attrs_base else local.attrs
    base_keys = keys_of(base.content)
    base_local_keys = keys_of(base_local.content) if base_local else None
    local_keys = rekeyed(keys_of(local.content), base_local_keys, base_keys)
    children: list[Node] = []
    for piece in align(base_keys, local_keys, keys_of(remote.content)):
        if isinstance(piece, Conflict):
            return None
        taken = local.content[piece.local] if isinstance(piece, Local) else remote.content[piece.remote]
        children.append(taken)
    return Node(remote.type, dict(attrs), children)


class _Text:
    """The merged file: kept groups verbatim, the rest rendered, blank lines where blocks meet anew."""

    def __init__(self, local: LocalDoc, base_nodes: list[Node], remote_nodes: list[Node],
                 base_local: LocalDoc | None, render: Callable[[Sequence[Node]], str]) -> None:
        self.local, self.base_nodes, self.remote_nodes = local, base_nodes, remote_nodes
        self.base_local = base_local if base_local and len(base_local.nodes) == len(base_nodes) else None
        self.render = render
        self.out: list[str] = [local.head]
        #: Group index of the last verbatim group written (None: something else was written last).
        self.last_group: int | None = -1 if local.head or not local.groups else None
        self.at_start = True
        self.next_local = 0  # local nodes before this one were written or dropped
        #: The item marker of the list the text written so far ends with (None: it ends otherwise).
        self.tail_marker: str | None = None
        #: The markers around the last chunk when it is one generated list (it may then be re-marked).
        self.around: set[str | None] | None = None
        self.last_index = 0

    def write(self, pieces: list[Piece]) -> str:
        run: list[int] = []
        for piece in pieces:
            if isinstance(piece, Keep | Local):
                run.append(piece.local)
                continue
            self._local_run(run)
            run = []
            if isinstance(piece, Remote):
                nodes = [self.remote_nodes[piece.remote]]
                self._generated(self.render(nodes), nodes)
            elif isinstance(piece, Merged):
                self._skip_to(piece.local)
                self.next_local = piece.local + 1
                self._generated(self.render([piece.node]), [piece.node])
            else:
                self._conflict(piece)
        self._local_run(run)
        self._skip_to(len(self.local.nodes))
        return self._finish()

    # --- pieces -----------------------------------------------------------------------------------------

    def _local_run(self, run: list[int]) -> None:
        """Consecutive kept local nodes: whole groups verbatim, partial ones rendered."""
        start = 0
        while start < len(run):
            end = start
            while end + 1 < len(run) and run[end + 1] == run[end] + 1:
                end += 1
            self._local_span(run[start], run[end])
            start = end + 1

    def _local_span(self, first: int, last: int) -> None:
        self._skip_to(first)
        local = self.local
        index = first
        while index <= last:
            number = local.group_of[index]
            group = local.groups[number]
            if group.first == index and group.last <= last:
                self._emit(group.text + group.tail, number, local.nodes[group.first:group.last + 1])
                index = group.last + 1
            else:
                stop = min(group.last, last)
                self._generated(self.render(local.nodes[index:stop + 1]), local.nodes[index:stop + 1])
                if stop == group.last:
                    self._keep_tail(group.tail)
                index = stop + 1
        self.next_local = last + 1

    def _skip_to(self, index: int) -> None:
        """Local nodes up to ``index`` were dropped: keep the non-blank tails of their groups (link reference
        definitions, comments) so the rest of the file reads as before."""
        local = self.local
        for number in sorted({local.group_of[i] for i in range(self.next_local, index)}):
            group = local.groups[number]
            if group.last < index:
                self._keep_tail(group.tail)
        self.next_local = max(self.next_local, index)

    def _keep_tail(self, tail: str) -> None:
        if tail.strip():
            self._emit(tail, None, [])

    def _conflict(self, conflict: Conflict) -> None:
        (z0, z1), (a0, a1), (b0, b1) = conflict.base, conflict.local, conflict.remote
        self._skip_to(a0)
        local_text = self.local.slice_of(a0, a1 - 1) if a1 > a0 else ""
        local_text = local_text or (self.render(self.local.nodes[a0:a1]) if a1 > a0 else "")
        base_text = ""
        if z1 > z0:
            base_text = (self.base_local.slice_of(z0, z1 - 1) if self.base_local else "") or self.render(
                self.base_nodes[z0:z1])
        remote_text = self.render(self.remote_nodes[b0:b1]) if b1 > b0 else ""
        sections = [START, local_text, BASE, base_text, MIDDLE, remote_text, END]
        self._generated("".join(s.strip("\n") + "\n" for s in sections if s.strip("\n")), [])
        self.next_local = max(self.next_local, a1)

    # --- joining ------------------------------------------------------------------------------------------

    def _generated(self, text: str, nodes: Sequence[Node]) -> None:
        text = text.strip("\n")
        if text:
            text = text.replace("\n", self.local.newline) + self.local.newline
            self._emit(text, None, nodes, generated=True)

    def _emit(self, text: str, group: int | None, nodes: Sequence[Node], generated: bool = False) -> None:
        follows = group is not None and self.last_group is not None and group == self.last_group + 1
        if not follows and not self.at_start:
            self._blank_line()
            text = self._apart(text, nodes, generated)
        self.out.append(text)
        self.last_index = len(self.out) - 1
        self.at_start = False
        self.last_group = group
        ends_in_list = bool(nodes) and nodes[-1].type in NESTED - {"table"}
        self.around = {self.tail_marker} if generated and len(nodes) == 1 else None
        self.tail_marker = _item_markers(text)[-1] if ends_in_list and _item_markers(text) else None

    def _apart(self, text: str, nodes: Sequence[Node], generated: bool) -> str:
        """Two lists that meet anew with the same marker would read as one list: the generated one gets
        another marker, or (both the user's text) an HTML comment goes between them."""
        first = _item_markers(text)[:1] if nodes and nodes[0].type in NESTED - {"table"} else []
        if not first or first[0] != self.tail_marker:
            return text
        if generated and len(nodes) == 1 and (changed := _remarked(text, {first[0]})) is not None:
            return changed
        previous = self.out[self.last_index]
        if self.around is not None and (changed := _remarked(previous, self.around | {first[0]})):
            self.out[self.last_index] = changed
            return text
        self.out.append(f"<!-- -->{self.local.newline * 2}")
        return text

    def _blank_line(self) -> None:
        newline = self.local.newline
        ending = "".join(self.out[-2:])
        if ending.endswith(newline * 2):
            return
        self.out.append(newline if ending.endswith(newline) else newline * 2)

    def _finish(self) -> str:
        text = "".join(self.out)
        if not self.local.final_newline:
            return text.rstrip("\r\n") if self.last_group is None else text
        return text if not text or text.endswith("\n") else text + self.local.newline


_ITEM = re.compile(r"^(?:([-*+])|\d{1,9}([.)]))(?=[ \t\r\n])", re.M)


def _item_markers(text: str) -> list[str]:
    """The markers (``-``, ``*``, ``+``, ``.``, ``)``) of the top-level list items in a text."""
    return [match.group(1) or match.group(2) for match in _ITEM.finditer(text)]


def _remarked(text: str, avoid: set[str | None]) -> str | None:
    """A list's text with another item marker than those in ``avoid`` (None: none is left)."""
    markers = _item_markers(text)
    choices = "-*+" if markers and markers[0] in "-*+" else ".)"
    new = next((c for c in choices if c not in avoid), None)
    if new is None:
        return None
    if choices == "-*+":
        return re.sub(r"^[-*+](?=[ \t\r\n])", new, text, flags=re.M)
    return re.sub(r"^(\d{1,9})[.)](?=[ \t\r\n])", lambda m: m.group(1) + new, text, flags=re.M)


def first_marker(text: str) -> int | None:
    """The 1-based line of the first conflict marker left in ``text`` (None: there is none)."""
    match = _MARKER.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def refuse_markers(text: str, source: str | None = None) -> None:
    """Stop a push of a file that still holds conflict markers (``InputError`` naming the line)."""
    line = first_marker(text)
    if line is not None:
        raise InputError(f"{MARKERS_LEFT} (markers `<<<<<<< local` ... `>>>>>>> productive`); "
                         "keep what you want, delete the markers, then push again", source, line)
