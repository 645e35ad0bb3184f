"""Markdown reader: CommonMark + GFM + the extensions of ``markdown_plugins`` -> one document tree.

The parser is markdown-it-py (``commonmark`` preset) with GFM tables, strikethrough, task lists, alerts
and autolinks, and the mdit-py-plugins front_matter, footnote, deflist, dollarmath, admon and container
plugins. ``markdown_rules`` maps its tokens to nodes. YAML front matter becomes ``Document.metadata``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import escape
from importlib import import_module
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from productive_docs.converter import Document
from productive_docs.converter.errors import InputError
from productive_docs.converter.readers.gc_pause import gc_paused
from productive_docs.converter.readers.markdown_options import PLAIN, MarkdownOptions
from productive_docs.converter.readers.markdown_plugins import (
    is_banner_container,
    is_titled_container,
    mention_plugin,
)
from productive_docs.converter.readers.markdown_rules import build
from productive_docs.converter.readers.markdown_unused import terminators, unused_rules
from productive_docs.converter.report import Report


def _render_mention(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """The Productive HTML form of a mention, for inline runs handed to the HTML reader."""
    meta = tokens[idx].meta
    label = escape(meta["label"])
    return (
        f'<span mention-type="{escape(meta["type"])}" mention-id="{escape(meta["id"])}" '
        f'mention-label="{label}">{label}</span>'
    )


def _render_text(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Text of an inline run handed to the HTML reader: an escaped ``@\\[user:1:x\\]`` stays text."""
    from productive_docs.converter.readers.html_forms import shorthand_as_text  # runs with the HTML reader

    return shorthand_as_text(escape(tokens[idx].content, quote=False))


def _render_footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f"[{tokens[idx].meta['id'] + 1}]"


def _render_math_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f"<code>{escape(tokens[idx].content)}</code>"


#: A definition line (``: text``, also quoted or indented): at the start, or after a newline (a pattern
#: that begins with a literal is searched for much faster than one beginning with ``^`` in MULTILINE mode).
_DEFINITION = r"[ \t>]*[:~][ \t]"
_FIRST_DEFINITION = re.compile(_DEFINITION)
_LATER_DEFINITION = re.compile("\n" + _DEFINITION)


def _has_definition(source: str) -> bool:
    return _FIRST_DEFINITION.match(source) is not None or _LATER_DEFINITION.search(source) is not None


def _plugin(name: str) -> Any:
    """``mdit_py_plugins.<name>.<name>_plugin``, imported on first use: a document without the plugin's
    syntax (most of them) never loads it, which keeps a short ``convert`` short."""
    return getattr(import_module(f"mdit_py_plugins.{name}"), f"{name}_plugin")


def _use(plugin: str, **options: Any) -> Callable[[MarkdownIt], MarkdownIt]:
    """How to enable ``plugin`` (see ``_plugin``) with ``options``."""
    return lambda md: md.use(_plugin(plugin), **options)


def _autolink_without_www(md: MarkdownIt) -> None:
    """GFM autolinks for a source without ``www.``: the ``www.`` rule makes the text scanner stop at every
    ``w``, a cost worth paying only where such a link can occur."""
    terminators = md.inline.terminator_re
    _plugin("gfm_autolink")(md)
    md.inline.terminator_re = terminators
    md.inline.ruler.disable("gfm_autolink_www")


#: Extension -> how to enable it. Each is enabled only for sources that contain its marker (``_MARKERS``):
#: a rule that can never match still costs a call at every line or character it is tried on. ``autolink``
#: is GFM's autolinks but ``www.`` ones, ``autolink_www`` all of them.
_EXTENSIONS: dict[str, Callable[[MarkdownIt], MarkdownIt]] = {
    "strikethrough": lambda md: md.enable("strikethrough"),
    "front_matter": _use("front_matter"),
    "footnote": _use("footnote", inline=False),
    "deflist": _use("deflist"),
    "math": _use("dollarmath", allow_blank_lines=False, double_inline=True),
    "admonition": _use("admon"),
    "container": _use("container", name="banner", validate=is_banner_container),
    "autolink": lambda md: md.use(_autolink_without_www),
    "autolink_www": _use("gfm_autolink"),
    "mention": lambda md: md.use(mention_plugin),
}
_MARKERS: dict[str, Callable[[str], bool]] = {
    "strikethrough": lambda src: "~~" in src,
    "front_matter": lambda src: src.startswith("---"),
    "footnote": lambda src: "[^" in src,
    "deflist": _has_definition,
    "math": lambda src: "$" in src,
    "admonition": lambda src: "!!!" in src or "???" in src,
    "container": lambda src: ":::" in src,
    "autolink": lambda src: "www." not in src and ("://" in src or "@" in src),  # mailto:, xmpp: hold an @
    "autolink_www": lambda src: "www." in src,
    "mention": lambda src: "@[" in src,
}


def extensions(source: str) -> frozenset[str]:
    """The extensions whose syntax can occur in ``source``."""
    return frozenset([name for name, present in _MARKERS.items() if present(source)])


#: Every extension (``autolink_www`` includes ``autolink``).
ALL_EXTENSIONS = frozenset(_EXTENSIONS) - {"autolink"}


def _render_dialect_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A dialect's inline token inside a run handed to the HTML reader: its text (the lowering is reported
    by ``markdown_block_rules``)."""
    token = tokens[idx]
    if token.type in ("icon", "critic_comment", "attr_list"):
        return ""
    return escape(token.meta["alias"] or token.meta["target"]) if token.type.startswith("wiki") else escape(
        token.content)


#: The HTML a dialect mark is rendered as inside a run handed to the HTML reader.
_MARK_TAGS = {"highlight": "mark", "underline": "u", "strike": "s"}


def _render_dialect_mark(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    return f"<{'/' if token.nesting < 0 else ''}{_MARK_TAGS[token.meta['mark']]}>"


_DIALECT_INLINE_TOKENS = ("attr_list", "sub", "sup", "keys", "emoji", "icon", "critic_comment", "wikilink",
                          "wiki_embed", "tag")


def _dialect(md: MarkdownIt, dialect: str, features: frozenset[str] | None) -> None:
    """The constructs of a site dialect (``MarkdownOptions.dialect``): its block and inline rules (imported
    here: a plain document, the common case, does not pay for loading them)."""
    from productive_docs.converter.readers.markdown_dialect_blocks import dialect_blocks
    from productive_docs.converter.readers.markdown_dialect_inline import dialect_inline

    if dialect in ("docusaurus", "gitbook"):
        md.use(_plugin("container"), name="banner", validate=is_titled_container)
    dialect_blocks(md, dialect, features)
    dialect_inline(md, dialect, features)
    for name in _DIALECT_INLINE_TOKENS:
        md.add_render_rule(name, _render_dialect_inline)
    md.add_render_rule("dialect_mark_open", _render_dialect_mark)
    md.add_render_rule("dialect_mark_close", _render_dialect_mark)


@lru_cache(maxsize=512)
def parser(
    enabled: frozenset[str] = ALL_EXTENSIONS,
    dialect: str = "plain",
    features: frozenset[str] | None = None,
    unused: frozenset[str] = frozenset(),
) -> MarkdownIt:
    """A parser with the given extensions, without the ``unused`` CommonMark rules (``markdown_unused``),
    built once per set: building costs more than a small parse."""
    md = MarkdownIt("commonmark", {"tasklists": True, "alerts": True}).enable("table")
    for name, enable in _EXTENSIONS.items():
        if name in enabled and not (name == "container" and dialect in ("docusaurus", "gitbook")):
            enable(md)
    if dialect != "plain":
        _dialect(md, dialect, features)
    if unused:
        md.disable(sorted(unused))
    stops = terminators(md.get_active_rules()["inline"])
    if stops is not None:
        md.inline.terminator_re = stops
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_inline)
    return md


#: The first line of what is meant as front matter: a YAML key (``title: x``) or a comment.
_LOOKS_LIKE_YAML = re.compile(r"\s*(?:#|[\w\"'-][^:\n]*:(?:\s|$))")


def _metadata(token: Token, source: str | None) -> dict[str, Any] | None:
    """The front matter as a mapping (``None`` if it is not a mapping, or not YAML and not meant as YAML:
    then it is not front matter, as in ``---\\n---``, two thematic breaks, or a thematic break opening
    the document); bad YAML that starts like YAML is an ``InputError`` naming the line."""
    import yaml  # only documents with front matter pay for PyYAML's import

    try:  # libyaml's safe loader when PyYAML was built with it (about 10 times faster), else the Python one
        data = yaml.load(token.content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        if not _LOOKS_LIKE_YAML.match(token.content):
            return None
        mark = getattr(exc, "problem_mark", None)
        last = token.content.count("\n")  # a problem found at the end of the YAML is on its last line
        line = min(mark.line, last) + 2 if mark is not None else 1  # +1 for the opening ``---``, +1: 1-based
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise InputError(f"front matter is not valid YAML: {problem}", source, line) from None
    return data if isinstance(data, dict) else None


def read(source: str | dict[str, Any], report: Report, options: MarkdownOptions = PLAIN) -> Document:
    """Parse Markdown text into a document; front matter -> ``metadata``, lowerings -> ``report``.

    The token stream and the tree grow through the whole read and hold no reference cycles, so the cyclic
    garbage collector is paused meanwhile (it would rescan them every few hundred allocations); what raw
    HTML fragments leave for it is collected afterwards.
    """
    if not isinstance(source, str):
        raise InputError("Markdown input must be text", report.source)
    with gc_paused():
        return _read(source, report, options)


#: The first line after the first that starts like a front matter's closing line (``---`` or ``...``).
_FRONT_MATTER_END = re.compile(r"\n {0,3}(?:---|\.\.\.)[^\n]*(?:\n|$)")


def _parse_plain(source: str, enabled: frozenset[str]) -> tuple[MarkdownIt, list[Token], dict[str, Any]]:
    """Parse a plain document without the rules its text cannot trigger (``markdown_unused``). A front
    matter's ``---`` lines would keep the thematic break and setext heading rules for every line: when the
    front matter ends where ``_FRONT_MATTER_END`` guesses (checked on the tokens), only the text after it
    decides; else the whole source does, in a second parse."""
    found = _FRONT_MATTER_END.search(source) if "front_matter" in enabled and "\r" not in source else None
    if found is not None:
        md = parser(enabled, unused=unused_rules(source[found.end():]))
        env: dict[str, Any] = {}
        tokens = md.parse(source, env)
        first = tokens[0] if tokens else None
        body_line = source.count("\n", 0, found.end()) + (0 if found.group().endswith("\n") else 1)
        if first is not None and first.type == "front_matter" and first.map and first.map[1] == body_line:
            return md, tokens, env
    md, env = parser(enabled, unused=unused_rules(source)), {}
    return md, md.parse(source, env), env


def _read(source: str, report: Report, options: MarkdownOptions) -> Document:
    enabled = extensions(source)
    if options.auto_append:  # pymdownx.snippets auto_append: as if each file were included at the end
        source += "\n\n" + "\n".join(f'--8<-- "{name}"' for name in options.auto_append) + "\n"
    if options.plain:
        md, tokens, env = _parse_plain(source, enabled)
    else:  # a dialect's own rules are not known to ``markdown_unused``: its parser keeps every rule
        md, env = parser(enabled, options.dialect, options.features), {"options": options}
        tokens = md.parse(source, env)
    metadata: dict[str, Any] | None = {}
    if tokens and tokens[0].type == "front_matter":
        metadata = _metadata(tokens[0], report.source)
        if metadata is None:  # "---\nFoo\n---" is a thematic break and a heading, not metadata
            unused = unused_rules(source) if options.plain else frozenset()
            md, metadata = parser(enabled - {"front_matter"}, options.dialect, options.features, unused), {}
            env = {} if options.plain else {"options": options}
            tokens = md.parse(source, env)
    doc = build(md, tokens, env, report)
    if not options.plain:
        from productive_docs.converter.readers.markdown_lint import lint
        from productive_docs.converter.readers.markdown_site_links import resolve_links

        if options.pages:
            resolve_links(doc, options, report)
        lint(doc, options.dialect, report)
    return Document(doc, metadata or {})
