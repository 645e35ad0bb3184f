"""A lean push (``PushOptions.list_remote`` off, as ``watch`` runs after its first push) reads only the pages
it writes instead of listing the doc, and still sees a change made in Productive and pages that come or go."""

from __future__ import annotations

from productive_docs.sync.engine.push.run import push_folder

TREE = {"index.md": "# Docs\n\nHi.\n", **{f"guide/p{n}.md": f"# P{n}\n\nText {n}.\n" for n in range(30)}}


def test_a_save_reads_and_writes_only_its_page(make_tree, fast_client):
    root = make_tree(TREE)
    ids = {o.key: o.page_id for o in push_folder(root, fast_client, project_id="1").outcomes}
    (root / "guide" / "p7.md").write_text("# P7\n\nText 7, edited.\n", encoding="utf-8")
    result = push_folder(root, fast_client, list_remote=False)
    assert {o.key: o.action for o in result.outcomes if o.action != "unchanged"} == {"guide/p7.md": "updated"}
    assert result.requests == {"reads": 1, "writes": 1}, result.requests
    assert "edited" in str(fast_client.get_page(ids["guide/p7.md"]).body)

    # edited in Productive too: the read finds it, and that edit is not overwritten
    fast_client.replace_body_with_markdown(ids["guide/p3.md"], "Changed in Productive.\n\nText 3.\n")
    (root / "guide" / "p3.md").write_text("# P3\n\nText 3.\n\nAdded here.\n", encoding="utf-8")
    result = push_folder(root, fast_client, list_remote=False)
    action = {o.key: o.action for o in result.outcomes}["guide/p3.md"]
    body = str(fast_client.get_page(ids["guide/p3.md"]).body)
    assert action in ("updated", "conflict") and "Changed in Productive" in body, (action, body)
    assert action == "conflict" or "Added here" in body  # merged with it

    # a new file and a removed one: the doc is listed after all
    (root / "guide" / "new.md").write_text("# New\n\nNew page.\n", encoding="utf-8")
    (root / "guide" / "p0.md").unlink()
    result = push_folder(root, fast_client, list_remote=False)
    actions = {o.key: o.action for o in result.outcomes}
    assert actions["guide/new.md"] == "created" and actions["guide/p0.md"] == "orphan", actions
