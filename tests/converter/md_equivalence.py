"""Render Markdown to comparable HTML with markdown-it-py, for the md -> doc -> md equivalence test.

Both sides are rendered by the same GFM-like parser, then two differences the tree deliberately does not
keep are normalised away: list tightness (Productive list items always hold paragraphs, so every list is
rendered loose) and whitespace between words and tags (a soft break is stored as a space, spec §2.4).
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.DOTALL)
_SPACE = re.compile(r"\s+")
_BETWEEN_TAGS = re.compile(r">\s+<|>\s+|\s+<")


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"tasklists": True, "alerts": True}).enable(["table", "strikethrough"])
    return md.use(gfm_autolink_plugin)


def render(markdown: str) -> str:
    """markdown-it-py HTML with every list loose and insignificant whitespace collapsed."""
    md = _renderer()
    tokens = md.parse(markdown)
    for token in tokens:
        token.hidden = False
    html = md.renderer.render(tokens, md.options, {})
    parts = _PRE.split(html)
    return "".join(
        part
        if index % 2
        else _BETWEEN_TAGS.sub(
            lambda m: m.group(0).replace(" ", "").replace("\n", "").replace("\t", ""), _SPACE.sub(" ", part)
        )
        for index, part in enumerate(parts)
    ).strip()
