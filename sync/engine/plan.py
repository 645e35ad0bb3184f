"""The plan: what one push does to each page, decided from plain data (local page, state, remote listing).

Deciding is kept apart from doing so that ``status`` and ``push --dry-run`` show exactly what ``push``
would do, and so the rules read in one place:

- no state entry: **create**; a failed file: **failed**; a state entry without a file: **orphan**;
- the body's hash differs from the last-synced one: **append** when the old document is a prefix of the new
  one and the page did not change remotely, else **update** (a replace);
- the title changed locally since the last sync (and not in Productive): **rename**; changed in both
  places differently: **conflict**; the parent likewise: **move** when the file moved, nothing when the
  page moved in Productive (pull moves the file), **conflict** when both moved to different places;
- a body write on a page whose remote ``version_number`` moved needs a look at the remote body first
  (``check_remote``): if it differs from what we last wrote, the push reports a **conflict** instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from productive_docs.sync.engine.result import OutcomeAction
from productive_docs.sync.engine.state import PageState


class Action(StrEnum):
    """What happens to a page; also the word printed for it."""

    CREATE = "create"
    UPDATE = "update"
    APPEND = "append"
    RENAME = "rename"
    MOVE = "move"
    #: Moved to the end of its siblings to carry out a change of their order (``push.reorder``).
    REORDER = "reorder"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    ORPHAN = "orphan"
    DELETE = "delete"
    FAILED = "failed"

    @property
    def planned(self) -> OutcomeAction:
        """The word of a plan's line (``status``, ``--dry-run``)."""
        return OutcomeAction(self.value)

    @property
    def done(self) -> OutcomeAction:
        """The word of the line once carried out: past tense for a write."""
        return DONE.get(self, OutcomeAction(self.value))


#: Past tense, for the lines of a finished push.
DONE = {
    Action.CREATE: OutcomeAction.CREATED, Action.UPDATE: OutcomeAction.UPDATED,
    Action.APPEND: OutcomeAction.APPENDED, Action.RENAME: OutcomeAction.RENAMED,
    Action.MOVE: OutcomeAction.MOVED, Action.REORDER: OutcomeAction.REORDERED,
    Action.DELETE: OutcomeAction.DELETED,
}


#: The words of every note saying that a pull would bring something (``status --exit-code`` counts them).
CHANGED_IN_PRODUCTIVE = "changed in Productive"
MOVED_IN_PRODUCTIVE = "moved in Productive"


@dataclass(frozen=True, slots=True)
class RemotePage:
    """A page as the tree listing shows it (no body)."""

    id: str
    title: str
    parent: str | None
    version: int | None


@dataclass(slots=True)
class LocalVersion:
    """A local page's document as it would be sent: its hash and how to hash a prefix of it."""

    hash: str
    blocks: int
    prefix_hash: Callable[[int], str]


@dataclass(slots=True)
class Step:
    """The plan for one page."""

    key: str
    action: Action
    rename: bool = False
    move: bool = False
    #: The remote version moved: compare the remote body with the last-synced one before writing.
    check_remote: bool = False
    notes: list[str] = field(default_factory=list)
    #: Moved to the end of its siblings, in turn with them, to carry out a change of order (``push.reorder``).
    reorder: bool = False

    @property
    def writes(self) -> bool:
        body = self.action in (Action.CREATE, Action.UPDATE, Action.APPEND, Action.DELETE)
        return body or self.rename or self.move or self.reorder


def decide(key: str, local: LocalVersion | None, saved: PageState | None, remote: RemotePage | None, *,
           remote_known: bool, parent_id: str | None, title: str, manage_body: bool = True,
           force: bool = False) -> Step:
    """The step for one page that exists locally (``local`` None: its body is not managed).

    ``remote_known``: the listing covers this page (so ``remote`` None means it was deleted remotely);
    ``parent_id``: the id its parent page has now (None while the parent is still to be created).
    """
    if saved is None:
        return Step(key, Action.CREATE)
    if remote_known and remote is None:
        if force:
            return Step(key, Action.CREATE, notes=["deleted in Productive, created again (--force)"])
        return Step(key, Action.CONFLICT, notes=["deleted in Productive; not recreated (use --force)"])
    version = remote.version if remote else saved.version
    moved_remotely = remote is not None and remote.version != saved.version
    step = Step(key, Action.UNCHANGED)
    if manage_body and local is not None and local.hash != saved.hash:
        is_append = (saved.hash is not None and saved.blocks > 0 and local.blocks > saved.blocks
                     and local.prefix_hash(saved.blocks) == saved.hash)
        step.action = Action.APPEND if is_append and version == saved.version and not force else Action.UPDATE
        step.check_remote = moved_remotely or remote is None
    elif moved_remotely:
        step.notes.append(f"{CHANGED_IN_PRODUCTIVE} since the last sync (pull to get it)")
    step.rename = _rename(step, title, saved.title, remote.title if remote else saved.title, force)
    step.move = key != "" and _move(step, parent_id, saved.parent, remote.parent if remote else saved.parent,
                                    force)
    if step.action is Action.UNCHANGED and (step.rename or step.move):
        step.action = Action.RENAME if step.rename else Action.MOVE
    return step


def title_changed_note(remote: str, *, merged: bool = False) -> str:
    """What a page's line says of a title changed in Productive only: a pull takes it, and so does a push
    that merges Productive's changes into the file (``merged``)."""
    how = "taken into the file" if merged else "pull to get it"
    return f"title changed in Productive to {remote!r} ({how})"


def _rename(step: Step, local: str, base: str, remote: str, force: bool) -> bool:
    """Three-way title: each side against the last-synced title. Changed locally only: rename; changed in
    Productive only: keep theirs (pull takes it); changed on both sides differently: a conflict (``--force``:
    ours)."""
    if local == remote:
        return False
    if local == base:
        step.notes.append(title_changed_note(remote))
        return False
    if remote != base and not force:
        step.action = Action.CONFLICT
        step.notes.append(f"title changed here ({local!r}) and in Productive ({remote!r})")
        return False
    return True


def _move(step: Step, local: str | None, base: str | None, remote: str | None, force: bool) -> bool:
    """Three-way parent, like the title: moved locally only (or the parent is still to be created): move;
    moved in Productive only: keep it there (pull moves the file); moved on both sides to different
    places: a conflict (``--force``: ours)."""
    if local is not None and local == remote:
        return False
    if local is not None and local == base:
        step.notes.append(f"{MOVED_IN_PRODUCTIVE} (pull to move the file)")
        return False
    if remote != base and not force:
        step.action = Action.CONFLICT
        step.notes.append("moved here and in Productive to different places; nothing moved")
        return False
    return True


def orphan(key: str, saved: PageState, remote: RemotePage | None, *, remote_known: bool) -> Step:
    """A page whose file is gone."""
    if remote_known and remote is None:
        return Step(key, Action.UNCHANGED, notes=["file and page both gone"])
    note = "file removed; page kept (use --prune delete)" if saved.created else "file removed; page not ours"
    return Step(key, Action.ORPHAN, notes=[note])
