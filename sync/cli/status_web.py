"""``status DIR --web``: the pages a push would change, local file and Productive's version side by side.

The plan is the one ``status`` prints (read-only, against the configured account or the embedded server).
For each page it would update, append to or stop on as a conflict, the local file (as a push would store
it) and the page's current body are shown block by block by the web view of a viewer-only local server
(in memory, on loopback, gone on Ctrl-C), under ``/compare/``. Without a base version (the last synced
body is not kept yet) the view shows two sides, not three.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import to_json
from productive_docs.converter.report import Report
from productive_docs.sync.api.client import Client
from productive_docs.sync.cli.commands import check_folder, connect, reported, status_lock, status_options
from productive_docs.sync.cli.output import Printer
from productive_docs.sync.cli.preview import open_in_browser
from productive_docs.sync.engine.folder import scan
from productive_docs.sync.engine.result import Outcome
from productive_docs.sync.server.app import LocalServer
from productive_docs.sync.server.web_compare import Comparison

#: Plan actions whose body differs between the file and Productive.
PENDING = ("update", "append", "conflict")


class _Collecting(Printer):
    """The usual status lines; keeps the outcomes of pages with pending body changes."""

    def __init__(self, *args: object, **options: object) -> None:
        super().__init__(*args, **options)  # type: ignore[arg-type]
        self.pending: list[Outcome] = []

    def outcome(self, outcome: Outcome) -> None:
        if outcome.page_id and outcome.action in PENDING:
            self.pending.append(outcome)
        super().outcome(outcome)


def comparisons(folder: Path, pending: list[Outcome], client: Client) -> dict[int, Comparison]:
    """Local and remote bodies of the pending pages, as stored JSON."""
    pages = scan(folder).pages
    found: dict[int, Comparison] = {}
    for outcome in pending:
        page = pages.get(outcome.key)
        if page is None or outcome.page_id is None:
            continue
        page.load()
        local = to_json(lower_for_productive(page.doc, Report())) if page.doc is not None else {"type": "doc"}
        remote = client.get_page(outcome.page_id).body or {"type": "doc"}
        found[int(outcome.page_id)] = Comparison(outcome.title or page.title, outcome.display, outcome.action,
                                                 local, remote)
    return found


def run_web(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """``status --web``: the plan ``status`` prints, then each pending page compared in the browser."""
    from productive_docs.sync.engine.push.run import push_folder

    printer = _Collecting(args.output, verbose=args.verbose, root=args.dir)
    with reported(printer):
        check_folder(args.dir)
        with connect(args, printer) as connection, status_lock(args, printer):
            result = push_folder(args.dir, connection.client, status_options(args, connection),
                                 on_outcome=printer.outcome, on_start=printer.start)
            found = comparisons(args.dir, printer.pending, connection.client)
    printer.finish(result)
    stop = stop or threading.Event()
    with LocalServer(db=":memory:").start() as viewer:
        viewer.web.comparisons = found
        url = viewer.root + "/compare/"
        print(f"{len(found)} page(s) with pending changes at {url}", flush=True)
        if not args.no_open:
            open_in_browser(url, printer)
        printer.note("serving the comparison (Ctrl-C stops)")
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            printer.note("stopped")
    return result.exit_code
