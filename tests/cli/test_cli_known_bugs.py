"""What a user tripped on, found by a QA pass through the CLI: each test states the expected behaviour
(the bugs are fixed; the tests keep them fixed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from productive_docs.sync.api.transport import Transport
from productive_docs.sync.cli.main import main

TREE = {"index.md": "# Home\n\nHello.\n", "a.md": "# A\n\nText.\n\nSee [the plan](nothere.md).\n"}


def test_a_push_with_a_mistyped_org_keeps_the_state(env, make_tree, monkeypatch, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", "999")
    assert main(["push", str(root)]) != 0
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(env.org_id))
    capsys.readouterr()
    assert main(["push", str(root)]) == 0
    assert "0 writes" in capsys.readouterr().out


def test_a_dangling_link_names_its_line(env, make_tree, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    assert "a.md:5: link nothere.md kept as is" in capsys.readouterr().out


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("# A\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["convert", str(source), "-o", str(tmp_path / "a.html")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o644


def test_an_unreachable_api_is_a_short_line(env, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PRODUCTIVE_API_URL", "http://127.0.0.1:1/api/v2/")
    monkeypatch.setattr(Transport, "_delay", lambda *_: 0.0)  # the retries still happen, without the waits
    assert main(["pull", "--doc", "5", str(tmp_path / "pulled")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "127.0.0.1:1" in err and "refused" in err.lower()
    assert "HTTPConnectionPool" not in err and len(err) < 200


def test_a_pruned_page_is_not_said_to_be_kept(env, make_tree, capsys) -> None:
    root = make_tree({**TREE, "b.md": "# B\n"})
    assert main(["push", str(root), "--project", "1"]) == 0
    (root / "a.md").unlink()
    capsys.readouterr()
    assert main(["push", str(root), "--prune", "delete"]) == 0
    out = capsys.readouterr().out
    assert "deleted    a.md" in out and "page kept" not in out


@pytest.mark.parametrize("ignore", [b"caf\xe9\n", b"drafts/\n[z-a]\n"])
def test_a_bad_productiveignore_is_one_line(env, make_tree, capsys, ignore: bytes) -> None:
    root = make_tree({**TREE, ".productiveignore": ignore})
    assert main(["status", str(root)]) != 0
    err = capsys.readouterr().err
    assert ".productiveignore" in err and err.count("\n") == 1


def test_pull_project_lines_name_the_doc_folder(env, make_tree, tmp_path, capsys) -> None:
    for name in ("one", "two"):
        root = make_tree({f"{name}/index.md": f"# Doc {name}\n"}) / name
        assert main(["push", str(root), "--project", "7"]) == 0
    capsys.readouterr()
    assert main(["pull", "--project", "7", str(tmp_path / "pulled")]) == 0
    out = capsys.readouterr().out
    assert "Doc one/index.md" in out and "Doc two/index.md" in out
