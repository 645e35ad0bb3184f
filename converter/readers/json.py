"""Reader for the stored body: the ``body`` string of a page (JSON inside JSON) or the decoded object."""

from __future__ import annotations

import json
from typing import Any

from productive_docs.converter import Document
from productive_docs.converter.errors import InputError
from productive_docs.converter.model import check, from_json
from productive_docs.converter.report import Report


def read(source: str | dict[str, Any], report: Report) -> Document:
    """Decode a stored body; unknown node types are reported (and kept, so nothing is lost)."""
    data: Any = source
    if isinstance(source, str):
        try:
            data = json.loads(source)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", report.source, exc.lineno) from None
    if isinstance(data, dict) and isinstance(data.get("body"), str | dict):
        return read(data["body"], report)
    try:
        doc = from_json(data)
    except ValueError as exc:
        raise InputError(str(exc), report.source) from None
    if doc.type != "doc":
        raise InputError(f"the top node is {doc.type!r}, not 'doc'", report.source)
    for problem in check(doc):
        report.add(problem, "kept as stored")
    return Document(doc)
