"""Which module defines each command, and its one-line summary: all that ``productive-docs --help`` needs.

The entry point imports a command's module only when that command runs (start-up stays fast, and a command's
help works even if another command's optional dependency were missing). A module may define several commands;
it registers all of them, with the summaries from here.
"""

from __future__ import annotations

_CLI = "productive_docs.sync.cli."

#: command -> (module that registers it, one-line summary), in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "convert": (_CLI + "convert", "convert a document between Markdown, HTML and stored JSON"),
    "status": (_CLI + "sync_args", "show what a push would do, page by page (read-only)"),
    "push": (_CLI + "sync_args", "make the Productive doc mirror DIR with the fewest writes"),
    "pull": (_CLI + "sync_args", "write a Productive doc's pages as Markdown files into DIR"),
    "watch": (_CLI + "sync_args", "push DIR whenever a file in it is saved (Ctrl-C stops)"),
    "resolve": (_CLI + "resolve", "finish a conflict left in a file: keep --ours or take --theirs side"),
    "import": (
        _CLI + "import_confluence",
        "turn an export of another tool (Confluence, Notion, Google Docs, Word .docx) into a docs folder",
    ),
    "import-confluence": (
        _CLI + "import_confluence",
        "turn a Confluence HTML space export (folder or .zip) into a Markdown docs folder",
    ),
    "preview": (
        _CLI + "preview", "show DIR as Productive would, in the browser, without pushing to Productive"
    ),
    "serve": (
        _CLI + "serve", "run a local Productive-compatible pages API (for tests, demos and offline use)"
    ),
}


def summary(command: str) -> str:
    """The one-line help of ``command``."""
    return COMMANDS[command][1]
