"""``productive-docs preview DIR``: see the docs as Productive would show them, before anything is pushed.

DIR is pushed to a throwaway local server (a SQLite file in a temporary folder, on loopback, deleted on
exit) whose web view (``sync.server.web``) shows every page; the configured account is never read nor
contacted, whatever the environment or config file say, so a preview notifies nobody. The sync state goes
to the temporary folder too: DIR is only read. Links between files point at the preview's own pages.
``--watch`` pushes again whenever a file is saved and the open pages reload themselves.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import UsageError
from productive_docs.sync.api.client import Client
from productive_docs.sync.cli.commands import check_folder, reported
from productive_docs.sync.cli.output import Printer
from productive_docs.sync.cli.registry import summary
from productive_docs.sync.engine.result import Outcome, SyncResult
from productive_docs.sync.server.app import LocalServer, embedded

#: The throwaway server and its client have no rate limits: nobody else shares them.
UNLIMITED = (1_000_000, 1.0)
#: The project the previewed doc is created in (the local server accepts any id).
PREVIEW_PROJECT = "1"


class PreviewPrinter(Printer):
    """The usual per-page lines, and each page's conversion notes handed to the web view. Files that got
    no page (a failed create) are listed on the doc's own page, so the view shows every problem."""

    def __init__(self, server: LocalServer, **options: Any) -> None:
        super().__init__(**options)
        self.server = server
        self.notes: dict[str, list[str]] = {}
        self.unplaced: list[str] = []

    def outcome(self, outcome: Outcome) -> None:
        notes = ([outcome.error] if outcome.error else []) + list(outcome.notes) + list(outcome.details)
        if outcome.page_id:
            self.notes[outcome.page_id] = notes
            self.server.web.set_notes(outcome.page_id, notes)
        elif outcome.action == "failed":
            self.unplaced += [f"{outcome.display}: no page ({note})" for note in notes or [outcome.action]]
        super().outcome(outcome)

    def finish(self, result: SyncResult) -> None:
        if result.doc_id:
            self.server.web.set_notes(result.doc_id, self.notes.get(result.doc_id, []) + self.unplaced)
        self.unplaced = []
        super().finish(result)


@contextmanager
def throwaway_server(port: int | None) -> Iterator[tuple[LocalServer, Path]]:
    """A started local server on a database in a new temporary folder; both go on exit."""
    with tempfile.TemporaryDirectory(prefix="productive-docs-preview-") as folder:
        db = Path(folder) / "preview.sqlite3"
        if port is None:
            server = embedded(db, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED)
        else:
            server = LocalServer(db=db, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED)
            try:
                server.start(port=port)
            except OSError as exc:
                raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        try:
            yield server, Path(folder)
        finally:
            server.stop()


def push_preview(folder: Path, server: LocalServer, scratch: Path, client: Client,
                 printer: PreviewPrinter) -> tuple[str, dict[str, Any], int]:
    """The first push of a preview: (the doc's URL, the push options for ``--watch``, the exit code)."""
    from productive_docs.sync.engine.push.run import push_folder

    options = {
        "project_id": PREVIEW_PROJECT, "state_path": scratch / "state.json",
        "server": f"preview:{scratch}#org={server.org_id}", "fresh_if_doc_missing": True,
        "link_template": server.root + "/pages/{page_id}", "on_outcome": printer.outcome,
    }
    result = push_folder(folder, client, **options)
    printer.finish(result)
    url = f"{server.root}/pages/{result.doc_id}" if result.doc_id else server.root + "/"
    print(f"Preview of {folder} at {url}", file=printer.out, flush=True)
    return url, options, result.exit_code


def preview_client(server: LocalServer) -> Client:
    """A client of the throwaway server, without rate limits."""
    return Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED)


def preview(folder: Path, *, port: int | None = None, watching: bool = False, open_browser: bool = True,
            stop: threading.Event | None = None, printer_options: dict[str, Any] | None = None) -> int:
    """Push ``folder`` to a throwaway server, print the doc's URL and serve until Ctrl-C, a kill (SIGTERM)
    or ``stop``; the temporary folder goes in every case."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _serve(folder, port, watching, open_browser, stop or threading.Event(), printer_options or {})
    except KeyboardInterrupt:
        print("Preview stopped.", flush=True)
        return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _serve(folder: Path, port: int | None, watching: bool, open_browser: bool, stop: threading.Event,
           printer_options: dict[str, Any]) -> int:
    from productive_docs.sync.engine.watch import watch

    with throwaway_server(port) as (server, scratch), preview_client(server) as client:
        printer = PreviewPrinter(server, **printer_options, root=folder)
        server.web.live = watching
        with reported(printer):
            url, options, code = push_preview(folder, server, scratch, client, printer)
            if open_browser:
                open_in_browser(url, printer)
            printer.note("serving the preview (Ctrl-C stops and deletes it)")
            if watching:
                return watch(folder, client, options, printer, stop=stop)
            while not stop.wait(0.5):
                pass
    return code


def open_in_browser(url: str, printer: Printer) -> None:
    """Open ``url`` in the user's browser, or say there is none."""
    try:
        opened = webbrowser.get().open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        printer.note("no browser found to open; open the URL above yourself")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``preview``."""
    parser = subparsers.add_parser(
        "preview", help=summary("preview"),
        description="Push DIR to a throwaway local server (never to your Productive account) and serve a "
        "read-only web view of its pages, with each page's conversion notes under its title.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR")
    parser.add_argument("--no-open", action="store_true", help="print the URL without opening a browser")
    parser.add_argument("--watch", action="store_true",
                        help="push again when a file is saved; open pages reload themselves")
    parser.add_argument("--port", type=int, default=None, metavar="N",
                        help="port on 127.0.0.1 (default: one derived from the temporary database)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list what each conversion lowered")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_folder(args.dir)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    return preview(args.dir, port=args.port, watching=args.watch, open_browser=not args.no_open,
                   printer_options={"verbose": args.verbose})
