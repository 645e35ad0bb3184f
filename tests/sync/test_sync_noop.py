"""A no-op push does no avoidable work: unchanged files are not parsed, and a folder without an index
file does not have its generated list of children resolved and hashed again."""

from __future__ import annotations

import os
import time

from productive_docs.sync.engine import folder
from productive_docs.sync.engine.push import planning
from productive_docs.sync.engine.push.run import push_folder

TREE = {"guide/a.md": "# A\n\nText.\n", "guide/b.md": "# B\n\nMore.\n", "index.md": "# Docs\n\nHi.\n"}


def _counting_prepared(monkeypatch) -> list[str]:
    """The keys of the pages a push prepares (parses and plans) from now on, in order."""
    prepared: list[str] = []
    real = planning.prepare

    def counting(page, *args, **kwargs):
        prepared.append(page.key)
        return real(page, *args, **kwargs)

    monkeypatch.setattr(planning, "prepare", counting)
    return prepared


def test_a_no_op_push_prepares_no_page_and_a_new_child_updates_its_folder(make_tree, fast_client,
                                                                           monkeypatch):
    root = make_tree(TREE)
    push_folder(root, fast_client, project_id="1")
    push_folder(root, fast_client)
    prepared = _counting_prepared(monkeypatch)
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


def test_a_no_op_push_reads_no_settled_file_and_a_same_size_rewrite_is_still_seen(make_tree, fast_client,
                                                                                 monkeypatch):
    """Stamps (``sync.engine.stamps``) spare a no-op push reading files; a file rewritten with the same
    size and its old modification time put back still differs by its change time, and is pushed."""
    root = make_tree(TREE)
    for path in root.rglob("*.md"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    push_folder(root, fast_client, project_id="1")
    hashed: list[bytes] = []
    real = folder.fingerprint

    def counting(salt: bytes, data: bytes) -> str:
        hashed.append(data)
        return real(salt, data)

    monkeypatch.setattr(folder, "fingerprint", counting)
    assert push_folder(root, fast_client).requests["writes"] == 0
    assert push_folder(root, fast_client, dry_run=True).requests["writes"] == 0  # status
    assert [data for data in hashed if not data.startswith(b"generated")] == []
    page = root / "guide" / "a.md"
    before = page.stat()
    page.write_text("# A\n\nTexT.\n", encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = push_folder(root, fast_client)
    assert {o.key: o.action for o in result.outcomes}["guide/a.md"] == "updated"
    assert (root / ".productive-docs" / "stamps.json").exists()


def test_a_no_op_push_builds_no_generated_list_and_a_renamed_child_still_updates_it(make_tree, fast_client,
                                                                                    monkeypatch):
    """A folder without an index file whose children did not change keeps its list unbuilt (built only if
    the page is loaded); a child retitled changes the list's fingerprint, and the list is sent again."""
    root = make_tree(TREE)
    push_folder(root, fast_client, project_id="1")
    built: list[str] = []
    real = folder.children_list

    def counting(children, parent_key):
        built.append(parent_key)
        return real(children, parent_key)

    monkeypatch.setattr(folder, "children_list", counting)
    assert push_folder(root, fast_client).requests["writes"] == 0 and built == []
    (root / "guide" / "b.md").write_text("# B renamed\n\nMore.\n", encoding="utf-8")
    result = push_folder(root, fast_client)
    actions = {outcome.key: outcome.action for outcome in result.outcomes}
    assert actions["guide/"] == "updated" and built == ["guide/"], (actions, built)
    guide = next(o.page_id for o in result.outcomes if o.key == "guide/")
    assert "B renamed" in str(fast_client.get_page(guide).body)


def test_a_no_op_push_prepares_no_page_with_an_image_and_a_changed_image_is_still_seen(make_tree, fast_client,
                                                                                      monkeypatch):
    """A page with a local image was parsed on every push, to look for a changed image: the imported
    Confluence space (216 of its 405 pages with attachments) took 4.8 s a no-op. The image's stamp
    (``sync.engine.stamps``) now stands for it; an image rewritten in place is still uploaded again."""
    root = make_tree({**TREE, "guide/a.md": "# A\n\n![logo](logo.png)\n", "guide/logo.png": b"\x89PNG one"})
    for path in root.rglob("*.*"):
        os.utime(path, (time.time() - 60, time.time() - 60))
    push_folder(root, fast_client, project_id="1")
    push_folder(root, fast_client)  # the image's stamp is noted once it has been uploaded
    prepared = _counting_prepared(monkeypatch)
    assert push_folder(root, fast_client).requests["writes"] == 0 and prepared == []
    (root / "guide" / "logo.png").write_bytes(b"\x89PNG two")
    result = push_folder(root, fast_client)
    assert {o.key: o.action for o in result.outcomes}["guide/a.md"] == "updated", result.outcomes
    assert "guide/a.md" in prepared
    page = next(o.page_id for o in result.outcomes if o.key == "guide/a.md")
    body = fast_client.get_page(page).body
    (logo,) = [node for node in body["content"][0]["content"] if node["type"] == "image"]
    assert fast_client.get_file(logo["attrs"]["src"]) == b"\x89PNG two"
