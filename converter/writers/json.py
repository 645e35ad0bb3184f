"""Writer for the stored body (the JSON object Productive keeps in ``pages.body``)."""

from __future__ import annotations

import json

from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, to_json
from productive_docs.converter.report import Report


def write(doc: Node, report: Report) -> str:
    """The stored JSON of ``doc``, with what Productive cannot store lowered first."""
    return json.dumps(to_json(lower_for_productive(doc, report)), ensure_ascii=False)
