"""A no-op push does no avoidable work: unchanged files are not parsed, and a folder without an index
file does not have its generated list of children resolved and hashed again."""

from __future__ import annotations

from productive_docs.sync.engine.push import planning
from productive_docs.sync.engine.push.run import push_folder

TREE = {"guide/a.md": "# A\n\nText.\n", "guide/b.md": "# B\n\nMore.\n", "index.md": "# Docs\n\nHi.\n"}


def test_a_no_op_push_prepares_no_page_and_a_new_child_updates_its_folder(make_tree, fast_client,
                                                                           monkeypatch):
    root = make_tree(TREE)
    push_folder(root, fast_client, project_id="1")
    push_folder(root, fast_client)
    prepared: list[str] = []
    real = planning.prepare

    def counting(page, *args, **kwargs):
        prepared.append(page.key)
        return real(page, *args, **kwargs)

    monkeypatch.setattr(planning, "prepare", counting)
    result = push_folder(root, fast_client)
    assert result.requests["writes"] == 0 and prepared == []
    (root / "guide" / "c.md").write_text("# C\n\nNew.\n", encoding="utf-8")
    result = push_folder(root, fast_client)
    actions = {outcome.key: outcome.action for outcome in result.outcomes}
    assert actions["guide/c.md"] == "created" and actions["guide/"] == "updated", actions
    guide = next(o.page_id for o in result.outcomes if o.key == "guide/")
    body = str(fast_client.get_page(guide).body)
    assert "A" in body and "C" in body
    prepared.clear()
    assert push_folder(root, fast_client).requests["writes"] == 0 and prepared == []
