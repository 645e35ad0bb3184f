"""pull against the local server: files a push takes back without a single write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from productive_docs.converter.model import normalize
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.folder import scan
from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.run import push_folder

TREE = {
    "index.md": "---\ntitle: Handbook\n---\n\nSee [setup](guide/setup.md#install) and [FAQ](faq.md).\n",
    "guide/setup.md": "# Setup\n\n## Install\n\n- [ ] check\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "guide/usage.md": "# Usage\n\n> [!WARNING]\n> Careful.\n\nHello <u>there</u> @[user:123:Jane Doe].\n",
    "faq.md": "---\ntitle: 'FAQ: the / questions'\n---\n\n```python\nprint(1)\n```\n",
}


def test_push_pull_push_makes_no_write_and_the_files_read_the_same(make_tree, fast_client, tmp_path: Path):
    root = make_tree(TREE)
    first = push_folder(root, fast_client, project_id="1")
    assert first.exit_code == 0, [o.error for o in first.outcomes]
    pulled = tmp_path / "pulled"
    result = pull_doc(fast_client, first.doc_id, pulled)
    assert result.exit_code == 0 and {o.action for o in result.outcomes} == {"created"}
    assert result.requests["writes"] == 0
    files = sorted(str(p.relative_to(pulled)) for p in pulled.rglob("*.md"))
    assert files == ["FAQ- the - questions.md", "Guide/Setup.md", "Guide/Usage.md", "Guide/index.md",
                     "index.md"]
    writes = fast_client.stats.writes
    again = push_folder(pulled, fast_client)
    assert fast_client.stats.writes == writes, [(o.display, o.action) for o in again.outcomes]
    assert {o.action for o in again.outcomes} == {"unchanged"}
    original, copy = scan(root).pages, scan(pulled).pages
    pairs = {"": "", "guide/setup.md": "Guide/Setup.md", "guide/usage.md": "Guide/Usage.md",
             "faq.md": "FAQ- the - questions.md"}
    for mine, theirs in pairs.items():
        assert copy[theirs].title == original[mine].title
        if mine != "":
            assert normalize(copy[theirs].doc) == normalize(original[mine].doc), mine
    assert "](Guide/Setup.md#install)" in (pulled / "index.md").read_text(encoding="utf-8")


def test_pull_twice_is_unchanged_and_a_remote_edit_updates_the_file(make_tree, fast_client, tmp_path: Path):
    root = make_tree(TREE)
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    pulled = tmp_path / "pulled"
    pull_doc(fast_client, doc_id, pulled)
    assert {o.action for o in pull_doc(fast_client, doc_id, pulled).outcomes} == {"unchanged"}
    faq = next(p for p in fast_client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
               if p.title.startswith("FAQ"))
    fast_client.replace_body_with_markdown(faq.id, "Remote words.")
    result = pull_doc(fast_client, doc_id, pulled)
    assert {o.display: o.action for o in result.outcomes}["FAQ- the - questions.md"] == "updated"
    assert "Remote words." in (pulled / "FAQ- the - questions.md").read_text(encoding="utf-8")
    assert push_folder(pulled, fast_client).requests["writes"] == 0


def test_pull_does_not_overwrite_local_edits(make_tree, fast_client, tmp_path: Path):
    root = make_tree(TREE)
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    pulled = tmp_path / "pulled"
    pull_doc(fast_client, doc_id, pulled)
    mine = pulled / "Guide" / "Usage.md"
    mine.write_text("---\ntitle: Usage\n---\n\nMy local edit.\n", encoding="utf-8")
    usage = next(p for p in fast_client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
                 if p.title == "Usage")
    version = fast_client.replace_body_with_markdown(usage.id, "Their remote edit.").version_number
    result = pull_doc(fast_client, doc_id, pulled)
    assert result.exit_code == 3
    text = mine.read_text(encoding="utf-8")  # both sides between conflict markers in the file itself
    assert text.index("<<<<<<< local") < text.index("My local edit.") < text.index("=======") < text.index(
        "Their remote edit.") < text.index(">>>>>>> productive")
    assert not (pulled / "Guide" / "Usage.remote.md").exists()
    fast_client.replace_body_with_markdown(usage.id, "Their second edit.")
    again = pull_doc(fast_client, doc_id, pulled)  # the markers are not resolved yet: the file is left alone
    assert again.exit_code == 3 and mine.read_text(encoding="utf-8") == text
    version = fast_client.replace_body_with_markdown(usage.id, "Their remote edit.").version_number
    assert pull_doc(fast_client, doc_id, pulled).exit_code == 3 and mine.read_text(encoding="utf-8") == text
    refused = push_folder(pulled, fast_client)
    assert refused.exit_code != 0 and fast_client.get_page(usage.id).version_number == version
    failed = {o.display: o.error for o in refused.outcomes}
    assert "Guide/Usage.md:5: unresolved merge conflict" in str(failed["Guide/Usage.md"])
    mine.write_text("---\ntitle: Usage\n---\n\nMy local edit.\n\nTheir remote edit.\n", encoding="utf-8")
    assert push_folder(pulled, fast_client).exit_code == 0
    assert "My local edit" in str(fast_client.get_page(usage.id).body)


def test_the_sample_docs_survive_push_pull_push(fast_client, tmp_path: Path):
    sample = Path(__file__).resolve().parents[2] / "fixtures" / "docs"
    root = tmp_path / "docs"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns(".productive-docs"))
    first = push_folder(root, fast_client, project_id="1")
    assert first.exit_code == 0 and first.counts() == {"created": 37, "skipped": 1}
    pulled = tmp_path / "pulled"
    assert pull_doc(fast_client, first.doc_id, pulled).exit_code == 0
    writes = fast_client.stats.writes
    again = push_folder(pulled, fast_client)
    changed = [(o.display, o.action) for o in again.outcomes if o.action != "unchanged"]
    assert fast_client.stats.writes == writes, changed
    assert len(again.outcomes) == 37


def test_pull_into_the_pushed_folder_keeps_its_files(make_tree, fast_client):
    root = make_tree({"README.md": "# Home\n\nHi.\n", "page.html": "<h1>Web</h1><p>html page</p>",
                      "sub/README.md": "# Sub\n\nfolder text\n", "sub/x.md": "# X\n\nx\n"})
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    result = pull_doc(fast_client, doc_id, root)
    assert {o.display: o.action for o in result.outcomes} == {
        "README.md": "unchanged", "page.html": "unchanged", "sub/README.md": "unchanged",
        "sub/x.md": "unchanged"}
    assert not (root / "index.md").exists()
    page = next(p for p in fast_client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
                if p.title == "Web")
    fast_client.replace_body_with_markdown(page.id, "edited remotely")
    again = pull_doc(fast_client, doc_id, root)
    assert {o.display: o.action for o in again.outcomes}["page.html"] == "skipped"
    assert "edited remotely" in (root / "page.remote.md").read_text(encoding="utf-8")
    assert "html page" in (root / "page.html").read_text(encoding="utf-8")
    assert push_folder(root, fast_client).requests["writes"] == 0


def test_a_pull_refused_by_the_server_leaves_the_state_where_it_is(make_tree, fast_server, fast_client,
                                                                     tmp_path: Path):
    first = push_folder(make_tree(TREE), fast_client, project_id="1")
    pulled = tmp_path / "pulled"
    pull_doc(fast_client, first.doc_id, pulled)
    state = pulled / ".productive-docs" / "state.json"
    saved = state.read_bytes()
    files = sorted(state.parent.rglob("*"))
    with (Client(fast_server.url, fast_server.token, "999") as wrong_org,
          pytest.raises(errors.PermissionDenied)):
        pull_doc(wrong_org, first.doc_id, pulled)
    assert state.read_bytes() == saved and sorted(state.parent.rglob("*")) == files
    again = pull_doc(fast_client, first.doc_id, pulled)
    assert again.exit_code == 0 and {o.action for o in again.outcomes} == {"unchanged"}
