"""An interrupted push resumes on the next run without duplicate pages."""

from __future__ import annotations

from collections import Counter

import pytest
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import PendingCreate, load
from productive_docs.sync.server.app import LocalServer

UNLIMITED = (1_000_000, 1.0)
FILES = {f"part-{n // 50}/page-{n:03}.md": f"# Page {n}\n\nBody of page {n}.\n" for n in range(200)}


class Killed(BaseException):
    """Stands for the process being killed: nothing after it runs."""


class DyingClient(Client):
    """A real client whose process 'dies' right after the server committed its N-th create, before the
    response reaches the sync engine (the worst moment: the page exists, the state does not know it)."""

    def __init__(self, *args, creates_before_death: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.left = creates_before_death

    def create_with_markdown(self, *args, **kwargs):
        page = super().create_with_markdown(*args, **kwargs)
        self.left -= 1
        if self.left == 0:
            raise Killed
        return page


def _titles(client: Client, doc_id: str) -> Counter[str]:
    return Counter(p.title for p in client.list_pages(filters={"root_page_id": doc_id}, fields=["title"]))


def _check_one_page_per_file(client: Client, doc_id: str) -> None:
    titles = _titles(client, doc_id)
    assert all(titles[f"Page {n}"] == 1 for n in range(200)), [t for t, c in titles.items() if c != 1]
    assert sum(titles.values()) == 204


def test_a_push_killed_half_way_resumes_without_duplicates(make_tree, fast_server, fast_client):
    root = make_tree(FILES)
    dying = DyingClient(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                        org_rate_limit=UNLIMITED, creates_before_death=101)
    with pytest.raises(Killed):
        push_folder(root, dying, project_id="1", jobs=4)
    listed = fast_client.list_pages(filters={"project_id": "1"}, fields=["title", "parent_page_id"])
    doc_id = next(page for page in listed if page.parent_page_id is None).id
    assert 100 <= sum(_titles(fast_client, doc_id).values()) < 120
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, [o.error for o in result.outcomes if o.error]
    assert any("taken over" in " ".join(o.notes) for o in result.outcomes)
    _check_one_page_per_file(fast_client, doc_id)
    assert push_folder(root, fast_client).requests["writes"] == 0


def test_a_push_through_a_failing_server_ends_with_one_page_per_file(make_tree):
    root = make_tree(FILES)
    failing = LocalServer(rate_limit=UNLIMITED, org_rate_limit=UNLIMITED, fail_rate=0.2, seed=5)
    with failing.start() as server, \
            Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED,
                   backoff=0.001, max_backoff=0.01, max_retries=2) as client:
        first = push_folder(root, client, project_id="1")
        server.fail_rate = 0.0
        second = push_folder(root, client)
        assert second.exit_code == 0, [o.error for o in second.outcomes if o.error]
        _check_one_page_per_file(client, first.doc_id or second.doc_id)
        assert push_folder(root, client).requests["writes"] == 0


def _docs(client: Client, title: str) -> list[str]:
    listed = client.list_pages(filters={"project_id": "1"}, fields=["title", "parent_page_id"])
    return [page.id for page in listed if page.is_doc and page.title == title]


def test_a_push_killed_after_creating_the_doc_takes_it_over(make_tree, fast_server, fast_client):
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n", "a.md": "# A\n\nText.\n"})
    dying = DyingClient(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                        org_rate_limit=UNLIMITED, creates_before_death=1)
    with pytest.raises(Killed):
        push_folder(root, dying, project_id="1")
    [doc_id] = _docs(fast_client, "Handbook")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, [o.error for o in result.outcomes if o.error]
    assert result.doc_id == doc_id and any("taken over" in note for note in result.notes)
    assert _docs(fast_client, "Handbook") == [doc_id]
    assert _texts(fast_client.get_page(doc_id).body) == ["Intro."]
    assert push_folder(root, fast_client).requests["writes"] == 0


def test_a_doc_people_made_before_the_interrupted_push_is_never_taken_over(make_tree, fast_server,
                                                                            fast_client):
    theirs = fast_client.create_with_markdown("Handbook", "Their notes.", project_id="1")
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n"})
    dying = DyingClient(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                        org_rate_limit=UNLIMITED, creates_before_death=1)
    with pytest.raises(Killed):
        push_folder(root, dying, project_id="1")
    [ours] = [page_id for page_id in _docs(fast_client, "Handbook") if page_id != theirs.id]
    result = push_folder(root, fast_client)
    assert result.exit_code == 0 and result.doc_id == ours
    assert _texts(fast_client.get_page(theirs.id).body) == ["Their notes."]
    assert sorted(_docs(fast_client, "Handbook")) == sorted([theirs.id, ours])


def test_a_doc_whose_create_never_left_is_created_on_the_rerun(make_tree, fast_server, fast_client):
    theirs = fast_client.create_with_markdown("Handbook", "Their notes.", project_id="1")
    root = make_tree({"index.md": "---\ntitle: Handbook\n---\n\nIntro.\n"})
    dying = DyingClient(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                        org_rate_limit=UNLIMITED, creates_before_death=1)
    dying.create_with_markdown = lambda *args, **kwargs: (_ for _ in ()).throw(Killed())
    with pytest.raises(Killed):
        push_folder(root, dying, project_id="1")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0 and result.doc_id != theirs.id
    assert _texts(fast_client.get_page(theirs.id).body) == ["Their notes."]


def _texts(body) -> list[str]:
    return [block["content"][0]["text"] for block in (body or {}).get("content", []) if block.get("content")]


def test_pending_creates_of_older_states_still_load(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"format": 1, "pages": {}, "pending": {"a.md": "A"}}', encoding="utf-8")
    state = load(path)
    assert state.pending == {"a.md": PendingCreate("A")}
    state.pending[""] = PendingCreate("Docs", 12.5, ["3"])
    state.save()
    assert load(path).pending == state.pending


def test_a_replaced_file_keeps_its_mode_and_no_temporary_file_is_left(tmp_path) -> None:
    path = tmp_path / "page.md"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n" and path.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [path]
