"""A first push writes each page once: pages are created after the pages they link to, and only a link cycle
(one placeholder) and a body that needs the HTML endpoints cost a second write (counted on the emulator)."""

from __future__ import annotations

from productive_docs.sync.engine.push.run import push_folder

TREE = {
    "index.md": "# Docs\n\nWelcome.\n",
    "a/index.md": "# A\n\nBack to [the start](../index.md).\n",
    "a/x.md": "# X\n\nOn to [y](../b/y.md#top).\n\n> [!NOTE]\n> A callout needs HTML.\n",
    "b/index.md": "# B\n\nBee.\n",
    "b/y.md": "# Y\n\nSee [q](../c/q.md).\n",
    "c/index.md": "# C\n\nSea.\n",
    "c/q.md": "# Q\n\nBack to [y](../b/y.md) and [x](../a/x.md).\n",
}


def test_forward_links_and_one_cycle_cost_exactly_one_extra_write(make_tree, fast_client):
    root = make_tree(TREE)
    result = push_folder(root, fast_client, project_id="1")
    assert result.exit_code == 0 and result.counts() == {"created": 7}
    # 7 creates, 1 for the cycle y <-> q, 1 for the callout sent through HTML after the create
    assert result.requests["writes"] == 9, result.requests
    assert "7 pages written, 9 writes (1 per page, 1 for HTML bodies, 1 for link cycles)" in result.notes
    ids = {outcome.key: outcome.page_id for outcome in result.outcomes}
    for key, page_id in ids.items():
        body = str(fast_client.get_page(page_id).body)
        assert ".md" not in body and "…" not in body, (key, body)
    assert f"page={ids['b/y.md']}#top" in str(fast_client.get_page(ids["a/x.md"]).body)
    pages = fast_client.list_pages(filters={"root_page_id": ids[""]})
    children = [p.title for p in sorted(pages, key=lambda p: int(p.id)) if p.parent_page_id == ids[""]]
    assert children == ["A", "B", "C"]
    again = push_folder(root, fast_client)
    assert again.requests["writes"] == 0 and set(again.counts()) == {"unchanged"}
