"""A push plans every step (assets included) without a request that changes anything, then acts only on the
pages whose write goes ahead; status and push --dry-run run that planner and write nothing (issue 11).

The requests are counted by the emulator itself (its access log), so uploads to the storage endpoint, which
do not go through the API's routes, are counted too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from productive_docs.sync.api.client import Client
from productive_docs.sync.cli.main import main
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.server.app import LocalServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WRITES = ("POST", "PATCH", "PUT", "DELETE")
#: As ``tests/conftest.py``: a rate limit no test reaches.
UNLIMITED = (1_000_000, 1.0)


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    """An emulator that logs every request it answers, and the log's path."""
    log = tmp_path / "access.log"
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED,
                     access_log=log).start() as server:
        yield server, log


@pytest.fixture
def api(logged: tuple[LocalServer, Path]) -> Iterator[Client]:
    server = logged[0]
    with Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED,
                backoff=0.01, max_backoff=0.05) as client:
        yield client


def requests_since(log: Path, mark: int) -> list[tuple[str, str]]:
    """(method, path) of every request logged after the first ``mark`` lines."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [(entry["method"], entry["path"]) for entry in map(json.loads, lines[mark:])]


def logged_lines(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def pushed_then_edited_on_both_sides(make_tree, api: Client) -> tuple[Path, str]:
    """A pushed folder whose ``faq.md`` was then edited in Productive and, locally, given a new image and
    another edit of the same paragraph (a conflict: files titled by their heading merge block by block)."""
    root = make_tree({"index.md": "# Doc\n\nHome.\n", "faq.md": "# FAQ\n\nQuestions.\n"})
    first = push_folder(root, api, project_id="1")
    assert first.exit_code == 0, first.outcomes
    faq_id = next(o.page_id for o in first.outcomes if o.key == "faq.md")
    assert faq_id is not None
    api.replace_body_with_markdown(faq_id, "Edited in the browser.")
    (root / "shot.png").write_bytes(PNG)
    (root / "faq.md").write_text("# FAQ\n\nQuestions, mine.\n\n![shot](shot.png)\n", encoding="utf-8")
    return root, faq_id


def test_a_conflict_uploads_nothing(make_tree, api: Client, logged: tuple[LocalServer, Path]) -> None:
    server, log = logged
    root, _ = pushed_then_edited_on_both_sides(make_tree, api)
    mark = logged_lines(log)
    result = push_folder(root, api)
    assert [o.action for o in result.outcomes if o.key == "faq.md"] == ["conflict"]
    seen = requests_since(log, mark)
    assert [r for r in seen if "attachments" in r[1] or r[1].startswith("/storage")] == []
    assert [r for r in seen if r[0] in WRITES] == []
    assert server.attachments.rows(None, 1, 100)[1] == 0, "no attachment left behind"


def test_the_image_is_uploaded_once_the_conflict_is_resolved(make_tree, api: Client,
                                                              logged: tuple[LocalServer, Path]) -> None:
    root, faq_id = pushed_then_edited_on_both_sides(make_tree, api)
    assert push_folder(root, api).exit_code == 3
    (root / "faq.md").write_text("# FAQ\n\nEdited in the browser.\n\n![shot](shot.png)\n", encoding="utf-8")
    merged = push_folder(root, api)
    assert [o.action for o in merged.outcomes if o.key == "faq.md"] == ["updated"]
    assert "/attachments/files/" in json.dumps(api.get_page(faq_id).body)


def test_status_and_dry_run_write_nothing(make_tree, api: Client, logged: tuple[LocalServer, Path],
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    server, log = logged
    root = make_tree({"index.md": "# Doc\n\nHome.\n", "faq.md": "# FAQ\n\nQuestions.\n",
                      "old.md": "# Old\n\nGone soon.\n", "guide/setup.md": "# Setup\n\nInstall.\n"})
    first = push_folder(root, api, project_id="1")
    assert first.exit_code == 0, first.outcomes
    setup_id = next(o.page_id for o in first.outcomes if o.key == "guide/setup.md")
    assert setup_id is not None
    api.replace_body_with_markdown(setup_id, "Edited in the browser.")
    (root / "shot.png").write_bytes(PNG)
    (root / "faq.md").write_text("---\ntitle: Questions\n---\n\n![shot](shot.png)\n", encoding="utf-8")
    (root / "guide" / "setup.md").write_text("# Setup\n\nInstall it now.\n", encoding="utf-8")
    (root / "new.md").write_text("# New\n\n![shot](shot.png)\n", encoding="utf-8")
    (root / "old.md").unlink()
    for name, value in (("PRODUCTIVE_API_TOKEN", server.token), ("PRODUCTIVE_ORG_ID", server.org_id),
                        ("PRODUCTIVE_API_URL", server.url)):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    state = (root / ".productive-docs").rglob("*")
    before = {path: path.read_bytes() for path in state if path.is_file()}
    mark = logged_lines(log)
    assert main(["status", str(root), "--diff"]) == 3, "the conflict"
    assert main(["push", str(root), "--dry-run", "--prune", "delete"]) == 3
    out = capsys.readouterr().out
    for line in ("update     faq.md", "create     new.md", "conflict   guide/setup.md", "orphan     old.md"):
        assert line in out
    seen = requests_since(log, mark)
    assert seen and [r for r in seen if r[0] not in ("GET", "HEAD")] == []
    after = {path: path.read_bytes() for path in (root / ".productive-docs").rglob("*") if path.is_file()}
    assert after == before
