"""Nothing silent: after a file is read with a site dialect, any of that dialect's markers still standing in
the text (a construct the reader did not understand: malformed, or nested where its rule does not look)
is reported with its line, so "unchanged literal text" never happens without an entry."""

from __future__ import annotations

import re

from productive_docs.converter.model import Node
from productive_docs.converter.report import Report

_MKDOCS = (r'===[!+]?\s+"', r"(?<!/)///(?!/)", r"-{1,}8<-{1,}", r"\{:", r"\{ \.",
           r":(?:material|fontawesome|octicons|simple)-[\w-]+:", r"\[\[toc\]\]", r"\[TOC\]",
           r"^[!?]{3}\+?\s+\w", r"\{(?:\+\+|--|~~|==|>>)", r"^\*\[[^\]]+\]:")
#: dialect -> markers of its constructs, as they would appear in text that was not read as them.
MARKERS: dict[str, re.Pattern[str]] = {
    "mkdocs": re.compile("|".join(_MKDOCS), re.MULTILINE),
    "docusaurus": re.compile(r"^:::|<(?:Tabs|TabItem)\b|^(?:import|export) |\{/\*", re.MULTILINE),
    "obsidian": re.compile(r"!?\[\[|%%"),
    "gitbook": re.compile(r"\{%.*?%\}"),
}


#: A reference link whose definition is missing (``[PEP 508][]``, ``[text][ref]``), in every dialect.
UNDEFINED_REFERENCE = re.compile(r"\[[^\[\]\n]+\]\[[^\[\]\n]*\]")


def lint(doc: Node, dialect: str, report: Report) -> None:
    """Report every marker of ``dialect`` left in the visible text of ``doc`` (code is left alone)."""
    pattern = MARKERS.get(dialect)
    if pattern is None:
        return
    stack = [doc]
    while stack:
        node = stack.pop()
        if node.type == "codeblock":
            continue
        if node.type == "text" and node.text and not any(mark.type == "code" for mark in node.marks):
            for match in pattern.finditer(node.text):
                what = f"{dialect} construct {match[0]!r} not understood"
                report.add(what, "kept as literal text", node.line)
            for match in UNDEFINED_REFERENCE.finditer(node.text):
                report.add(f"undefined reference link {match[0]}", "kept as literal text", node.line)
        stack.extend(reversed(node.content))
