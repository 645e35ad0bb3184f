"""Shared helpers of the HTML tests: corpus paths, the converter-wide document strategies, text extraction."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from productive_docs.converter.model import Node
from shared_corpora import CORPORA

ROOT = Path(__file__).resolve().parents[2]
CONFLUENCE = CORPORA / "confluence-varlab"
XSS = CORPORA / "spec" / "markdown-it-py" / "xss.md"
FIXTURES = ROOT / "fixtures" / "html"
#: Every HTML file among the fixtures (all formats), for the tests that compare the parser with a reference.
ALL_HTML = sorted(p for p in (ROOT / "fixtures").rglob("*.htm*") if p.is_file())


def converter_strategies() -> ModuleType:
    """``tests/converter/strategies.py`` (the document strategies of the converter tests), loaded by path."""
    name = "converter_test_strategies"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "converter" / "strategies.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def tree_text(node: Node) -> str:
    """All text of a tree (text nodes, mention labels), blocks separated by spaces; iterative."""
    parts: list[str] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if current.type == "text":
            parts.append(current.text or "")
        elif current.type in ("image", "br", "divider", "var", "file"):
            parts.append(" ")
        else:
            if current.type != "mention":
                parts.append(" ")
            pending.extend(reversed(current.content))
    return "".join(parts)
