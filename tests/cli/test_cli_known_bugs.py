"""What a user trips on in files this area does not own: each test states the expected behaviour and is
marked ``xfail(strict=True)`` with the file and function at fault, so the fix turns it into a failure
that says "remove the mark"."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sync.cli import main

TREE = {"index.md": "# Home\n\nHello.\n", "a.md": "# A\n\nText.\n\nSee [the plan](nothere.md).\n"}


@pytest.mark.xfail(strict=True, reason=(
    "sync/state.py switch_state (called from sync/push.py Push._load_state before any request) renames "
    "state.json to state-<hash>.json as soon as PRODUCTIVE_ORG_ID or PRODUCTIVE_API_URL differs, even when "
    "that server then refuses us (403, connection refused); the next push with the right settings finds "
    "no state, says 'first push: give --project', and with --project would create the whole doc again"))
def test_a_push_with_a_mistyped_org_keeps_the_state(env, docs, monkeypatch, capsys) -> None:
    root = docs(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", "999")
    assert main(["push", str(root)]) != 0
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(env.org_id))
    capsys.readouterr()
    assert main(["push", str(root)]) == 0
    assert "0 writes" in capsys.readouterr().out


@pytest.mark.xfail(strict=True, reason=(
    "sync/documents.py prepare() formats link problems as '{page}: link {href} kept as is (...)' and "
    "sync/links.py to_page_links records only (href, why), so a link to a missing or outside file has no "
    "line number in the output and its GitHub annotation cannot point at the line"))
def test_a_dangling_link_names_its_line(env, docs, capsys) -> None:
    root = docs(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    assert "a.md:5: link nothere.md kept as is" in capsys.readouterr().out


@pytest.mark.xfail(strict=True, reason=(
    "sync/state.py write_atomic writes through tempfile.mkstemp, whose file mode is 0600 whatever the "
    "umask: every pulled page, imported Confluence page, convert -o output and state.json is owner-only "
    "(and a replaced file loses its mode); it should chmod the temp file to 0666 & ~umask (or keep the "
    "replaced file's mode) before os.replace"))
def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("# A\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["convert", str(source), "-o", str(tmp_path / "a.html")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o644


@pytest.mark.xfail(strict=True, reason=(
    "sync/transport.py raises NetworkError(f'{method} {path}: {type(exc).__name__}: {exc}'), which embeds "
    "urllib3's repr ('HTTPConnectionPool(host=..., port=1): Max retries exceeded with url: ... (Caused by "
    "NewConnectionError(...))'); a user needs 'cannot reach http://127.0.0.1:1/api/v2/: connection refused'"))
def test_an_unreachable_api_is_a_short_line(env, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PRODUCTIVE_API_URL", "http://127.0.0.1:1/api/v2/")
    assert main(["pull", "--doc", "5", str(tmp_path / "pulled")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "127.0.0.1:1" in err and "refused" in err.lower()
    assert "HTTPConnectionPool" not in err and len(err) < 200


@pytest.mark.xfail(strict=True, reason=(
    "sync/push_writes.py Push._prune reports a page it deleted with the notes of its orphan step, and "
    "sync/plan.py orphan() wrote 'file removed; page kept (use --prune delete)' there: the line says "
    "'deleted' and 'page kept' at once"))
def test_a_pruned_page_is_not_said_to_be_kept(env, docs, capsys) -> None:
    root = docs({**TREE, "b.md": "# B\n"})
    assert main(["push", str(root), "--project", "1"]) == 0
    (root / "a.md").unlink()
    capsys.readouterr()
    assert main(["push", str(root), "--prune", "delete"]) == 0
    out = capsys.readouterr().out
    assert "deleted    a.md" in out and "page kept" not in out


@pytest.mark.xfail(strict=True, raises=(UnicodeDecodeError, re.error), reason=(
    "sync/folder.py reads .productiveignore with read_text(encoding='utf-8') and hands its lines to "
    "pathspec unchecked: invalid UTF-8 (UnicodeDecodeError) or a bad pattern such as '[z-a]' (re.error) "
    "ends push/status in a traceback instead of '.productiveignore:LINE: ...' (an InputError)"))
@pytest.mark.parametrize("ignore", [b"caf\xe9\n", b"drafts/\n[z-a]\n"])
def test_a_bad_productiveignore_is_one_line(env, docs, capsys, ignore: bytes) -> None:
    root = docs({**TREE, ".productiveignore": ignore})
    assert main(["status", str(root)]) != 0
    err = capsys.readouterr().err
    assert ".productiveignore" in err and err.count("\n") == 1


@pytest.mark.xfail(strict=True, reason=(
    "sync/pull.py pull_project pulls each doc of a project into DIR/<doc title>/ but hands every pull_doc "
    "the same on_outcome, and Outcome.display is relative to the doc's own folder: the lines read "
    "'created index.md' once per doc, without saying which folder the file is in"))
def test_pull_project_lines_name_the_doc_folder(env, docs, tmp_path, capsys) -> None:
    for name in ("one", "two"):
        root = docs({f"{name}/index.md": f"# Doc {name}\n"}) / name
        assert main(["push", str(root), "--project", "7"]) == 0
    capsys.readouterr()
    assert main(["pull", "--project", "7", str(tmp_path / "pulled")]) == 0
    out = capsys.readouterr().out
    assert "Doc one/index.md" in out and "Doc two/index.md" in out
