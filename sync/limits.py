"""Every bound on the work one input may cause, in one place.

Each default is far above any real doc (the largest page of the corpora is 277 KB of HTML) and far below
what would exhaust a machine or the API's request budget. Hitting one is a one-line error naming the input
and the limit (by the name it has here), never a hang or a traceback; the rest of the run goes on. The code
that enforces a limit reads it from this module when it runs, so a test can lower it.
"""

from __future__ import annotations

from typing import Any

from productive_docs.converter.model import Node

#: Bytes of one page file (Markdown/HTML). Checked on the open file before a byte is read: an oversized file
#: costs one ``fstat`` a push, never a read or a parse (parsing runs at about 3 s a MB of CPU).
MAX_PAGE_FILE_BYTES = 4 << 20
#: Levels of nesting in one document (lists in lists, quotes in quotes), local or remote: the converter's
#: walks recurse, and a body nested thousands deep would otherwise end in RecursionError.
MAX_NESTING_DEPTH = 200
#: Cells of all tables of one page together.
MAX_TABLE_CELLS = 200_000
#: Pages in one synced folder (files plus folders).
MAX_PAGES = 20_000

#: Entries of a Confluence zip export.
MAX_ZIP_ENTRIES = 100_000
#: Unpacked bytes of one zip entry, and of all entries together.
MAX_ZIP_ENTRY_BYTES = 1 << 30
MAX_ZIP_TOTAL_BYTES = 4 << 30
#: A zip entry over ``ZIP_RATIO_FROM_BYTES``, or the archive as a whole, that unpacks to more than this
#: many times its compressed size is treated as a zip bomb (one small file may compress that well
#: innocently; thousands of them adding up to gigabytes do not).
MAX_ZIP_RATIO = 200
ZIP_RATIO_FROM_BYTES = 1 << 20

#: ``page[number]`` the local server accepts (a larger one would overflow the database's OFFSET).
MAX_PAGE_NUMBER = 1_000_000


def over_limits(body: dict[str, Any] | Node, *, depth: int | None = None,
                cells: int | None = None) -> str | None:
    """Why a document (a tree, or a body as the API returned it) is too big to convert, or None; ``depth``
    and ``cells`` default to ``MAX_NESTING_DEPTH`` and ``MAX_TABLE_CELLS``. The walk is iterative: the
    converter's own walks recurse, and a hostile body nested thousands of levels deep must end in this
    one-line reason, not in RecursionError."""
    depth = MAX_NESTING_DEPTH if depth is None else depth
    cells = MAX_TABLE_CELLS if cells is None else cells
    stack: list[tuple[Any, int]] = [(body, 1)]
    seen_cells = 0
    while stack:
        node, level = stack.pop()
        if level > depth:
            return f"nested more than {depth} levels deep (MAX_NESTING_DEPTH)"
        kind: Any
        content: Any
        if isinstance(node, Node):
            kind, content = node.type, node.content
        elif isinstance(node, dict):
            kind, content = node.get("type"), node.get("content")
        else:
            continue
        if kind in ("table_cell", "table_header"):
            seen_cells += 1
            if seen_cells > cells:
                return f"tables of more than {cells:,} cells (MAX_TABLE_CELLS)"
        if isinstance(content, list):
            stack.extend((child, level + 1) for child in content)
    return None
