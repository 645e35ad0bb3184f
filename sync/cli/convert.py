"""``productive-docs convert``: one file (or stdin) from one format to another.

    productive-docs convert INPUT|- [-o OUTPUT|-] [--from md|html|json|confluence-storage]
                            [--to md|productive-md|html|json] [--report] [--wrap N]

Formats are guessed from the file suffixes (``converter.SUFFIXES``) unless given. The conversion report
goes to stderr: every entry with ``--report``, otherwise a one-line count. Exit codes: 0 done, 2 usage
error, 1 unreadable input (invalid UTF-8 names its line) or an output that cannot be written. An
output file is replaced atomically, so a failed run leaves the old one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from productive_docs.converter import READERS, SUFFIXES, WRITERS, Report, read, write
from productive_docs.converter.errors import InputError, ProductiveDocsError, UsageError
from productive_docs.sync.cli.registry import summary
from productive_docs.sync.cli.sync_args import SITE_CHOICES

STDIO = "-"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``convert`` subcommand."""
    parser = subparsers.add_parser(
        "convert",
        help=summary("convert"),
        description="Convert one file (or stdin) from one format to another. Formats are guessed from the "
        "suffixes unless given; the conversion report goes to stderr (every entry with --report).",
    )
    parser.add_argument("input", metavar="INPUT", help="file to read, or - for stdin")
    parser.add_argument(
        "-o", "--output", metavar="OUTPUT", default=STDIO, help="file to write, or - for stdout"
    )
    parser.add_argument(
        "--from", dest="from_fmt", choices=list(READERS), help="input format (default: by suffix)"
    )
    parser.add_argument(
        "--to", dest="to_fmt", choices=list(WRITERS), help="output format (default: by suffix)"
    )
    parser.add_argument("--report", action="store_true", help="print every lowering to stderr")
    parser.add_argument("--wrap", type=int, metavar="N",
                        help="md output: wrap paragraphs at N columns (where that changes nothing)")
    parser.add_argument("--site", choices=SITE_CHOICES, default="auto",
                        help="the site generator a Markdown file is written for (default: auto, detected "
                        "from the folders holding it)")
    parser.set_defaults(run=run)


#: How many folders above a file ``--site auto`` looks in for the site's files.
SITE_DEPTH = 4


def _reader_options(path: str, choice: str) -> Any:
    """The Markdown reader options of the site holding ``path`` (None: plain, or stdin)."""
    if path == STDIO or choice == "plain":
        return None
    from productive_docs.sync.engine.sites import detect  # the engine's site detection: not for --help

    file = Path(path).resolve()
    for folder in list(file.parents)[:SITE_DEPTH]:
        site = detect(folder, choice)
        if not site.plain:
            return site.options_for(file.relative_to(folder).as_posix())
    return None


def _guess(path: str, given: str | None, option: str) -> str:
    if given:
        return given
    fmt = SUFFIXES.get(Path(path).suffix.lower()) if path != STDIO else None
    if fmt is None:
        named = ("stdin" if option == "--from" else "stdout") if path == STDIO else repr(path)
        raise UsageError(f"cannot tell the format of {named}; pass {option}")
    return fmt


def _read_text(path: str) -> str:
    """The input as text; invalid UTF-8 is an error naming the line of the first bad byte."""
    source = "<stdin>" if path == STDIO else path
    try:
        if path == STDIO:
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read() if stream is not None else sys.stdin.read()
        else:
            data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the input: {exc.strerror or exc}", source) from None
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", source, line) from None


def _check_output(path: str) -> None:
    """Refuse an output path whose folder is missing (a typo) before any work is done."""
    if path == STDIO:
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise ProductiveDocsError(f"{path}: cannot write the output: no folder {str(folder)!r}")
    if Path(path).is_dir():
        raise ProductiveDocsError(f"{path}: cannot write the output: it is a folder")


def _front_matter(metadata: dict[str, Any], to_fmt: str, report: Report) -> str:
    """Local Markdown keeps the front matter; other targets have no place for it."""
    if not metadata:
        return ""
    if to_fmt == "md":
        from productive_docs.sync.engine.frontmatter import front_matter_block  # PyYAML: only when needed

        return front_matter_block(metadata)
    report.add("front matter", f"not written ({to_fmt} has no place for it)", 1)
    return ""


def run(args: argparse.Namespace) -> int:
    """Convert ``args.input`` to ``args.output``; the report goes to stderr."""
    from_fmt = _guess(args.input, args.from_fmt, "--from")
    to_fmt = _guess(args.output, args.to_fmt, "--to")
    wrap = getattr(args, "wrap", None)
    if wrap is not None and (to_fmt != "md" or wrap < 1):
        raise UsageError("--wrap takes a positive number of columns and applies to --to md only")
    _check_output(args.output)
    report = Report("<stdin>" if args.input == STDIO else args.input)
    options = _reader_options(args.input, args.site) if from_fmt == "md" else None
    document = read(_read_text(args.input), from_fmt, report=report, options=options)
    if wrap:
        from productive_docs.converter.writers.markdown import write_gfm  # the md writer's own option

        body = write_gfm(document.doc, report, wrap)
    else:
        body = write(document.doc, to_fmt, report=report)
    output = _front_matter(document.metadata, to_fmt, report) + body
    output = output.rstrip("\n") + "\n" if output else output  # a text file ends with one newline
    if args.output == STDIO:
        sys.stdout.write(output)
    else:
        from productive_docs.sync.assets.files import write_atomic  # uuid and platform: only for a file

        try:
            write_atomic(Path(args.output), output)
        except OSError as exc:
            raise ProductiveDocsError(
                f"{args.output}: cannot write the output: {exc.strerror or exc}"
            ) from None
    if args.report and report:
        print(report, file=sys.stderr)
    elif report:
        print(
            f"productive-docs: {len(report.entries)} construct(s) lowered; --report lists them",
            file=sys.stderr,
        )
    return 0
