"""``import-confluence --push`` pushes the trees the import holds (issue 11, "work once"): the files it has
just written are not parsed again, and the push sees exactly the pages a scan of those files gives."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from productive_docs.converter.model import doc_hash
from productive_docs.sync.api.client import Client
from productive_docs.sync.confluence.importer import ImportResult, import_and_push, import_export
from productive_docs.sync.confluence.report import REPORT_NAME
from productive_docs.sync.engine import folder
from productive_docs.sync.engine.folder import LocalTree, scan
from shared_corpora import CORPORA

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"
_HOST = re.compile(r"127\.0\.0\.1:\d+")


def _pages(tree: LocalTree) -> dict[str, Any]:
    """What the push engine takes from each page of a scan."""
    return {key: (page.title, page.order, page.sort_key, page.page_id, page.error, page.source,
                  None if page.doc is None else doc_hash(page.doc)) for key, page in tree.pages.items()}


def _same_tree(export: Path, out: Path) -> int:
    imported = import_export(export, out, progress=False, hold=True)
    assert _pages(scan(out, held=imported.held)) == _pages(scan(out))
    return len(imported.held)


def test_the_held_trees_are_what_a_scan_of_the_files_gives(tmp_path: Path) -> None:
    assert _same_tree(FIXTURE, tmp_path / "docs") == 6


@pytest.mark.corpus
def test_the_held_trees_of_a_real_export_are_what_a_scan_gives(tmp_path: Path) -> None:
    assert _same_tree(CORPORA / "confluence-varlab", tmp_path / "docs") > 350


def _ids(body: str) -> str:
    return re.sub(r"files/\d{3}/\d{3}/\d{3}/", "files/N/", re.sub(r"\d{6}", "ID", body))


def _without_held(*args: Any, **kwargs: Any) -> ImportResult:
    return dataclasses.replace(import_export(*args, **kwargs), held={})


def test_push_parses_no_page_it_imported_and_sends_the_same(client: Client, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    original = folder._parse

    def counted(data: bytes, path: Path, source: str, *args: Any) -> Any:
        parsed.append(source)
        return original(data, path, source, *args)

    monkeypatch.setattr(folder, "_parse", counted)
    sent = []
    for project, importer in (("1", None), ("2", _without_held)):
        parsed.clear()
        _, pushed = import_and_push(FIXTURE, tmp_path / project, client, project_id=project, progress=False,
                                    importer=importer)
        assert pushed.exit_code == 0, [o.error for o in pushed.outcomes if o.error]
        if importer is None:
            assert parsed == [REPORT_NAME]  # not a page (``productive: false``), not held
        pages = client.list_pages(filters={"root_page_id": pushed.doc_id})
        bodies = sorted((p.title, _HOST.sub("HOST", json.dumps(p.body, sort_keys=True))) for p in pages)
        sent.append((bodies, sorted((o.key, o.action) for o in pushed.outcomes)))
    assert len(sent[1][0]) == 5 and len(parsed) > 1
    # the page and attachment ids differ between the two docs; links and images name them
    assert [(t, _ids(b)) for t, b in sent[0][0]] == [(t, _ids(b)) for t, b in sent[1][0]]
    assert sent[0][1] == sent[1][1]
