"""How sync runs talk to people and tools: a line per page, a summary with the request count.

``text`` (default): ``created    guide/setup.md  (page 123)`` lines as pages finish, then a summary; on a
terminal a progress bar runs on stderr for long runs. ``json``: one JSON object at the end, for tools.
``github``: the text lines plus workflow commands (``::error file=...,line=...::``) so failures and
conflicts show up as annotations in a GitHub Actions run.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sync.result import Outcome, SyncResult

MODES = ("text", "json", "github")
#: Runs with at least this many pages get a progress bar (on a terminal).
PROGRESS_FROM = 20
_WHERE = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+):")
_WIDTH = 10


def _escape(value: str) -> str:
    """GitHub workflow command escaping."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class Printer:
    """Receives outcomes as they happen and the result at the end."""

    def __init__(self, mode: str = "text", *, verbose: bool = False, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.mode, self.verbose = mode, verbose
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.progress: Progress | None = None
        self.task: Any = None
        self.lock = threading.Lock()

    # --- progress ------------------------------------------------------------------------------------------

    def start(self, total: int, what: str = "syncing") -> None:
        """Show a progress bar when stderr is a terminal and the run is long."""
        if self.mode == "json" or total < PROGRESS_FROM or not self.err.isatty():
            return
        console = Console(file=self.err)
        self.progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=console, transient=True)
        self.task = self.progress.add_task(what, total=total)
        self.progress.start()

    def note(self, message: str) -> None:
        """A run-level message (embedded server, state set aside ...): always on stderr."""
        self._line(f"productive-docs: {message}", self.err)

    # --- per page ------------------------------------------------------------------------------------------

    def outcome(self, outcome: Outcome) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)
        if self.mode == "json":
            return
        self._line(self.format(outcome), self.out)
        if self.mode == "github":
            self._annotate(outcome)

    def format(self, outcome: Outcome) -> str:
        line = f"{outcome.action:<{_WIDTH}} {outcome.display}"
        if outcome.page_id:
            line += f"  (page {outcome.page_id})"
        extra = list(outcome.notes)
        if outcome.error:
            extra.insert(0, outcome.error)
        if self.verbose:
            extra += outcome.details
        elif outcome.details and outcome.action not in ("unchanged", "skipped"):
            extra.append(f"{len(outcome.details)} conversion note(s); --verbose lists them")
        lines = [line, *(f"{'':<{_WIDTH}}   {text}" for text in extra)]
        return "\n".join(lines + [f"{'':<{_WIDTH}}   {text}" for text in outcome.diff])

    def _annotate(self, outcome: Outcome) -> None:
        level = {"failed": "error", "conflict": "warning"}.get(outcome.action)
        if level is None:
            return
        message = outcome.error or "; ".join(outcome.notes) or outcome.action
        where = _WHERE.match(outcome.error or "")
        props = f"file={where['file']},line={where['line']}" if where else f"file={outcome.display}"
        self._line(f"::{level} {props}::{_escape(f'{outcome.action}: {message}')}", self.out)

    # --- end -----------------------------------------------------------------------------------------------

    def finish(self, result: SyncResult) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        if self.mode == "json":
            json.dump(as_json(result), self.out, indent=2, ensure_ascii=False)
            self.out.write("\n")
            return
        for message in result.notes:
            self.note(message)
        summary = summary_line(result)
        self._line(summary, self.out)
        if self.mode == "github":
            self._line(f"::notice::{_escape(summary)}", self.out)

    def _line(self, text: str, stream: TextIO) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                print(text, file=stream, flush=True)


def summary_line(result: SyncResult) -> str:
    """``12 pages: 3 created, 9 unchanged; 15 requests (3 reads, 12 writes); doc 42``."""
    counts = result.counts()
    pages = sum(counts.values())
    parts = ", ".join(f"{n} {action}" for action, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    requests = result.requests
    total = requests.get("reads", 0) + requests.get("writes", 0)
    text = f"{pages} page{'s' * (pages != 1)}" + (f": {parts}" if parts else "")
    text += f"; {total} requests ({requests.get('reads', 0)} reads, {requests.get('writes', 0)} writes)"
    if result.doc_id:
        text += f"; doc {result.doc_id}"
    if result.dry_run:
        text += " (dry run: nothing written)"
    return text


def as_json(result: SyncResult) -> dict[str, Any]:
    return {
        "doc_id": result.doc_id,
        "dry_run": result.dry_run,
        "exit_code": result.exit_code,
        "summary": result.counts(),
        "requests": result.requests,
        "notes": result.notes,
        "pages": [outcome.as_dict() for outcome in result.outcomes],
    }
