"""The shared Markdown corpora (read in place, never copied): spec examples and the npm CLI docs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared_corpora import CORPORA

SPEC = CORPORA / "spec"
MARKDOWN = CORPORA / "markdown"


@dataclass(frozen=True, slots=True)
class Example:
    """One Markdown input with a name to report it by."""

    name: str
    markdown: str


def spec_examples() -> list[Example]:
    """CommonMark and GFM spec examples, then the markdown-it-py fixture cases."""
    out = [
        Example(f"commonmark-{e['example']}", e["markdown"])
        for e in json.loads((SPEC / "commonmark" / "spec.json").read_text(encoding="utf-8"))
    ]
    gfm = json.loads((SPEC / "gfm" / "gfm-0.29.json").read_text(encoding="utf-8"))["examples"]
    out += [Example(f"gfm-{e['example']}", e["markdown"]) for e in gfm]
    for path in sorted((SPEC / "markdown-it-py").glob("*.md")):
        out += [Example(f"{path.stem}-{index}", text) for index, text in enumerate(_fixture_cases(path))]
    return out


def _fixture_cases(path: Path) -> Iterator[str]:
    """Inputs of a markdown-it fixture file: blocks of ``title / . / input / . / html / .``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 1
    while i < len(lines):
        if lines[i] == "." and lines[i - 1].strip():
            try:
                end = lines.index(".", i + 1)
                after = lines.index(".", end + 1)
            except ValueError:
                return
            yield "\n".join(lines[i + 1 : end]) + "\n"
            i = after + 1
        else:
            i += 1


def markdown_files() -> list[Path]:
    """Every Markdown file of the documentation corpora."""
    return sorted(MARKDOWN.rglob("*.md"))


def available() -> bool:
    """Whether the corpora folder sits beside the project (CI clones it there)."""
    return SPEC.is_dir() and MARKDOWN.is_dir()
