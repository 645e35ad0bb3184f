"""push against the local server over HTTP: the fewest writes, and never a lost edit."""

from __future__ import annotations

import json

from productive_docs.converter.model import from_json
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.folder import plain_text
from productive_docs.sync.engine.identity import server_identity
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import default_path, kept_path, load
from productive_docs.sync.server.app import LocalServer

TREE = {
    "index.md": "---\ntitle: Handbook\n---\n\nWelcome. Start with [the setup](guide/setup.md#install).\n",
    "guide/setup.md": "# Setup\n\nInstall it.\n\n## Install\n\nRun the installer.\n",
    "guide/usage.md": "# Usage\n\nUse it.\n",
    "faq.md": "# FAQ\n\nQuestions.\n",
}


def _endpoints(client, before):
    return {k: v - before.get(k, 0) for k, v in client.stats.by_endpoint.items() if v - before.get(k, 0)}


def _push(root, client, **options):
    return push_folder(root, client, **options)


def _pushed(make_tree, client):
    root = make_tree(TREE)
    first = _push(root, client, project_id="1")
    assert first.exit_code == 0, first.outcomes
    return root, first


def test_first_push_creates_the_tree_and_a_second_push_writes_nothing(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    assert {o.display: o.action for o in first.outcomes} == {
        "index.md": "created", "guide/": "created", "guide/setup.md": "created", "guide/usage.md": "created",
        "faq.md": "created"}
    pages = fast_client.list_pages(filters={"root_page_id": first.doc_id},
                                   fields=["title", "parent_page_id", "root_page_id"])
    by_title = {p.title: p for p in pages}
    assert set(by_title) == {"Guide", "Setup", "Usage", "FAQ"}
    assert by_title["Setup"].parent_page_id == by_title["Guide"].id
    reads, writes = fast_client.stats.reads, fast_client.stats.writes
    second = _push(root, fast_client)
    assert {o.action for o in second.outcomes} == {"unchanged"}
    assert fast_client.stats.writes - writes == 0
    assert second.requests == {"reads": 1, "writes": 0, "listing": 1}
    assert fast_client.stats.reads - reads == 1


def test_links_between_files_point_at_the_target_page(make_tree, fast_client):
    _, first = _pushed(make_tree, fast_client)
    setup_id = next(o.page_id for o in first.outcomes if o.display == "guide/setup.md")
    root = fast_client.get_page(first.doc_id)
    hrefs = [m["attrs"]["href"] for block in root.body["content"] for node in block.get("content", [])
             for m in node.get("marks", []) if m["type"] == "link"]
    assert hrefs == [f"https://app.productive.io/1/docs/doc/{first.doc_id}?page={setup_id}#install"]


def test_editing_one_file_makes_exactly_one_write(make_tree, fast_client):
    root, _ = _pushed(make_tree, fast_client)
    (root / "faq.md").write_text("# FAQ\n\nDifferent questions.\n", encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    result = _push(root, fast_client)
    assert result.requests["writes"] == 1
    assert {o.display: o.action for o in result.outcomes if o.action != "unchanged"} == {"faq.md": "updated"}
    assert set(_endpoints(fast_client, before)) <= {"list", "get", "replace_body_with_markdown",
                                                   "replace_body_with_html"}


def test_appending_a_paragraph_is_one_append_call(make_tree, fast_client):
    root, _ = _pushed(make_tree, fast_client)
    path = root / "guide" / "usage.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    result = _push(root, fast_client)
    changed = _endpoints(fast_client, before)
    assert result.requests["writes"] == 1
    assert changed.get("append_markdown", 0) + changed.get("append_html", 0) == 1
    outcome = next(o for o in result.outcomes if o.display == "guide/usage.md")
    assert outcome.action == "appended"
    body = fast_client.get_page(outcome.page_id).body
    assert [plain_text(from_json(b)) for b in body["content"]][-2:] == ["Use it.", "One more paragraph."]
    assert _push(root, fast_client).requests["writes"] == 0


def test_changing_a_title_is_one_rename(make_tree, fast_client):
    root, _ = _pushed(make_tree, fast_client)
    (root / "faq.md").write_text("# Questions and answers\n\nQuestions.\n", encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    result = _push(root, fast_client)
    assert result.requests["writes"] == 1 and _endpoints(fast_client, before).get("rename") == 1
    outcome = next(o for o in result.outcomes if o.display == "faq.md")
    assert outcome.action == "renamed"
    assert fast_client.get_page(outcome.page_id).title == "Questions and answers"


def test_a_removed_file_is_reported_then_deleted_with_prune_delete(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    (root / "faq.md").unlink()
    reported = _push(root, fast_client)
    assert reported.requests["writes"] == 0
    assert [o.action for o in reported.outcomes if o.key == "faq.md"] == ["orphan"]
    before = dict(fast_client.stats.by_endpoint)
    pruned = _push(root, fast_client, prune="delete")
    assert pruned.requests["writes"] == 1 and _endpoints(fast_client, before).get("delete") == 1
    assert [o.action for o in pruned.outcomes if o.key == "faq.md"] == ["deleted"]
    listed = fast_client.list_pages(filters={"root_page_id": first.doc_id}, fields=["title"])
    remaining = {page.id for page in listed}
    assert faq_id not in remaining and "faq.md" not in load(default_path(root)).pages


def test_a_removed_folder_is_deleted_with_one_request_and_said_so(make_tree, fast_client):
    root, _ = _pushed(make_tree, fast_client)
    for name in ("setup.md", "usage.md"):
        (root / "guide" / name).unlink()
    (root / "guide").rmdir()
    before = dict(fast_client.stats.by_endpoint)
    pruned = _push(root, fast_client, prune="delete")
    assert _endpoints(fast_client, before).get("delete") == 1
    notes = {o.key: (o.action, o.notes) for o in pruned.outcomes if o.action == "deleted"}
    assert notes == {"guide/": ("deleted", ["file removed"]),
                     "guide/setup.md": ("deleted", ["file removed; deleted with its parent page"]),
                     "guide/usage.md": ("deleted", ["file removed; deleted with its parent page"])}


def test_prune_deletes_nothing_when_a_file_failed(make_tree, fast_client):
    root, _ = _pushed(make_tree, fast_client)
    (root / "faq.md").unlink()
    (root / "bad.md").write_bytes(b"\xff\xfe")
    result = _push(root, fast_client, prune="delete")
    assert result.requests["writes"] == 0 and result.exit_code == 1
    assert "prune: nothing deleted because some files failed" in result.notes


def test_prune_keeps_a_page_with_children_it_does_not_own(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    guide_id = next(o.page_id for o in first.outcomes if o.display == "guide/")
    fast_client.create_with_markdown("Written in Productive", "hello", parent_page_id=guide_id,
                                     root_page_id=first.doc_id)
    for name in ("setup.md", "usage.md"):
        (root / "guide" / name).unlink()
    result = _push(root, fast_client, prune="delete")
    actions = {o.key: o.action for o in result.outcomes}
    assert actions["guide/"] == "orphan" and actions["guide/setup.md"] == "deleted"
    assert fast_client.get_page(guide_id).title == "Guide"


def test_conflict_writes_nothing_exits_3_and_leaves_the_remote_version_beside(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    fast_client.replace_body_with_markdown(faq_id, "Edited in the browser.")
    remote_before = fast_client.get_page(faq_id)
    (root / "faq.md").write_text("# FAQ\n\nEdited locally.\n", encoding="utf-8")
    (root / ".productive-docs" / "base.json").unlink()  # no base to merge on (with one: markers in the file)
    writes = fast_client.stats.writes
    result = _push(root, fast_client)
    assert result.exit_code == 3 and fast_client.stats.writes == writes
    assert [o.action for o in result.outcomes if o.key == "faq.md"] == ["conflict"]
    remote_after = fast_client.get_page(faq_id)
    assert remote_after.body == remote_before.body
    assert remote_after.version_number == remote_before.version_number
    copy = (root / "faq.remote.md").read_text(encoding="utf-8")
    assert "Edited in the browser." in copy and "title: FAQ" in copy
    again = _push(root, fast_client)
    assert again.exit_code == 3, "still a conflict while faq.remote.md is there"
    (root / "faq.remote.md").unlink()
    merged = _push(root, fast_client)
    assert merged.exit_code == 0 and merged.requests["writes"] == 1


def test_force_overwrites_after_a_backup(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    fast_client.replace_body_with_markdown(faq_id, "Edited in the browser.")
    (root / "faq.md").write_text("# FAQ\n\nEdited locally.\n", encoding="utf-8")
    result = _push(root, fast_client, force=True)
    assert result.exit_code == 0
    backups = list((root / ".productive-docs" / "backups").glob(f"{faq_id}-*.json"))
    assert len(backups) == 1 and "Edited in the browser." in backups[0].read_text(encoding="utf-8")
    assert "Edited locally." in json.dumps(fast_client.get_page(faq_id).body)


def test_a_remote_edit_alone_is_not_overwritten(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    fast_client.replace_body_with_markdown(faq_id, "Edited in the browser.")
    result = _push(root, fast_client)
    assert result.requests["writes"] == 0 and result.exit_code == 0
    assert "Edited in the browser." in json.dumps(fast_client.get_page(faq_id).body)


def test_a_page_deleted_in_productive_is_reported_not_recreated(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    fast_client.delete(faq_id)
    result = _push(root, fast_client)
    assert result.exit_code == 3 and result.requests["writes"] == 0
    assert [o.action for o in result.outcomes if o.key == "faq.md"] == ["conflict"]
    forced = _push(root, fast_client, force=True)
    assert [o.action for o in forced.outcomes if o.key == "faq.md"] == ["created"]


def test_bad_file_is_skipped_with_path_and_line_and_the_rest_is_pushed(make_tree, fast_client):
    root = make_tree({**TREE, "broken.md": b"fine\n\xff\n"})
    result = _push(root, fast_client, project_id="1")
    assert result.exit_code == 1
    failed = [o for o in result.outcomes if o.action == "failed"]
    assert [o.error for o in failed] == ["broken.md:2: invalid UTF-8"]
    assert sum(o.action == "created" for o in result.outcomes) == 5


def test_a_state_naming_another_spelling_of_this_server_is_kept(make_tree, fast_client):
    """The state's doc is here: setting the state aside would create the whole doc a second time."""
    root = make_tree(TREE)
    plan = _push(root, fast_client, project_id="1", dry_run=True)
    assert fast_client.stats.writes == 0 and {o.action for o in plan.outcomes} == {"create"}
    assert not default_path(root).exists()
    _push(root, fast_client, project_id="1")
    state = load(default_path(root))
    state.server = "https://Elsewhere.example/api/v2#org=1"
    state.save()
    for dry_run in (True, False):
        result = _push(root, fast_client, project_id="1", dry_run=dry_run)
        assert any("kept" in note for note in result.notes), result.notes
        assert {o.action for o in result.outcomes} == {"unchanged"} and result.requests["writes"] == 0
    assert load(default_path(root)).server == server_identity(fast_client)
    assert [page.title for page in fast_client.list_pages() if page.is_doc] == ["Handbook"]


def test_a_state_set_aside_by_an_earlier_version_is_found_again(make_tree, fast_client):
    """Earlier versions set the state aside before a push to a mistyped org failed, leaving no state."""
    root, first = _pushed(make_tree, fast_client)
    path = default_path(root)
    path.replace(kept_path(path, server_identity(fast_client)))
    plan = _push(root, fast_client, dry_run=True)
    assert {o.action for o in plan.outcomes} == {"unchanged"} and not path.exists()
    result = _push(root, fast_client)
    assert any("kept for" in note for note in result.notes)
    assert result.requests["writes"] == 0 and result.doc_id == first.doc_id
    assert [p.name for p in path.parent.glob("state*.json")] == ["state.json"]


def test_each_server_keeps_its_own_state(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    with (LocalServer(db=":memory:").start() as other,
          Client(other.url, other.token, other.org_id) as other_client):
        other_client.create_with_markdown("Not ours", "x", project_id="1")  # ids differ from the first server
        plan = _push(root, other_client, dry_run=True)
        assert any("planning a first push" in note for note in plan.notes)
        there = _push(root, other_client, project_id="1")
        assert any("set aside" in note for note in there.notes)
        assert {o.action for o in there.outcomes} == {"created"} and there.doc_id != first.doc_id
        back = _push(root, fast_client)
        assert any("using the one kept" in note for note in back.notes)
        assert back.requests["writes"] == 0 and back.doc_id == first.doc_id
        assert _push(root, other_client).requests["writes"] == 0
    assert len(list((root / ".productive-docs").glob("state-*.json"))) == 1


def test_a_file_moved_to_another_folder_keeps_its_page(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    (root / "faq.md").rename(root / "guide" / "faq.md")
    result = _push(root, fast_client)
    outcome = next(o for o in result.outcomes if o.key == "guide/faq.md")
    assert outcome.page_id == faq_id and outcome.action == "moved"
    guide_id = next(o.page_id for o in first.outcomes if o.display == "guide/")
    assert fast_client.get_page(faq_id).parent_page_id == guide_id


def test_doc_flag_maps_the_folder_onto_an_existing_doc_by_title(make_tree, fast_client):
    doc = fast_client.create_with_markdown("Team doc", "Written by people.", project_id="1")
    faq = fast_client.create_with_markdown("FAQ", "old answers", parent_page_id=doc.id, root_page_id=doc.id)
    other = fast_client.create_with_markdown("Notes", "theirs", parent_page_id=doc.id, root_page_id=doc.id)
    root = make_tree({"faq.md": "# FAQ\n\nNew answers.\n", "notes/page.md": "# Page\n\nx\n"})
    result = push_folder(root, fast_client, doc_id=doc.id)
    actions = {o.key: (o.action, o.page_id) for o in result.outcomes}
    assert actions["faq.md"] == ("updated", faq.id) and actions[""] == ("unchanged", doc.id)
    assert actions["notes/"][1] == other.id, "a folder page matched by title too"
    assert "Written by people." in json.dumps(fast_client.get_page(doc.id).body)
    (root / "faq.md").unlink()
    pruned = push_folder(root, fast_client, prune="delete")
    assert [o.action for o in pruned.outcomes if o.key == "faq.md"] == ["orphan"]
    assert fast_client.get_page(faq.id).title == "FAQ"


def test_a_page_people_made_with_a_new_files_title_is_not_taken_over(make_tree, fast_client):
    root, first = _pushed(make_tree, fast_client)
    theirs = fast_client.create_with_markdown("Glossary", "their words", parent_page_id=first.doc_id,
                                              root_page_id=first.doc_id)
    (root / "glossary.md").write_text("# Glossary\n\nmy words\n", encoding="utf-8")
    result = push_folder(root, fast_client)
    outcome = next(o for o in result.outcomes if o.key == "glossary.md")
    # neither taken over nor duplicated (issue 12): reported, as a stale state would be
    assert outcome.action == "conflict" and f"(page {theirs.id})" in outcome.notes[0]
    assert "their words" in json.dumps(fast_client.get_page(theirs.id).body)
    pages = fast_client.list_pages(filters={"root_page_id": first.doc_id}, fields=["title"])
    assert [p.title for p in pages].count("Glossary") == 1


def test_write_ids_lets_files_find_their_pages_without_the_state(make_tree, fast_client):
    root = make_tree(TREE)
    first = push_folder(root, fast_client, project_id="1", write_ids=True)
    faq_id = next(o.page_id for o in first.outcomes if o.display == "faq.md")
    assert f"productive_page_id: '{faq_id}'" in (root / "faq.md").read_text(encoding="utf-8")
    assert push_folder(root, fast_client).requests["writes"] == 0, "the id in front matter changes nothing"
    state = load(default_path(root))
    del state.pages["faq.md"]
    state.save()
    result = push_folder(root, fast_client)
    outcome = next(o for o in result.outcomes if o.key == "faq.md")
    assert outcome.page_id == faq_id and "taken over" in " ".join(outcome.notes)
    listed = fast_client.list_pages(filters={"root_page_id": first.doc_id}, fields=["title"])
    titles = [page.title for page in listed]
    assert titles.count("FAQ") == 1


def test_pages_with_empty_bodies_are_created_and_emptied(make_tree, fast_client):
    """An empty body is sent as the inferred "clear" payload: empty content is a 422 (spec §4.9, 3)."""
    root = make_tree({"index.md": "# Doc\n", "empty.md": "", "container/index.md": "---\ntitle: Box\n---\n",
                      "container/child.md": "# Child\n\ntext\n"})
    first = _push(root, fast_client, project_id="1")
    assert first.exit_code == 0, first.outcomes
    assert {o.action for o in first.outcomes} == {"created"}
    (root / "container" / "child.md").write_text("# Child\n", encoding="utf-8")
    second = _push(root, fast_client)
    assert second.exit_code == 0, second.outcomes
    child = next(o for o in second.outcomes if o.display == "container/child.md")
    assert child.action == "updated"
    assert fast_client.get_page(child.page_id).body == {"type": "doc", "content": [{"type": "paragraph"}]}
    assert {o.action for o in _push(root, fast_client).outcomes} == {"unchanged"}
