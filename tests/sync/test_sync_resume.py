"""An interrupted push resumes on the next run without duplicate pages."""

from __future__ import annotations

from collections import Counter

import pytest

from sync.client import Client
from sync.push import push_folder
from sync.server.app import LocalServer

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
