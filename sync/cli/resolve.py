"""``productive-docs resolve FILE [--ours|--theirs]``: finish a conflict left in a synced file
(``sync.engine.resolve``). Works offline; the next push sends the result."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from productive_docs.sync.cli.registry import summary

#: ``sync.engine.state.STATE_DIR`` (the engine is imported only when the command runs, not for its help).
STATE_DIR = ".productive-docs"


def synced_folder(file: Path) -> Path:
    """The nearest folder above ``file`` that holds a sync state folder (else the file's own folder)."""
    start = file.resolve().parent
    return next((folder for folder in (start, *start.parents) if (folder / STATE_DIR).is_dir()), start)


def run_resolve(args: argparse.Namespace) -> int:
    from productive_docs.converter.errors import UsageError
    from productive_docs.sync.engine.resolve import Side, resolve_file

    file: Path = args.file
    if not file.is_file():
        raise UsageError(f"{file}: {'not a file' if file.exists() else 'no such file'}")
    folder = args.dir.resolve() if args.dir else synced_folder(file)
    try:
        source = file.resolve().relative_to(folder).as_posix()
    except ValueError:
        raise UsageError(f"{file}: not inside {folder}") from None
    side = Side.OURS if args.ours else Side.THEIRS if args.theirs else None
    done = resolve_file(folder, source, side, args.state)
    print(f"resolved   {source}: " + "; ".join(done.notes), file=sys.stdout)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("resolve", help=summary("resolve"))
    parser.add_argument("file", type=Path, metavar="FILE")
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--ours", action="store_true",
                      help="keep this file's side of each conflict (or the file, not NAME.remote.md)")
    side.add_argument("--theirs", action="store_true",
                      help="take Productive's side of each conflict (or NAME.remote.md's version)")
    parser.add_argument("--dir", type=Path, metavar="DIR",
                        help="the synced folder (default: the nearest above FILE with .productive-docs)")
    parser.add_argument("--state", type=Path, metavar="PATH",
                        help="sync state file (default: DIR/.productive-docs/state.json)")
    parser.set_defaults(run=run_resolve)
