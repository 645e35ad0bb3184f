"""Identity by id, never by guess (issue 12, deliverable 5 and reproductions 4 and 5), against the local
server over HTTP with one exact failure injected (``LocalServer.before`` / ``after``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from productive_docs.sync.api.client import Client
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


def test_a_lost_create_never_adopts_a_colleagues_page_of_the_same_title(pushed, fast_server, fast_client):
    """Reproduction 4: a create that failed before it landed was "recovered" as the colleague's page made a
    moment before with the same title and parent; our content was never sent."""
    root, doc_id = pushed()
    (root / "setup.md").write_text("# Setup\n\nOur setup steps.\n", encoding="utf-8")
    colleague = Client(fast_server.url, fast_server.token, fast_server.org_id)
    made = []
    failed = fail_once(fast_server, "POST", "create_with_markdown", committed=False,
                       meanwhile=lambda: made.append(
        colleague.create_with_markdown("Setup", "Their setup notes.", parent_page_id=doc_id)))
    result = push_folder(root, fast_client)
    assert failed and result.exit_code == 0, outcomes(result)
    [theirs] = made
    [ours] = [page_id for page_id in titled(fast_client, doc_id, "Setup") if page_id != theirs.id]
    assert "Our setup steps." in texts(fast_client, ours)
    assert "Their setup notes." in texts(fast_client, theirs.id)
    assert "Our setup steps." not in texts(fast_client, theirs.id)


def test_a_create_that_landed_before_its_answer_was_lost_is_adopted_once(pushed, fast_server, fast_client):
    """Ours landed, then a colleague made a page of the same title (newer than ours): ours is adopted."""
    root, doc_id = pushed()
    (root / "setup.md").write_text("# Setup\n\nOur setup steps.\n", encoding="utf-8")
    colleague = Client(fast_server.url, fast_server.token, fast_server.org_id)
    made = []
    failed = fail_once(fast_server, "POST", "create_with_markdown", committed=True,
                       meanwhile=lambda: made.append(
        colleague.create_with_markdown("Setup", "Their setup notes.", parent_page_id=doc_id)))
    result = push_folder(root, fast_client)
    assert failed and result.exit_code == 0
    [theirs] = made
    [ours] = [page_id for page_id in titled(fast_client, doc_id, "Setup") if page_id != theirs.id]
    assert "Our setup steps." in texts(fast_client, ours)
    assert load(root / ".productive-docs" / "state.json").pages["setup.md"].id == ours
    assert push_folder(root, fast_client).requests["writes"] == 0
    assert "Their setup notes." in texts(fast_client, theirs.id)


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
