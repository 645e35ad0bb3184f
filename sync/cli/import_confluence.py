"""``productive-docs import SOURCE [DIR] [--from KIND] [--push]``: an export of another tool (a
Confluence HTML or XML export, Confluence storage-format pages, Word documents, Google Docs, Notion) to a
docs folder, and optionally on to Productive through the sync engine (same connection and output as
``push``). ``import-confluence EXPORT`` is the same command with ``--from confluence``. Every kind writes
the same ``IMPORT-REPORT.md``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from productive_docs.converter.errors import ProductiveDocsError, UsageError
from productive_docs.sync.cli.registry import summary
from productive_docs.sync.confluence.importer import (
    MANIFEST,
    ImportResult,
    import_and_push,
    import_export,
    push_state_path,
)
from productive_docs.sync.confluence.report import REPORT_NAME
from productive_docs.sync.engine.state import STATE_DIR, default_path
from productive_docs.sync.importers.detect import KINDS, detect

#: What ``push`` options the import does not offer default to (see ``sync.commands.push_options``).
PUSH_DEFAULTS = {"force": False, "prune": "report", "via": "auto", "state": None, "link_template": None,
                 "jobs": 4, "max_asset_mb": 25.0, "dry_run": False, "write_ids": False}


def default_out_dir(export: Path) -> Path:
    """``<export name>-docs`` in the current folder (never the export itself)."""
    name = export.stem if export.suffix.lower() == ".zip" else export.resolve().name
    return Path(f"{name}-docs")


def _check_out_dir(export: Path, out_dir: Path) -> None:
    """The output is a new or empty folder, or an earlier import's (which a re-import updates).

    Any other folder is refused before anything is written: the import would overwrite its ``index.md``
    and mix its files with the pages. Hidden entries (``.git``) do not count.
    """
    if out_dir.resolve() == export.resolve() or export.resolve() in out_dir.resolve().parents:
        raise UsageError(f"{out_dir}: the output folder may not be inside the export")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir}: not a folder")
    earlier = (out_dir / STATE_DIR / MANIFEST).is_file()
    if not earlier and any(not entry.name.startswith(".") for entry in out_dir.iterdir()):
        raise UsageError(f"{out_dir}: not empty and not an earlier import; choose a new or empty folder")


def _importer(kind: str) -> Callable[..., ImportResult]:
    """The import function of a kind (imported on use: mammoth loads only for Word documents)."""
    if kind == "docx":
        from productive_docs.sync.importers.docx import import_docx

        return import_docx
    if kind == "confluence-xml":
        from productive_docs.sync.importers.confluence_xml import import_confluence_xml

        return import_confluence_xml
    if kind == "gdocs":
        from productive_docs.sync.importers.gdocs import import_gdocs

        return import_gdocs
    if kind == "notion":
        from productive_docs.sync.importers.notion import import_notion

        return import_notion
    if kind == "confluence-storage":
        from productive_docs.sync.importers.storage import import_storage

        return import_storage
    return import_export


def _written(error: OSError) -> ProductiveDocsError:
    """A file the import could not write, as a one-line error."""
    where = f"{error.filename}: " if error.filename else ""
    return ProductiveDocsError(f"{where}cannot write: {error.strerror or error}")


def _summary(result: ImportResult, where: str) -> str:
    stats = result.stats
    return (f"imported {stats.pages} pages into {where} in {stats.seconds:.1f} s: "
            f"{stats.assets.copied} files copied, {len(stats.broken_links)} broken links, "
            f"{len(stats.missing_files)} missing files, {len(stats.failed_pages)} failed pages")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError as exc:
        raise _written(exc) from None


def _out_arg(args: argparse.Namespace) -> str | None:
    """The output folder given, as ``git clone SOURCE DIR`` takes it or with ``-o``."""
    if args.out and args.out_dir and Path(args.out) != Path(args.out_dir):
        raise UsageError(f"two output folders given ({args.out} and -o {args.out_dir}): give one")
    return args.out or args.out_dir


def _run(args: argparse.Namespace) -> int:
    export = Path(args.export)
    out_arg = _out_arg(args)
    importer = _importer(args.kind or detect(export))
    progress = False if args.quiet else None
    if args.push:
        if args.preview:
            raise UsageError("--preview shows an import before it is pushed: leave out --push")
        return _run_push(args, export, Path(out_arg) if out_arg else None, progress, importer)
    if args.project or args.doc:
        raise UsageError("--project and --doc go with --push")
    if args.no_open and not args.preview:
        raise UsageError("--no-open goes with --preview")
    out_dir = Path(out_arg) if out_arg else default_out_dir(export)
    _check_out_dir(export, out_dir)
    result = importer(export, out_dir, progress=progress)
    if not args.quiet:
        print(f"{_summary(result, str(out_dir))} (see {out_dir / REPORT_NAME})")
        print(f"next: review {out_dir}, then: productive-docs push {out_dir} --project ID")
    if args.preview:  # the imported folder as Productive would show it, on a throwaway server
        from productive_docs.sync.cli.preview import preview

        return max(result.exit_code, preview(out_dir, open_browser=not args.no_open))
    return result.exit_code


def _run_push(args: argparse.Namespace, export: Path, out_dir: Path | None, progress: bool | None,
              importer: Callable[..., ImportResult]) -> int:
    from productive_docs.sync.cli.commands import connect, push_options
    from productive_docs.sync.cli.output import Printer

    if out_dir is not None:
        _check_out_dir(export, out_dir)
    state = push_state_path(export) if out_dir is None else default_path(out_dir)
    if not (args.project or args.doc or state.exists()):
        raise UsageError("first import with --push: give --project ID (create a doc) or --doc ID")
    printer = Printer("text", root=out_dir)
    with connect(args, printer) as connection:
        imported, pushed = import_and_push(export, out_dir, connection.client, push_options(args, connection),
                                           progress=progress, importer=importer, on_outcome=printer.outcome)
    printer.note(_summary(imported, str(out_dir) if out_dir else "a temporary folder"))
    printer.finish(pushed)
    return max(imported.exit_code, pushed.exit_code)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``import`` and its alias ``import-confluence``."""
    generic = subparsers.add_parser(
        "import",
        help=summary("import"),
        description="Import an export into a folder of Markdown pages with front matter: the page tree "
        "becomes folders, links between pages become relative links, images and attachments are copied to "
        "assets/ folders, and IMPORT-REPORT.md lists what needs a look. Without --from the kind is detected.",
    )
    generic.add_argument("export", metavar="SOURCE",
                         help="export folder or .zip (Confluence HTML or XML, Notion, Google Docs, "
                         "Takeout), .docx or folder of them")
    generic.add_argument("--from", dest="kind", choices=KINDS, help="the kind of export (default: detected)")
    _add_arguments(generic)
    alias = subparsers.add_parser(
        "import-confluence",
        help=summary("import-confluence"),
        description="Import a Confluence HTML space export (the same as `import --from confluence`).",
    )
    alias.add_argument("export", metavar="EXPORT", help="the export folder or its .zip")
    alias.set_defaults(kind="confluence")
    _add_arguments(alias)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", nargs="?", metavar="DIR", help="output folder (default: ./<export>-docs)")
    parser.add_argument("-o", "--out-dir", metavar="DIR", help="the same as DIR")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    parser.add_argument("--preview", action="store_true",
                        help="then show the imported folder in the browser, as `preview DIR` does")
    parser.add_argument("--no-open", action="store_true", help="with --preview: print the URL only")
    push = parser.add_argument_group("push", "import, then push the folder to Productive in one go")
    push.add_argument("--push", action="store_true",
                      help="push after importing (without DIR: through a temporary folder, with the sync "
                      "state kept in ./.productive-docs/ so a re-run updates the same doc)")
    target = push.add_mutually_exclusive_group()
    target.add_argument("--project", metavar="ID", help="first push: create the doc in this project")
    target.add_argument("--doc", metavar="ID", help="first push: import into this existing doc")
    push.add_argument("--token", help="API token (prefer PRODUCTIVE_API_TOKEN: flags show up in ps)")
    push.add_argument("--org", metavar="ID", help="organisation id (PRODUCTIVE_ORG_ID)")
    push.add_argument("--api-url", metavar="URL", help="API base URL (PRODUCTIVE_API_URL)")
    push.add_argument("--config", type=Path, metavar="FILE", help="config file with api_token and org_id")
    parser.set_defaults(run=run, **PUSH_DEFAULTS)
