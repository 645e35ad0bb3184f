"""Symbolic links: nothing outside the synced folder is ever read as a page, and a link loop is scanned
once and reported while the rest of the folder syncs."""

from __future__ import annotations

import shutil
import time

from productive_docs.sync.engine.folder import scan

#: Every case here is a few small files, well under a second on an idle machine (the loop took over 10
#: minutes before); the bound leaves room for a machine shared with other work.
BOUND_S = 20.0


def test_a_page_symlink_to_a_secret_outside_the_folder_is_not_published(hostile):
    secret = hostile.tmp / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(f"# Env\n\nPRODUCTIVE_API_TOKEN={hostile.token}\n", encoding="utf-8")
    (hostile.root / "index.md").write_text("# Home\n", encoding="utf-8")
    (hostile.root / "env.md").symlink_to(secret)
    (hostile.root / "sub").mkdir()
    (hostile.root / "sub" / "also.md").symlink_to("../../outside/secret.md")
    (hostile.root / "etc").symlink_to(hostile.tmp / "outside")
    hostile.before = hostile.outside()
    started = time.monotonic()
    result = hostile.run("push", str(hostile.root), "--project", "1")
    assert time.monotonic() - started < BOUND_S
    assert result.code == 0
    assert result.out.count("symbolic link to outside the synced folder, not read") == 3
    assert all(f"skipped    {name}" in result.out for name in ("env.md", "sub/also.md", "etc/"))


def test_a_symlink_loop_is_scanned_once_and_reported(hostile):
    root = hostile.root
    (root / "sub").mkdir()
    (root / "sub" / "page.md").write_text("# Page\n", encoding="utf-8")
    (root / "sub" / "loop").symlink_to("..")
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "to-b").symlink_to("../b")
    (root / "b" / "to-a").symlink_to("../a")
    (root / "b" / "x.md").write_text("# X\n", encoding="utf-8")
    started = time.monotonic()
    tree = scan(root)
    assert time.monotonic() - started < BOUND_S
    assert set(tree.pages) == {"", "b/", "b/x.md", "sub/", "sub/page.md"}
    assert tree.skipped == {
        "a/to-b/": "symbolic link to a folder synced anyway (./b), not followed",
        "b/to-a/": "symbolic link to a folder synced anyway (./a), not followed",
        "sub/loop/": "symbolic link loop (./), not followed",
    }
    result = hostile.run("push", str(root), "--project", "1")
    assert result.code == 0 and "symbolic link loop" in result.out


def test_pull_writes_nothing_through_a_symbolic_link_out_of_the_folder(hostile):
    store = hostile.server.store
    doc = store.create("Doc", '{"type": "doc", "content": []}', project_id=1)
    guide = store.create("Guide", '{"type": "doc", "content": []}', parent_page_id=doc["id"],
                         root_page_id=doc["id"])
    store.create("Setup", "{\"type\": \"doc\"}", parent_page_id=guide["id"], root_page_id=doc["id"])
    outside = hostile.tmp / "outside"
    outside.mkdir()
    target = hostile.root / "pulled"
    assert hostile.run("pull", str(target), "--doc", str(doc["id"])).code == 0
    shutil.rmtree(target / "Guide")
    (target / "Guide").symlink_to(outside)
    hostile.before = hostile.outside()
    result = hostile.run("pull", str(target), "--doc", str(doc["id"]))
    assert result.code == 1 and list(outside.iterdir()) == []
    assert "Guide/Setup.md: behind a symbolic link that leads out of the folder; not written" in result.out
