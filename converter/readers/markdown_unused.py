"""The markdown-it rules that cannot fire on a given source, so that the reader's parser can leave them out.

markdown-it tries its block rules, in order, on every line until one matches (and the paragraph rule tries
the interrupting ones again on each of its lines), and its inline rules at every character that stops the
text rule. A rule whose marker does not occur in the source only costs those calls: leaving it out changes
no token. Each test in ``unused_rules`` is a necessary condition for its rule to match anywhere in a plain
document (CommonMark + GFM + the extensions of ``markdown``), checked on the normalised source. Site
dialects add rules this module does not know, so their parsers keep every rule. A hypothesis test holds
the tokens of the two rule sets equal.

The text rule stops at every character of markdown-it's default terminator set; with only known rules
enabled, ``terminators`` narrows that set to the characters some enabled rule can start at (plus ``]``,
which ends a link label: ``parseLinkLabel`` needs the text rule to stop there). The text between two stops
goes to the same pending text either way.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Three ``*``, ``-`` or ``_`` with only spaces and tabs between them (a thematic break holds them).
_BREAK = re.compile(r"[*_-][ \t]*[*_-][ \t]*[*_-]")
#: A line ending in ``=`` or ``-`` and spaces (as every setext underline does).
_UNDERLINE_END = re.compile(r"[=-][ \t]*$", re.MULTILINE)

#: The rules ``unused_rules`` decides on, in the order of its tests. The list rule is not among them: a
#: marker test costs more than it saves, and nearly every document has lists.
_DECIDED = (
    "table", "code", "fence", "blockquote", "hr", "reference", "html_block", "heading", "lheading",
    "newline", "escape", "backticks", "emphasis", "link", "image", "autolink", "html_inline", "entity",
)


#: Inline rule -> the characters it can start at (the core ones and those of ``markdown``'s extensions).
TRIGGERS: dict[str, str] = {
    "text": "",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "math_inline": "$",
    "mention": "@",
    "footnote_ref": "[",
    "gfm_autolink_www": "w",
    "gfm_autolink_protocol": ":",
    "gfm_autolink_email": "@",
}


def unused_rules(source: str) -> frozenset[str]:
    """The CommonMark block and inline rules that cannot match anywhere in ``source``. Each test is a
    substring search (``in``, the fastest) or one cheap pattern: a small document's parse is short."""
    if "\r" in source:  # markdown-it's normalize step turns every line end into "\n" before the rules run
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    has_lt = "<" in source
    return _unused((
        "|" in source,
        "    " in source or "\t" in source,
        "```" in source or "~~~" in source,
        ">" in source,
        _BREAK.search(source) is not None,
        "]:" in source,
        has_lt,
        "#" in source,
        _UNDERLINE_END.search(source) is not None,
        "\n" in source,
        "\\" in source,
        "`" in source,
        "*" in source or "_" in source,
        "[" in source,
        "![" in source,
        has_lt,
        has_lt,
        "&" in source,
    ))


@lru_cache(maxsize=1024)
def _unused(present: tuple[bool, ...]) -> frozenset[str]:
    """The rules of ``_DECIDED`` whose test (``present``, in the same order) failed."""
    return frozenset(name for name, there in zip(_DECIDED, present, strict=True) if not there)


def terminators(active_inline_rules: list[str]) -> re.Pattern[str] | None:
    """The text rule's stop characters for these inline rules (``None`` if one of them is unknown)."""
    if not all(name in TRIGGERS for name in active_inline_rules):
        return None
    stops = {"]"}.union(*(TRIGGERS[name] for name in active_inline_rules))
    return re.compile("[" + re.escape("".join(sorted(stops))) + "]")
