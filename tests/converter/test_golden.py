"""Golden files: every node type and mark (``fixtures/golden/cases.json``) through every writer.

A mismatch fails; ``UPDATE_GOLDEN=1 python3 -m pytest tests/converter/test_golden.py`` rewrites the files
(then review the diff). A writer's report is kept at the end of its golden file as an HTML comment, so a
new or lost lowering shows up too. The json -> md -> json and json -> html -> json round trips are checked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from productive_docs.converter import Report, read, write
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import check, from_json, normalize

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden"
CASES: dict[str, dict] = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
#: writer format -> golden file suffix
SUFFIX = {"md": ".md", "productive-md": ".productive.md", "html": ".html", "json": ".json"}


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("name", list(CASES))
def test_golden(name: str, fmt: str) -> None:
    doc = from_json(CASES[name])
    assert check(doc) == []
    report = Report(name)
    output = write(doc, fmt, report=report)
    if report:
        output += "\n<!-- report:\n" + str(report) + "\n-->\n" if fmt != "json" else ""
    path = GOLDEN / f"{name}{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_cases_round_trip_through_local_markdown(name: str) -> None:
    doc = from_json(CASES[name])
    assert normalize(read(write(doc, "md"), "md").doc) == normalize(doc)


@pytest.mark.parametrize("name", list(CASES))
def test_cases_round_trip_through_html(name: str) -> None:
    doc = from_json(CASES[name])
    expected = normalize(lower_for_productive(doc, Report()))
    assert normalize(read(write(doc, "html"), "html").doc) == expected
