"""Confluence storage format reader: the XHTML Confluence keeps pages in (its REST API's ``storage``
representation, the bodies inside an XML space export).

Storage format is HTML plus ``ac:`` (macros, images, links, task lists, layouts) and ``ri:`` (resource
identifiers) elements; the HTML reader's tag rules already include ``html_confluence.STORAGE_RULES`` for
those, so this reader only parses the page (a bare fragment or one wrapped in a document) and reads it
with Confluence's rules on.
"""

from __future__ import annotations

from typing import Any

from productive_docs.converter import Document
from productive_docs.converter.errors import InputError
from productive_docs.converter.readers.html import gc_paused, parse, read_parsed
from productive_docs.converter.report import Report


def read(source: str | dict[str, Any], report: Report) -> Document:
    """Read one storage-format page."""
    if not isinstance(source, str):
        raise InputError("Confluence storage format input must be text", report.source)
    with gc_paused():
        return read_parsed(parse(source), report, confluence=True)
