"""The markdown-it rules that cannot fire on a given source, so that the reader's parser can leave them out.

markdown-it tries its block rules, in order, on every line until one matches (and the paragraph rule tries
the interrupting ones again on each of its lines), and its inline rules at every character that stops the
text rule. A rule whose marker does not occur in the source only costs those calls: leaving it out changes
no token. Each test below is a necessary condition for its rule to match anywhere in a plain document
(CommonMark + GFM + the extensions of ``markdown``: their containers open after line starts, spaces, ``>``
or ``:``), checked on the normalised source. Site dialects add rules this module does not know, so their
parsers keep every rule. A hypothesis test holds the tokens of the two rule sets equal.

The text rule stops at every character of markdown-it's default terminator set; with only known rules
enabled, ``terminators`` narrows that set to the characters some enabled rule can start at (plus ``]``,
which ends a link label: ``parseLinkLabel`` needs the text rule to stop there). The text between two stops
goes to the same pending text either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: A list marker (``-``, ``*``, ``+``, ``1.``, ``1)``) where one can open: after a line start, a space,
#: a blockquote ``>`` or a definition / footnote ``:``, followed by a space, a tab or the line's end.
_LIST_MARKER = re.compile(r"(?:^|(?<=[ \t>:]))(?:[*+-]|[0-9]{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
#: Three ``*``, ``-`` or ``_`` in a row, spaces and tabs allowed between them (a thematic break's core).
_BREAK = re.compile(r"([*_-])[ \t]*\1[ \t]*\1")
#: A setext underline: a line of ``=`` or ``-`` only, after blockquote markers and indentation.
_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)

#: Block rule -> whether the source can hold what it matches.
_BLOCK: dict[str, Callable[[str], bool]] = {
    "table": lambda src: "|" in src,
    "code": lambda src: "    " in src or "\t" in src,
    "fence": lambda src: "```" in src or "~~~" in src,
    "blockquote": lambda src: ">" in src,
    "hr": lambda src: _BREAK.search(src) is not None,
    "list": lambda src: _LIST_MARKER.search(src) is not None,
    "reference": lambda src: "]:" in src,
    "html_block": lambda src: "<" in src,
    "heading": lambda src: "#" in src,
    "lheading": lambda src: _UNDERLINE.search(src) is not None,
}

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

#: Inline rule -> whether the source can hold what it matches (only rules always enabled; the
#: extensions' rules are enabled per source by ``markdown``).
_INLINE: dict[str, Callable[[str], bool]] = {
    "newline": lambda src: "\n" in src,
    "escape": lambda src: "\\" in src,
    "backticks": lambda src: "`" in src,
    "emphasis": lambda src: "*" in src or "_" in src,
    "link": lambda src: "[" in src,
    "image": lambda src: "![" in src,
    "autolink": lambda src: "<" in src,
    "html_inline": lambda src: "<" in src,
    "entity": lambda src: "&" in src,
}


def unused_rules(source: str) -> frozenset[str]:
    """The CommonMark block and inline rules that cannot match anywhere in ``source``."""
    if "\r" in source:  # markdown-it's normalize step turns every line end into "\n" before the rules run
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    unused = [name for name, present in _BLOCK.items() if not present(source)]
    unused += [name for name, present in _INLINE.items() if not present(source)]
    return frozenset(unused)


def terminators(active_inline_rules: list[str]) -> re.Pattern[str] | None:
    """The text rule's stop characters for these inline rules (``None`` if one of them is unknown)."""
    if not all(name in TRIGGERS for name in active_inline_rules):
        return None
    stops = {"]"}.union(*(TRIGGERS[name] for name in active_inline_rules))
    return re.compile("[" + re.escape("".join(sorted(stops))) + "]")
