"""Pull records the state from the files it has just written without reading and parsing them again (issue 11,
"work once"): the files, the state and the merge bases are the same as when every file is scanned and parsed
after writing (``scan_everything``, the earlier way, kept here to compare against)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine import folder as folder_module
from productive_docs.sync.engine import pull as pull_module
from productive_docs.sync.engine.folder import LocalTree, scan
from productive_docs.sync.engine.pull import Pull, pull_doc
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import STATE_DIR

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")


def scan_everything(self: Pull, written: object) -> LocalTree:
    return scan(self.folder)


def _source(root: Path) -> Path:
    """The fixture docs, every golden Markdown case as a page, and a page with an image and a link."""
    shutil.copytree(FIXTURES / "docs", root)
    golden = root / "golden"
    golden.mkdir()
    for path in sorted((FIXTURES / "golden").glob("*.md")):
        if not path.name.endswith(".productive.md"):
            shutil.copy(path, golden / path.name)
    (root / "golden" / "img").mkdir()
    (root / "golden" / "img" / "dot.png").write_bytes(PNG)
    page = "# With image\n\n![dot](img/dot.png) see [FAQ](../faq.md)\n"
    (root / "golden" / "with-image.md").write_text(page, encoding="utf-8")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and "journal" not in path.name}


def _pull_both(client: Client, doc_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               ) -> tuple[Path, Path]:
    new, old = tmp_path / "new", tmp_path / "old"
    assert pull_doc(client, doc_id, new).exit_code == 0
    with monkeypatch.context() as patch:
        patch.setattr(Pull, "_scan", scan_everything)
        assert pull_doc(client, doc_id, old).exit_code == 0
    return new, old


def test_pull_writes_and_records_what_the_earlier_way_did(make_tree, fast_client, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    source = _source(tmp_path / "source")
    pushed = push_folder(source, fast_client, project_id="1")
    assert pushed.exit_code == 0, [o for o in pushed.outcomes if o.action == "failed"]
    new, old = _pull_both(fast_client, pushed.doc_id, tmp_path, monkeypatch)
    files = _files(new)
    assert files == _files(old)
    assert sum(name.endswith(".md") for name in files) > 60 and f"{STATE_DIR}/state.json" in files
    assert any(name.startswith(f"{STATE_DIR}/") and "base" in name for name in files), "merge bases kept"

    # a second pull after remote edits: files written again, files already as written, files edited on
    # one side (kept) and on both sides (merged)
    ids = {o.display: o.page_id for o in pushed.outcomes}
    fast_client.replace_body_with_markdown(ids["faq.md"], "Answers, edited in Productive.")
    fast_client.append_markdown(ids["changelog.md"], "A remote line.")
    for folder in (new, old):
        for name, line in (("Glossary.md", "A local line."), ("Changelog.md", "Local, at the top.")):
            page = folder / name
            head, _, body = page.read_text(encoding="utf-8").partition("\n---\n")
            page.write_text(f"{head}\n---\n\n{line}\n{body}", encoding="utf-8")
    results = []
    for folder, patched in ((new, False), (old, True)):
        with monkeypatch.context() as patch:
            if patched:
                patch.setattr(Pull, "_scan", scan_everything)
            results.append([(o.key, o.action, o.notes) for o in pull_doc(fast_client, pushed.doc_id,
                                                                          folder).outcomes])
    assert results[0] == results[1]
    actions = {action for _, action, _ in results[0]}
    assert {"updated", "unchanged"} <= actions, actions
    assert any("merged" in " ".join(notes) for _, _, notes in results[0]), results[0]
    assert _files(new) == _files(old)

def test_pull_parses_none_of_the_files_it_wrote(fast_client, make_tree, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_tree({f"page-{n}.md": f"# Page {n}\n\nText *{n}* and [next](page-{n + 1}.md).\n"
                        for n in range(10)})
    pushed = push_folder(source, fast_client, project_id="1")
    parsed: list[str] = []
    original = folder_module._parse

    def counted(data: bytes, path: Path, source: str, *args: object) -> object:
        parsed.append(source)
        return original(data, path, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(folder_module, "_parse", counted)
    assert pull_module.pull_doc(fast_client, pushed.doc_id, tmp_path / "out").exit_code == 0
    assert parsed == []
    assert push_folder(tmp_path / "out", fast_client).requests["writes"] == 0
    assert len(parsed) == 11, "a push reads the files (the count sees parses)"
