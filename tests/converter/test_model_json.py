"""Stored JSON of the wrong shape is a ``ValueError`` from ``from_json`` (one line for the page), never a
``TypeError`` deep in a writer (the web view's property test found a mark whose type was a list)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from productive_docs.converter import Report, write
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Mark, Node, check, from_json, to_json
from strategies import documents


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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_the_json_writer_writes_what_json_dumps_writes(doc: Node) -> None:
    """The writer writes the text straight from the tree; it must be ``json.dumps`` of ``to_json``, byte
    for byte (stored bodies are compared as text)."""
    lowered = lower_for_productive(doc, Report())
    assert write(doc, "json") == json.dumps(to_json(lowered), ensure_ascii=False)


def test_the_json_writer_escapes_like_json_dumps() -> None:
    doc = Node("doc", {"odd": [1.5, None, True, {"k": "é\u2028"}]}, [
        Node("paragraph", content=[Node("text", text='"q" \\ é \x00 \ud83d\ude00 \u2028',
                                        marks=[Mark("link", {"href": "/a?b=\"c\""}), Mark("em")])])])
    assert write(doc, "json") == json.dumps(to_json(doc), ensure_ascii=False)


def test_check_names_each_problem_with_its_path() -> None:
    doc = from_json({"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "ok"}, {"type": "text", "text": ""},
                                          {"type": "text", "text": "x", "marks": [{"type": "blink"}]}]},
        {"type": "text", "text": "loose"},
        {"type": "gadget"},
    ]})
    assert check(doc) == [
        "doc/0:paragraph/1:text: empty text node",
        "doc/0:paragraph/2:text: unknown mark 'blink'",
        "doc/1:text: 'text' may not stand in 'doc'",
        "doc/2:gadget: 'gadget' may not stand in 'doc'",
        "doc/2:gadget: unknown node type 'gadget'",
    ]
    assert check(from_json({"type": "doc", "content": [{"type": "paragraph"}]})) == []
