"""The plan on plain data: which action each page gets (no server, no files)."""

from __future__ import annotations

from productive_docs.sync.engine.plan import Action, LocalVersion, RemotePage, decide, orphan
from productive_docs.sync.engine.state import PageState

SAVED = PageState("7", "1", "Title", hash="old", blocks=2, remote_hash="r", version=3, created=True)
LISTED = RemotePage("7", "Title", "1", 3)


def _local(hash_: str = "old", blocks: int = 2, prefix: str = "old") -> LocalVersion:
    return LocalVersion(hash_, blocks, lambda n: prefix if n == 2 else "other")


def _plan(local=None, saved=SAVED, remote=LISTED, **options):
    defaults = {"remote_known": True, "parent_id": "1", "title": "Title"}
    return decide("page.md", local or _local(), saved, remote, **{**defaults, **options})


def test_unchanged_and_new():
    assert _plan().action is Action.UNCHANGED and not _plan().writes
    assert _plan(saved=None).action is Action.CREATE


def test_blocks_added_at_the_end_are_an_append_only_while_the_remote_did_not_move():
    assert _plan(_local("new", 3)).action is Action.APPEND
    moved = _plan(_local("new", 3), remote=RemotePage("7", "Title", "1", 4))
    assert moved.action is Action.UPDATE and moved.check_remote
    assert _plan(_local("new", 3, prefix="changed")).action is Action.UPDATE
    assert _plan(_local("new", 2)).action is Action.UPDATE
    assert _plan(_local("new", 3), force=True).action is Action.UPDATE


def test_title_and_parent_changes():
    renamed = _plan(title="New title")
    assert renamed.action is Action.RENAME and renamed.writes
    moved = _plan(parent_id="2")
    assert moved.action is Action.MOVE and moved.move
    both = _plan(_local("new", 2), title="New title")
    assert both.action is Action.UPDATE and both.rename


def test_a_page_deleted_remotely_is_a_conflict_unless_forced():
    assert _plan(remote=None).action is Action.CONFLICT
    assert _plan(remote=None, force=True).action is Action.CREATE
    assert _plan(remote=None, remote_known=False).action is Action.UNCHANGED


def test_a_remote_edit_alone_writes_nothing_but_is_noted():
    step = _plan(remote=RemotePage("7", "Title", "1", 5))
    assert step.action is Action.UNCHANGED and "pull" in step.notes[0]


def test_orphans():
    assert orphan("gone.md", SAVED, LISTED, remote_known=True).action is Action.ORPHAN
    assert orphan("gone.md", SAVED, None, remote_known=True).action is Action.UNCHANGED
