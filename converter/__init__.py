"""Convert between local Markdown/HTML and the Productive Document Format.

Readers turn text into one document tree (``converter.model.Node``); writers turn the tree into text.
A new format is one reader or one writer registered below; nothing else moves.

    >>> from productive_docs.converter import read, write
    >>> result = read("# Hello", "md")
    >>> write(result.doc, "html")
    '<h1>Hello</h1>'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from productive_docs.converter.errors import InputError, ProductiveDocsError, UsageError
from productive_docs.converter.model import Mark, Node, doc_hash, normalize
from productive_docs.converter.report import Entry, Report

#: Converter version; part of every sync state hash, so a converter change re-checks documents.
VERSION = "1"

#: format -> "module:function" of its reader, imported on first use.
READERS = {
    "md": "productive_docs.converter.readers.markdown:read",
    "html": "productive_docs.converter.readers.html:read",
    "json": "productive_docs.converter.readers.json:read",
    "confluence-storage": "productive_docs.converter.readers.confluence_storage:read",
}
#: format -> "module:function" of its writer.
WRITERS = {
    "md": "productive_docs.converter.writers.markdown:write_gfm",
    "productive-md": "productive_docs.converter.writers.markdown:write_productive",
    "html": "productive_docs.converter.writers.html:write",
    "json": "productive_docs.converter.writers.json:write",
}
#: file suffix -> format, for guessing.
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


@dataclass(slots=True)
class Document:
    """What a reader returns: the tree and the metadata (front matter) that is not content."""

    doc: Node
    metadata: dict[str, Any] = field(default_factory=dict)


def _load(table: dict[str, str], fmt: str, kind: str) -> Any:
    if fmt not in table:
        raise UsageError(f"unknown {kind} format {fmt!r} (choose from {', '.join(table)})")
    return _function(table[fmt])


@cache
def _function(where: str) -> Any:
    """The function a ``module:function`` entry names (looked up once: a sync run converts every page)."""
    module, function = where.split(":")
    return getattr(import_module(module), function)


def read(
    source: str | dict[str, Any], fmt: str, *, report: Report | None = None, options: Any = None
) -> Document:
    """Read ``source`` in format ``fmt`` into a document; lowerings go to ``report``. ``options``: the
    reader's own (``readers.markdown_options.MarkdownOptions`` for Markdown of a site dialect)."""
    reader = _load(READERS, fmt, "input")
    report = report if report is not None else Report()
    return reader(source, report) if options is None else reader(source, report, options)


def write(doc: Node, fmt: str, *, report: Report | None = None) -> str:
    """Write a document tree in format ``fmt``; lowerings go to ``report``."""
    return _load(WRITERS, fmt, "output")(doc, report if report is not None else Report())


def convert(source: str, from_fmt: str, to_fmt: str, *, report: Report | None = None) -> str:
    """Read then write, sharing one report."""
    report = report if report is not None else Report()
    return write(read(source, from_fmt, report=report).doc, to_fmt, report=report)


__all__ = [
    "Document", "Entry", "InputError", "Mark", "Node", "ProductiveDocsError", "Report", "UsageError",
    "VERSION", "convert", "doc_hash", "normalize", "read", "write",
]
