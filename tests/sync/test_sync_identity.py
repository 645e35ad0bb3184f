"""Identity by id, never by guess (issue 12, deliverable 5 and reproductions 4 and 5), against the local
server over HTTP with one exact failure injected (``LocalServer.before`` / ``after``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from productive_docs.converter import write
from productive_docs.converter.model import from_json, normalize
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import load
from productive_docs.sync.server.app import LocalServer, bad_gateway
from productive_docs.sync.server.jsonapi import Request, Response


def fail_once(server: LocalServer, method: str, path_end: str, *, committed: bool,
              meanwhile: Callable[[], object] = lambda: None) -> list[Request]:
    """The next ``method`` request whose path ends with ``path_end`` answers 502, before its write or after
    it was committed, once ``meanwhile`` (a colleague's edit at that moment) ran; the requests failed are
    returned (as they happen)."""
    failed: list[Request] = []

    def hook(request: Request, *response: Response) -> Response | None:
        if failed or request.method != method or not request.path.endswith(path_end):
            return None
        failed.append(request)
        meanwhile()
        return bad_gateway()

    if committed:
        server.after = hook
    else:
        server.before = hook
    return failed


def titled(client, doc_id: str, title: str) -> list[str]:
    return [p.id for p in client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
            if p.title == title]


def outcomes(result) -> list[tuple]:
    return [(o.display, o.action, o.notes, o.error) for o in result.outcomes]


def texts(client, page_id: str) -> str:
    return str(client.get_page(page_id).body)


@pytest.fixture
def pushed(make_tree, fast_client) -> Callable[[], tuple]:
    def make():
        root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n", "a.md": "# A\n\nText of A.\n"})
        return root, push_folder(root, fast_client, project_id="1").doc_id
    return make


def lost_create_beside_theirs(pushed, server, client, committed: bool) -> tuple:
    """A pushed doc, a new file ``setup.md`` whose create answers 502 (before or after it landed) while a
    colleague makes a page of the same title in the same place; pushed: (folder, ours, theirs)."""
    root, doc_id = pushed()
    (root / "setup.md").write_text("# Setup\n\nOur setup steps.\n", encoding="utf-8")
    colleague = Client(server.url, server.token, server.org_id)
    made = []
    failed = fail_once(server, "POST", "create_with_markdown", committed=committed,
                       meanwhile=lambda: made.append(colleague.create_with_markdown(
                           "Setup", "Their setup notes.", parent_page_id=doc_id)))
    result = push_folder(root, client)
    assert failed and result.exit_code == 0, outcomes(result)
    [theirs] = made
    [ours] = [page_id for page_id in titled(client, doc_id, "Setup") if page_id != theirs.id]
    assert "Our setup steps." in texts(client, ours)
    assert "Their setup notes." in texts(client, theirs.id)
    return root, ours, theirs.id


def test_a_lost_create_never_adopts_a_colleagues_page_of_the_same_title(pushed, fast_server, fast_client):
    """Reproduction 4: a create that failed before it landed was "recovered" as the colleague's page made a
    moment before with the same title and parent; our content was never sent."""
    root, ours, theirs = lost_create_beside_theirs(pushed, fast_server, fast_client, committed=False)
    assert "Our setup steps." not in texts(fast_client, theirs)
    assert load(root / ".productive-docs" / "state.json").pages["setup.md"].id == ours


def test_a_create_that_landed_before_its_answer_was_lost_is_adopted_once(pushed, fast_server, fast_client):
    """Ours landed, then a colleague made a page of the same title (newer than ours): ours is adopted."""
    root, ours, theirs = lost_create_beside_theirs(pushed, fast_server, fast_client, committed=True)
    assert load(root / ".productive-docs" / "state.json").pages["setup.md"].id == ours
    assert push_folder(root, fast_client).requests["writes"] == 0
    assert "Their setup notes." in texts(fast_client, theirs)


def test_a_rerun_after_a_kill_never_adopts_a_colleagues_page_for_a_pending_create(pushed, fast_client,
                                                                                 monkeypatch):
    """The pending create of a killed run named a title; a colleague's page of that title made since, with
    their own body, is not the page of that create."""
    root, doc_id = pushed()
    (root / "setup.md").write_text("# Setup\n\nOur setup steps.\n", encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(fast_client, "create_with_markdown", _killed)
        with pytest.raises(Killed):
            push_folder(root, fast_client)
    theirs = fast_client.create_with_markdown("Setup", "Their setup notes.", parent_page_id=doc_id)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, outcomes(result)
    [ours] = [page_id for page_id in titled(fast_client, doc_id, "Setup") if page_id != theirs.id]
    assert "Our setup steps." in texts(fast_client, ours)
    assert "Our setup steps." not in texts(fast_client, theirs.id)


class Killed(BaseException):
    """Stands for the process being killed: nothing after it runs."""


def _killed(*args, **kwargs):
    """A create the process died sending (the state has it as pending)."""
    raise Killed


def test_a_page_whose_conflict_check_failed_is_not_written_by_the_second_pass(pushed, fast_server,
                                                                              fast_client):
    """Reproduction 5: the first pass could not read the page (a GET that errored), so it never checked
    for a remote edit; the second pass (links to new pages) then replaced it: the colleague's edit lost."""
    root, doc_id = pushed()
    [a_id] = titled(fast_client, doc_id, "A")
    fast_client.replace_body_with_markdown(a_id, "Text of A, edited by a colleague.")
    (root / "a.md").write_text("# A\n\nText of A, see [B](b.md).\n", encoding="utf-8")
    (root / "b.md").write_text("# B\n\nNew page.\n", encoding="utf-8")
    fast_server.before = lambda request: (bad_gateway() if request.method == "GET"
                                          and request.path.endswith(f"pages/{a_id}") else None)
    result = push_folder(root, fast_client)
    fast_server.before = None
    by_file = {o.display: o for o in result.outcomes}
    assert result.exit_code != 0 and by_file["a.md"].action == "failed", outcomes(result)
    assert by_file["b.md"].action == "created"
    assert "edited by a colleague" in texts(fast_client, a_id)
    assert "see" in (root / "a.md").read_text(encoding="utf-8")
    again = push_folder(root, fast_client)  # the server answers again: the edit is merged or marked
    assert "edited by a colleague" in texts(fast_client, a_id) + (root / "a.md").read_text(encoding="utf-8")
    assert again.exit_code in (0, 3), outcomes(again)


def test_the_second_pass_checks_a_page_the_first_pass_did_not_write(make_tree, fast_client):
    """A file whose document did not change since the last push links to a page created only now: its
    link is filled in by the second pass, which must not overwrite the colleague's edit made meanwhile."""
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n",
                      "a.md": "# A\n\nText of A, see [B](b.md).\n"})
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    [a_id] = titled(fast_client, doc_id, "A")
    fast_client.replace_body_with_markdown(a_id, "Text of A, edited by a colleague.")
    (root / "b.md").write_text("# B\n\nNew page.\n", encoding="utf-8")
    (root / "a.md").write_text("# A\n\nText of A, see [B](b.md).\n\n", encoding="utf-8")  # same document
    result = push_folder(root, fast_client)
    assert "edited by a colleague" in texts(fast_client, a_id), outcomes(result)
    # merged (only Productive changed that paragraph's text) or marked: never overwritten
    assert {o.display: o for o in result.outcomes}["a.md"].action in ("updated", "conflict")
    assert "edited by a colleague" in (root / "a.md").read_text(encoding="utf-8")


def test_the_base_of_a_pushed_page_is_what_the_server_answered(make_tree, fast_client):
    """Deliverable 1/5: the base holds the page as Productive stored it (its version_number and normal-form
    body: a ``####`` heading as h3), not the document as sent."""
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n",
                      "a.md": "# A\n\n#### Deep heading\n\nText of A.\n"})
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    [a_id] = titled(fast_client, doc_id, "A")
    stored = fast_client.get_page(a_id)
    bases = BaseStore(root / ".productive-docs")
    assert bases.records[a_id].version == stored.version_number
    assert bases.body(a_id) == normalize(from_json(stored.body))
    (root / "a.md").write_text("# A\n\n#### Deep heading\n\nText of A, edited.\n", encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    stored = fast_client.get_page(a_id)
    bases = BaseStore(root / ".productive-docs")
    assert bases.records[a_id].version == stored.version_number
    assert bases.body(a_id) == normalize(from_json(stored.body))


def restored_state(make_tree, client, later: str) -> tuple:
    """A doc pushed with ``later.md``, then the state of the commit before ``later.md`` restored (git
    checkout) and ``later.md`` set to ``later``: (folder, doc id, the page of later.md)."""
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n"})
    doc_id = push_folder(root, client, project_id="1").doc_id
    state = root / ".productive-docs" / "state.json"
    old_state = state.read_bytes()
    (root / "later.md").write_text(LATER, encoding="utf-8")
    assert push_folder(root, client).exit_code == 0
    state.write_bytes(old_state)
    (root / "later.md").write_text(later, encoding="utf-8")
    [later_id] = titled(client, doc_id, "Later")
    return root, doc_id, later_id


LATER = "---\ntitle: Later\nowner: me\n---\n\nAdded later.\n\nSecond paragraph.\n"


def test_push_adopt_takes_over_a_page_with_the_same_body_silently(env, make_tree, fast_client, capsys):
    from productive_docs.sync.cli.main import main

    root, doc_id, later_id = restored_state(make_tree, fast_client, LATER)
    assert push_folder(root, fast_client).exit_code == 3  # without --adopt: reported, not duplicated
    version = fast_client.get_page(later_id).version_number
    capsys.readouterr()
    assert main(["push", str(root), "--adopt"]) == 0
    assert "taken over (--adopt)" in capsys.readouterr().out
    assert fast_client.get_page(later_id).version_number == version
    assert titled(fast_client, doc_id, "Later") == [later_id]
    assert load(root / ".productive-docs" / "state.json").pages["later.md"].id == later_id
    assert BaseStore(root / ".productive-docs").body(later_id) is not None
    assert push_folder(root, fast_client).requests["writes"] == 0
    (root / "later.md").write_text(LATER.replace("Second", "Our second"), encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    assert "Our second paragraph." in texts(fast_client, later_id)


def test_push_adopt_of_a_page_with_another_body_marks_both_versions_in_the_file(make_tree, fast_client):
    mine = LATER.replace("Second paragraph.", "My second paragraph.")
    root, doc_id, later_id = restored_state(make_tree, fast_client, mine)
    version = fast_client.get_page(later_id).version_number
    result = push_folder(root, fast_client, adopt=True)
    later = {o.display: o for o in result.outcomes}["later.md"]
    assert result.exit_code == 3 and later.action == "conflict", outcomes(result)
    assert fast_client.get_page(later_id).version_number == version
    text = (root / "later.md").read_text(encoding="utf-8")
    assert text.index("<<<<<<<") < text.index("My second paragraph.") < text.index("=======")
    assert text.index("=======") < text.index("Second paragraph.") < text.index(">>>>>>>")
    assert text.startswith("---\ntitle: Later\nowner: me\n---\n")
    assert titled(fast_client, doc_id, "Later") == [later_id]
    assert push_folder(root, fast_client).exit_code != 0  # refused while the markers are there
    (root / "later.md").write_text(LATER.replace("Second", "Merged second"), encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    assert "Merged second paragraph." in texts(fast_client, later_id)
    assert titled(fast_client, doc_id, "Later") == [later_id]


def test_the_second_pass_merges_a_remote_edit_of_another_block(make_tree, fast_client):
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n",
                      "a.md": "---\ntitle: A\n---\n\nFirst, see [B](b.md).\n\nSecond.\n"})
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    [a_id] = titled(fast_client, doc_id, "A")
    body = fast_client.get_page(a_id).body
    body["content"][1]["content"][0]["text"] = "Second, theirs."
    fast_client.replace_body_with_html(a_id, write(from_json(body), "html"))
    (root / "b.md").write_text("# B\n\nNew page.\n", encoding="utf-8")
    (root / "a.md").write_text("---\ntitle: A\n---\n\nFirst, see [B](b.md).\n\nSecond.\n\n", encoding="utf-8")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, outcomes(result)
    [b_id] = titled(fast_client, doc_id, "B")
    assert "Second, theirs." in texts(fast_client, a_id) and f"page={b_id}" in texts(fast_client, a_id)
    assert "Second, theirs." in (root / "a.md").read_text(encoding="utf-8")
    assert push_folder(root, fast_client).requests["writes"] == 0


def test_a_rerun_never_takes_a_colleagues_doc_for_the_pending_doc_create(make_tree, fast_client, monkeypatch):
    """The first push died sending its doc's create; a colleague then made a doc of that title in the
    project: it is not the doc of that create (its body is not the one sent)."""
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n", "a.md": "# A\n\nText of A.\n"})
    with monkeypatch.context() as patch:
        patch.setattr(fast_client, "create_with_markdown", _killed)
        with pytest.raises(Killed):
            push_folder(root, fast_client, project_id="1")
    theirs = fast_client.create_with_markdown("Handbook", "Their handbook.", project_id="1")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0 and result.doc_id != theirs.id, outcomes(result)
    assert "Intro." not in texts(fast_client, theirs.id)
    assert "Intro." in texts(fast_client, result.doc_id)


def test_a_rename_and_a_move_whose_answers_were_lost_become_the_base(make_tree, fast_client):
    """Both sides agree after a rename and a move that landed while their answers were lost: the next
    change made in Productive alone is then not a conflict."""
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n", "a.md": "# A\n\nText of A.\n",
                      "team/index.md": "# Team\n\nWho.\n", "guide/index.md": "# Guide\n\nHow.\n"})
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    [a_id], [team_id], [guide_id] = (titled(fast_client, doc_id, title) for title in ("A", "Team", "Guide"))
    (root / "a.md").unlink()
    (root / "team" / "a.md").write_text("# A2\n\nText of A.\n", encoding="utf-8")
    fast_client.rename(a_id, "A2")  # the push's writes landed, their answers were lost
    fast_client.move(a_id, team_id)
    state = load(root / ".productive-docs" / "state.json")
    state.pages["team/a.md"] = state.pages.pop("a.md")
    state.compact()
    assert push_folder(root, fast_client).requests["writes"] == 0
    fast_client.rename(a_id, "A3")  # then a colleague's rename and move
    fast_client.move(a_id, guide_id)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0 and result.requests["writes"] == 0, outcomes(result)
    notes = " ".join({o.display: o for o in result.outcomes}["team/a.md"].notes)
    assert "title changed in Productive" in notes and "moved in Productive" in notes
