"""Dialect tokens -> document nodes: what each site construct becomes (every one reported).

| construct                                   | becomes                                                    |
| ------------------------------------------- | ---------------------------------------------------------- |
| content tab, ``/// tab``, ``<TabItem>``, ``{% tab %}`` | a bold label paragraph, then the tab's content   |
| pymdownx block of a banner name, ``/// admonition`` | banner (title: bold first paragraph)              |
| ``/// details``, other pymdownx blocks      | banner info / their content                                |
| ``<div markdown>``, ``<figure markdown>``, ``<Tabs>``, ``<details>`` | their content, read as Markdown   |
| snippet ``--8<--``                          | the included file's content (missing: dropped)             |
| abbreviation ``*[X]: ...``, ``[TOC]``, MDX ``import``/``export`` | removed                             |
| Docusaurus ``:::tip Title``                 | banner, title as bold first paragraph                      |
| GitBook ``{% hint %}``; ``{% embed %}``      | banner; a paragraph holding the link                       |
| fence info ``py title="x" linenums="1"``     | language = first word; ``title`` a caption paragraph above |
| attribute list ``{ .c width="300" }``       | removed (``width`` kept on the image before it)            |
| ``==mark==``, ``{== ==}``                   | highlight (``inferred.HIGHLIGHT``)                         |
| ``^^ins^^``, ``{++ ++}``; ``{-- --}``; ``{~~ a ~> b ~~}`` | underline; strike; strike a + underline b    |
| ``H~2~O``, ``x^2^``                         | Unicode sub/superscripts when all have one, else plain text |
| ``++ctrl+alt+del++``                        | code ``Ctrl+Alt+Del``                                      |
| ``:smile:``; ``:material-x:``               | the emoji; dropped                                         |
| critic comment ``{>> <<}``, Obsidian ``%% %%`` | removed                                                 |
| ``[[Page#Heading|alias]]``                  | a link to the vault's file (text: the alias, else the name) |
| ``![[image.png|300]]``; ``![[Note]]``       | an image (width 300); a link                               |
| ``#tag``                                    | its text                                                   |
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token
from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_block_rules import _banner_open, _codeblock, _inline
from productive_docs.converter.readers.markdown_dialect_inline import parse_attr_list
from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.converter.readers.markdown_plugins import banner_type
from productive_docs.converter.readers.markdown_snippets import expand_in_code

if TYPE_CHECKING:
    from productive_docs.converter.readers.markdown_rules import BlockRule, Builder, InlineRule


def _options(b: Builder) -> MarkdownOptions:
    return b.env["options"]


def _label(b: Builder, label: str, mark: str = "strong") -> None:
    """A paragraph holding ``label`` in one mark (tab labels, block titles, captions)."""
    if label:
        b.add(Node("paragraph", content=[Node("text", text=label, marks=[Mark(mark)], line=b.line)]))


def _title(b: Builder, tokens: list[Token], i: int) -> int:
    """The ``inline`` token after an opener as a bold paragraph (none when empty); the index after it."""
    if tokens[i].content:
        b.open(Node("paragraph"))
        b.marks.append(Mark("strong"))
        _inline(b, tokens, i)
        b.marks.pop()
        if not b.close().content:
            b.top.content.pop()
    return i + 1


def _transparent(b: Builder) -> None:
    b.opened.append(False)


def _banner(b: Builder, name: str, source: str, title: str) -> None:
    """A banner; a ``title`` given as text becomes its bold first paragraph."""
    _banner_open(b, name, source)
    b.opened.append(True)
    if title:
        b.lowered(f"{source} title", "bold first paragraph")
        _label(b, title)


def _close(b: Builder, tokens: list[Token], i: int) -> int:
    if b.opened.pop():
        b.close()
    return i + 1


def _tab_open(b: Builder, tokens: list[Token], i: int) -> int:
    b.lowered("content tab", "bold label paragraph and its content")
    _transparent(b)
    return _title(b, tokens, i + 1)


def _block_open(b: Builder, tokens: list[Token], i: int) -> int:
    meta = tokens[i].meta
    name, options = meta["name"], meta["options"]
    if name == "admonition" or name == "details" or banner_type(name) is not None:
        if name == "details":
            b.lowered("collapsible block /// details", "banner")
        _banner(b, options.get("type", name if banner_type(name) else "note"), "pymdownx block", "")
        if tokens[i + 1].content:
            b.lowered("pymdownx block title", "bold first paragraph")
    elif name == "tab":
        b.lowered("pymdownx tab block", "bold label paragraph and its content")
        _transparent(b)
    else:
        b.lowered(f"pymdownx block /// {name}", "its content")
        _transparent(b)
    return _title(b, tokens, i + 1)


def _html_container_open(b: Builder, tokens: list[Token], i: int) -> int:
    tag, attrs = tokens[i].meta["tag"], tokens[i].meta["attrs"]
    if tag == "TabItem":
        b.lowered("MDX <TabItem>", "bold label paragraph and its content")
        _label(b, attrs.get("label") or attrs.get("value", ""))
    else:
        b.lowered(f"HTML <{tag}> holding Markdown", "its content")
    _transparent(b)
    return i + 1


def _snippet_missing(b: Builder, tokens: list[Token], i: int) -> int:
    meta = tokens[i].meta
    b.lowered(f"snippet {meta['name']!r} ({meta['why']})", "dropped")
    return i + 1


def _removed(what: str) -> BlockRule:
    def rule(b: Builder, tokens: list[Token], i: int) -> int:
        b.lowered(what.format(tokens[i].content or ""), "removed")
        return i + 1

    return rule


def _abbreviation(b: Builder, tokens: list[Token], i: int) -> int:
    b.lowered(f"abbreviation *[{tokens[i].meta['term']}]", "removed (the term stays as text)")
    return i + 1


def _container_open(b: Builder, tokens: list[Token], i: int) -> int:
    """Docusaurus ``:::tip Title`` and ``:::tip[Title]``."""
    info = tokens[i].info.strip()
    name, _, rest = info.partition(" ")
    name, bracket, title = name.partition("[")
    title = title.rstrip("]") if bracket else rest.strip()
    _banner(b, name, "container", title)
    return i + 1


_HINT = {"info": "info", "warning": "warning", "danger": "critical", "success": "success"}


def _liquid_open(b: Builder, tokens: list[Token], i: int) -> int:
    name, params = tokens[i].meta["name"], tokens[i].meta["params"]
    if name == "hint":
        b.lowered("GitBook hint", "banner")
        style = params.get("style", "info")
        b.open(Node(inferred.BANNER, {inferred.BANNER_TYPE_ATTR: _HINT.get(style, "info")}))
        b.opened.append(True)
        return i + 1
    if name == "tab":
        b.lowered("GitBook tab", "bold label paragraph and its content")
        _label(b, params.get("title", ""))
    elif name == "code" and params.get("title"):
        b.lowered("GitBook code title", "caption paragraph")
        _label(b, params["title"], "em")
    else:
        b.lowered(f"GitBook {{% {name} %}}", "its content")
    _transparent(b)
    return i + 1


def _liquid(b: Builder, tokens: list[Token], i: int) -> int:
    name, params = tokens[i].meta["name"], tokens[i].meta["params"]
    url = params.get("url") or params.get("src")
    if url:
        b.lowered(f"GitBook {{% {name} %}}", "a paragraph holding its link")
        link = Mark("link", {"href": url, "title": None})
        b.add(Node("paragraph", content=[Node("text", text=params.get("caption") or url, marks=[link])]))
    else:
        b.lowered(f"GitBook {{% {name} %}}", "removed")
    return i + 1


def _fence(b: Builder, tokens: list[Token], i: int) -> int:
    """The language is the first word of the info string; ``title=`` becomes a caption paragraph."""
    token = tokens[i]
    info = unescapeAll(token.info).strip()
    if info.startswith("{"):
        attrs = parse_attr_list(info)
        classes = attrs.pop("class", "").split()
        language = classes[0] if classes else None
    else:
        language, _, rest = info.partition(" ")
        attrs = parse_attr_list(rest)
        language = language.lstrip(".") or None
    if attrs:
        title = attrs.pop("title", "")
        became = "language = first word" + (", title a caption" if title else "")
        b.lowered(f"fence attributes {info!r}", became)
        _label(b, title, "em")
    content = token.content
    if _options(b).dialect == "mkdocs" and "8<" in content:
        content, failed = expand_in_code(content, b.env)
        for name, why in failed:
            b.lowered(f"snippet {name!r} in code ({why})", "dropped")
    b.add(_codeblock(content, language))
    return i + 1


_CALLOUT = re.compile(r"\[!([\w-]+)\]([+-]?)[ \t]*(.*)$")


def _blockquote_open(b: Builder, tokens: list[Token], i: int) -> int:
    """Obsidian callouts ``> [!tip] Title`` (``+``/``-``: foldable) are banners; other quotes stay quotes."""
    inline = tokens[i + 2] if i + 2 < len(tokens) and tokens[i + 1].type == "paragraph_open" else None
    children = inline.children or [] if inline is not None else []
    breaks = (n for n, child in enumerate(children) if child.type in ("softbreak", "hardbreak"))
    end = next(breaks, len(children))
    first_line = "".join(child.content for child in children[:end])
    match = _CALLOUT.match(first_line) if _options(b).dialect == "obsidian" else None
    if match is None or any(child.type != "text" for child in children[:end]):
        b.open(Node("blockquote"))
        return i + 1
    if match[2]:
        b.lowered("foldable callout", "banner")
    _banner_open(b, match[1], "callout")
    b.lowered(f"callout [!{match[1]}]", "banner" + (", title as bold first paragraph" if match[3] else ""))
    _label(b, match[3].strip())
    del children[: end + 1]
    return i + 1


DIALECT_BLOCK_RULES: dict[str, BlockRule] = {
    "blockquote_open": _blockquote_open,
    "tab_open": _tab_open,
    "tab_close": _close,
    "block_open": _block_open,
    "block_close": _close,
    "html_container_open": _html_container_open,
    "html_container_close": _close,
    "liquid_open": _liquid_open,
    "liquid_close": _close,
    "liquid": _liquid,
    "snippet_missing": _snippet_missing,
    "snippet_section": _removed("snippet section marker {}"),
    "abbreviation": _abbreviation,
    "toc": _removed("table of contents marker {}"),
    "mdx_statement": _removed("MDX statement {!r}"),
    "container_banner_open": _container_open,
    "container_banner_close": _close,
    "fence": _fence,
}


# --- inline ---------------------------------------------------------------------------------------------

_SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")


def _attr_list(b: Builder, token: Token) -> None:
    attrs = token.meta["attrs"]
    content = b.top.content
    previous = content[-1] if content else None
    width = attrs.get("width", "").removesuffix("px")
    if previous is not None and previous.type == "image" and width.isdigit():
        previous.attrs["width"] = int(width)
        b.lowered(f"attribute list {token.content}", "removed (width kept on the image)")
        return
    if previous is not None and previous.type == "text" and previous.text:
        previous.text = previous.text.rstrip(" \t") or previous.text
    b.lowered(f"attribute list {token.content}", "removed")


def _mark_for(name: str) -> Mark:
    if name == "highlight":
        return Mark("styles", dict(inferred.HIGHLIGHT))
    return Mark(inferred.UNDERLINE if name == "underline" else name)


def _dialect_mark_open(b: Builder, token: Token) -> None:
    b.lowered(f"{token.meta['mark']} markup", token.meta["mark"])
    b.marks.append(_mark_for(token.meta["mark"]))


def _dialect_mark_close(b: Builder, token: Token) -> None:
    b.marks.pop()


def _script(table: dict[int, int], kind: str) -> InlineRule:
    def rule(b: Builder, token: Token) -> None:
        converted = token.content.translate(table)
        unicode = all(ord(c) > 127 for c in converted)
        b.lowered(f"{kind} {token.content!r}", "Unicode characters" if unicode else "plain text")
        b.add_text(converted if unicode else token.content, b.active())

    return rule


def _keys(b: Builder, token: Token) -> None:
    label = "+".join(key[:1].upper() + key[1:] for key in token.content.split("+"))
    b.lowered(f"keys ++{token.content}++", "code")
    b.add_text(label, [*b.active(), Mark("code")])


def _emoji(b: Builder, token: Token) -> None:
    b.lowered(f"emoji {token.markup}", "Unicode emoji")
    b.add_text(token.content, b.active())


def _dropped_inline(what: str) -> InlineRule:
    def rule(b: Builder, token: Token) -> None:
        b.lowered(f"{what} {token.content}", "removed")

    return rule


def _tag(b: Builder, token: Token) -> None:
    b.lowered(f"tag {token.content}", "text")
    b.add_text(token.content, b.active())


def _wiki_target(options: MarkdownOptions, target: str) -> str | None:
    """The vault path a wikilink target names (Obsidian: a path, or a file name anywhere in the vault)."""
    if not target:
        return options.document
    key = target.lower()
    return options.wikilinks.get(key) or options.wikilinks.get(key + ".md")


def _relative(options: MarkdownOptions, path: str) -> str:
    return quote(posixpath.relpath(path, posixpath.dirname(options.document) or "."))


def _wikilink(b: Builder, token: Token) -> None:
    meta, options = token.meta, _options(b)
    label = meta["alias"] or (f"{meta['target']} > {meta['heading']}".strip(" >") if meta["heading"]
                              else meta["target"])
    path = _wiki_target(options, meta["target"])
    if path is None:
        b.lowered(f"wikilink {token.content} (no such note in the vault)", "its text")
        b.add_text(label, b.active())
        return
    href = _relative(options, path) + (f"#{_slug(meta['heading'])}" if meta["heading"] else "")
    b.lowered(f"wikilink {token.content}", "link")
    b.add_text(label, [*b.active(), Mark("link", {"href": href, "title": None})])


def _slug(heading: str) -> str:
    return "-".join(heading.lower().split())


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif")


def _wiki_embed(b: Builder, token: Token) -> None:
    meta, options = token.meta, _options(b)
    target = meta["target"]
    path = _wiki_target(options, target)
    if target.lower().endswith(_IMAGE_SUFFIXES):
        src = _relative(options, path) if path else quote(target)
        width = meta["alias"].partition("x")[0]
        attrs = {"src": src, "alt": None if width.isdigit() else (meta["alias"] or None), "title": None}
        if width.isdigit():
            attrs["width"] = int(width)
        b.lowered(f"embed {token.content}", "image" if path else "image (file not found in the vault)")
        b.add(Node("image", attrs, marks=b.active()))
        return
    token.meta = {**meta, "alias": meta["alias"] or target}
    b.lowered(f"embedded note {token.content}", "a link to it")
    _wikilink(b, token)


DIALECT_INLINE_RULES: dict[str, InlineRule] = {
    "attr_list": _attr_list,
    "dialect_mark_open": _dialect_mark_open,
    "dialect_mark_close": _dialect_mark_close,
    "sub": _script(_SUB, "subscript"),
    "sup": _script(_SUP, "superscript"),
    "keys": _keys,
    "emoji": _emoji,
    "icon": _dropped_inline("icon"),
    "critic_comment": _dropped_inline("comment"),
    "wikilink": _wikilink,
    "wiki_embed": _wiki_embed,
    "tag": _tag,
}
