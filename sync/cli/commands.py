"""What ``status``, ``push``, ``pull`` and ``watch`` do (one engine, several entry points); their arguments
are in ``sync.cli.sync_args``, so their help does not import the engine.

Without an API token (no ``--token``, no ``PRODUCTIVE_API_TOKEN``, no config file) they use the embedded
local server, persisted in the user's data folder, and say so on stderr: the README's main command works on
a fresh machine with no account.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from productive_docs.converter.errors import ProductiveDocsError, UsageError
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.config import resolve_settings
from productive_docs.sync.cli.output import Printer
from productive_docs.sync.engine.identity import server_identity
from productive_docs.sync.engine.journal import journal_path
from productive_docs.sync.engine.lock import FolderLock
from productive_docs.sync.engine.push.options import Prune, PushOptions, Via
from productive_docs.sync.engine.result import SyncResult
from productive_docs.sync.engine.state import STATE_DIR, default_path


@dataclass(slots=True)
class Connection:
    """A client, the identity of its server for the state, and whether it is the embedded one."""

    client: Client
    server: str
    embedded: bool


@contextmanager
def connect(args: argparse.Namespace, printer: Printer) -> Iterator[Connection]:
    """The configured API, or the embedded local server when no token is configured."""
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"{args.config}: no such config file")  # not a silent switch to the embedded server
    settings = resolve_settings(args.token, args.org, args.api_url, args.config)
    if settings.token:
        with Client.from_settings(args.token, args.org, args.api_url, args.config) as client:
            client.transport.on_wait = printer.note
            yield Connection(client, server_identity(client), False)
        return
    from productive_docs.sync.server.app import default_db_path, embedded

    server = embedded()
    printer.note(f"no API token configured: using the embedded local server (data in {default_db_path()}); "
                 "set PRODUCTIVE_API_TOKEN and PRODUCTIVE_ORG_ID to sync with Productive")
    try:
        with Client(server.url, server.token, server.org_id) as client:
            client.transport.on_wait = printer.note
            yield Connection(client, f"embedded:{default_db_path()}#org={server.org_id}", True)
    finally:
        server.stop()


def _printer(args: argparse.Namespace) -> Printer:
    return Printer(args.output, verbose=args.verbose, root=args.dir, color=getattr(args, "color", "auto"))


@contextmanager
def reported(printer: Printer) -> Iterator[None]:
    """Errors that stop a run reach the printer (``--output json`` still prints JSON), then the CLI.

    A file the tool cannot write (a file where the state folder should be, a full disk) is a user-level
    error too: one line naming the path, no traceback.
    """
    try:
        yield
    except OSError as exc:
        error = ProductiveDocsError(f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc))
        printer.fail(error)
        raise error from None
    except (ProductiveDocsError, KeyboardInterrupt) as exc:
        printer.fail(exc)
        raise


def _state_path(args: argparse.Namespace) -> Path:
    return args.state or default_path(args.dir)


def _synced_folder(args: argparse.Namespace) -> tuple[Path, str | None]:
    """DIR, or the ``docs_dir`` of the MkDocs project DIR is the root of (``sites.mkdocs.synced_folder``):
    decided here once, so that the state, ``status`` and the printed paths all follow it. DIR left out:
    the synced folder the current folder is in (``_located``)."""
    from productive_docs.sync.engine.sites.mkdocs import synced_folder

    located = None
    if args.dir is None:
        args.dir, located = _located(args)
    if not args.dir.is_dir():
        return args.dir, located
    folder, note = synced_folder(args.dir, getattr(args, "site", "auto"), args.state)
    return folder, note or located


def _located(args: argparse.Namespace) -> tuple[Path, str | None]:
    """The folder ``status``, ``push`` and ``watch`` sync when DIR is left out, found as git finds its
    repository: the nearest of the current folder and its parents that holds a sync state, or the current
    folder when it is a MkDocs project whose ``docs_dir`` does. A folder never synced is not guessed at
    (a push of the current folder could be a push of a home folder): its first push names it."""
    if args.state is not None:
        raise UsageError("with --state, give DIR too")
    here = Path.cwd()
    for folder in (here, *here.parents):
        if _has_state(folder):
            if folder == here:
                return Path("."), None
            shown = Path(os.path.relpath(folder))
            return shown, f"syncing {shown}, the synced folder this one is in"
    from productive_docs.sync.engine.sites.mkdocs import synced_folder

    docs, _ = synced_folder(Path("."), getattr(args, "site", "auto"))
    if docs != Path(".") and _has_state(docs):
        return Path("."), None
    raise UsageError("not in a synced folder (no .productive-docs/state.json here or above): give DIR "
                     "(the first push or pull of a folder names it)")


def _has_state(folder: Path) -> bool:
    """Whether ``folder`` was synced: its state file, or the journal of a first push cut short."""
    state = default_path(folder)
    return state.exists() or journal_path(state).exists()


def _synced_printer(args: argparse.Namespace) -> Printer:
    """The printer of a run on the folder actually synced: ``args.dir`` becomes that folder (see
    ``_synced_folder``) and the reason, if it changed, is the first thing said."""
    args.dir, note = _synced_folder(args)
    printer = _printer(args)
    if note:
        printer.note(note)
    return printer


def check_folder(folder: Path) -> None:
    """The DIR of push, status and watch: a mistyped one is a usage error (exit code 2)."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")


def check_state_folder(state_path: Path) -> None:
    """Refuse up front a state file that could not be saved: a push would create pages and forget them."""
    for folder in (state_path, *state_path.parents):
        if folder.exists():
            if folder == state_path and folder.is_dir():
                raise UsageError(f"{state_path}: is a folder, not a sync state file")
            if folder != state_path and not folder.is_dir():
                raise UsageError(f"{folder}: is a file; the sync state needs a folder there")
            return


def check_pull_target(folder: Path, state_path: Path, *, project: bool) -> None:
    """Pull writes into a new or empty folder, or one already synced (by a push or an earlier pull).

    Pulling into a folder of other files would mix them with the doc's pages, and the next push would
    create those files as new pages. Hidden entries (``.git``, ``.gitkeep``) do not count.
    """
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    if state_path.exists() or not any(not entry.name.startswith(".") for entry in folder.iterdir()):
        return
    if project and any((sub / STATE_DIR).is_dir() for sub in folder.iterdir() if sub.is_dir()):
        return
    raise UsageError(f"{folder}: not empty and not synced with a doc; pull into a new or empty folder")


@contextmanager
def status_lock(args: argparse.Namespace, printer: Printer, *, held: bool = True) -> Iterator[bool]:
    """``status`` reads the state, the files and Productive as of one moment: it holds the folder's lock
    (``sync.engine.lock``) while it reads, waiting for a running push, pull or watch push to finish, so it
    never reports a run half-way (pages created but not yet recorded would show as made in Productive).
    A folder never synced (no state folder) or one it may not write (a read-only checkout) is read
    without the lock. ``held`` False: no lock (a push takes its own). Yields whether the lock is held."""
    state_dir = _state_path(args).parent
    if not held or not state_dir.is_dir():
        yield False
        return
    try:
        lock = FolderLock(state_dir, "status", shown=args.dir).acquire()
    except OSError as exc:
        printer.note(f"{state_dir}: lock not taken ({exc.strerror or exc}); reading without it")
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _finish(printer: Printer, result: SyncResult) -> int:
    printer.finish(result)
    return result.exit_code


def push_options(args: argparse.Namespace, connection: Connection) -> PushOptions:
    """The options of ``push``, ``watch`` and ``import-confluence --push``, built once from the arguments."""
    return PushOptions(
        project_id=args.project, doc_id=args.doc, force=args.force, prune=Prune(args.prune),
        via=Via(args.via), adopt=getattr(args, "adopt", False),
        dry_run=args.dry_run, state_path=args.state, link_template=args.link_template, jobs=args.jobs,
        server=connection.server, fresh_if_doc_missing=connection.embedded,
        max_asset_size=int(args.max_asset_mb * 1024 * 1024), write_ids=args.write_ids,
        site=getattr(args, "site", "auto"),
    )


def status_options(args: argparse.Namespace, connection: Connection) -> PushOptions:
    """``status`` is a push planned and shown (read-only), optionally with diffs."""
    return PushOptions(
        project_id=args.project, doc_id=args.doc, via=Via(args.via), dry_run=True, diff=args.diff,
        state_path=args.state, link_template=args.link_template, jobs=1, server=connection.server,
        fresh_if_doc_missing=connection.embedded, max_asset_size=int(args.max_asset_mb * 1024 * 1024),
    )


OptionsFrom = Callable[[argparse.Namespace, Connection], PushOptions]


def _push_or_status(args: argparse.Namespace, options: OptionsFrom, *, writes: bool,
                    status: bool = False) -> int:
    """``push`` (``writes``: not a dry run) or ``status``, which also lists pages created in Productive and,
    with ``--exit-code``, answers in its exit code (``sync.engine.twoway.status_exit_code``)."""
    from productive_docs.sync.engine.push.run import push_folder
    from productive_docs.sync.engine.twoway import status_exit_code

    printer = _synced_printer(args)
    with reported(printer):
        check_folder(args.dir)
        if writes:
            check_state_folder(_state_path(args))
        with connect(args, printer) as connection, status_lock(args, printer, held=status) as locked:
            # under the lock, status keeps the listing mark of a whole listing in step, as a push does
            result = push_folder(args.dir, connection.client, options(args, connection),
                                 on_outcome=printer.outcome, on_start=printer.start,
                                 keep_listing_mark=locked)
    if status and args.exit_code:
        printer.finish(result)
        return status_exit_code(result)
    return _finish(printer, result)


def run_push(args: argparse.Namespace) -> int:
    return _push_or_status(args, push_options, writes=not args.dry_run)


def run_status(args: argparse.Namespace) -> int:
    if args.web:
        from productive_docs.sync.cli.status_web import run_web

        args.dir = _synced_folder(args)[0]
        return run_web(args)
    return _push_or_status(args, status_options, writes=False, status=True)


def run_pull(args: argparse.Namespace) -> int:
    from productive_docs.sync.engine.pull import PullOptions, pull_doc, pull_project

    if args.project and args.dir is None:
        raise UsageError("pull --project ID needs DIR (each doc of the project goes to a folder in it)")
    # a project's docs go to subfolders of DIR, one doc to DIR: at a MkDocs root, to its docs_dir
    printer = _printer(args) if args.project else _synced_printer(args)
    with reported(printer):
        if not (args.doc or args.project):
            args.doc = _synced_doc(args.dir, _state_path(args))
        check_pull_target(args.dir, _state_path(args), project=bool(args.project))
        check_state_folder(_state_path(args))
        with connect(args, printer) as connection:
            options = PullOptions(args.state, args.link_template, connection.server)
            if args.doc:
                result = pull_doc(connection.client, args.doc, args.dir, options, on_outcome=printer.outcome)
                results = [result]
            else:
                results = list(pull_project(connection.client, args.project, args.dir, options,
                                            on_outcome=printer.outcome))
    merged = SyncResult(doc_id=results[0].doc_id if len(results) == 1 else None)
    for result in results:
        merged.outcomes += result.outcomes
        merged.notes += result.notes
        for name, value in result.requests.items():
            merged.requests[name] = merged.requests.get(name, 0) + value
    return _finish(printer, merged)


def _synced_doc(folder: Path, state_path: Path) -> str:
    """The doc ``folder`` is synced with (``pull`` without ``--doc``, as ``git pull`` pulls its remote)."""
    from productive_docs.sync.engine.state import load

    doc_id = load(state_path).doc_id  # an empty state when there is none
    if doc_id is None:
        raise UsageError(f"{folder}: not synced with a doc; give --doc ID or --project ID")
    return doc_id


def run_watch(args: argparse.Namespace) -> int:
    from productive_docs.sync.engine.watch import watch

    printer = _synced_printer(args)
    with reported(printer):
        check_folder(args.dir)
        check_state_folder(_state_path(args))
        with connect(args, printer) as connection:
            return watch(args.dir, connection.client, push_options(args, connection), printer,
                         debounce=args.debounce)
