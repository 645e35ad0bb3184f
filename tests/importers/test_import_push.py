"""``import --push`` of the new kinds to the local server over HTTP: every imported page becomes a page of
one doc, links between them stay links, and a second run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from productive_docs.sync.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(("source", "pages"), [
    (FIXTURES / "notion" / "html-export-testspace.zip", 4),
    (FIXTURES / "confluence-xml" / "confluence-8.5.6", 3),
])
def test_import_and_push_then_a_second_run_writes_nothing(env, tmp_path: Path, source: Path, pages: int,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out), "--push", "--project", "1"]) == 0
    first = capsys.readouterr()
    assert f"imported {pages} pages" in first.err and first.out.count("created") >= 1
    assert main(["import", str(source), "-o", str(out), "--push"]) == 0
    assert "0 writes)" in capsys.readouterr().out
    assert env.token not in first.out + first.err
