"""Side by side, block by block: the local file against Productive's version of a page (``status --web``).

Both sides are stored-form documents rendered by the same sanitising writer as the rest of the view. Top-level
blocks are aligned with ``difflib``; a pair counts as the same block when it differs only in URLs (a local
file links ``guide.md`` and embeds ``img.png`` where Productive holds page and attachment URLs), so only
real edits are marked.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from html import escape
from typing import Any

from productive_docs.converter.model import from_json
from productive_docs.converter.report import Report
from productive_docs.converter.writers.html import render_blocks
from productive_docs.sync.server.web_render import decorate, notes_html, view_file_url

#: Attributes that hold where something lives, not what the page says.
LOCATION_ATTRS = frozenset({"href", "src", "url"})
#: Pages with more top-level blocks than this are compared on the first ones only.
MAX_BLOCKS = 5000


@dataclass(frozen=True, slots=True)
class Comparison:
    """One page with pending changes: its file, what the plan says, both bodies as stored JSON."""

    title: str
    source: str
    action: str
    local: dict[str, Any]
    remote: dict[str, Any]


def _comparable(node: Any) -> Any:
    """``node`` without location attributes (at any depth), for alignment."""
    if isinstance(node, dict):
        return {key: _comparable(value) for key, value in node.items() if key not in LOCATION_ATTRS}
    if isinstance(node, list):
        return [_comparable(item) for item in node]
    return node


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    content = body.get("content") if isinstance(body, dict) else None
    return [block for block in content if isinstance(block, dict)][:MAX_BLOCKS] if isinstance(content, list) \
        else []


def _render(blocks: list[dict[str, Any]], report: Report) -> str:
    if not blocks:
        return ""
    try:
        doc = from_json({"type": "doc", "content": blocks})
        return decorate(render_blocks(doc.content, report), view_file_url)
    except (ValueError, TypeError, RecursionError):
        report.add("a block that is not a document node", "not shown")
        return ""


def rows(comparison: Comparison, report: Report) -> list[tuple[str, str, str]]:
    """(kind, local HTML, remote HTML) per aligned run of blocks: ``same``, ``changed``, ``local-only``,
    ``remote-only``."""
    local, remote = _blocks(comparison.local), _blocks(comparison.remote)
    keys = [[json.dumps(_comparable(block), sort_keys=True) for block in side] for side in (local, remote)]
    matcher = difflib.SequenceMatcher(None, keys[1], keys[0], autojunk=False)
    result = []
    for tag, r1, r2, l1, l2 in matcher.get_opcodes():
        kind = {"equal": "same", "replace": "changed", "insert": "local-only", "delete": "remote-only"}[tag]
        result.append((kind, _render(local[l1:l2], report), _render(remote[r1:r2], report)))
    return result


def comparison_html(comparison: Comparison) -> str:
    """The main part of ``/compare/<id>``: a header and a two-column table, local left, Productive right."""
    report = Report()
    body = "".join(
        f'<tr class="{kind}"><td class="local"><div class="document">{local}</div></td>'
        f'<td class="remote"><div class="document">{remote}</div></td></tr>'
        for kind, local, remote in rows(comparison, report)
    )
    notes = notes_html([f"shown here: {entry.what} -> {entry.became}" for entry in report.entries])
    return (f'<header><h1 class="page-title">{escape(comparison.title)}</h1>'
            f'<p class="meta">{escape(comparison.source)} · {escape(comparison.action)}</p>{notes}</header>'
            '<table class="compare"><colgroup><col><col></colgroup>'
            "<thead><tr><th>Local file (what a push sends)</th><th>Productive now</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def comparisons_index(comparisons: dict[int, Comparison]) -> str:
    """The main part of ``/compare/``: every page with pending changes."""
    if not comparisons:
        return '<header><h1 class="page-title">No pending changes</h1></header>'
    items = "".join(
        f'<li><a href="/compare/{page_id}">{escape(item.title)}</a> '
        f'<span class="meta">{escape(item.source)} · {escape(item.action)}</span></li>'
        for page_id, item in comparisons.items()
    )
    return f'<header><h1 class="page-title">Pending changes</h1></header><ul class="pending">{items}</ul>'
