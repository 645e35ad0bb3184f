"""The Productive HTML forms (spec §2.3-2.5): which HTML attribute carries which JSON attr.

The HTML input forms use kebab-case attributes (``mention-avatar-url``), the stored JSON camelCase
(``avatarUrl``); the spec warns that plain case conversion is not the rule (``codeblock-language`` is
``language``). So every pair lives in this one table, read by the HTML reader and the HTML writer alike.

``colwidth`` has no documented HTML form; we carry it as ``data-colwidth="145,80"`` (one pixel width per
spanned column), the attribute ProseMirror's own table module uses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from productive_docs.converter import inferred

if TYPE_CHECKING:
    from productive_docs.converter.readers.html_tree import Element

#: node or mark type -> ((HTML attribute, JSON attr), ...), in the order the writer emits them.
HTML_ATTRS: dict[str, tuple[tuple[str, str], ...]] = {
    "codeblock": (("codeblock-language", "language"),),
    "ol": (("start", "order"),),
    inferred.CHECKLIST_ITEM: (("checked", inferred.CHECKED_ATTR),),
    "table_cell": (("colspan", "colspan"), ("rowspan", "rowspan"), ("data-colwidth", "colwidth")),
    "table_header": (("colspan", "colspan"), ("rowspan", "rowspan"), ("data-colwidth", "colwidth")),
    inferred.BANNER: (("type", inferred.BANNER_TYPE_ATTR),),
    inferred.COLUMNS: (("data-column-count", inferred.COLUMNS_COUNT_ATTR),),
    "image": (("src", "src"), ("alt", "alt"), ("title", "title"), ("width", "width")),
    inferred.FILE: tuple(inferred.FILE_ATTRS.items()),
    "mention": (
        ("mention-type", "type"),
        ("mention-id", "id"),
        ("mention-label", "label"),
        ("mention-avatar-url", "avatarUrl"),
    ),
    inferred.VAR: (("var", inferred.VAR_NAME_ATTR),),
    "link": (("href", "href"), ("title", "title")),
    "discussion": (("discussion-id", "discussionId"), ("resolved-id", "resolvedId")),
}

#: JSON attrs whose values are integers (HTML attributes are strings).
INT_ATTRS = frozenset({"order", "colspan", "rowspan", inferred.COLUMNS_COUNT_ATTR})

#: The span attribute that marks a span as an inline node or a mark of the Productive forms.
SPAN_KINDS: tuple[tuple[str, str], ...] = (
    ("mention-type", "mention"),
    ("mention-id", "mention"),
    ("file-type", inferred.FILE),
    ("var", inferred.VAR),
    ("discussion-id", "discussion"),
)

#: The mention shorthand the HTML endpoints accept in text: ``@[user:12345:John Doe]`` (spec §2.4).
MENTION_SHORTHAND = re.compile(r"@\[([A-Za-z_]+):([^:\]\s]+):([^\]]+)\]")


def shorthand_as_text(html: str) -> str:
    """Escaped text in which a literal ``@[type:id:label]`` is split by an empty span, so that the HTML
    reader (and Productive, spec §2.4) keeps it as text instead of making it a mention."""
    if "@[" not in html:
        return html
    return MENTION_SHORTHAND.sub(lambda match: "@<span></span>" + match.group(0)[1:], html)

#: CSS of a table cell -> cell attr.
CELL_CSS = {"text-align": inferred.ALIGN_ATTR, "background-color": "background"}

#: Columns layout: the grid template in ``style`` carries the widths.
COLUMNS_CSS = "grid-template-columns"

#: CSS ``white-space`` values under which a browser keeps whitespace as written.
PRESERVING = ("pre", "pre-wrap", "break-spaces", "pre-line")


def css_declarations(style: str) -> dict[str, str]:
    """The declarations of an inline ``style`` attribute, property names lower-cased."""
    out: dict[str, str] = {}
    for declaration in style.split(";"):
        name, sep, value = declaration.partition(":")
        if sep:
            name = name.strip().lower()
            value = value.strip()
            if name and value:
                out[name] = value
    return out


def css_text(declarations: dict[str, str]) -> str:
    """An inline ``style`` value from declarations, in the given order."""
    return "; ".join(f"{name}: {value}" for name, value in declarations.items())


def colwidth_text(widths: list[int]) -> str:
    """The ``data-colwidth`` form of a cell's ``colwidth``."""
    return ",".join(str(width) for width in widths)


def parse_colwidth(value: str) -> list[int] | None:
    """``colwidth`` from ``data-colwidth``; ``None`` when it is not a list of integers."""
    parts = [part.strip() for part in value.split(",")]
    if not parts or not all(part.isdigit() for part in parts):
        return None
    return [int(part) for part in parts]


def mapped_attrs(kind: str, el: Element) -> dict[str, Any]:
    """JSON attrs of a Productive form from its HTML attributes: the reader's side of ``HTML_ATTRS``."""
    out: dict[str, Any] = {}
    attrs = el.attrs
    for html_name, json_name in HTML_ATTRS[kind]:
        found = attrs.get(html_name)
        if found is None:
            continue
        value: Any = " ".join(found) if isinstance(found, list) else found
        if json_name in INT_ATTRS:
            value = _int(value)
        elif json_name == "colwidth":
            value = parse_colwidth(value)
        elif json_name == "width":
            value = _int(value) if value.isdigit() else value
        out[json_name] = value
    return out


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None
