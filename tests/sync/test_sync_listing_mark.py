"""A no-op push or ``status`` lists only what changed since the last listing in step with the state
(``sync.engine.listing_mark``, ``sync.api.changes_inferred``), and still sees every remote change: a body
edit, a title edit, a move, a delete and a create made in Productive, each over HTTP on the emulator."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from productive_docs.sync.api import changes_inferred
from productive_docs.sync.api import client as client_module
from productive_docs.sync.cli.main import main
from productive_docs.sync.engine.listing_mark import MARK_FILE
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import default_path, load
from productive_docs.sync.engine.twoway import status_exit_code

TREE = {"index.md": "# Docs\n\nHi.\n", "guide/a.md": "# A\n\nText.\n", "guide/b.md": "# B\n\nMore.\n",
        "guide/deep/c.md": "# C\n\nDeep.\n", "other/d.md": "# D\n\nLast.\n", "e.md": "# E\n\nTop.\n",
        **{f"more/p{n}.md": f"# P{n}\n\nPage {n}.\n" for n in range(7)}}
#: Answers of 2 pages (200 in use): the 16 pages below the doc take 8 answers to list in full, a doc of up
#: to 2 pages one answer (then the short way is the whole listing).
PAGE_SIZE, WHOLE = 2, 8
#: One answer per sort order (``changes_inferred.SORTS``) when nothing changed; the short way takes
#: fewer than ``WHOLE`` answers whenever it is taken, and ``WHOLE`` more when it gives up.
SHORT = 2


@pytest.fixture
def synced(make_tree, fast_client, monkeypatch):
    """A folder pushed, then pushed again (the whole listing, in step: the mark is kept); page key -> id.
    The emulator's clock never goes back: no margin is needed to read every page changed since the mark
    (``changes_inferred.MARGIN``, 10 s, would take in every page of a doc made seconds ago)."""
    monkeypatch.setattr(client_module, "MAX_PAGE_SIZE", PAGE_SIZE)
    monkeypatch.setattr(changes_inferred, "MARGIN", timedelta(0))
    root = make_tree(TREE)
    push_folder(root, fast_client, project_id="1")
    second = push_folder(root, fast_client)
    assert second.requests["writes"] == 0 and second.requests["listing"] == WHOLE
    assert (root / ".productive-docs" / MARK_FILE).exists()
    ids = {key: saved.id for key, saved in load(default_path(root)).pages.items()}
    return root, ids


def test_a_no_op_lists_only_the_changes_and_writes_nothing(synced, fast_client):
    root, _ = synced
    mark = (root / ".productive-docs" / MARK_FILE).read_bytes()
    for dry_run in (False, True, False):
        result = push_folder(root, fast_client, dry_run=dry_run)
        assert result.requests["writes"] == 0 and result.requests["listing"] == SHORT
        assert status_exit_code(result) == 0 and set(result.counts()) == {"unchanged"}
    assert (root / ".productive-docs" / MARK_FILE).read_bytes() == mark  # nothing rewritten


def _status(root, client):
    result = push_folder(root, client, dry_run=True)
    notes = [note for outcome in result.outcomes for note in outcome.notes] + result.notes
    return result, {o.key: str(o.action) for o in result.outcomes}, notes


def test_a_body_edit_in_productive_is_seen_the_short_way(synced, fast_client):
    root, ids = synced
    fast_client.replace_body_with_markdown(ids["guide/a.md"], "Edited there.")
    result, actions, notes = _status(root, fast_client)
    assert result.requests["listing"] < WHOLE and status_exit_code(result) == 1
    assert any("changed in Productive" in note for note in notes), notes
    push = push_folder(root, fast_client)  # the push merges it (the file did not change): nothing lost
    assert "Edited there." in json.dumps(fast_client.get_page(ids["guide/a.md"]).body)
    assert push.requests["listing"] < WHOLE


def test_a_title_edit_in_productive_is_seen_the_short_way(synced, fast_client):
    root, ids = synced
    fast_client.rename(ids["guide/b.md"], "Renamed there")
    result, _, notes = _status(root, fast_client)
    assert result.requests["listing"] < WHOLE and status_exit_code(result) == 1
    assert any("title changed in Productive" in note for note in notes), notes


@pytest.mark.parametrize("target", ["other/", ""])
def test_a_move_in_productive_is_seen(synced, fast_client, target):
    """Into a folder page (whose ``edited_at`` moves without a change the listing shows: the whole doc is
    listed) and to the top of the doc (the doc itself is never listed: the moved page's ``updated_at``)."""
    root, ids = synced
    fast_client.move(ids["guide/deep/c.md"], ids[target])
    result, _, notes = _status(root, fast_client)
    assert status_exit_code(result) == 1 and any("moved in Productive" in note for note in notes), notes
    assert (result.requests["listing"] > WHOLE) == bool(target)


def test_a_delete_in_productive_is_seen(synced, fast_client):
    root, ids = synced
    fast_client.delete(ids["other/d.md"])
    result, actions, _ = _status(root, fast_client)
    assert result.requests["listing"] > WHOLE  # the count fell: the whole listing
    assert actions["other/d.md"] != "unchanged" and status_exit_code(result) != 0, actions


@pytest.mark.parametrize("parent", ["", "guide/"])
def test_a_page_created_in_productive_is_seen(synced, fast_client, parent):
    root, ids = synced
    made = fast_client.create_with_markdown("Made there", "New.", parent_page_id=ids[parent],
                                            root_page_id=ids[""])
    result, _, notes = _status(root, fast_client)
    assert status_exit_code(result) == 1
    assert any(f"page {made.id} ('Made there') created in Productive" in note for note in notes), notes
    # under the doc: the new page is among the newest rows; under a page: its parent moved unexplained
    assert (result.requests["listing"] > WHOLE) == bool(parent)


def test_a_changed_state_or_a_write_lists_the_whole_doc_once(synced, fast_client):
    root, _ = synced
    (root / "guide" / "a.md").write_text("# A\n\nChanged here.\n", encoding="utf-8")
    pushed = push_folder(root, fast_client)
    assert pushed.requests["writes"] == 1 and pushed.requests["listing"] == SHORT
    after = push_folder(root, fast_client)  # the state changed since the mark: listed in full once
    assert after.requests["listing"] == WHOLE and after.requests["writes"] == 0
    assert push_folder(root, fast_client).requests["listing"] == SHORT


def test_a_state_changed_by_another_command_is_listed_in_full(synced, fast_client):
    """The mark holds only for the state it was taken with: a page forgotten by the state (a pull, a
    ``--prune forget``, a hand edit) is found again by the whole listing, never taken as unchanged."""
    root, ids = synced
    state = load(default_path(root))
    del state.pages["other/d.md"]
    state.compact()
    result, _, notes = _status(root, fast_client)
    assert result.requests["listing"] == WHOLE
    assert any(f"page {ids['other/d.md']} ('D') created in Productive" in note for note in notes), notes


def test_a_doc_listed_in_one_answer_is_listed_whole(make_tree, fast_client, monkeypatch):
    """Up to 200 pages (here 2), the first answer of the short way holds the whole doc: it is taken as the
    whole listing (one request, and a fresh mark), and a change in it is seen."""
    monkeypatch.setattr(client_module, "MAX_PAGE_SIZE", PAGE_SIZE)
    root = make_tree({"index.md": "# Docs\n\nHi.\n", "a.md": "# A\n\nText.\n", "b.md": "# B\n\nMore.\n"})
    push_folder(root, fast_client, project_id="1")
    assert push_folder(root, fast_client).requests["listing"] == 1  # the whole listing: marked
    ids = {key: saved.id for key, saved in load(default_path(root)).pages.items()}
    assert push_folder(root, fast_client).requests["listing"] == 1  # the short way's first answer
    fast_client.rename(ids["b.md"], "Renamed there")
    result, _, notes = _status(root, fast_client)
    assert result.requests["listing"] == 1 and status_exit_code(result) == 1
    assert any("title changed in Productive" in note for note in notes), notes


@pytest.mark.parametrize("text", ["not json", '{"format": 1, "doc": "1", "newest": "x", "count": 8}', ""])
def test_an_unreadable_or_foreign_mark_lists_the_whole_doc_and_a_push_marks_it_anew(synced, fast_client,
                                                                                     text):
    root, _ = synced
    mark = root / ".productive-docs" / MARK_FILE
    mark.write_text(text, encoding="utf-8")
    assert push_folder(root, fast_client, dry_run=True).requests["listing"] == WHOLE  # status: kept as is
    assert mark.read_text(encoding="utf-8") == text
    assert push_folder(root, fast_client).requests["listing"] == WHOLE
    assert push_folder(root, fast_client).requests["listing"] == SHORT


def _listings(server):
    """The emulator's log of the listing requests it answers (``GET /pages`` filtered by doc): their sorts."""
    log: list[str] = []

    def hook(request, response):
        if request.method == "GET" and request.path.endswith("/pages") and (
                "filter[root_page_id]" in request.query):
            log.append(request.query.get("sort", ""))
    server.after = hook
    return log


def _status_cli(root, log):
    """``productive-docs status DIR`` (it holds the folder's lock) -> exit code and its listing requests."""
    before = len(log)
    code = main(["status", str(root), "--exit-code"])
    return code, len(log) - before


def test_status_after_a_push_that_wrote_marks_the_listing_for_the_next_run(synced, env, fast_client, capsys):
    """A push that wrote changes the state: the next ``status`` lists in full, finds the doc in step and, as
    it holds the folder's lock, keeps the mark; the ``status`` after it takes the short way."""
    root, _ = synced
    log = _listings(env)
    (root / "guide" / "a.md").write_text("# A\n\nChanged here.\n", encoding="utf-8")
    assert push_folder(root, fast_client).requests["writes"] == 1
    assert _status_cli(root, log) == (0, WHOLE)
    assert _status_cli(root, log) == (0, SHORT)
    assert _status_cli(root, log) == (0, SHORT)
    assert push_folder(root, fast_client).requests["listing"] == SHORT  # and a push takes it too


def test_a_remote_edit_between_two_status_runs_is_still_seen(synced, env, fast_client, capsys):
    """The mark ``status`` keeps never hides a change made in Productive after it: a body edit and a title
    edit made between two runs are each seen (the short way), and a delete (the whole listing)."""
    root, ids = synced
    log = _listings(env)
    (root / "e.md").write_text("# E\n\nChanged here.\n", encoding="utf-8")
    assert push_folder(root, fast_client).requests["writes"] == 1
    assert _status_cli(root, log) == (0, WHOLE)
    fast_client.replace_body_with_markdown(ids["guide/a.md"], "Edited there.")
    code, listed = _status_cli(root, log)
    assert code == 1 and listed < WHOLE
    assert "changed in Productive" in capsys.readouterr().out
    fast_client.rename(ids["guide/b.md"], "Renamed there")
    code, listed = _status_cli(root, log)
    assert code == 1 and listed < WHOLE
    assert "title changed in Productive" in capsys.readouterr().out
    fast_client.delete(ids["other/d.md"])
    code, listed = _status_cli(root, log)
    assert code != 0 and listed > WHOLE


def test_status_without_the_lock_keeps_no_mark(synced, fast_client):
    """A dry run that does not hold the folder's lock (``push --dry-run``, a read-only checkout) never writes
    the mark: it may run beside a push."""
    root, _ = synced
    mark = root / ".productive-docs" / MARK_FILE
    (root / "e.md").write_text("# E\n\nChanged here.\n", encoding="utf-8")
    push_folder(root, fast_client)
    text = mark.read_text(encoding="utf-8")
    assert push_folder(root, fast_client, dry_run=True).requests["listing"] == WHOLE
    assert mark.read_text(encoding="utf-8") == text
    assert push_folder(root, fast_client, dry_run=True).requests["listing"] == WHOLE
