"""``productive-docs import-confluence EXPORT [-o OUT_DIR]``: a Confluence space export to a docs folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from converter.errors import UsageError
from sync.client import Client
from sync.confluence.importer import ImportResult, import_and_push, import_export
from sync.confluence.report import REPORT_NAME


def default_out_dir(export: Path) -> Path:
    """``<export name>-docs`` in the current folder (never the export itself)."""
    name = export.stem if export.suffix.lower() == ".zip" else export.resolve().name
    return Path(f"{name}-docs")


def _check_out_dir(export: Path, out_dir: Path) -> None:
    if out_dir.resolve() == export.resolve() or export.resolve() in out_dir.resolve().parents:
        raise UsageError(f"{out_dir}: the output folder may not be inside the export")


def _summary(result: ImportResult, where: str) -> str:
    stats = result.stats
    return (f"imported {stats.pages} pages into {where} in {stats.seconds:.1f} s: "
            f"{stats.assets.copied} files copied, {len(stats.broken_links)} broken links, "
            f"{len(stats.missing_files)} missing files, {len(stats.failed_pages)} failed pages")


def run(args: argparse.Namespace) -> int:
    export = Path(args.export)
    progress = False if args.quiet else None
    if args.push:
        return _run_push(args, export, progress)
    if args.project or args.doc:
        raise UsageError("--project and --doc go with --push")
    out_dir = Path(args.output) if args.output else default_out_dir(export)
    _check_out_dir(export, out_dir)
    result = import_export(export, out_dir, progress=progress)
    if not args.quiet:
        print(f"{_summary(result, str(out_dir))} (see {out_dir / REPORT_NAME})")
    return result.exit_code


def _run_push(args: argparse.Namespace, export: Path, progress: bool | None) -> int:
    out_dir = Path(args.output) if args.output else None
    if out_dir is not None:
        _check_out_dir(export, out_dir)
    with Client.from_settings(org_id=args.org, base_url=args.api_url, config_path=args.config) as client:
        imported, pushed = import_and_push(export, out_dir, client, project_id=args.project, doc_id=args.doc,
                                           progress=progress)
    if not args.quiet:
        print(_summary(imported, str(out_dir) if out_dir else "a temporary folder"))
        counts = ", ".join(f"{count} {action}" for action, count in sorted(pushed.counts().items()))
        print(f"pushed to doc {pushed.doc_id}: {counts}; {pushed.requests.get('writes', 0)} write requests")
        for outcome in pushed.outcomes:
            if outcome.error:
                print(f"  {outcome.error}")
    return max(imported.exit_code, pushed.exit_code)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``import-confluence``."""
    parser = subparsers.add_parser(
        "import-confluence",
        help="turn a Confluence HTML space export (folder or .zip) into a Markdown docs folder",
        description="Import a Confluence HTML space export: the page tree becomes folders of Markdown files "
        "with front matter, links between pages become relative links, images and attachments are copied "
        "to assets/ folders, and IMPORT-REPORT.md lists what needs a look.",
    )
    parser.add_argument("export", metavar="EXPORT", help="the export folder or its .zip")
    parser.add_argument("-o", "--output", metavar="OUT_DIR", help="output folder (default: ./<export>-docs)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    push = parser.add_argument_group("push", "import, then push the folder to Productive in one go")
    push.add_argument("--push", action="store_true",
                      help="push after importing (without -o: through a temporary folder, with the sync "
                      "state kept in ./.productive-docs/ so a re-run updates the same doc)")
    push.add_argument("--project", metavar="ID", help="project to create the doc in (first push)")
    push.add_argument("--doc", metavar="ID", help="existing doc to push into")
    push.add_argument("--org", metavar="ID", help="organisation id (default: PRODUCTIVE_ORG_ID or config)")
    push.add_argument("--api-url", metavar="URL", help="API base URL (default: PRODUCTIVE_API_URL or config)")
    push.add_argument("--config", metavar="FILE", help="config file with api_token and org_id")
    parser.set_defaults(run=run)
