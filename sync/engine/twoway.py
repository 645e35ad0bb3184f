"""Pull on a common base: a page changed in Productive is merged into its file instead of rewriting it.

``merge_file`` merges base (``sync.engine.base``), the file as it is now and the remote page block by block
(``sync.engine.merge``): blocks nobody changed keep their text byte for byte, remote changes are written in
the file's place, edits on both sides merge, and different edits to one block are put between conflict
markers in the file itself. The title is decided three ways as well: a title changed only in Productive
goes into the front matter; a title changed only locally stays (the next push renames the page).

A file whose title is its first heading is merged with that heading as a block of its own (``merge_file``).
It answers None when it cannot merge safely (no base yet, a file or a body that cannot be read, a file with
neither a front-matter title nor a title heading): the caller then does what pull did before, and records a
base for next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.converter.model import Node, from_json, text
from productive_docs.sync.api.client import Page
from productive_docs.sync.api.recovery import normal_hash, sent_hash
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.blocks import LocalDoc, body_blocks, split_local
from productive_docs.sync.engine.folder import LocalPage, fingerprint, title_heading
from productive_docs.sync.engine.frontmatter import set_front_matter_key
from productive_docs.sync.engine.plan import CHANGED_IN_PRODUCTIVE, MOVED_IN_PRODUCTIVE, RemotePage
from productive_docs.sync.engine.result import EXIT_CONFLICT, OutcomeAction, SyncResult
from productive_docs.sync.engine.state import PageState, State

if TYPE_CHECKING:
    from productive_docs.sync.engine.merge import Piece

#: Outcomes of a push after which the page's body is what was sent.
BODY_SENT = frozenset({OutcomeAction.CREATED, OutcomeAction.UPDATED, OutcomeAction.APPENDED})
#: Outcomes of a push after which the page is in step (its base is recorded or kept).
IN_STEP = BODY_SENT | {OutcomeAction.RENAMED, OutcomeAction.MOVED, OutcomeAction.REORDERED,
                       OutcomeAction.UNCHANGED}


@dataclass(slots=True)
class FileMerge:
    """The merged file and what the merge found."""

    text: str
    conflicts: int
    #: The file now holds local changes Productive does not have (the next push sends them).
    push_needed: bool
    notes: list[str] = field(default_factory=list)
    #: Without a conflict: for each top-level block of the merged body, the remote node when the block is
    #: Productive's (nobody changed it, or only Productive did), else None. A push sends those nodes, not
    #: the file's re-read blocks, so what the file cannot hold stays (``with_remote_blocks``).
    remote_blocks: list[Node | None] | None = None
    #: Conflict markers were written by this merge: the remote body is held for ``resolve``
    #: (``BaseStore.hold_theirs``).
    marked: bool = False


def merge_file(current: str, page: Page, shown: Node, bases: BaseStore | None) -> FileMerge | None:
    """Merge ``page`` into the file text ``current``; ``shown`` is the page body as the file shows it (links
    relative, images downloaded), one top-level node for each of the body's. ``bases`` None: the two sides
    have no common base (a page taken over with ``push --adopt``), so every block they hold differently is
    a conflict: neither side is lost.

    A file whose title is its first level-1 heading (no ``title:`` in front matter) is merged with that
    heading as one more block: base and Productive get a heading holding their title at its place, so a
    title changed on one side is taken (the heading rewritten, or a rename pushed), and changed differently
    on both is a conflict marked around the heading."""
    # the merge is imported here: a push or status with nothing to merge does not load it
    from productive_docs.sync.engine.merge import Keep, Remote, default_render, first_marker, merge

    if (line := first_marker(current)) is not None:  # an earlier conflict is not resolved yet: left as it is
        return FileMerge(current, 1, False, [f"conflict markers from line {line} still to resolve"])
    base_title, base_source = page.title, None
    base_body: dict[str, Any] | None = {"type": "doc", "content": []}
    if bases is not None:
        record = bases.records.get(page.id)
        base_body, base_source = bases.body(page.id), bases.source(page.id)
        if record is None or base_body is None or base_source is None:
            return None
        base_title = record.title
    if page.body is None or base_body is None:
        return None
    try:
        local = split_local(current)
        base_local = split_local(base_source) if base_source is not None else None
        remote, base = from_json(page.body), from_json(base_body)
    except (ProductiveDocsError, ValueError):
        return None
    shown_for = dict(zip(map(id, body_blocks(remote)), body_blocks(shown), strict=False))
    if len(shown_for) != len(body_blocks(shown)):
        return None
    titled = None
    if "title" not in local.metadata:
        titled = _TitleBlock.of(local, base_local) if base_local is not None else None
        if titled is None:
            return None
        base, remote = titled.insert(base, base_title), titled.insert(remote, page.title)

    def render(nodes: Sequence[Node]) -> str:
        return default_render([shown_for.get(id(node), node) for node in nodes])

    result = merge(base, local, remote, base_local=base_local, render=render)
    merged = FileMerge(result.text, result.conflicts, result.push_needed, marked=result.conflicts > 0)
    if result.tree is not None:
        merged.remote_blocks = [node if isinstance(piece, Keep | Remote) else None
                                for piece, node in zip(result.pieces, result.tree.content, strict=True)
                                if titled is None or not titled.holds(piece)]
    if result.conflicts:
        merged.notes.append(f"changed here and in Productive: conflict markers from line "
                            f"{first_marker(result.text)} (keep what you want, then push)")
    if titled is None:
        _merge_title(merged, str(local.metadata["title"]).strip(), base_title, page.title)
    return merged


@dataclass(frozen=True, slots=True)
class _TitleBlock:
    """Where the title heading of a file without a front-matter title stands: in the file (``local``) and
    in base and Productive's bodies, which do not hold it (``at``, the place it had in the base file)."""

    local: int
    at: int

    @staticmethod
    def of(local: LocalDoc, base_local: LocalDoc) -> _TitleBlock | None:
        """The title block of a file without a front-matter title (None: no merge; the file has no title
        heading, or its title moved between front matter and a heading since the base)."""
        local_at, base_at = title_heading(local.nodes), title_heading(base_local.nodes)
        if local_at is None or base_at is None or "title" in base_local.metadata:
            return None
        return _TitleBlock(local_at, base_at)

    def insert(self, doc: Node, title: str) -> Node:
        blocks = body_blocks(doc)
        at = min(self.at, len(blocks))
        return Node(doc.type, dict(doc.attrs), [*blocks[:at], _heading(title), *blocks[at:]])

    def holds(self, piece: Piece) -> bool:
        """Whether a piece of the merge is the title heading (a push sends it as the title, not the body)."""
        from productive_docs.sync.engine.merge import Keep, Local, Remote

        if isinstance(piece, Keep | Local):
            return piece.local == self.local
        return isinstance(piece, Remote) and piece.remote == self.at


def _heading(title: str) -> Node:
    return Node("heading", {"level": 1}, [text(title)] if title else [])


def _merge_title(merged: FileMerge, local_title: str, base_title: str, remote_title: str) -> None:
    """A front-matter title decided three ways: Productive's change is written into the front matter, a
    local change is pushed, different changes on both sides are a conflict."""
    if remote_title != base_title and local_title == base_title:
        merged.text = set_front_matter_key(merged.text, "title", remote_title)
    elif remote_title not in (base_title, local_title) and local_title != base_title:
        merged.conflicts += 1
        merged.notes.append(f"title changed here ({local_title!r}) and in Productive ({remote_title!r})")
    elif local_title != base_title:
        merged.push_needed = True


def with_remote_blocks(doc: Node, remote_blocks: Sequence[Node | None]) -> Node:
    """The body a push sends after a merge: ``doc`` (the merged file as read and prepared) with each block
    that is Productive's replaced by the remote node, so attributes the file cannot hold (block ids, widths
    the base file never had) stay. ``doc`` itself when the blocks do not line up one for one."""
    blocks = body_blocks(doc)
    if len(blocks) != len(remote_blocks):
        return doc
    pairs = list(zip(blocks, remote_blocks, strict=True))
    if any(remote is not None and remote.type != block.type for block, remote in pairs):
        return doc
    return Node(doc.type, dict(doc.attrs), [remote or block for block, remote in pairs])


def record_pushed(folder: Path, state_dir: Path,
                  pushed: Iterable[tuple[LocalPage, Node | None, PageState | None, OutcomeAction]],
                  salt: str) -> None:
    """After a push, the base of each page now in step: the body as Productive answered the write and the
    file it was read from. ``pushed`` holds (page, body stored, its state entry, outcome word). A file
    changed since it was read (its fingerprint differs) gets no new base: its new edits were not sent, so
    they are no agreement."""
    bases = BaseStore(state_dir)
    for page, doc, saved, outcome in pushed:
        if saved is None or outcome not in IN_STEP:
            continue
        record = bases.records.get(saved.id)
        if outcome in BODY_SENT and doc is not None and page.source is not None and saved.hash is not None:
            try:
                data = (Path(folder) / page.source).read_bytes()
                same = fingerprint(salt.encode(), data) == page.fingerprint
                source = data.decode("utf-8") if same else None
            except (OSError, UnicodeDecodeError):
                source = None
            if source is None:
                bases.forget(saved.id)
                continue
            bases.record(saved.id, version=saved.version, title=saved.title, parent=saved.parent,
                         position=None, body=doc, source=source)
        elif record is not None and record.version == saved.version:
            record.title, record.parent = saved.title, saved.parent
    bases.save()


#: Planned actions of a ``status`` that a push would carry out.
PUSH_ACTIONS = frozenset({OutcomeAction.CREATE, OutcomeAction.UPDATE, OutcomeAction.APPEND,
                          OutcomeAction.RENAME, OutcomeAction.MOVE, OutcomeAction.REORDER,
                          OutcomeAction.DELETE})


def note_pages_only_in_productive(listed: Iterable[RemotePage], state: State, result: SyncResult) -> None:
    """Add to ``result`` a note for each page of the doc's listing that no state entry knows: made in
    Productive since the last sync (a pull brings it)."""
    known = set(state.by_id())
    for page in sorted((p for p in listed if p.id not in known), key=lambda p: (len(p.id), p.id)):
        result.notes.append(f"page {page.id} ({page.title!r}) created in Productive (pull to get it)")


def holds_document(body: dict | None, doc: Node) -> bool:
    """Whether a remote body is ``doc`` as Productive stores it (lowered; normal forms equal): a write whose
    answer was lost is then settled instead of being reported as a conflict on every later push."""
    return body is not None and normal_hash(body) == sent_hash(doc)


def status_exit_code(result: SyncResult) -> int:
    """``status --exit-code``: 0 both sides in step, 1 a push or a pull would change something (or a file
    cannot be read), 3 a conflict."""
    if result.exit_code == EXIT_CONFLICT:
        return EXIT_CONFLICT
    actions = {outcome.action for outcome in result.outcomes}
    notes = [note for outcome in result.outcomes for note in outcome.notes] + result.notes
    pull = any(CHANGED_IN_PRODUCTIVE in note or MOVED_IN_PRODUCTIVE in note or "created in Productive" in note
               for note in notes)
    return 1 if pull or actions & (PUSH_ACTIONS | {OutcomeAction.FAILED}) else 0
