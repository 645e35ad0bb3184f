"""What push prints: problems that lose content always shown with page and line, lowerings counted,
GitHub annotations naming files as the repository sees them, JSON alone on stdout even when a run stops."""

from __future__ import annotations

import json

import pytest
from productive_docs.sync.cli.main import main

PAGE = (
    "# A\n"
    "\n"
    "See ![shot](img/missing.png) here.\n"
    "\n"
    "And ![big](img/big.png) there.\n"
    "\n"
    "<script>alert(1)</script>\n"
)
TREE = {"index.md": "# Home\n\nHello.\n", "a.md": PAGE, "img/big.png": b"\x89PNG" + b"0" * 2_000_000}


def test_problems_are_shown_without_verbose_and_lowerings_only_counted(env, make_tree, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1", "--max-asset-mb", "1"]) == 0
    out = capsys.readouterr().out
    assert "a.md:3: image img/missing.png: file not found" in out
    assert "a.md:5: image img/big.png:" in out and "exceeds the size limit" in out
    assert "<script>" not in out and "construct(s) lowered; --verbose lists them" in out
    assert "2 problems" in out.splitlines()[-1]
    assert main(["push", str(root), "--max-asset-mb", "1"]) == 0
    out = capsys.readouterr().out
    assert "a.md:3: image img/missing.png" in out, "an unchanged page still has its missing image"
    assert "; 1 request (1 read, 0 writes)" in out


def test_verbose_lists_the_lowerings_too(env, make_tree, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1", "--max-asset-mb", "1", "-v"]) == 0
    out = capsys.readouterr().out
    assert "a.md:7: <script> element -> removed with its content" in out
    assert "a.md:3: image img/missing.png" in out


def test_github_annotations_name_files_from_the_working_directory(env, make_tree, capsys) -> None:
    make_tree({**TREE, "bad.md": b"ok\n\xff\n"})
    assert main(["push", "docs", "--project", "1", "--max-asset-mb", "1", "--output", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=docs/bad.md,line=2::failed: bad.md:2: invalid UTF-8" in out
    assert "::warning file=docs/a.md,line=3::a.md:3: image img/missing.png: file not found" in out
    assert "::warning file=docs/a.md,line=5::" in out


def test_json_has_problems_per_page_and_nothing_else_on_stdout(env, make_tree, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1", "--max-asset-mb", "1", "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    page = next(page for page in report["pages"] if page["path"] == "a.md")
    assert len(page["problems"]) == 2 and all("img/" in problem for problem in page["problems"])


@pytest.mark.parametrize("command", [["push", "--project", "1"], ["status"]])
def test_json_mode_still_prints_json_when_the_run_stops(env, make_tree, capsys, monkeypatch, command) -> None:
    root = make_tree(TREE)
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", "wrong-secret-token")
    argv = [command[0], str(root), *command[1:], "--output", "json"]
    if command[0] == "status":  # status only reads when the folder has a doc
        monkeypatch.setenv("PRODUCTIVE_API_TOKEN", env.token)
        assert main(["push", str(root), "--project", "1"]) == 0
        capsys.readouterr()
        monkeypatch.setenv("PRODUCTIVE_API_TOKEN", "wrong-secret-token")
    assert main(argv) == 1
    captured = capsys.readouterr()
    stopped = json.loads(captured.out)
    assert stopped["exit_code"] == 1 and "HTTP 401" in stopped["error"]
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "wrong-secret-token" not in captured.out + captured.err


def test_a_rename_names_the_new_title(env, make_tree, capsys) -> None:
    root = make_tree({"index.md": "# Home\n", "a.md": "# Old title\n\nText.\n"})
    assert main(["push", str(root), "--project", "1"]) == 0
    page_id = capsys.readouterr().out.split("a.md  (page ", 1)[1].split(")", 1)[0]
    (root / "a.md").write_text("# New title\n\nText.\n", encoding="utf-8")
    assert main(["status", str(root)]) == 0
    assert f"rename     a.md  (page {page_id})  now titled 'New title'" in capsys.readouterr().out
    assert main(["push", str(root)]) == 0
    assert f"renamed    a.md  (page {page_id})  now titled 'New title'" in capsys.readouterr().out


def test_a_broken_symbolic_link_is_a_skipped_line(env, make_tree, capsys) -> None:
    root = make_tree({"index.md": "# Home\n"})
    (root / "x.md").symlink_to("nowhere.md")
    assert main(["push", str(root), "--project", "1"]) == 0
    out = capsys.readouterr().out
    assert "skipped    x.md\n" in out and "broken symbolic link (to nowhere.md)" in out
    assert "1 skipped" in out


def test_github_mode_annotates_a_run_that_stops(env, make_tree, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", "999")
    assert main(["push", str(make_tree(TREE)), "--project", "1", "--output", "github"]) == 1
    out = capsys.readouterr().out
    assert any(line.startswith("::error::") and "403" in line for line in out.splitlines()), out
