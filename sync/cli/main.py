"""The ``productive-docs`` command: one parser; each command's module imported only when that command runs.

Each command module has ``register(subparsers)``, which adds its parsers and sets ``run`` (``args -> exit
code``); ``registry.COMMANDS`` says which module holds which command. The other commands are listed with their
summaries only, so ``--help``, ``--version`` and ``COMMAND --help`` import nothing they do not need.
User mistakes raise ``ProductiveDocsError`` and end as one line on stderr with the error's exit code.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from productive_docs.sync.cli.registry import COMMANDS

#: Garbage collector thresholds of a command's run (``gc.set_threshold``; Python's default: 700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 100)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors use our exit code 2 and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the installed version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from productive_docs import installed_version

        print(f"{parser.prog} {installed_version()}")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser: ``command`` (and the others of its module) in full, every other command as a summary."""
    parser = _Parser(
        prog="productive-docs", description="Keep Markdown and HTML docs in step with Productive Docs."
    )
    parser.add_argument("--version", action=_Version)
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    if command in COMMANDS:
        import_module(COMMANDS[command][0]).register(subparsers)
    for name, (_module, summary) in COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=summary, add_help=False)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named on the line: the first word that is not an option (the top level takes no values)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_of(words)).parse_args(words)
    from productive_docs.converter.errors import ProductiveDocsError  # the command's module has loaded it

    # The commands build big, long-lived structures (a 10,000-page state, listing and base); the default
    # thresholds collect the oldest generation over and over while they grow: 30% of a no-op push's CPU.
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return int(args.run(args) or 0)
    except ProductiveDocsError as exc:
        print(f"productive-docs: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("productive-docs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
