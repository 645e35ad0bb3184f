"""The Markdown extensions Productive needs beyond GFM: banner names and the mention shorthand.

Banners come from three source syntaxes, all read into one ``banner`` node whose type is one of the four
Productive banner types (spec §2.3). The table below is the single place that decides the mapping; the
local Markdown writer inverts it (``ALERT_FOR_BANNER``) so every banner type round-trips through a GitHub
alert.

| source names (alert / admonition / container)               | banner type |
| ----------------------------------------------------------- | ----------- |
| note, info, important, abstract, summary, tldr, todo, seealso, example, quote, cite | info |
| tip, hint, success, check, done                              | success     |
| warning, attention, question, help, faq                     | warning     |
| caution, danger, error, bug, failure, fail, missing, critical | critical  |

GitHub's five alerts map as NOTE/IMPORTANT -> info, TIP -> success, WARNING -> warning, CAUTION ->
critical; the writer emits NOTE, TIP, WARNING and CAUTION. Unknown admonition names become ``info`` with
a report entry.

The mention shorthand ``@[type:id:label]`` (spec §2.4, accepted by Productive's HTML path) becomes a
``mention`` token; ``user`` is stored as ``person`` (``inferred.mention_type_to_json``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

BANNER_FOR_NAME: dict[str, str] = {
    **dict.fromkeys(
        (
            "note",
            "info",
            "important",
            "abstract",
            "summary",
            "tldr",
            "todo",
            "seealso",
            "example",
            "quote",
            "cite",
        ),
        "info",
    ),
    **dict.fromkeys(("tip", "hint", "success", "check", "done"), "success"),
    **dict.fromkeys(("warning", "attention", "question", "help", "faq"), "warning"),
    **dict.fromkeys(
        ("caution", "danger", "error", "bug", "failure", "fail", "missing", "critical"), "critical"
    ),
}

#: banner type -> the GitHub alert the local writer emits (reads back to the same type).
ALERT_FOR_BANNER = {"info": "NOTE", "success": "TIP", "warning": "WARNING", "critical": "CAUTION"}

MENTION_RE = re.compile(r"@\[([A-Za-z_][\w-]*):([^:\]\s]+):([^\]\n]+)\]")


def banner_type(name: str) -> str | None:
    """The banner type for an alert, admonition or container name (``None`` when unknown)."""
    return BANNER_FOR_NAME.get(name.strip().lower())


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@" or not state.src.startswith("@[", state.pos):
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "span", 0)
        token.meta = {"type": match[1], "id": match[2], "label": match[3]}
        token.content = match[0]
    state.pos = match.end()
    return True


def mention_plugin(md: MarkdownIt) -> None:
    """Read ``@[type:id:label]`` as a ``mention`` token (before links, which would claim the ``[``)."""
    md.inline.ruler.before("link", "mention", _mention_rule)


def is_banner_container(params: str, _markup: str) -> bool:
    """``:::note`` opens a banner container when its first word is a known banner name."""
    words = params.split()
    return bool(words) and banner_type(words[0]) is not None


def is_titled_container(params: str, _markup: str) -> bool:
    """Docusaurus and GitBook banners may carry a title: ``:::tip Title`` or ``:::tip[Title]``."""
    words = params.split()
    return bool(words) and banner_type(words[0].partition("[")[0]) is not None
