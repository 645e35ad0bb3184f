"""Line wrapping for the ``md`` writer (``write_gfm(..., wrap=N)``, ``convert --wrap N``).

A paragraph's Markdown is broken at single spaces into lines of at most ``width`` characters where it
can be: a line break inside a paragraph is a soft break, which the reader reads as the space it replaced,
so the tree does not change. A space is never replaced inside a code span, an HTML tag or autolink, or a
link's destination and title, nor next to another space or after a backslash (which would make a hard
break), nor before a word that could start a block at the start of a line (``-``, ``1.``, ``#``, ``>``,
``|``, ``:``, ``* ``, a fence ...: a letter, a digit but a list number, a quote, a bracket, emphasis or a
code span may follow a break). Headings and tables are not wrapped; hard breaks stay where they are.
``wrap`` checks its result by reading both forms back and keeps the paragraph as it was when they
differ, so wrapping never changes meaning.
"""

from __future__ import annotations

import re

from productive_docs.converter.model import normalize
from productive_docs.converter.report import Report

#: Regions of a paragraph's Markdown no break may fall in: code spans, HTML tags and autolinks, a link's
#: ``(destination "title")``.
_PROTECTED = re.compile(r"(`+)[\s\S]*?\1|<[^<>\n]*>|\]\((?:[^()\\]|\\.|\([^()]*\))*\)")
#: The narrowest text a nested paragraph is wrapped to (deep nesting would leave no room otherwise).
MIN_WIDTH = 20


def _breakable(text: str) -> list[int]:
    """Positions of the spaces that may become line breaks."""
    protected = bytearray(len(text))
    for match in _PROTECTED.finditer(text):
        protected[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    out = []
    for index, char in enumerate(text):
        if char != " " or protected[index] or index == 0 or index + 1 == len(text):
            continue
        if text[index - 1] in " \n\\" or not _may_start_line(text, index + 1):
            continue
        out.append(index)
    return out


def _may_start_line(text: str, start: int) -> bool:
    """Whether a line may start at ``start`` without the text there reading as the start of a block."""
    char = text[start]
    if char.isalpha() or char in "(\"'[!@&\\":
        return True
    if char.isdigit():  # "1." or "1)" would open a list
        return not re.match(r"\d{1,9}[.)](?:\s|$)", text[start:start + 11])
    if char in "*_~`":  # emphasis, strike, code span; not a list marker, rule or fence
        run = len(text[start:]) - len(text[start:].lstrip(char))
        return run < 3 and text[start + run : start + run + 1] not in (" ", "")
    return False


def _wrapped(text: str, width: int) -> str:
    """Greedy: each line takes as many words as fit in ``width`` (a longer word gets a line of its own)."""
    chars = list(text)
    line_start = 0
    last: int | None = None
    newlines = [match.start() for match in re.finditer("\n", text)]
    for index in sorted([*_breakable(text), *newlines]):
        if text[index] == "\n":
            if index - line_start > width and last is not None:
                chars[last] = "\n"
            line_start, last = index + 1, None
            continue
        if index - line_start > width and last is not None:
            chars[last] = "\n"
            line_start = last + 1
        if index - line_start > width:
            chars[index] = "\n"
            line_start, last = index + 1, None
            continue
        last = index
    if len(text) - line_start > width and last is not None:
        chars[last] = "\n"
    return "".join(chars)


def wrap(text: str, width: int) -> str:
    """``text`` (one paragraph's Markdown) wrapped at ``width``; as it is when wrapping would change it."""
    if len(text) <= width and "\n" not in text:
        return text
    wrapped = _wrapped(text, max(width, MIN_WIDTH))
    if wrapped == text:
        return text
    from productive_docs.converter.readers import markdown as markdown_reader

    def tree(source: str) -> dict:
        return normalize(markdown_reader.read(source, Report()).doc)

    return wrapped if tree(wrapped) == tree(text) else text
