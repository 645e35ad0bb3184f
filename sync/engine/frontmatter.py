"""The front matter the sync engine writes into Markdown files: a pulled page's title, a page id, an imported
Confluence page's metadata.

Reading front matter is the Markdown reader's job (``Document.metadata``); writing it stays here, small and
line-based, so a user's own front matter keeps its formatting and comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from productive_docs.converter.model import Node
from productive_docs.converter.report import Report
from productive_docs.sync.engine.folder import PAGE_ID_KEY

from productive_docs import converter

_BLOCK = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)(?P<close>^---[ \t]*(?:\r?\n|\Z))", re.S | re.M)


def _yaml(data: Mapping[str, Any]) -> str:
    import yaml  # here: a no-op push writes no front matter and need not load it

    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=1 << 20)


def front_matter_block(data: Mapping[str, Any]) -> str:
    """``data`` as a front matter block between ``---`` lines: keys in order, Unicode kept, one line each."""
    return f"---\n{_yaml(data)}---\n"


def markdown_file(title: str, doc: Node, report: Report) -> str:
    """A page as a local Markdown file: front matter with the title, then the lossless local Markdown."""
    body = converter.write(doc, "md", report=report).strip("\n")
    front = front_matter_block({"title": title})
    return f"{front}\n{body}\n" if body else front


def set_page_id(text: str, page_id: str) -> str:
    """``text`` with ``productive_page_id: "<id>"`` in its front matter (added, or replaced)."""
    return set_front_matter_key(text, PAGE_ID_KEY, str(page_id))


def set_front_matter_key(text: str, key: str, value: str) -> str:
    """``text`` with ``key: value`` in its front matter (the key's line replaced, or a line added; the other
    lines, comments included, kept as written)."""
    line = _yaml({key: value}).strip("\n")
    match = _BLOCK.match(text)
    if match is None:
        return f"---\n{line}\n---\n\n{text}"
    body = match.group("body")
    newline = "\r\n" if body.endswith("\r\n") else "\n"
    existing = re.compile(rf"^{re.escape(key)}[ \t]*:.*?(?=\r?$)", re.M)
    body = existing.sub(lambda _: line, body, count=1) if existing.search(body) else body + line + newline
    return text[: match.start("body")] + body + text[match.start("close"):]
