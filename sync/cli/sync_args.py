"""The arguments of ``status``, ``push``, ``pull`` and ``watch``: all that ``push --help`` needs.

The command bodies (``sync.cli.commands``) import the engine, the HTTP client and the terminal output; this
module imports none of them, so help and usage errors answer at once. The choices below are the engine's
values spelled out (``tests/cli/test_sync_args.py`` holds them equal to their homes).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from productive_docs.sync.cli.registry import summary

#: ``sync.cli.output.MODES`` and ``COLORS``.
OUTPUT_MODES = ("text", "json", "github")
COLOR_CHOICES = ("auto", "always", "never")
#: ``sync.engine.push.options.Via`` and ``Prune`` values.
VIA_CHOICES = ("auto", "markdown", "html")
PRUNE_CHOICES = ("report", "delete")
#: ``sync.engine.sites.SITES``.
SITE_CHOICES = ("auto", "plain", "mkdocs", "docusaurus", "gitbook", "obsidian")
#: ``sync.engine.links.DEFAULT_TEMPLATE``, for the help text.
DEFAULT_LINK_TEMPLATE = "https://app.productive.io/{org_id}/docs/doc/{root_id}?page={page_id}"


def _body(name: str) -> Callable[[argparse.Namespace], int]:
    """The command body ``sync.cli.commands.<name>``, imported when the command runs (not for its help)."""
    def run(args: argparse.Namespace) -> int:
        return int(getattr(import_module("productive_docs.sync.cli.commands"), name)(args))

    return run



def _positive(kind: type) -> Callable[[str], int | float]:
    """An argparse type accepting numbers above zero (``--jobs 0`` or ``--max-asset-mb -1`` are typos)."""
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value

    return parse


def _link_template(text: str) -> str:
    """``--link-template``: checked before any write, as a bad one would stop a push half-way."""
    try:
        text.format(org_id="1", root_id="2", page_id="3")
    except (KeyError, IndexError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: only {{org_id}}, {{root_id}} and {{page_id}} may be "
                                         f"used ({type(exc).__name__}: {exc})") from None
    if "{page_id}" not in text:
        raise argparse.ArgumentTypeError(f"{text!r} has no {{page_id}}: every link would lead to one page")
    return text


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (default: environment, config file, else embedded server)")
    group.add_argument("--token", help="API token (prefer PRODUCTIVE_API_TOKEN: flags show up in ps)")
    group.add_argument("--org", help="organisation id (PRODUCTIVE_ORG_ID)")
    group.add_argument("--api-url", help="API base URL (PRODUCTIVE_API_URL)")
    group.add_argument("--config", type=Path,
                       help="config file (default: ~/.config/productive-docs/config.toml)")
    parser.add_argument("--state", type=Path, metavar="PATH",
                        help="sync state file (default: DIR/.productive-docs/state.json)")
    parser.add_argument("--link-template", metavar="URL", type=_link_template,
                        help=f"URL of a page, for links between files (default: {DEFAULT_LINK_TEMPLATE}); "
                        "remembered in the state")
    parser.add_argument("--output", choices=OUTPUT_MODES, default="text",
                        help="text (default), json for tools, github for workflow annotations")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list what each conversion lowered")


def _target(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--project", metavar="ID", help="first push: create the doc in this project")
    target.add_argument("--doc", metavar="ID", help="first push: map the folder onto this existing doc")
    parser.add_argument("--via", choices=VIA_CHOICES, default="auto",
                        help="endpoints for bodies: auto (Markdown unless a page needs HTML), markdown, html")
    parser.add_argument("--max-asset-mb", type=_positive(float), default=25, metavar="MB",
                        help="largest local image or file uploaded as an attachment (default: 25)")
    parser.add_argument("--site", choices=SITE_CHOICES, default="auto",
                        help="the site generator the folder is written for: its Markdown dialect, titles and "
                        "order (default: auto, detected from mkdocs.yml, _category_.json, SUMMARY.md, "
                        ".obsidian/)")


def _push_flags(parser: argparse.ArgumentParser) -> None:
    _target(parser)
    parser.add_argument("--force", action="store_true",
                        help="overwrite pages changed in Productive (backed up first), recreate deleted ones")
    parser.add_argument("--adopt", action="store_true",
                        help="take over a page Productive has in a new file's place, with its title, that "
                        "the sync state does not know (an older state): same body, silently; a different "
                        "body, with conflict markers in the file")
    parser.add_argument("--prune", choices=PRUNE_CHOICES, default="report",
                        help="pages whose files are gone: report them (default) or delete those this tool "
                        "created")
    parser.add_argument("--jobs", type=_positive(int), default=4, metavar="N",
                        help="parallel requests (default: 4)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    parser.add_argument("--write-ids", action="store_true",
                        help="also write productive_page_id into each Markdown file's front matter (a file "
                        "then finds its page even without the sync state)")


#: DIR of ``status``, ``push`` and ``watch``.
_DIR_HELP = "the synced folder (default: the one the current folder is in, as git finds its repository)"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``status``, ``push``, ``pull`` and ``watch``."""
    status = subparsers.add_parser("status", help=summary("status"))
    status.add_argument("dir", type=Path, metavar="DIR", nargs="?", help=_DIR_HELP)
    _target(status)
    status.add_argument("--diff", action="store_true",
                        help="show what changed on each side since the last sync, block by block")
    status.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                        help="colour the diff: auto (on a terminal, unless NO_COLOR is set), always, never")
    status.add_argument("--web", action="store_true",
                        help="show each pending page side by side (local file, Productive) in the browser")
    status.add_argument("--no-open", action="store_true", help="with --web: print the URL, open no browser")
    status.add_argument("--exit-code", action="store_true",
                        help="exit 0 when both sides are in step, 1 when a push or pull would change "
                        "something, 3 on a conflict (for CI)")
    _common(status)
    status.set_defaults(run=_body("run_status"))

    push = subparsers.add_parser("push", help=summary("push"))
    push.add_argument("dir", type=Path, metavar="DIR", nargs="?", help=_DIR_HELP)
    _push_flags(push)
    _common(push)
    push.set_defaults(run=_body("run_push"))

    pull = subparsers.add_parser("pull", help=summary("pull"))
    source = pull.add_mutually_exclusive_group()
    source.add_argument("--doc", metavar="ID", help="the doc to pull (default: the doc DIR is synced with)")
    source.add_argument("--project", metavar="ID", help="pull every doc of the project (a folder each)")
    pull.add_argument("dir", type=Path, metavar="DIR", nargs="?", help=_DIR_HELP)
    _common(pull)
    pull.set_defaults(run=_body("run_pull"))

    watch = subparsers.add_parser("watch", help=summary("watch"))
    watch.add_argument("dir", type=Path, metavar="DIR", nargs="?", help=_DIR_HELP)
    _push_flags(watch)
    watch.add_argument("--debounce", type=_positive(float), default=0.2, metavar="SECONDS",
                       help="quiet time after a save before pushing (default: 0.2)")
    _common(watch)
    watch.set_defaults(run=_body("run_watch"))
