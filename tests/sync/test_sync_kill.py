"""Kill -9 at 20 points of a first push and of an edit push (issue 12, must hold): a real CLI process is
killed by the server at its N-th request (half the time before the request is carried out, half the time
after it was committed, when the answer is lost), then the push is run again: zero duplicates, zero lost,
zero false conflicts, and a third push writes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.server.app import LocalServer
from productive_docs.sync.server.jsonapi import Response

PROJECT_ROOT = Path(__file__).resolve().parents[2]
UNLIMITED = (1_000_000, 1.0)
POINTS = 20

FILES = {
    "index.md": "---\ntitle: Handbook\n---\n\nIntro, see [setup](guide/setup.md).\n",
    **{f"guide/p{n}.md": f"# Guide {n}\n\nGuide text {n}, next: [more](p{(n + 1) % 4}.md).\n"
       for n in range(4)},
    "guide/index.md": "# Guide\n\nAll the guides.\n",
    "guide/setup.md": "# Setup\n\nSetup text.\n\n#### Deep\n\nMore.\n",
    **{f"notes/n{n}.md": f"# Note {n}\n\nNote text {n}.\n" for n in range(3)},
}


def edit(root: Path) -> dict[str, str]:
    """The edits of the edit push: bodies replaced, appended to, a title changed, new pages with links, a
    file moved to another folder."""
    changes = {
        "guide/p0.md": "# Guide 0\n\nGuide text 0, rewritten.\n",
        "guide/p1.md": FILES["guide/p1.md"] + "\nAppended paragraph.\n",
        "notes/n0.md": "# Note zero\n\nNote text 0.\n",
        "notes/n1.md": "# Note 1\n\nNote text 1, see [new](n9.md).\n",
        "notes/n9.md": "# Note 9\n\nA new note.\n",
        "faq.md": "# FAQ\n\nQuestions, see [note 9](notes/n9.md).\n",
    }
    for name, text in changes.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "notes" / "n2.md").rename(root / "guide" / "n2.md")  # a local move
    return {**changes, "guide/n2.md": FILES["notes/n2.md"]}


class Killer:
    """A server hook that SIGKILLs the push process at its ``at``-th request, before the request is carried
    out (``committed`` False) or after it was (the answer is then lost)."""

    def __init__(self, server: LocalServer, at: int, committed: bool) -> None:
        self.at, self.count, self.pid = at, 0, 0
        self.lock = threading.Lock()
        if committed:
            server.after = lambda request, response: self.tick()
        else:
            server.before = lambda request: self.tick()

    def tick(self) -> Response | None:
        with self.lock:
            self.count += 1
            if self.count == self.at and self.pid:
                os.kill(self.pid, signal.SIGKILL)
        return None


def cli_push(server: LocalServer, root: Path, *args: str, killer: Killer | None = None) -> int:
    env = {**os.environ, "PRODUCTIVE_API_TOKEN": server.token, "PRODUCTIVE_ORG_ID": str(server.org_id),
           "PRODUCTIVE_API_URL": server.url, "XDG_CONFIG_HOME": str(root.parent / "config")}
    run = subprocess.Popen([sys.executable, "-m", "productive_docs", "push", str(root), *args],
                           cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if killer is not None:
        killer.pid = run.pid
    return run.wait(timeout=120)


@pytest.fixture(scope="module")
def requests_of_a_push(tmp_path_factory) -> dict[str, int]:
    """How many requests a whole first push and a whole edit push make (the kill points spread over them)."""
    root = write(tmp_path_factory.mktemp("count") / "docs", FILES)
    with LocalServer(rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        counter = Killer(server, 0, committed=False)
        assert cli_push(server, root, "--project", "1") == 0
        first, pages = counter.count, page_count(server)
        counter.count = 0
        edit(root)
        assert cli_push(server, root) == 0
        return {"first": first, "edit": counter.count, "first pages": pages, "edit pages": page_count(server)}


def page_count(server: LocalServer) -> int:
    with Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED,
                org_rate_limit=UNLIMITED) as api:
        return len(api.list_pages(fields=["title"]))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer(rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as started:
        yield started


def point(total: int, index: int) -> int:
    """The ``index``-th of ``POINTS`` requests spread evenly over 1..``total``."""
    return 1 + index * (total - 1) // (POINTS - 1)


def check_in_step(server: LocalServer, root: Path, expected: dict[str, str], count: int) -> None:
    """Rerun (in process), then: exit 0, ``count`` pages with different titles, every file's text in
    Productive, no conflict left in the folder, no writes on a third push."""
    with Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED,
                backoff=0.01, max_backoff=0.05) as client:
        rerun = push_folder(root, client, project_id="1")
        assert rerun.exit_code == 0, [(o.display, o.action, o.notes, o.error) for o in rerun.outcomes]
        pages = client.list_pages(fields=["title", "parent_page_id"])
        titles = Counter(page.title for page in pages)
        assert set(titles.values()) == {1} and len(pages) == count, titles
        bodies = "".join(str(client.get_page(page.id).body) for page in pages)
        assert all(fragment(text) in bodies for text in expected.values())
        state = root / ".productive-docs" / "state.json"
        assert not any(path.name.endswith(".remote.md") for path in root.rglob("*")), "false conflict"
        assert "<<<<<<<" not in "".join(path.read_text(encoding="utf-8") for path in root.rglob("*.md"))
        again = push_folder(root, client)
        assert again.exit_code == 0 and again.requests["writes"] == 0, state.read_text(encoding="utf-8")


def fragment(text: str) -> str:
    """A piece of a file that its page's body holds as is (the start of its last line of text)."""
    lines = [line for line in text.splitlines() if line and not line.startswith(("#", "-", "title"))]
    return lines[-1].split("[")[0][:12]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(POINTS))
def test_a_first_push_killed_at_any_request_resumes(index, server, tmp_path, requests_of_a_push):
    root = write(tmp_path / "docs", FILES)
    at = point(requests_of_a_push["first"], index)
    killer = Killer(server, at, committed=index % 2 == 1)
    code = cli_push(server, root, "--project", "1", killer=killer)
    assert code == -signal.SIGKILL, f"request {at} of {killer.count}"
    check_in_step(server, root, FILES, requests_of_a_push["first pages"])


@pytest.mark.slow
@pytest.mark.parametrize("index", range(POINTS))
def test_an_edit_push_killed_at_any_request_resumes(index, server, tmp_path, requests_of_a_push):
    root = write(tmp_path / "docs", FILES)
    assert cli_push(server, root, "--project", "1") == 0
    expected = {**FILES, **edit(root)}
    del expected["notes/n2.md"]
    at = point(requests_of_a_push["edit"], index)
    killer = Killer(server, at, committed=index % 2 == 1)
    code = cli_push(server, root, killer=killer)
    assert code == -signal.SIGKILL, f"request {at} of {killer.count}"
    check_in_step(server, root, expected, requests_of_a_push["edit pages"])
    with Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED,
                org_rate_limit=UNLIMITED) as client:
        pages = {page.id: page for page in client.list_pages(fields=["title", "parent_page_id"])}
        [moved] = [page for page in pages.values() if page.title == "Note 2"]
        assert pages[str(moved.parent_page_id)].title == "Guide"
