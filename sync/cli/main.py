"""The ``productive-docs`` command: one parser, subcommands contributed by the modules in ``COMMANDS``.

Each module has ``register(subparsers)``, which adds its parsers and sets ``run`` (``args -> exit code``).
User mistakes raise ``ProductiveDocsError`` and end as one line on stderr with the error's exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from productive_docs.converter.errors import ProductiveDocsError

COMMANDS = (
    "productive_docs.sync.cli.convert",
    "productive_docs.sync.cli.serve",
    "productive_docs.sync.cli.commands",
    "productive_docs.sync.cli.import_confluence",
    "productive_docs.sync.cli.preview",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors use our exit code 2 and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand."""
    parser = _Parser(
        prog="productive-docs", description="Keep Markdown and HTML docs in step with Productive Docs."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
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
