"""Every JSON shape that the spec marks as inferred [I] or unknown [?], in one place.

The Productive Document Format spec (``shared/spec/productive-document-format.md``, §2 and §6) confirms
the stored JSON only for the nodes seen in live read-backs. For the rest we know the HTML form but not the
JSON one. Each constant below names the open question it answers provisionally; when a live probe settles
a question, this module is the only place that changes.
"""

from __future__ import annotations

# §2.3 checklist [I]: the JSON names follow the HTML attributes `type="checklist"` / `type="checklist_item"`.
CHECKLIST = "checklist"
CHECKLIST_ITEM = "checklist_item"
#: §2.3 checklist [I]: the checked state is assumed to be a boolean attr named after the HTML attribute.
CHECKED_ATTR = "checked"

# §2.3 banner [I]: `{"type":"banner","attrs":{"type":"warning"}}`.
BANNER = "banner"
BANNER_TYPE_ATTR = "type"
BANNER_TYPES = ("info", "warning", "success", "critical")

# §2.3 columns [I]: a `columns` node of `column` children. Count and widths as attrs are guesses.
COLUMNS = "columns"
COLUMN = "column"
COLUMNS_COUNT_ATTR = "count"
#: The grid template of the HTML form (`grid-template-columns: 1fr 2fr`) kept verbatim [I].
COLUMNS_WIDTHS_ATTR = "widths"
COLUMNS_MIN, COLUMNS_MAX = 2, 5

# §2.4 file [I]: attr key names `fileType`, `url`, `name` are guesses (HTML: file-type, url, name).
FILE = "file"
FILE_ATTRS = {"file-type": "fileType", "url": "url", "name": "name"}

# §2.4 var [I]: `{"type":"var","attrs":{"name":"customer_name"}}`.
VAR = "var"
VAR_NAME_ATTR = "name"

# §2.5 underline [I]: the mark name is confirmed (S1), its JSON shape is not.
UNDERLINE = "underline"

# §2.5 highlight [?]: the editor's text highlight is assumed to be a styles mark with a background colour.
HIGHLIGHT = {"backgroundColor": "#fff3a3"}

# §2.5 styles: attrs confirmed from 2024-era data; `backgroundColor` is a guess (open question 1).
STYLES_ATTRS = ("fontSize", "fontWeight", "textAlign", "color", "whiteSpace", "backgroundColor")
#: CSS property -> styles attr key.
STYLES_CSS = {
    "font-size": "fontSize",
    "font-weight": "fontWeight",
    "text-align": "textAlign",
    "color": "color",
    "white-space": "whiteSpace",
    "background-color": "backgroundColor",
}

# §2.3 paragraph / cell alignment [?]: stored as a block attr `textAlign` (the alternative, a styles
# mark on the text, is equally plausible; open question 1).
ALIGN_ATTR = "textAlign"
ALIGNMENTS = ("left", "center", "right", "justify")

# §2.4 mention [?]: the HTML form says `user`, the one live JSON sample says `person` (open question 2).
MENTION_TYPE_HTML_TO_JSON = {"user": "person"}
MENTION_TYPE_JSON_TO_HTML = {v: k for k, v in MENTION_TYPE_HTML_TO_JSON.items()}


def mention_type_to_json(html_type: str) -> str:
    """The stored mention type for the type written in the HTML form or the ``@[type:id:label]`` shorthand."""
    return MENTION_TYPE_HTML_TO_JSON.get(html_type, html_type)


def mention_type_to_html(json_type: str) -> str:
    """The type written in the HTML form and the shorthand for a stored mention type."""
    return MENTION_TYPE_JSON_TO_HTML.get(json_type, json_type)

# §2.3 heading [?]: levels 4-6 "are not rendered"; what the server does is unknown. Productive targets
# get them demoted to this level (peers clamp the same way).
MAX_HEADING_LEVEL = 3
