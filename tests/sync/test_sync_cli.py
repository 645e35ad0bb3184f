"""The sync subcommands end to end: flags, output modes, the embedded default, watch."""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from productive_docs.sync.cli.main import main
from productive_docs.sync.cli.output import Printer
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.watch import DEBOUNCE, watch

TREE = {
    "index.md": "# Docs\n\nSee [a](a.md).\n",
    "a.md": "# A\n\nText.\n",
    "sub/b.md": "# B\n\nMore.\n",
}


def _lines(out: str, action: str) -> int:
    return sum(line.startswith(f"{action} ") for line in out.splitlines())


@pytest.fixture
def no_account(monkeypatch, tmp_path):
    for name in ("PRODUCTIVE_API_TOKEN", "PRODUCTIVE_ORG_ID", "PRODUCTIVE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_push_json_then_status_text(env, make_tree, capsys):
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1", "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"created": 4} and report["requests"]["writes"] >= 4
    assert {page["path"] for page in report["pages"]} == {"index.md", "a.md", "sub/", "sub/b.md"}
    (root / "a.md").write_text("# A\n\nChanged.\n", encoding="utf-8")
    assert main(["status", str(root), "--diff"]) == 0
    out = capsys.readouterr().out
    assert "update     a.md" in out and "+Changed." in out and "-Text." in out
    assert "unchanged  sub/b.md" in out and "0 writes" in out


def test_github_output_annotates_bad_files(env, make_tree, capsys):
    root = make_tree({**TREE, "bad.md": b"ok\n\xff\n"})
    assert main(["push", str(root), "--project", "1", "--output", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=docs/bad.md,line=2::failed: bad.md:2: invalid UTF-8" in out
    assert "::notice::" in out


def test_first_push_needs_a_target(env, make_tree, capsys):
    assert main(["push", str(make_tree(TREE))]) == 2
    assert "--project ID" in capsys.readouterr().err


def test_without_a_token_the_embedded_server_is_used_and_remembered(no_account, make_tree, capsys):
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    captured = capsys.readouterr()
    assert "embedded local server" in captured.err and _lines(captured.out, "created") == 4
    assert main(["push", str(root)]) == 0
    captured = capsys.readouterr()
    assert _lines(captured.out, "unchanged") == 4 and "0 writes" in captured.out
    for path in no_account.rglob("*.sqlite3*"):
        path.unlink()
    assert main(["push", str(root)]) == 0
    captured = capsys.readouterr()
    assert "starting afresh" in captured.err and _lines(captured.out, "created") == 4


def test_dir_left_out_is_the_synced_folder_the_current_one_is_in(env, make_tree, monkeypatch, tmp_path,
                                                                  capsys):
    """``status``, ``push`` and ``pull`` without DIR, as git finds its repository: from a subfolder of a
    synced folder, the synced folder (and its doc); from a folder never synced, a one-line usage error and
    nothing pushed or pulled."""
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(root / "sub")
    assert main(["status", "--exit-code"]) == 0
    captured = capsys.readouterr()
    assert "syncing .., the synced folder this one is in" in captured.err
    assert _lines(captured.out, "unchanged") == 4
    (root / "a.md").write_text("# A\n\nChanged.\n", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["push"]) == 0
    captured = capsys.readouterr()
    assert _lines(captured.out, "updated") == 1 and "syncing" not in captured.err
    monkeypatch.chdir(root / "sub")
    assert main(["pull"]) == 0, "pull alone pulls the doc the folder is synced with, as git pull"
    captured = capsys.readouterr()
    assert _lines(captured.out, "unchanged") == 4 and "0 writes" in captured.out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.md").write_text("# Notes\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert main(["push", "--project", "1"]) == 2
    err = capsys.readouterr().err
    assert "not in a synced folder" in err and err.count("\n") == 1
    assert main(["pull"]) == 2 and "not in a synced folder" in capsys.readouterr().err
    assert main(["pull", str(elsewhere)]) == 2
    assert "not synced with a doc; give --doc ID" in capsys.readouterr().err
    assert not (elsewhere / ".productive-docs").exists()


def _synced(state: Path) -> dict[str, str]:
    """Key -> page id of the pages whose body the state records as written."""
    if not state.exists():
        return {}
    pages = json.loads(state.read_text(encoding="utf-8"))["pages"]
    return {key: entry["id"] for key, entry in pages.items() if entry.get("hash")}


#: How long a loaded 2-core machine may take to notice a save and push it, beyond the debounce.
WATCH_MARGIN = 10.0


@contextmanager
def _watching(root: Path, client, debounce: float) -> Iterator[threading.Thread]:
    """``watch`` of ``root`` in a thread, once its first push has synced ``a.md``; stopped (and checked
    to stop) when the block ends."""
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, client, PushOptions(project_id="1"), Printer()),
                              kwargs={"debounce": debounce, "stop": stop})
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while "a.md" not in _synced(root / ".productive-docs" / "state.json") and time.monotonic() < deadline:
            time.sleep(0.05)
        yield thread
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_watch_pushes_a_saved_burst_once_after_the_debounce(make_tree, fast_client):
    """The push follows a save by itself, not before the folder was quiet for the debounce, once for a burst
    of saves; the write time comes from the server, so a slow machine cannot make this flaky."""
    root = make_tree(TREE)
    debounce = 0.5
    with _watching(root, fast_client, debounce) as thread:
        page_id = _synced(root / ".productive-docs" / "state.json")["a.md"]
        version = fast_client.get_page(page_id).version_number
        time.sleep(debounce + 0.2)
        saved_at = time.time()  # before the saves: the watch cannot have seen them earlier
        for text in ("Draft.", "Saved in the editor."):
            (root / "a.md").write_text(f"# A\n\n{text}\n", encoding="utf-8")
        deadline = time.monotonic() + debounce + WATCH_MARGIN
        page = fast_client.get_page(page_id)
        while "Saved in the editor." not in json.dumps(page.body) and time.monotonic() < deadline:
            time.sleep(0.05)
            page = fast_client.get_page(page_id)
        assert "Saved in the editor." in json.dumps(page.body), "the save was not pushed"
        latency = datetime.fromisoformat(str(page.edited_at)).timestamp() - saved_at
        assert debounce - 0.01 <= latency <= debounce + WATCH_MARGIN, latency
        assert page.version_number == (version or 0) + 1, "a burst of saves is one push"
        (root / "b.md").write_bytes(b"\xff")
        time.sleep(debounce + 0.3)
        assert thread.is_alive(), "a bad file must not stop the watch"


def test_watch_prints_no_warning_of_the_observer_when_folders_appear(make_tree, fast_client, recwarn):
    """Folders made inside one another at once (``mkdir -p``; the first push's ``.productive-docs/base/c0``)
    made watchdog's inotify observer print a RuntimeWarning of a few kilobytes about its own callbacks."""
    root = make_tree(TREE)
    with _watching(root, fast_client, DEBOUNCE):
        for number in range(100):  # each a race the observer may lose (it does not, every run)
            (root / f"new-{number}" / "nested" / "deeper").mkdir(parents=True)
        time.sleep(0.5)
        # the observer's own message, as watchdog 7 words it, sent for sure; and one it must still show
        module = "watchdog.observers.inotify"
        where = {"filename": module.replace(".", "/") + ".py", "lineno": 1, "module": module}
        message = "Callback with id '1' already exists for watch <Watch>. It will be Overwritten."
        warnings.warn_explicit(message, RuntimeWarning, **where)
        warnings.warn_explicit("another warning of the observer", RuntimeWarning, **where)
    shown = [str(warning.message)[:80] for warning in recwarn if "watchdog" in warning.filename]
    assert shown == ["another warning of the observer"]


def test_state_path_can_be_overridden(env, make_tree, tmp_path: Path, capsys):
    root = make_tree(TREE)
    state = tmp_path / "elsewhere" / "state.json"
    assert main(["push", str(root), "--project", "1", "--state", str(state)]) == 0
    assert state.exists() and not (root / ".productive-docs").exists()
    assert main(["push", str(root), "--state", str(state)]) == 0
    assert "0 writes" in capsys.readouterr().out
