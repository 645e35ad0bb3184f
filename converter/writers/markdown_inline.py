"""Inline content -> Markdown: marks as delimiters, text escaped just enough to read back the same.

Marks are grouped into nested runs (the mark covering the longest run opens first, links outermost on a
tie). Each run is written with the first delimiter that CommonMark's flanking rules let both open and
close at that spot (``*``/``_`` for em, ``**``/``__`` for strong, ``~~`` for strike); where none can,
the local writer falls back to the mark's HTML tag (``<em>`` ...), and the Productive writer, which may
not emit HTML, drops the mark with a report entry. Marks GFM lacks (underline, discussion, styles) and
the inline nodes it lacks (file, var, a mention with an avatar) are HTML from ``converter.writers.html``;
the Markdown reader hands such runs to the HTML reader.

Escaping is contextual: ``* ` [ ] \\ $`` always, ``_`` and ``~`` unless intraword or unpaired, ``<`` and
``&`` only before what would read as a tag or entity, ``|`` in tables, what GFM would autolink
(``http\\://``, ``www\\.``, ``a\\@b``), and block markers (``#``, ``>``, ``-``, ``1.`` ...) at a line start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from productive_docs.converter import inferred
from productive_docs.converter.links import CACHED_LINKS, normalize_link, normalize_link_text
from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.markdown_plugins import MENTION_RE
from productive_docs.converter.report import Report
from productive_docs.converter.writers import html as html_writer

#: Delimiters to try per mark, in order of preference.
DELIMITERS = {"em": ("*", "_"), "strong": ("**", "__"), "strike": ("~~",)}
#: Which mark opens first when two start together and cover equally long runs (outermost first).
MARK_RANK = {
    name: rank
    for rank, name in enumerate(
        ("link", "discussion", "styles", inferred.UNDERLINE, "strike", "em", "strong", "code")
    )
}
#: Stands for a neighbour whose delimiter is chosen later: any delimiter starts with ASCII punctuation.
_UNDECIDED = "\x00"
_SENTINEL = "\ue000"

_ALWAYS = re.compile(r"([\\*`\[\]$])")
_TAG_OR_ENTITY = re.compile(r"<(?=[A-Za-z/!?]|$)|&(?=[#A-Za-z0-9]|$)")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_TILDE = re.compile(r"~(?=~|$)|(?<=~)~|^~")
_AUTOLINK = re.compile(
    r"(?i)(?<=https)(:)|(?<=http)(:)|(?<=mailto)(:)|(?<=xmpp)(:)|(?<=www)(\.)|(?<=[\w.+-])(@)"
)
_BANG_AT_END = re.compile(r"!$")
_LINE_START = re.compile(r"^(?:[#>+=|:-]|!!|\?\?|\d{1,9}(?=[.)]))")
_HTML_TEXT = re.compile(r"(<[^>]*>)")
_SPACE_OR_ANGLE = re.compile(r"[\s<>]")
#: Text holding none of these (nor a URL scheme's colon, nor ``www.``) needs no escape from ``escape_text``:
#: most text, returned as is. Three plain searches, each behind a cheap ``in`` test, beat one alternation.
_MAY_NEED_ESCAPE = re.compile(r"[\\*`\[\]$<&_~@|\n\r]")
_SCHEME_COLON = re.compile(r"(?i:https?|mailto|xmpp):")
_WWW = re.compile(r"(?i)www\.")


@dataclass(slots=True)
class InlineContext:
    """What inline writing needs: where lowerings go, whether HTML may be emitted, the break form."""

    report: Report
    allow_html: bool = True
    hard_break: str = "\\\n"
    table: bool = False
    used_html: bool = False
    #: Set by a block writer that writes an attribute line: each image's extra attrs (or ``None``) go here
    #: and the image is written as Markdown.
    images: list[dict[str, Any] | None] | None = None
    #: True while the text of a link written as ``[text](url)`` is written (no autolink escapes there).
    in_link: bool = False


def escape_text(value: str, *, table: bool = False, in_html: bool = False, autolinks: bool = True) -> str:
    """Markdown-escape text that is not at a line start (see ``escape_line_start``); ``autolinks=False``
    in a Markdown link's text, where the reader makes no autolink."""
    if (
        _MAY_NEED_ESCAPE.search(value) is None
        and (":" not in value or _SCHEME_COLON.search(value) is None)
        and ("." not in value or _WWW.search(value) is None)
        and not value.endswith("!")
    ):
        return value
    return _escape(value, table=table, in_html=in_html, autolinks=autolinks)


def _escape(value: str, *, table: bool, in_html: bool, autolinks: bool) -> str:
    """``escape_text`` without its test for text that needs nothing (a test holds the two equal)."""
    value = _ALWAYS.sub(r"\\\1", value)
    if not in_html:
        value = _TAG_OR_ENTITY.sub(r"\\\g<0>", value)
    value = _UNDERSCORE.sub(r"\\_", value)
    value = _TILDE.sub(r"\\~", value)
    if autolinks:
        value = _AUTOLINK.sub(lambda m: "\\" + m.group(m.lastindex or 0), value)
    value = _BANG_AT_END.sub(r"\\!", value)
    if table:
        value = value.replace("|", "\\|")
    return value.replace("\n", "&#10;").replace("\r", "&#13;")


def escape_line_start(line: str) -> str:
    """Escape what would start a block at the beginning of a line, and keep leading whitespace."""
    stripped = line.lstrip()
    lead = line[: len(line) - len(stripped)]
    match = _LINE_START.match(stripped)
    if match:
        cut = match.end() if stripped[0].isdigit() else 0
        stripped = stripped[:cut] + "\\" + stripped[cut:]
    return _entities(lead) + stripped if lead else stripped


def _entities(whitespace: str) -> str:
    return "".join(f"&#{ord(ch)};" for ch in whitespace)


def keep_trailing_whitespace(text: str) -> str:
    """Trailing whitespace of a paragraph is stripped by the parser; write it as character references."""
    if not text[-1:].isspace():  # most text: nothing to keep
        return text
    stripped = text.rstrip()
    return stripped + _entities(text[len(stripped) :])


def code_span(value: str) -> str:
    """A code span holding ``value`` exactly (CommonMark strips one space each side when both have one)."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = (
        value[:1] == "`"
        or value[-1:] == "`"
        or (value[:1] == " " and value[-1:] == " " and value.strip(" ") != "")
    )
    return f"{fence} {value} {fence}" if pad else f"{fence}{value}{fence}"


# --- the run tree -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Wrap:
    """A run of inline content under one mark."""

    mark: Mark
    children: list[str | Wrap]


Piece = str | Wrap


def merge_text(nodes: list[Node]) -> list[Node]:
    """Adjacent text nodes with the same marks as one (two code spans side by side would fuse wrongly)."""
    out: list[Node] = []
    for node in nodes:
        last = out[-1] if out else None
        if (
            last is not None
            and node.type == last.type == "text"
            and node.text
            and last.text
            and (node.marks == last.marks or _mark_key(node.marks) == _mark_key(last.marks))
        ):
            out[-1] = Node("text", text=last.text + node.text, marks=last.marks, line=last.line)
        elif node.type != "text" or node.text:
            out.append(node)
    return out


def _mark_key(marks: list[Mark]) -> list[str]:
    return sorted(f"{m.type}{sorted(m.attrs.items())}" for m in marks)


def _pieces(nodes: list[Node], opened: list[Mark], ctx: InlineContext, line_start: bool) -> list[Piece]:
    pieces: list[Piece] = []
    #: Whether these leaves are the text of a ``[text](url)`` link (``opened`` is the same for all of them).
    in_link = bool(opened) and any(mark.type == "link" and _markdown_link(mark, ctx) for mark in opened)
    i = 0
    while i < len(nodes):
        marks = nodes[i].marks
        pending = [m for m in marks if m.type != "code" and m not in opened] if marks else marks
        if not pending:
            ctx.in_link = in_link
            pieces.append(_leaf(nodes[i], ctx, line_start))
            ctx.in_link = False
            line_start = nodes[i].type == "br"
            i += 1
            continue
        best, end = _longest_run(pending, nodes, i)
        pieces.append(Wrap(best, _pieces(nodes[i:end], [*opened, best], ctx, False)))
        line_start = nodes[end - 1].type == "br"
        i = end
    return pieces


def _longest_run(pending: list[Mark], nodes: list[Node], i: int) -> tuple[Mark, int]:
    """The mark of ``pending`` (all on ``nodes[i]``) covering the longest run from ``i``, and where that run
    ends; on a tie the one ``MARK_RANK`` puts outermost. One mark (the usual case) needs no ranking."""
    if len(pending) == 1:
        mark, j = pending[0], i + 1
        while j < len(nodes) and mark in nodes[j].marks:
            j += 1
        return mark, j
    return _ranked_run(pending, nodes, i)


def _ranked_run(pending: list[Mark], nodes: list[Node], i: int) -> tuple[Mark, int]:
    """``_longest_run`` by ranking every mark (a test holds the one-mark shortcut equal to it)."""
    best, end = pending[0], i
    for mark in sorted(pending, key=lambda m: MARK_RANK.get(m.type, 99)):
        j = i
        while j < len(nodes) and mark in nodes[j].marks:
            j += 1
        if j > end:
            best, end = mark, j
    return best, end


# --- leaves -------------------------------------------------------------------------------------------------


def html_inline(nodes: list[Node], ctx: InlineContext) -> str:
    """Nodes as the HTML writer's form, their text escaped so Markdown leaves it as it is."""
    ctx.used_html = True
    html = html_writer.render_inline(nodes, ctx.report)
    parts = _HTML_TEXT.split(html)
    return "".join(
        part if index % 2 else escape_text(part, table=ctx.table, in_html=True)
        for index, part in enumerate(parts)
    )


def _leaf(node: Node, ctx: InlineContext, line_start: bool) -> str:
    marks = node.marks
    if marks and any(m.type != "code" for m in marks):  # the others are written around it
        bare = Node(node.type, node.attrs, node.content, node.text, [m for m in marks if m.type == "code"])
    else:
        bare = node
    out = LEAF_WRITERS.get(node.type, _html_leaf)(bare, ctx)
    return escape_line_start(out) if line_start and node.type == "text" and not bare.marks else out


def _text(node: Node, ctx: InlineContext) -> str:
    if node.marks:
        span = code_span(node.text or "")
        return span.replace("|", "\\|") if ctx.table else span
    return escape_text(node.text or "", table=ctx.table, autolinks=not ctx.in_link)


def _br(node: Node, ctx: InlineContext) -> str:
    if ctx.table and ctx.allow_html:
        ctx.used_html = True
        return "<br>"  # a table row is one line
    return ctx.hard_break


def _safe_url(url: str) -> bool:
    """Whether the Markdown reader reads ``url`` back as written (asked for every piece of a link's text:
    remembered per address, see ``converter.links``)."""
    if type(url) is not str:  # a malformed tree's value (an image ``src`` list): not cached, fails as before
        return _reads_back_as(url, normalizeLink)
    return _reads_back(url)


@lru_cache(maxsize=CACHED_LINKS)
def _reads_back(url: str) -> bool:
    return _reads_back_as(url, normalize_link)


def _reads_back_as(url: str, normalize: Callable[[str], str]) -> bool:
    return bool(url) and normalize(url) == url and validateLink(url) and not _SPACE_OR_ANGLE.search(url)


def _note_unsafe_url(url: str, ctx: InlineContext) -> None:
    """Without HTML, a URL Markdown does not read back as written (a space, ``<``, a scheme the reader
    refuses) is written anyway; the reader percent-encodes or refuses it, so it is reported, which also makes
    ``needs_html`` choose the HTML endpoints that keep it."""
    if not ctx.allow_html and url and not _safe_url(url):
        ctx.report.add("link address Markdown reads back changed",
                       "percent-encoded by the reader, or text only")


def _destination(url: str, title: str | None) -> str:
    """A link destination (in ``<...>`` when it holds spaces) and its title."""
    if re.search(r"[\s<>]", url):
        dest = "<" + re.sub(r"([\\<>&])", r"\\\1", url).replace("\n", "%0A") + ">"
    else:
        dest = re.sub(r"([\\()&])", r"\\\1", url)
    if title:
        dest += ' "' + re.sub(r'([\\"&])', r"\\\1", title).replace("\n", "&#10;") + '"'
    return dest


def _image(node: Node, ctx: InlineContext) -> str:
    attrs = node.attrs
    src = attrs.get("src") or ""
    extra = {k: v for k, v in attrs.items() if k not in ("src", "alt", "title") and v not in (None, "")}
    if ctx.images is not None:
        ctx.images.append(extra if _safe_url(src) and extra else None)
        if _safe_url(src):
            extra = {}
    if ctx.allow_html and (extra or not _safe_url(src)):
        return _html_leaf(node, ctx)
    alt = escape_text(attrs.get("alt") or "", table=ctx.table)
    _note_unsafe_url(src, ctx)
    return f"![{alt}]({_destination(src, attrs.get('title'))})"


def _mention(node: Node, ctx: InlineContext) -> str:
    attrs = node.attrs
    label = str(attrs.get("label") or "")
    kind = inferred.mention_type_to_html(str(attrs.get("type")))
    shorthand = f"@[{kind}:{attrs.get('id')}:{label}]"
    content = "".join(child.text or "" for child in node.content)
    if (
        attrs.get("avatarUrl")
        or content != label
        or not MENTION_RE.fullmatch(shorthand)
        or label != label.strip()
    ):
        return _html_leaf(node, ctx)
    return shorthand.replace("|", "\\|") if ctx.table else shorthand


def _html_leaf(node: Node, ctx: InlineContext) -> str:
    return html_inline([node], ctx)


LEAF_WRITERS: dict[str, Callable[[Node, InlineContext], str]] = {
    "text": _text, "br": _br, "image": _image, "mention": _mention,
}


# --- wraps --------------------------------------------------------------------------------------------------


def _is_space(ch: str) -> bool:
    return ch != _UNDECIDED and isWhiteSpace(ord(ch))


def _is_punct(ch: str) -> bool:
    return ch == _UNDECIDED or isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) of a delimiter run between ``before`` and ``after`` (CommonMark 6.2)"""
    left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
    right = not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))
    return left, right


@lru_cache(maxsize=4096)
def _delimits(char: str, prev: str, first: str, last: str, nxt: str) -> bool:
    """Whether a run of ``char`` can open before ``first`` and close after ``last`` with these neighbours
    (remembered: it depends on these five characters only, and the same few come back in every table)."""
    if char in (prev, first, last, nxt):
        return False
    open_left, open_right = _flanking(prev, first)
    close_left, close_right = _flanking(last, nxt)
    if char == "_":
        return (
            open_left
            and (not open_right or _is_punct(prev))
            and close_right
            and (not close_left or _is_punct(nxt))
        )
    return open_left and close_right


def mark_tags(mark: Mark, ctx: InlineContext) -> tuple[str, str]:
    """The HTML writer's opening and closing tag for one mark."""
    ctx.used_html = True
    html = html_writer.render_inline([Node("text", text=_SENTINEL, marks=[mark])], ctx.report)
    opening, _, closing = html.partition(_SENTINEL)
    return opening, closing


def _edge(piece: Piece, first: bool) -> str:
    if isinstance(piece, Wrap):
        return _UNDECIDED
    return (piece[:1] if first else piece[-1:]) or " "


def _wrap_tags(wrap: Wrap, prev: str, nxt: str, ctx: InlineContext) -> tuple[str, str]:
    mark = wrap.mark
    if mark.type == "link":
        return _link_tags(mark, ctx)
    first, last = _edge(wrap.children[0], True), _edge(wrap.children[-1], False)
    for delimiter in DELIMITERS.get(mark.type, ()):
        if _delimits(delimiter[0], prev, first, last, nxt):
            return delimiter, delimiter
    if ctx.allow_html:
        return mark_tags(mark, ctx)
    ctx.report.add(f"{mark.type} mark that Markdown cannot delimit here", "plain text")
    return "", ""


def _markdown_link(mark: Mark, ctx: InlineContext) -> bool:
    """Whether a link is written ``[text](url)`` (rather than as an HTML ``<a>``)."""
    href = str(mark.attrs.get("href") or "")
    extra = {k: v for k, v in mark.attrs.items() if k not in ("href", "title") and v not in (None, "")}
    return not (ctx.allow_html and (extra or not _safe_url(href)))


def _link_tags(mark: Mark, ctx: InlineContext) -> tuple[str, str]:
    if not _markdown_link(mark, ctx):
        return mark_tags(mark, ctx)
    href = str(mark.attrs.get("href") or "")
    _note_unsafe_url(href, ctx)
    return "[", "](" + _destination(href, mark.attrs.get("title")) + ")"


#: An absolute URL the CommonMark autolink ``<...>`` reads back unchanged.
_AUTOLINK_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*")


def _autolink(wrap: Wrap) -> str | None:
    """``<url>`` for a link whose text is its URL (the reader makes the same link of it), else ``None``."""
    if wrap.mark.type != "link" or len(wrap.children) != 1:
        return None
    href = str(wrap.mark.attrs.get("href") or "")
    if (
        any(v not in (None, "") for k, v in wrap.mark.attrs.items() if k != "href")
        or wrap.children[0] != _escaped_address(href)
        or not _AUTOLINK_URL.fullmatch(href)
        or not _safe_url(href)
        or normalize_link_text(href) != href
    ):
        return None
    return f"<{href}>"


@lru_cache(maxsize=CACHED_LINKS)
def _escaped_address(href: str) -> str:
    """A link address as link text shows it escaped (remembered per address, as ``converter.links``: the
    autolink test asks it for every link, and most of them are not autolinks)."""
    return escape_text(href, autolinks=False)


def _emit(pieces: list[Piece], before: str, after: str, ctx: InlineContext) -> str:
    out: list[str] = []
    prev = before
    for index, piece in enumerate(pieces):
        autolink = _autolink(piece) if isinstance(piece, Wrap) else None
        if autolink is not None:
            piece = autolink
        elif isinstance(piece, Wrap):
            nxt = _edge(pieces[index + 1], True) if index + 1 < len(pieces) else after
            opening, closing = _wrap_tags(piece, prev, nxt, ctx)
            inner_before = opening[-1:] or prev
            inner_after = closing[:1] or nxt
            piece = opening + _emit(piece.children, inner_before, inner_after, ctx) + closing
        out.append(piece)
        prev = piece[-1:] or prev
    return "".join(out)


def write_inline(nodes: list[Node], ctx: InlineContext) -> str:
    """Markdown for the inline content of one text block (line starts escaped, edge spaces kept)."""
    if not nodes:  # an empty cell or paragraph: no runs, nothing to write
        return ""
    if len(nodes) == 1:  # the most common block, one unmarked text (a table cell, a plain paragraph)
        only = nodes[0]
        if only.type == "text" and only.text:
            marks = only.marks
            if not marks:
                ctx.in_link = False
                return keep_trailing_whitespace(escape_line_start(escape_text(only.text, table=ctx.table)))
            if len(marks) == 1 and marks[0].type in DELIMITERS:  # one bold/italic/struck text: one run
                ctx.in_link = False
                wrap = Wrap(marks[0], [escape_text(only.text, table=ctx.table)])
                return keep_trailing_whitespace(_emit([wrap], "\n", "\n", ctx))
    return _write_runs(nodes, ctx)


def _write_runs(nodes: list[Node], ctx: InlineContext) -> str:
    """``write_inline`` by the general way: marks grouped into runs, each run delimited."""
    merged = merge_text(nodes)
    for node in merged:
        if node.marks:
            return keep_trailing_whitespace(_emit(_pieces(merged, [], ctx, True), "\n", "\n", ctx))
    return keep_trailing_whitespace(_unmarked(merged, ctx))


def _unmarked(nodes: list[Node], ctx: InlineContext) -> str:
    """What ``_pieces`` and ``_emit`` make of nodes without marks (text and breaks, most cells): each leaf
    as it is, one after the other (a test holds the two equal)."""
    out: list[str] = []
    line_start = True
    for node in nodes:
        ctx.in_link = False
        out.append(_leaf(node, ctx, line_start))
        line_start = node.type == "br"
    return "".join(out)
