"""Two-way sync on a common base, against the local server over HTTP (issue 12's reproductions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from productive_docs.converter import write
from productive_docs.converter.model import from_json
from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.run import push_folder

GUIDE = """---
title: Onboarding
section: people
description: How a new colleague starts (Productive does not hold this key)
---

Welcome to the team. This paragraph is wrapped
by hand at a narrow width, as people do
in a repository.

#### Your first day

* Get a laptop
* Meet _your_ buddy

The second paragraph holds the sentence to change.
It is wrapped too.

| Who | What |
|-----|------|
| IT  | laptop |

Closing words, also
wrapped.
"""


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True)
    return done.stdout


def edit_remotely(client, page_id: str, old: str, new: str) -> None:
    """A colleague's edit in Productive: one sentence of the stored body changed."""
    body = client.get_page(page_id).body
    doc = from_json(body)
    html = write(doc, "html").replace(old, new)
    assert new in html
    client.replace_body_with_html(page_id, html)


def page_id(client, doc_id: str, title: str) -> str:
    return next(p.id for p in client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
                if p.title == title)


def edited_on_both_sides(make_tree, client, theirs: tuple[str, str], local: str) -> tuple[Path, str, str]:
    """The guide pushed, then one sentence edited in Productive and the file replaced by ``local``:
    (folder, doc id, page id)."""
    root = make_tree({"guide.md": GUIDE})
    doc_id = push_folder(root, client, project_id="1").doc_id
    guide_id = page_id(client, doc_id, "Onboarding")
    edit_remotely(client, guide_id, *theirs)
    (root / "guide.md").write_text(local, encoding="utf-8")
    return root, doc_id, guide_id


def test_pull_of_a_one_sentence_remote_edit_touches_only_that_block(make_tree, fast_client):
    """Reproduction 2: front matter kept, wrapping kept, #### kept; git diff is the changed block only;
    then pull -> push makes no write and push -> pull changes no file."""
    root = make_tree({"guide.md": GUIDE})
    first = push_folder(root, fast_client, project_id="1")
    assert first.exit_code == 0
    git(root, "init", "-q")
    git(root, "add", "guide.md")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "docs")
    edit_remotely(fast_client, page_id(fast_client, first.doc_id, "Onboarding"),
                  "holds the sentence to change.", "holds the sentence a colleague changed.")
    pulled = pull_doc(fast_client, first.doc_id, root)
    assert pulled.exit_code == 0, [(o.display, o.action, o.notes) for o in pulled.outcomes]
    diff = [line for line in git(root, "diff", "--unified=0", "guide.md").splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["-The second paragraph holds the sentence to change.", "-It is wrapped too.",
                    "+The second paragraph holds the sentence a colleague changed. It is wrapped too."]
    assert git(root, "status", "--porcelain", "--untracked-files=all", "--", ".", ":!.productive-docs") == (
        " M guide.md\n")
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes
    text = (root / "guide.md").read_text(encoding="utf-8")
    assert pull_doc(fast_client, first.doc_id, root).exit_code == 0
    assert (root / "guide.md").read_text(encoding="utf-8") == text


def test_edits_to_different_blocks_merge_on_pull_and_reach_productive(make_tree, fast_client):
    root, doc_id, guide_id = edited_on_both_sides(make_tree, fast_client, (
        "Closing words", "Closing words from Productive"), GUIDE.replace("Welcome to the team.",
                                                                          "Welcome aboard, local edit."))
    path = root / "guide.md"
    result = pull_doc(fast_client, doc_id, root)
    assert result.exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "Welcome aboard, local edit." in text and "Closing words from Productive" in text
    assert "section: people" in text and "#### Your first day" in text
    pushed = push_folder(root, fast_client)
    assert pushed.exit_code == 0 and {o.display: o.action for o in pushed.outcomes}["guide.md"] == "updated"
    body = str(fast_client.get_page(guide_id).body)
    assert "Welcome aboard, local edit." in body and "Closing words from Productive" in body


def test_a_title_changed_in_productive_is_not_reverted_by_push_and_pull_takes_it(make_tree, fast_client):
    """Reproduction 1: the plan compared the local title with the remote one, not with the last synced."""
    root = make_tree({"guide.md": GUIDE.replace("title: Onboarding", "title: Start here")})
    first = push_folder(root, fast_client, project_id="1")
    guide_id = page_id(fast_client, first.doc_id, "Start here")
    fast_client.rename(guide_id, "Onboarding")
    again = push_folder(root, fast_client)
    outcome = {o.display: o for o in again.outcomes}["guide.md"]
    assert again.exit_code == 0 and outcome.action == "unchanged", outcome
    assert any("title changed in Productive to 'Onboarding'" in note for note in outcome.notes)
    assert fast_client.get_page(guide_id).title == "Onboarding"
    assert pull_doc(fast_client, first.doc_id, root).exit_code == 0
    text = (root / "guide.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Onboarding\nsection: people\n")
    last = push_folder(root, fast_client)  # the guide is in step; the doc's generated list of pages follows
    assert last.exit_code == 0 and {o.display: o.action for o in last.outcomes}["guide.md"] == "unchanged"
    assert fast_client.get_page(guide_id).title == "Onboarding"


def test_a_push_that_merges_says_it_took_productives_title_into_the_file(make_tree, fast_client):
    """A title changed in Productive and a body changed on both sides: the push merges, and the merge writes
    Productive's title into the file. Its line said "(pull to get it)", about a title the file already had."""
    root = make_tree({"guide.md": GUIDE})
    first = push_folder(root, fast_client, project_id="1")
    guide_id = page_id(fast_client, first.doc_id, "Onboarding")
    remote = fast_client.get_page(guide_id)
    body = str(write(from_json(remote.body), "md")).replace("Closing words", "Closing words from Productive")
    fast_client.replace_body_with_markdown(guide_id, body)
    fast_client.rename(guide_id, "Start here")
    path = root / "guide.md"
    path.write_text(GUIDE.replace("Welcome to the team.", "Welcome aboard."), encoding="utf-8")
    pushed = push_folder(root, fast_client)
    outcome = {o.display: o for o in pushed.outcomes}["guide.md"]
    assert pushed.exit_code == 0 and outcome.action == "updated", outcome
    assert "title changed in Productive to 'Start here' (taken into the file)" in outcome.notes, outcome.notes
    assert not [note for note in outcome.notes if "pull to get it" in note]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Start here\n") and "Closing words from Productive" in text
    assert fast_client.get_page(guide_id).title == "Start here"


def test_a_title_changed_on_both_sides_differently_is_a_conflict(make_tree, fast_client):
    root = make_tree({"guide.md": GUIDE})
    first = push_folder(root, fast_client, project_id="1")
    guide_id = page_id(fast_client, first.doc_id, "Onboarding")
    fast_client.rename(guide_id, "Theirs")
    path = root / "guide.md"
    path.write_text(GUIDE.replace("title: Onboarding", "title: Ours"), encoding="utf-8")
    result = push_folder(root, fast_client)
    assert result.exit_code == 3 and fast_client.get_page(guide_id).title == "Theirs"


def test_two_pushes_started_at_once_make_every_page_and_append_once(env, make_tree, fast_client):
    """Reproduction 3: two runs of one folder at once duplicated pages and appends. Now the second waits
    for the folder's lock, then finds everything in step."""
    root = make_tree({"log.md": "---\ntitle: Log\n---\n\nFirst entry.\n"})
    first = push_folder(root, fast_client, project_id="1")
    for number in range(20):
        (root / f"new-{number:02}.md").write_text(f"# New {number}\n\nBody {number}.\n", encoding="utf-8")
    (root / "log.md").write_text("---\ntitle: Log\n---\n\nFirst entry.\n\nSecond entry.\n", "utf-8")
    command = [sys.executable, "-m", "productive_docs.sync.cli.main", "push", str(root)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=os.environ) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    pages = fast_client.list_pages(filters={"root_page_id": first.doc_id}, fields=["title"])
    titles = sorted(page.title for page in pages)
    assert titles == sorted(["Log", *(f"New {n}" for n in range(20))])
    log = next(page for page in pages if page.title == "Log")
    assert str(fast_client.get_page(log.id).body).count("Second entry.") == 1
    assert not any("conflict" in out for out, _ in outputs)


def test_status_exit_code_gates_ci(env, make_tree, fast_client, capsys):
    """Reproduction 9 (status part): status exited 0 with changes pending and did not list pages created
    in Productive."""
    from productive_docs.sync.cli.main import main

    root = make_tree({"guide.md": GUIDE, "other.md": "---\ntitle: Other\n---\n\nOther page.\n"})
    assert main(["push", str(root), "--project", "1"]) == 0
    status = ["status", str(root), "--exit-code"]
    assert main(status) == 0
    doc_id = pull_doc(fast_client, push_folder(root, fast_client).doc_id, root).doc_id
    guide = root / "guide.md"
    guide.write_text(GUIDE.replace("Closing words", "Closing words, edited"), encoding="utf-8")
    assert main(status) == 1  # a push would write
    guide.write_text(GUIDE, encoding="utf-8")
    assert main(status) == 0
    edit_remotely(fast_client, page_id(fast_client, doc_id, "Other"), "Other page.", "Other page, theirs.")
    assert main(status) == 1  # a pull would write
    assert pull_doc(fast_client, doc_id, root).exit_code == 0 and main(status) == 0
    made = fast_client.create_with_markdown("Made there", "Hi.", parent_page_id=doc_id, root_page_id=doc_id)
    capsys.readouterr()
    assert main(status) == 1
    assert f"page {made.id} ('Made there') created in Productive" in capsys.readouterr().err
    fast_client.delete(made.id)
    edit_remotely(fast_client, page_id(fast_client, doc_id, "Other"), "theirs", "theirs again")
    (root / "other.md").write_text("---\ntitle: Other\n---\n\nOther page, mine.\n", encoding="utf-8")
    assert main(status) == 3


def test_a_write_whose_answer_was_lost_is_settled_not_a_conflict(make_tree, fast_client):
    """Reproduction 8: our write landed, its answer was lost (the state never learned the new version):
    every later push said "changed in Productive" (exit 3) though the remote body is the file's."""
    from productive_docs.converter import read
    from productive_docs.converter.report import Report
    from productive_docs.sync.engine.documents import payload

    root = make_tree({"guide.md": GUIDE})
    first = push_folder(root, fast_client, project_id="1")
    guide_id = page_id(fast_client, first.doc_id, "Onboarding")
    edited = GUIDE.replace("Closing words", "Closing words, sent once")
    (root / "guide.md").write_text(edited, encoding="utf-8")
    body = payload(read(edited, "md").doc, "auto", Report())  # a push's write, its answer lost
    send = fast_client.replace_body_with_html if body.html else fast_client.replace_body_with_markdown
    send(guide_id, body.text)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, [(o.display, o.action, o.notes) for o in result.outcomes]
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes


def test_push_merges_a_remote_edit_of_another_block_instead_of_a_conflict(make_tree, fast_client):
    """Reproduction 9 (merge part): a push onto a page changed in Productive merges on the base; the file
    gets the remote change (nothing else of it rewritten) and Productive gets both edits in one write."""
    local = GUIDE.replace("Welcome to the team.", "Welcome aboard.")
    root, doc_id, guide_id = edited_on_both_sides(make_tree, fast_client, (
        "Closing words", "Closing words from Productive"), local)
    path = root / "guide.md"
    result = push_folder(root, fast_client)
    outcome = {o.display: o for o in result.outcomes}["guide.md"]
    assert result.exit_code == 0 and outcome.action == "updated", outcome
    assert path.read_text(encoding="utf-8") == local.replace("Closing words, also\nwrapped.",
                                                             "Closing words from Productive, also wrapped.")
    body = str(fast_client.get_page(guide_id).body)
    assert "Welcome aboard." in body and "Closing words from Productive" in body
    assert not (root / "guide.remote.md").exists()
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes
    assert pull_doc(fast_client, doc_id, root).exit_code == 0
    assert "Welcome aboard." in path.read_text(encoding="utf-8")


def test_push_of_a_block_changed_on_both_sides_marks_the_conflict_in_the_file(make_tree, fast_client):
    root, _, guide_id = edited_on_both_sides(make_tree, fast_client, ("Closing words", "Their closing words"),
                                             GUIDE.replace("Closing words", "My closing words"))
    path = root / "guide.md"
    version = fast_client.get_page(guide_id).version_number
    result = push_folder(root, fast_client)
    assert result.exit_code == 3 and fast_client.get_page(guide_id).version_number == version
    text = path.read_text(encoding="utf-8")
    assert text.index("<<<<<<< local") < text.index("My closing words") < text.index("Their closing words")
    assert text.startswith(GUIDE[: GUIDE.index("Closing words")]) and not (root / "guide.remote.md").exists()
    assert push_folder(root, fast_client).exit_code != 0  # refused while the markers are there
    path.write_text(GUIDE.replace("Closing words", "Our closing words"), encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    assert "Our closing words" in str(fast_client.get_page(guide_id).body)


def test_a_state_restored_from_git_does_not_duplicate_pages(make_tree, fast_client):
    """Reproduction 6: a state older than the doc made every page it did not know a second time."""
    root = make_tree({"guide.md": GUIDE})
    first = push_folder(root, fast_client, project_id="1")
    state = root / ".productive-docs" / "state.json"
    old_state = state.read_bytes()
    (root / "later.md").write_text("---\ntitle: Later\n---\n\nAdded later.\n", encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    state.write_bytes(old_state)  # git checkout of an older commit's state
    result = push_folder(root, fast_client)
    later = {o.display: o for o in result.outcomes}["later.md"]
    assert result.exit_code == 3 and later.action == "conflict" and "not created twice" in later.notes[0]
    pages = fast_client.list_pages(filters={"root_page_id": first.doc_id}, fields=["title"])
    assert sorted(p.title for p in pages) == ["Later", "Onboarding"]


def test_status_counts_a_mergeable_page_as_pending_not_as_a_conflict(env, make_tree, fast_client):
    from productive_docs.sync.cli.main import main

    local = GUIDE.replace("Welcome to the team.", "Welcome aboard.")
    theirs = ("Closing words", "Closing words, theirs")
    root, _, _ = edited_on_both_sides(make_tree, fast_client, theirs, local)
    assert main(["status", str(root), "--exit-code"]) == 1
    assert (root / "guide.md").read_text(encoding="utf-8") == local  # status writes nothing
    (root / "guide.md").write_text(GUIDE.replace("Closing words", "Closing words, mine"), encoding="utf-8")
    assert main(["status", str(root), "--exit-code"]) == 3
