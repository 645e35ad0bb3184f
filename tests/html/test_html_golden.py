"""Golden files: each family of input HTML -> its tree (normal form) and report; each node -> its HTML.

``fixtures/html/<family>/<name>.html`` is read and compared with ``<name>.json`` (metadata, normal form,
report lines); ``fixtures/html/writer/<node>.json`` (a stored body) is written and compared with
``<node>.html``. ``UPDATE_GOLDEN=1`` rewrites the expected files instead of comparing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from html_testing import FIXTURES
from productive_docs.converter import Report
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import from_json, normalize
from productive_docs.converter.readers.html import read
from productive_docs.converter.writers.html import write

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
INPUTS = sorted(path for path in FIXTURES.glob("*/*.html") if path.parent.name != "writer")
WRITER_INPUTS = sorted((FIXTURES / "writer").glob("*.json"))
FAMILIES = {"productive", "confluence", "gdocs", "word", "generic", "malformed"}


def _compare(expected_path: Path, actual: str) -> None:
    if UPDATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"{expected_path} missing: run with UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_family_has_golden_files() -> None:
    assert {path.parent.name for path in INPUTS} == FAMILIES


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reader_golden(path: Path) -> None:
    report = Report()
    document = read(path.read_text(encoding="utf-8"), report)
    actual = {
        "metadata": document.metadata,
        "doc": normalize(document.doc),
        "report": [str(entry) for entry in report.entries],
    }
    _compare(path.with_suffix(".json"), json.dumps(actual, ensure_ascii=False, indent=1) + "\n")


@pytest.mark.parametrize("path", WRITER_INPUTS, ids=lambda p: p.stem)
def test_writer_golden(path: Path) -> None:
    doc = from_json(json.loads(path.read_text(encoding="utf-8")))
    html = write(doc, Report())
    _compare(path.with_suffix(".html"), html + "\n")
    assert normalize(read(html, Report()).doc) == normalize(lower_for_productive(doc, Report()))
