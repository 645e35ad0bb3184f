"""Stored JSON of the wrong shape is a ``ValueError`` from ``from_json`` (one line for the page), never a
``TypeError`` deep in a writer (the web view's property test found a mark whose type was a list)."""

from __future__ import annotations

import pytest
from productive_docs.converter.model import from_json


@pytest.mark.parametrize("marks", [[{"type": []}], [{"type": None}], [{"attrs": {}}], ["bold"],
                                   [{"type": "bold", "attrs": "x"}]])
def test_a_malformed_mark_is_a_value_error(marks: list[object]) -> None:
    body = {"type": "doc", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "x", "marks": marks}]}]}
    with pytest.raises(ValueError, match="malformed mark in a 'text' node"):
        from_json(body)


def test_well_formed_marks_are_kept() -> None:
    node = from_json({"type": "text", "text": "x", "marks": [{"type": "bold"}, {"type": "link",
                                                                                "attrs": {"href": "/a"}}]})
    assert [(mark.type, mark.attrs) for mark in node.marks] == [("bold", {}), ("link", {"href": "/a"})]
