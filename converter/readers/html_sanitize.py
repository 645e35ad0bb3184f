"""What never passes from input HTML into a document: active content, event handlers, script URLs.

The reader builds a new tree instead of copying markup, so an attribute or element it does not map cannot
reach the output at all. These tables name what is removed on purpose, so that every removal is reported:
elements dropped with their content, form wrappers, ``on*`` handlers, and URLs whose scheme can run code
(``javascript:``, ``vbscript:``, ``data:`` other than raster images), and CSS values that load something.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Elements dropped together with their content; each drop is reported.
DROPPED_ELEMENTS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template",
    "svg", "canvas", "video", "audio", "input", "button", "select", "textarea", "option", "optgroup",
    "datalist", "output", "keygen", "dialog", "portal",
})
#: Elements that are not content and are skipped without a report (document head, layout-only tags).
SILENT_ELEMENTS = frozenset({
    "head", "title", "meta", "link", "base", "colgroup", "col", "wbr", "param", "source", "track", "area",
    "map",
})
#: Form wrappers: their text is kept, the form itself is reported as removed.
FORM_WRAPPERS = frozenset({"form", "fieldset", "legend", "label"})

_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpe?g|webp|bmp|avif)[;,]")
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha", "data"})


def unsafe_url(url: str, *, image: bool = False) -> str | None:
    """The reason ``url`` must not pass (``None`` when it is safe).

    Browsers ignore control characters and whitespace inside a scheme (``java\\tscript:``), so they are
    removed before the check; ``data:`` is allowed for raster images only (SVG can carry script).
    """
    cleaned = _URL_NOISE.sub("", url).lower()
    match = _SCHEME.match(cleaned)
    if not match or match.group(1) not in UNSAFE_SCHEMES:
        return None
    if match.group(1) == "data" and image and _SAFE_DATA_IMAGE.match(cleaned):
        return None
    return f"{match.group(1)}: URL"


_CSS_ACTIVE = re.compile(r"url\s*\(|expression\s*\(|javascript:|vbscript:|@import|behavior\s*:", re.I)


def unsafe_css(value: str) -> bool:
    """True for a CSS value that loads or runs something (``url()``, ``expression()``, script URLs)."""
    return bool(_CSS_ACTIVE.search(_URL_NOISE.sub("", value)))


#: Attributes that start with "on" but are no event handler.
_NOT_HANDLERS = frozenset({"only", "one", "once"})


def event_handlers(attrs: Mapping[str, object]) -> list[str]:
    """The ``on*`` event-handler attributes of an element."""
    return [name for name in attrs if name[:2].lower() == "on" and name.lower() not in _NOT_HANDLERS]
