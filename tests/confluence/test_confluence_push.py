"""``import-confluence --push``: import, push to the local server over HTTP, and again with zero writes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from productive_docs.sync.api.client import Client
from productive_docs.sync.cli.main import main
from productive_docs.sync.confluence.importer import import_and_push, push_state_path
from productive_docs.sync.confluence.report import REPORT_NAME

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"
#: The pages below the doc (the home page is the doc itself).
TITLES = Counter({"User Guide": 1, "Setup": 1, "Orphan Notes": 1, "FAQ & Notes": 1, "Ohm's Law": 1})


def _titles(client: Client, doc_id: str) -> Counter[str]:
    return Counter(p.title for p in client.list_pages(filters={"root_page_id": doc_id}, fields=["title"]))


def test_import_push_then_again_makes_no_writes(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    imported, first = import_and_push(FIXTURE, out, client, project_id="1", progress=False)
    assert imported.exit_code == 0 and first.exit_code == 0, [o.error for o in first.outcomes if o.error]
    assert first.requests["writes"] > 0
    assert _titles(client, first.doc_id) == TITLES
    assert any(o.display == REPORT_NAME and o.action == "skipped" for o in first.outcomes)
    home = client.get_page(first.doc_id)
    assert home.title == "Tiny Space Home"

    _, second = import_and_push(FIXTURE, out, client, progress=False)
    assert second.exit_code == 0
    assert second.requests["writes"] == 0
    assert second.doc_id == first.doc_id and _titles(client, first.doc_id) == TITLES


def test_push_through_a_temporary_folder_keeps_its_state(client: Client, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _, first = import_and_push(FIXTURE, None, client, project_id="1", progress=False)
    assert first.exit_code == 0 and push_state_path(FIXTURE).is_file()
    assert push_state_path(FIXTURE).parent == tmp_path / ".productive-docs"
    _, second = import_and_push(FIXTURE, None, client, progress=False)
    assert second.requests["writes"] == 0 and second.doc_id == first.doc_id
    roots = [p for p in client.list_pages(filters={"project_id": "1"}, fields=["title", "parent_page_id"])
             if p.parent_page_id is None]
    assert len(roots) == 1


def test_cli_push_reads_settings_from_the_environment(local_server, client: Client, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", local_server.token)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(local_server.org_id))
    monkeypatch.setenv("PRODUCTIVE_API_URL", local_server.url)
    out = tmp_path / "docs"
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "--push", "--project", "1"]) == 0
    first = capsys.readouterr()
    assert "imported 6 pages" in first.err and "created" in first.out and "; doc " in first.out
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "--push"]) == 0
    second = capsys.readouterr()
    assert "0 writes)" in second.out and "created" not in second.out
    assert local_server.token not in first.out + first.err + second.out + second.err
    assert main(["import-confluence", str(FIXTURE), "--project", "1"]) == 2
