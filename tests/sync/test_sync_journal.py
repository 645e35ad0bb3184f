"""The state's journal: a save costs what changed, survives a kill at any point, and the file is written
whole only at the end of a run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.engine.journal import journal_path
from productive_docs.sync.engine.state import PageState, PendingCreate, State, load

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _state(tmp_path: Path, pages: int = 3) -> State:
    state = State(tmp_path / "state.json", "https://x/api#org=1", "1", {"link_template": "t"})
    for n in range(pages):
        state.pages[f"p{n}.md"] = PageState(str(n), None, f"Page {n}", version=1)
    state.compact()
    return state


def test_a_save_journals_only_the_entries_that_changed(tmp_path):
    state = _state(tmp_path, pages=50)
    written = state.path.read_bytes()
    state.pages["p7.md"].version = 2
    state.pending["new.md"] = PendingCreate("New", 1.5, None)
    state.save()
    lines = journal_path(state.path).read_text(encoding="utf-8").splitlines()
    assert state.path.read_bytes() == written and len([line for line in lines if line]) == 1
    record = json.loads(lines[-1])
    assert set(record["pages"]) == {"p7.md"} and set(record["pending"]) == {"new.md"}
    again = load(state.path)
    assert again.pages["p7.md"].version == 2 and again.pending["new.md"] == PendingCreate("New", 1.5, None)
    assert again == state


def test_nothing_is_written_when_nothing_changed(tmp_path):
    state = _state(tmp_path)
    before = state.path.stat().st_mtime_ns
    state.pages["p1.md"].version = 1  # the same value
    state.save()
    state.compact()
    loaded = load(state.path)
    loaded.save()
    loaded.compact()
    assert not journal_path(state.path).exists() and state.path.stat().st_mtime_ns == before


def test_moves_removals_and_a_compaction(tmp_path):
    state = _state(tmp_path)
    state.pages["moved.md"] = state.pages.pop("p0.md")
    del state.pages["p2.md"]
    state.pages["moved.md"].title = "Moved"
    state.options["link_template"] = "u"
    state.save()
    loaded = load(state.path)
    assert sorted(loaded.pages) == ["moved.md", "p1.md"] and loaded.pages["moved.md"].title == "Moved"
    assert loaded.options == {"link_template": "u"}
    loaded.compact()
    assert not journal_path(state.path).exists() and load(state.path) == loaded


def test_a_line_cut_short_by_a_kill_is_ignored_and_the_next_save_still_counts(tmp_path):
    state = _state(tmp_path)
    state.pages["p0.md"].version = 5
    state.save()
    journal = journal_path(state.path)
    whole = journal.read_bytes()
    state.pages["p1.md"].version = 6
    state.save()
    cut = journal.read_bytes()[: len(whole) + 20]
    journal.write_bytes(cut)  # the second save was being written when the process died
    loaded = load(state.path)
    assert loaded.pages["p0.md"].version == 5 and loaded.pages["p1.md"].version == 1
    loaded.pages["p2.md"].version = 7
    loaded.save()
    again = load(state.path)
    assert [again.pages[f"p{n}.md"].version for n in range(3)] == [5, 1, 7]


def test_a_journal_older_than_the_file_is_ignored(tmp_path):
    """Killed between writing the file and removing the journal: the file holds it all already."""
    state = _state(tmp_path)
    state.pages["p0.md"].version = 5
    state.save()
    stale = journal_path(state.path).read_bytes()
    state.pages["p0.md"].version = 9
    state.compact()
    journal_path(state.path).write_bytes(stale)
    assert load(state.path).pages["p0.md"].version == 9


def test_a_big_journal_is_folded_into_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr("productive_docs.sync.engine.state.JOURNAL_MIN_BYTES", 2_000)
    state = _state(tmp_path, pages=5)
    for version in range(2, 200):
        state.pages["p3.md"].version = version
        state.save()
    assert journal_path(state.path).stat().st_size < 4_000
    assert load(state.path).pages["p3.md"].version == 199


def test_a_first_push_killed_at_several_points_leaves_a_loadable_state_and_no_duplicates(
        fast_server, fast_client, make_tree):
    """A real CLI push, killed with SIGKILL (no handler runs) at several moments, then run again."""
    fast_server.latency = 0.02
    files = 40
    root = make_tree({f"part-{n // 10}/p{n:02}.md": f"# Page {n}\n\nText {n}, see [next](p{n + 1:02}.md).\n"
                      if n % 10 < 9 else f"# Page {n}\n\nThe last of its part.\n" for n in range(files)})
    env = {**os.environ, "PRODUCTIVE_API_TOKEN": fast_server.token,
           "PRODUCTIVE_ORG_ID": str(fast_server.org_id), "PRODUCTIVE_API_URL": fast_server.url}
    state_path = root / ".productive-docs" / "state.json"
    project, kills = ["--project", "1"], 0
    for created_before_kill, delay in ((1, 0.0), (3, 0.01), (5, 0.0), (7, 0.03)):
        command = [sys.executable, "-m", "productive_docs", "push", str(root), *project]
        run = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        created = 0
        for line in run.stdout:
            created += line.startswith("created")
            if created == created_before_kill:
                time.sleep(delay)  # some kills land between answers, some during a save
                break
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        run.stdout.close()
        kills += run.returncode == -signal.SIGKILL
        state = load(state_path)  # never unreadable
        assert state.doc_id is not None
        project = []
    assert kills >= 2
    done = subprocess.run([sys.executable, "-m", "productive_docs", "push", str(root)], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    # a kill between a body write's answer and its save leaves a conflict to look at (never a lost edit)
    assert done.returncode in (0, 3) and "failed" not in done.stdout, done.stdout + done.stderr
    titles = Counter(page.title for page in fast_client.list_pages())
    assert set(titles.values()) == {1} and len(titles) == files + 1 + 4, titles
    # the journal compacted away; beside the state only the two-way base, the per-run lock, file stamps
    # and the mark of the last listing
    assert {path.name for path in state_path.parent.iterdir()} <= {"state.json", "base.json", "base",
                                                                   ".gitignore", "lock", "stamps.json",
                                                                   "listing.json"}
    again = subprocess.run([sys.executable, "-m", "productive_docs", "push", str(root)], cwd=PROJECT_ROOT,
                           env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode in (0, 3) and "created" not in again.stdout and "updated" not in again.stdout


def test_a_loaded_page_entry_is_the_entry_saved_and_still_tells_its_table_of_changes(tmp_path: Path) -> None:
    """``load`` sets an entry's fields directly (not through ``__init__``): every field comes back, the
    defaults fill the rest, a change still reaches the journal, and an entry with an unknown field is an
    unreadable state, as before."""
    state = State(tmp_path / "state.json", "https://x/api#org=1", "1", {})
    full = PageState("7", "1", "Full", hash="h", blocks=3, remote_hash="r", version=4, created=True,
                     assets={"d": Attachment("https://x/a.png", "a.png", "7", "9")}, seen=2,
                     fingerprint="f", order=1.5, links={"b.md": "8"}, place=2.0, sending="s")
    state.pages.update({"full.md": full, "bare.md": PageState("8", None, "Bare")})
    state.compact()
    loaded = load(state.path)
    assert loaded.pages == state.pages
    loaded.pages["bare.md"].title = "Changed"
    loaded.save()
    assert load(state.path).pages["bare.md"].title == "Changed"
    text = state.path.read_text(encoding="utf-8").replace('"title": "Full"', '"title": "Full", "nope": 1')
    state.path.write_text(text, encoding="utf-8")
    with pytest.raises(ProductiveDocsError, match="unreadable sync state"):
        load(state.path)
