"""Inline syntax of the site dialects, as markdown-it inline rules (no mdit-py-plugins plugin reads these).

- attribute list ``{ width="300" .center }``, ``{: #id }`` (attr_list): ``attr_list``
- critic markup ``{++ add ++}`` ``{-- del --}`` ``{~~ a ~> b ~~}`` ``{== hl ==}``:
  ``dialect_mark_open`` / ``dialect_mark_close``; ``{>> note <<}``: ``critic_comment``
- mark ``==text==`` (pymdownx.mark, Obsidian highlight), insert ``^^text^^`` (pymdownx.caret):
  ``dialect_mark_open`` / ``dialect_mark_close``
- sub / sup ``H~2~O``, ``x^2^`` (pymdownx.tilde, caret): ``sub``, ``sup``
- keys ``++ctrl+alt+del++`` (pymdownx.keys): ``keys``
- emoji / icon ``:smile:``, ``:material-lock:`` (pymdownx.emoji): ``emoji``, ``icon``
- Obsidian: wikilink ``[[Page]]``, ``[[Page#Heading|alias]]``: ``wikilink``; embed ``![[image.png|300]]``:
  ``wiki_embed``; tag ``#tag/sub``: ``tag``; comment ``%%hidden%%``: ``critic_comment``
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from productive_docs.converter.readers.markdown_options import enabled

InlineSyntax = Callable[[StateInline, bool], bool]

_ATTR_ITEM = r"""(?:[.#][\w-]+|[\w:-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s}"']+))"""
_ATTR_LIST = re.compile(rf"\{{:?[ \t]*({_ATTR_ITEM}(?:[ \t]+{_ATTR_ITEM})*)?[ \t]*\}}")
_ATTR_PART = re.compile(r"""([.#])([\w-]+)|([\w:-]+)=(?:"([^"\n]*)"|'([^'\n]*)'|([^\s}"']+))""")


def parse_attr_list(source: str) -> dict[str, str]:
    """``{ .a #b width="3" }`` -> ``{"class": "a", "id": "b", "width": "3"}``."""
    out: dict[str, str] = {}
    for m in _ATTR_PART.finditer(source):
        if m[1] == ".":
            out["class"] = f"{out['class']} {m[2]}" if "class" in out else m[2]
        elif m[1] == "#":
            out["id"] = m[2]
        else:
            out[m[3]] = next(g for g in (m[4], m[5], m[6]) if g is not None)
    return out


def attr_list(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = _ATTR_LIST.match(state.src, state.pos)
    if match is None or (match[1] is None and not match[0].startswith("{:")):
        return False
    if not silent:
        token = state.push("attr_list", "", 0)
        token.content, token.meta = match[0], {"attrs": parse_attr_list(match[0])}
    state.pos = match.end()
    return True


def _wrap(state: StateInline, start: int, end: int, after: int, mark: str, silent: bool) -> bool:
    """Push a mark around ``src[start:end]`` parsed as inline Markdown; continue at ``after``."""
    if not silent:
        token = state.push("dialect_mark_open", "", 1)
        token.meta, token.markup = {"mark": mark}, mark
        old_max = state.posMax
        state.pos, state.posMax = start, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("dialect_mark_close", "", -1).meta = {"mark": mark}
    state.pos = after
    return True


def _delimited(opener: str, closer: str, mark: str) -> InlineSyntax:
    """``opener`` text ``closer``, the text not starting or ending with a space (pymdownx's rule)."""

    def rule(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if not src.startswith(opener, pos) or src.startswith(opener + opener[0], pos):
            return False
        start = pos + len(opener)
        end = src.find(closer, start, state.posMax)
        if end <= start or src[start].isspace() or src[end - 1].isspace() or "\n\n" in src[start:end]:
            return False
        return _wrap(state, start, end, end + len(closer), mark, silent)

    return rule


_CRITIC = re.compile(r"\{(\+\+|--|~~|==|>>)(.*?)(\+\+|--|~~|==|<<)\}", re.DOTALL)
_CRITIC_MARK = {"++": "underline", "--": "strike", "==": "highlight"}


def critic(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = _CRITIC.match(state.src, state.pos, state.posMax)
    pairs = {"++": "++", "--": "--", "~~": "~~", "==": "==", ">>": "<<"}
    if match is None or pairs[match[1]] != match[3]:
        return False
    kind, start, end = match[1], match.start(2), match.end(2)
    if kind == ">>":
        if not silent:
            state.push("critic_comment", "", 0).content = match[0]
        state.pos = match.end()
        return True
    if kind == "~~":
        old, sep, _new = match[2].partition("~>")
        if not sep:
            return False
        if not silent:
            _wrap(state, start, start + len(old), start, "strike", silent)
            _wrap(state, start + len(old) + 2, end, end, "underline", silent)
        state.pos = match.end()
        return True
    return _wrap(state, start, end, match.end(), _CRITIC_MARK[kind], silent)


def _single(char: str, token_type: str) -> InlineSyntax:
    """``~sub~`` / ``^sup^``: no spaces inside (pymdownx.tilde and caret)."""
    pattern = re.compile(rf"{re.escape(char)}((?:\\.|[^\s{re.escape(char)}\\])+){re.escape(char)}")

    def rule(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if src[pos] != char or src.startswith(char * 2, pos) or (pos and src[pos - 1] == char):
            return False
        match = pattern.match(src, pos, state.posMax)
        if match is None:
            return False
        if not silent:
            state.push(token_type, "", 0).content = match[1].replace("\\ ", " ")
        state.pos = match.end()
        return True

    return rule


_KEYS = re.compile(r"\+\+([\w-]+(?:\+[\w-]+)*)\+\+")


def _matched(prefix: str, pattern: re.Pattern[str], token_type: str, group: int) -> InlineSyntax:
    """A token holding ``group`` of ``pattern`` matched where the source starts with ``prefix``."""

    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(prefix, state.pos):
            return False
        match = pattern.match(state.src, state.pos, state.posMax)
        if match is None:
            return False
        if not silent:
            state.push(token_type, "", 0).content = match[group]
        state.pos = match.end()
        return True

    return rule


keys = _matched("++", _KEYS, "keys", 1)


_SHORTCODE = re.compile(r":([a-z0-9_+-][a-z0-9_+-]*):")
#: pymdownx.emoji with Material's index: icon sets, drawn as SVG on the site and dropped here.
ICON_PREFIXES = ("material-", "fontawesome-", "octicons-", "simple-")


@lru_cache(maxsize=1024)
def emoji_for(name: str) -> str | None:
    """The Unicode emoji of a GitHub/Gemoji shortcode name (``None`` when it is not one)."""
    import emoji  # imported on first use: its tables take a moment to load

    text = f":{name}:"
    out = emoji.emojize(text, language="alias")
    return None if out == text else out


def shortcode(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    match = _SHORTCODE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    name = match[1]
    if name.startswith(ICON_PREFIXES):
        token_type, content = "icon", match[0]
    else:
        found = emoji_for(name)
        if found is None:
            return False
        token_type, content = "emoji", found
    if not silent:
        token = state.push(token_type, "", 0)
        token.content, token.markup = content, match[0]
    state.pos = match.end()
    return True


_WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(#[^\[\]|\n]*)?(?:\|([^\[\]\n]*))?\]\]")


def wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not (src.startswith("[[", pos) or src.startswith("![[", pos)):
        return False
    match = _WIKILINK.match(src, pos, state.posMax)
    if match is None or not (match[2].strip() or match[3]):
        return False
    if not silent:
        token = state.push("wiki_embed" if match[1] else "wikilink", "", 0)
        token.content = match[0]
        token.meta = {"target": match[2].strip(), "heading": (match[3] or "")[1:].strip(),
                      "alias": (match[4] or "").strip()}
    state.pos = match.end()
    return True


_TAG = re.compile(r"#([A-Za-z_][\w/-]*)")


def tag(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#" or (pos and not src[pos - 1].isspace()):
        return False
    match = _TAG.match(src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("tag", "", 0).content = match[0]
    state.pos = match.end()
    return True


_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)


obsidian_comment = _matched("%%", _COMMENT, "critic_comment", 0)


_MARK = _delimited("==", "==", "highlight")
#: The inline rules of each dialect, tried before markdown-it's own (name, rule).
DIALECT_INLINE: dict[str, list[tuple[str, InlineSyntax]]] = {
    "mkdocs": [
        ("critic", critic),
        ("attr_list", attr_list),
        ("mark", _MARK),
        ("insert", _delimited("^^", "^^", "underline")),
        ("sup", _single("^", "sup")),
        ("sub", _single("~", "sub")),
        ("keys", keys),
        ("shortcode", shortcode),
    ],
    "docusaurus": [],
    "obsidian": [
        ("wikilink", wikilink),
        ("mark", _MARK),
        ("tag", tag),
        ("obsidian_comment", obsidian_comment),
    ],
    "gitbook": [],
}


def dialect_inline(md: MarkdownIt, dialect: str, features: frozenset[str] | None) -> None:
    """Add the inline rules of ``dialect`` to a parser (before links and emphasis: they claim ``[``)."""
    for name, rule in DIALECT_INLINE[dialect]:
        if enabled(features, name):
            md.inline.ruler.before("link", name, rule)
