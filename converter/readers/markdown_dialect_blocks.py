"""Block syntax of the site dialects, as markdown-it block rules (no mdit-py-plugins plugin reads these).

Each rule recognises one construct and emits tokens that ``markdown_dialect_rules`` turns into nodes:

- content tab ``=== "Title"`` + indented body (pymdownx.tabbed): ``tab_open`` / ``tab_close``
- pymdownx block ``/// type | Title`` ... ``///`` (pymdownx.blocks): ``block_open`` / ``block_close``
- HTML container: ``<div markdown>`` ... ``</div>`` (md_in_html), MDX ``<Tabs>``, ``<TabItem>``,
  ``<details>``: ``html_container_open`` / ``html_container_close``
- snippet ``--8<-- "file.md"`` and the block form (pymdownx.snippets): the included file's tokens
- abbreviation ``*[HTML]: Hyper Text Markup Language``: ``abbreviation``
- table of contents marker ``[TOC]``, ``[[toc]]``: ``toc``
- MDX statement ``import X from 'y'``, ``export const ...``: ``mdx_statement``
- GitBook tag ``{% hint style="info" %}`` ... ``{% endhint %}``: ``liquid_open`` / ``liquid_close``;
  ``{% embed url="..." %}``: ``liquid``
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from productive_docs.converter.readers.markdown_options import enabled
from productive_docs.converter.readers.markdown_snippets import SnippetError, expand_name

BlockSyntax = Callable[[StateBlock, int, int, bool], bool]


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _is_code(state: StateBlock, line: int) -> bool:
    return state.sCount[line] - state.blkIndent >= 4


def _tokenize_inside(state: StateBlock, first: int, end: int, indent: int, parent: str) -> None:
    """Parse lines ``first``..``end`` as blocks, ``indent`` columns further in."""
    old = state.parentType, state.blkIndent, state.lineMax
    state.parentType, state.lineMax = parent, end
    state.blkIndent += indent
    state.md.block.tokenize(state, first, end)
    state.parentType, state.blkIndent, state.lineMax = old


def _indented_end(state: StateBlock, start: int, end: int, indent: int) -> int:
    """The line after an indented body that starts below ``start``."""
    line = start + 1
    while line < end and (state.isEmpty(line) or state.sCount[line] - state.blkIndent >= indent):
        line += 1
    while line > start + 1 and state.isEmpty(line - 1):
        line -= 1
    return line


def _push_title(state: StateBlock, title: str, line: int) -> None:
    """A title as an ``inline`` token (parsed with the rest of the inline content: it may hold Markdown)."""
    token = state.push("inline", "", 0)
    token.content, token.map, token.children = title.strip(), [line, line + 1], []


# --- content tabs ------------------------------------------------------------------------------------------

_TAB = re.compile(r'===[!+]?[ \t]+"([^"\n]*)"[ \t]*$')


def content_tab(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "=":
        return False
    match = _TAB.match(_line(state, start))
    if match is None:
        return False
    if silent:
        return True
    stop = _indented_end(state, start, end, 4)
    token = state.push("tab_open", "div", 1)
    token.meta, token.map, token.markup = {"title": match[1]}, [start, stop], "==="
    _push_title(state, match[1], start)
    _tokenize_inside(state, start + 1, stop, 4, "tab")
    state.push("tab_close", "div", -1)
    state.line = stop
    return True


# --- pymdownx blocks ---------------------------------------------------------------------------------------

_BLOCK_OPEN = re.compile(r"(/{3,})[ \t]+([\w-]+)[ \t]*(?:\|[ \t]*(.*?))?[ \t]*$")
_BLOCK_OPTION = re.compile(r"([\w-]+):[ \t]*(.*?)[ \t]*$")


def pymdownx_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "/":
        return False
    match = _BLOCK_OPEN.match(_line(state, start))
    if match is None:
        return False
    slashes, depth, close = match[1], 0, None
    for line in range(start + 1, end):
        text = _line(state, line)
        if text.rstrip() == slashes:
            if depth == 0:
                close = line
                break
            depth -= 1
        elif text.startswith(slashes + " ") and _BLOCK_OPEN.match(text):
            depth += 1
    if close is None:
        return False
    if silent:
        return True
    options, first = {}, start + 1
    while first < close and state.sCount[first] - state.blkIndent >= 4:
        option = _BLOCK_OPTION.match(_line(state, first))
        if option is None:
            break
        options[option[1]] = option[2].strip("\"'")
        first += 1
    token = state.push("block_open", "div", 1)
    token.meta = {"name": match[2].lower(), "title": match[3] or "", "options": options}
    token.map, token.markup = [start, close + 1], slashes
    _push_title(state, match[3] or "", start)
    _tokenize_inside(state, first, close, 0, "block")
    state.push("block_close", "div", -1)
    state.line = close + 1
    return True


# --- HTML containers (md_in_html, MDX components) -----------------------------------------------------------

_HTML_OPEN = re.compile(r"<([A-Za-z][\w-]*)((?:\s[^<>]*)?)>[ \t]*$")
_MARKDOWN_ATTR = re.compile(r"""(?:^|\s)markdown(?:\s*=\s*["']?(?:1|block|span|auto)["']?)?(?=\s|/?$)""")
#: MDX components whose children are Markdown (Docusaurus).
MDX_CONTAINERS = frozenset({"Tabs", "TabItem", "details", "Details"})


def _html_container(accept: Callable[[str, str], bool]) -> BlockSyntax:
    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "<":
            return False
        match = _HTML_OPEN.match(_line(state, start))
        if match is None or not accept(match[1], match[2]):
            return False
        tag, depth, close = match[1], 0, None
        opener, closer = re.compile(rf"<{tag}(?=[\s>])"), f"</{tag}>"
        for line in range(start + 1, end):
            text = _line(state, line).rstrip()
            if text == closer:
                if depth == 0:
                    close = line
                    break
                depth -= 1
            elif opener.match(text) and closer not in text:
                depth += 1
        if close is None:
            return False
        if silent:
            return True
        token = state.push("html_container_open", "div", 1)
        token.meta, token.map = {"tag": tag, "attrs": _attributes(match[2])}, [start, close + 1]
        _tokenize_inside(state, start + 1, close, 0, "html_container")
        state.push("html_container_close", "div", -1)
        state.line = close + 1
        return True

    return rule


_ATTRIBUTE = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^}]*)\}|([^\s"'>]+)))?""")


def _attributes(source: str) -> dict[str, str]:
    return {m[1]: next((g for g in m.groups()[1:] if g is not None), "") for m in _ATTRIBUTE.finditer(source)}


md_in_html = _html_container(lambda tag, attrs: _MARKDOWN_ATTR.search(attrs) is not None)
mdx_container = _html_container(lambda tag, attrs: tag in MDX_CONTAINERS)


# --- snippets ----------------------------------------------------------------------------------------------

_SNIPPET = re.compile(r"""(-{1,}8<-{1,})[ \t]+(["']?)([^"'\n]+?)\2[ \t]*$""")
_SNIPPET_FENCE = re.compile(r"-{1,}8<-{1,}[ \t]*$")


def snippet(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "-":
        return False
    text = _line(state, start)
    match = _SNIPPET.match(text)
    if match is not None and match[3].startswith("["):  # a section marker of a file that is included
        if not silent:
            token = state.push("snippet_section", "", 0)
            token.content, token.map = text, [start, start + 1]
            state.line = start + 1
        return True
    if match is not None:
        names, stop = [match[3]], start + 1
    elif _SNIPPET_FENCE.match(text):
        closing = next((n for n in range(start + 1, end) if _SNIPPET_FENCE.match(_line(state, n))), None)
        if closing is None:
            return False
        names = [_line(state, n).strip() for n in range(start + 1, closing)]
        names, stop = [n for n in names if n and not n.startswith(";")], closing + 1
    else:
        return False
    if silent:
        return True
    env = state.env
    for name in names:
        try:
            source = expand_name(name, env)
        except (SnippetError, OSError) as exc:
            token = state.push("snippet_missing", "", 0)
            token.meta, token.map = {"name": name, "why": str(exc) or type(exc).__name__}, [start, start + 1]
            continue
        first = len(state.tokens)
        env["snippet_depth"] = env.get("snippet_depth", 0) + 1
        try:
            state.md.block.parse(source, state.md, env, state.tokens)
        finally:
            env["snippet_depth"] -= 1
        for token in state.tokens[first:]:
            token.level += state.level
            if token.map is not None:
                token.map = [start, start + 1]
    state.line = stop
    return True


# --- one-line markers --------------------------------------------------------------------------------------

_ABBREVIATION = re.compile(r"\*\[([^\]\n]+)\]:[ \t]*(.*)$")
_TOC = re.compile(r"\[(?:TOC|\[toc\])\][ \t]*$", re.IGNORECASE)
_MDX = re.compile(r"(?:import|export)\s")


def abbreviation(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "*":
        return False
    match = _ABBREVIATION.match(_line(state, start))
    if match is None:
        return False
    if not silent:
        token = state.push("abbreviation", "", 0)
        token.meta, token.map = {"term": match[1], "meaning": match[2]}, [start, start + 1]
        state.line = start + 1
    return True


def toc_marker(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "[":
        return False
    if _TOC.match(_line(state, start)) is None:
        return False
    if not silent:
        token = state.push("toc", "", 0)
        token.content, token.map = _line(state, start).strip(), [start, start + 1]
        state.line = start + 1
    return True


def mdx_statement(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``import``/``export`` lines at the top level of an MDX file, up to the next blank line."""
    if state.blkIndent or state.sCount[start] or _MDX.match(_line(state, start)) is None:
        return False
    if silent:
        return True
    stop = start + 1
    while stop < end and not state.isEmpty(stop):
        stop += 1
    token = state.push("mdx_statement", "", 0)
    token.content, token.map = _line(state, start), [start, stop]
    state.line = stop
    return True


# --- GitBook ------------------------------------------------------------------------------------------------

_LIQUID = re.compile(r"\{%-?[ \t]*([\w-]+)(.*?)-?%\}[ \t]*$")
#: GitBook tags that stand alone (no ``{% endname %}``).
LIQUID_SINGLE = frozenset({"embed", "include", "file", "swagger", "openapi"})


def liquid_tag(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if _is_code(state, start) or state.src[state.bMarks[start] + state.tShift[start]] != "{":
        return False
    match = _LIQUID.match(_line(state, start))
    if match is None or match[1].startswith("end"):
        return False
    name, params = match[1], _attributes(match[2])
    close = None
    if name not in LIQUID_SINGLE:
        depth = 0
        for line in range(start + 1, end):
            inner = _LIQUID.match(_line(state, line))
            if inner is None:
                continue
            if inner[1] == name:
                depth += 1
            elif inner[1] == "end" + name:
                if depth == 0:
                    close = line
                    break
                depth -= 1
    if silent:
        return True
    meta = {"name": name, "params": params}
    if close is None:
        token = state.push("liquid", "", 0)
        token.meta, token.map = meta, [start, start + 1]
        state.line = start + 1
        return True
    token = state.push("liquid_open", "div", 1)
    token.meta, token.map = meta, [start, close + 1]
    _tokenize_inside(state, start + 1, close, 0, "liquid")
    state.push("liquid_close", "div", -1)
    state.line = close + 1
    return True


#: The block rules of each dialect: (name, rule, before which markdown-it rule, rules it may interrupt).
DIALECT_BLOCKS: dict[str, list[tuple[str, BlockSyntax, str, list[str]]]] = {
    "mkdocs": [
        ("content_tab", content_tab, "fence", ["paragraph"]),
        ("pymdownx_block", pymdownx_block, "fence", ["paragraph"]),
        ("md_in_html", md_in_html, "html_block", ["paragraph"]),
        ("snippet", snippet, "hr", ["paragraph"]),
        ("abbreviation", abbreviation, "list", ["paragraph"]),
        ("toc", toc_marker, "reference", ["paragraph"]),
    ],
    "docusaurus": [
        ("mdx_statement", mdx_statement, "paragraph", []),
        ("mdx_container", mdx_container, "html_block", ["paragraph"]),
        ("toc", toc_marker, "reference", ["paragraph"]),
    ],
    "obsidian": [],
    "gitbook": [
        ("liquid_tag", liquid_tag, "paragraph", ["paragraph"]),
        ("toc", toc_marker, "reference", ["paragraph"]),
    ],
}


def dialect_blocks(md: MarkdownIt, dialect: str, features: frozenset[str] | None) -> None:
    """Add the block rules of ``dialect`` (those ``features`` enable) to a parser."""
    for name, rule, before, alt in DIALECT_BLOCKS[dialect]:
        if enabled(features, name):
            md.block.ruler.before(before, name, rule, {"alt": alt})
