"""File names from remote titles: capped in UTF-8 bytes with room for the conflict copy's suffix (pull
stopped with "File name too long" after ~34 files), and a title ending in ``.remote`` escaped (it was
pulled to ``Notes.remote.md``, which push ignores as the conflict copy of a page "Notes")."""

from __future__ import annotations

import json

from productive_docs.sync.assets.naming import MAX_NAME_BYTES, cap_bytes, stem_of
from productive_docs.sync.engine.folder import remote_copy_name

TITLES = ["😀" * 100, "漢字" * 80, "Notes.remote", "Notes", ("Ünïcödé " * 40).strip(), "x" * 300]


def _body(text: str) -> str:
    return json.dumps({"type": "doc", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": text}]}]})


def test_names_are_capped_in_bytes_never_inside_a_character():
    assert cap_bytes("😀" * 100, 10) == "😀😀"
    for title in TITLES:
        stem = stem_of(title, "page")
        assert len(remote_copy_name(f"{stem} 99.md").encode("utf-8")) <= MAX_NAME_BYTES
    assert stem_of("Notes.remote", "page") == "Notes.remote-page"
    assert stem_of("Notes.REMOTE", "page") == "Notes.REMOTE-page"


def test_pull_writes_every_long_multibyte_title_and_push_then_sees_them_all(hostile):
    store = hostile.server.store
    doc = store.create("Doc", _body("root"), project_id=1)
    for number, title in enumerate(TITLES):
        store.create(title, _body(f"page {number}"), parent_page_id=doc["id"], root_page_id=doc["id"])
    target = hostile.root / "pulled"
    result = hostile.run("pull", str(target), "--doc", str(doc["id"]))
    assert result.code == 0, result.err
    files = sorted(p.name for p in target.glob("*.md"))
    assert len(files) == len(TITLES) + 1 and "Notes.remote-page.md" in files and "Notes.md" in files
    assert all(len(name.encode("utf-8")) <= MAX_NAME_BYTES - len(".remote") for name in files)
    again = hostile.run("push", str(target))
    assert again.code == 0 and "0 writes" in again.out and "skipped" not in again.out, again.out
