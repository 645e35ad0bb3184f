"""How sync runs talk to people and tools: a line per page, a summary with the request count.

``text`` (default): ``created    guide/setup.md  (page 123)`` lines as pages finish, then a summary; on a
terminal a progress bar runs on stderr for long runs. ``json``: one JSON object at the end, for tools.
``github``: the text lines plus workflow commands (``::error file=...,line=...::``) so failures,
conflicts and problems show up as annotations in a GitHub Actions run.

A page's conversion notes are of two kinds. Lowerings (``file:line: what -> became``) are informative: the
content is kept in another form; they are counted, and listed with ``--verbose``. Problems lose content
(an image that is missing or over the size limit, a link to a file outside the tree): they are always
shown, with the page and line, because nobody reads ``--verbose`` in CI.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from productive_docs.sync.engine.result import Outcome, SyncResult

if TYPE_CHECKING:
    from productive_docs.sync.progress import ProgressBar

MODES = ("text", "json", "github")
COLORS = ("auto", "always", "never")
#: ANSI colours of diff lines by their first character (hunk headers cyan, other lines bold).
_DIFF_COLOURS = {"+": "32", "-": "31"}
#: Runs with at least this many pages get a progress bar (on a terminal).
PROGRESS_FROM = 20
#: Lines to a file or pipe are flushed at most this often (seconds), and at the end of a run: a flush per
#: line cost a no-op push of 10,000 pages a twentieth of its CPU. On a terminal every line is flushed.
FLUSH_EVERY = 0.25
_WHERE = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+):")
#: The line number after ``file:`` when the file is the outcome's own (its name may hold ``:``).
_LINE = re.compile(r"(?P<line>\d+):")
_WIDTH = 10
#: Actions whose line names the new title (the file name alone does not say what changed).
_RENAMES = ("rename", "renamed")
#: How a lowering reads (``converter.report.Entry``); a detail without it is a problem (see the docstring).
_LOWERED = " -> "


def problems(outcome: Outcome) -> list[str]:
    """The details of ``outcome`` that lose content (missing or oversized assets, links left dangling)."""
    return [detail for detail in outcome.details if _LOWERED not in detail]


def lowerings(outcome: Outcome) -> list[str]:
    """The purely informative details of ``outcome``: constructs kept in another form."""
    return [detail for detail in outcome.details if _LOWERED in detail]


def _escape(value: str) -> str:
    """GitHub workflow command escaping of the message (the data after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """GitHub workflow command escaping of a property value (``file=``): the data escapes, and ``:`` and
    ``,``, which would end the property list or start another property (a file named ``a,line=1`` ...)."""
    return _escape(value).replace(":", "%3A").replace(",", "%2C")


#: Characters that must not reach a line of output as they are: a newline in a file name would start a
#: forged workflow command in a GitHub run, an escape sequence would drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` on one line, its control characters shown as Python escapes (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class Printer:
    """Receives outcomes as they happen and the result at the end."""

    def __init__(self, mode: str = "text", *, verbose: bool = False, out: TextIO | None = None,
                 err: TextIO | None = None, root: Path | None = None, color: str = "auto") -> None:
        self.mode, self.verbose = mode, verbose
        #: The synced folder as given on the command line: annotations name files relative to the
        #: working directory (the repository root in CI), not to the folder.
        self.root = root
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.progress: ProgressBar | None = None
        self.lock = threading.Lock()
        #: Diff lines in colour: ``always``, or ``auto`` on a terminal unless ``NO_COLOR`` is set.
        self.color = color == "always" or (color == "auto" and not os.environ.get("NO_COLOR")
                                           and self.out.isatty())
        #: Lines on a terminal are flushed one by one; to a file or pipe, every ``FLUSH_EVERY`` seconds.
        self.flush_each_line = self.out.isatty()
        self.flushed_at = time.monotonic()

    # --- progress ------------------------------------------------------------------------------------------

    def start(self, total: int, what: str = "syncing") -> None:
        """Show a progress bar when stderr is a terminal and the run is long."""
        if self.mode == "json" or total < PROGRESS_FROM or not self.err.isatty():
            return
        from productive_docs.sync.progress import ProgressBar  # rich: only for a bar on a terminal

        self.progress = ProgressBar(what, total, self.err)

    def note(self, message: str) -> None:
        """A run-level message (embedded server, state set aside ...): always on stderr."""
        self._line(f"productive-docs: {printable(message)}", self.err)

    # --- per page ------------------------------------------------------------------------------------------

    def outcome(self, outcome: Outcome) -> None:
        if self.progress is not None:
            self.progress.advance(outcome.display)
        if self.mode == "json":
            return
        self._line(self.format(outcome), self.out)
        if self.mode == "github":
            self._annotate(outcome)

    def format(self, outcome: Outcome) -> str:
        line = f"{outcome.action:<{_WIDTH}} {outcome.display}"
        if outcome.page_id:
            line += f"  (page {outcome.page_id})"
        if outcome.action not in _RENAMES and not (outcome.notes or outcome.error or outcome.details
                                                   or outcome.diff):
            return printable(line)  # most lines: nothing more to say
        if outcome.action in _RENAMES and outcome.title:
            line += f"  now titled {outcome.title!r}"
        extra = list(outcome.notes)
        if outcome.error:
            extra.insert(0, outcome.error)
        extra += problems(outcome)
        lowered = lowerings(outcome)
        if self.verbose:
            extra += lowered
        elif lowered and outcome.action not in ("unchanged", "skipped"):
            extra.append(f"{len(lowered)} construct(s) lowered; --verbose lists them")
        lines = [printable(text) for text in [line, *extra]]
        lines += [self._diff_line(printable(text)) for text in outcome.diff]
        return "\n".join(lines[:1] + [f"{'':<{_WIDTH}}   {text}" for text in lines[1:]])

    def _diff_line(self, text: str) -> str:
        """A ``--diff`` line, coloured as git colours them when colour is on (other lines bold)."""
        if not self.color:
            return text
        colour = "36" if text.startswith("@@") else _DIFF_COLOURS.get(text[:1], "1")
        return f"\x1b[{colour}m{text}\x1b[0m"

    def _annotate(self, outcome: Outcome) -> None:
        level = {"failed": "error", "conflict": "warning"}.get(outcome.action)
        if level is not None:
            message = outcome.error or "; ".join(outcome.notes) or outcome.action
            self._command(level, outcome, outcome.error or "", f"{outcome.action}: {message}")
        for problem in problems(outcome):
            self._command("warning", outcome, problem, problem)

    def _command(self, level: str, outcome: Outcome, located: str, message: str) -> None:
        """One workflow command; ``located`` may start with ``file:line:`` (file relative to the folder)."""
        name, line = _location(outcome, located)
        props = f"file={_escape_property(self._path(name))}" + (f",line={line}" if line else "")
        self._line(f"::{level} {props}::{_escape(printable(message))}", self.out)

    def _path(self, name: str) -> str:
        """A file of the folder as the workflow sees it: relative to the working directory when inside it."""
        if self.root is None:
            return name
        path = Path(self.root) / name
        relative = os.path.relpath(path)
        return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()

    # --- end -----------------------------------------------------------------------------------------------

    def fail(self, error: BaseException) -> None:
        """A run stopped by ``error``: the bar goes; ``json`` mode still prints one JSON object on stdout,
        ``github`` mode an error annotation (the CLI prints the message on stderr as for any mode)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        interrupted = isinstance(error, KeyboardInterrupt)
        message = "interrupted" if interrupted else str(error)
        if self.mode == "json":
            code = 130 if interrupted else getattr(error, "exit_code", 1)
            self._json({"error": message, "exit_code": code})
        elif self.mode == "github":
            self._line(f"::error::{_escape(message)}", self.out)
        self.out.flush()

    def finish(self, result: SyncResult) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        if self.mode == "json":
            self._json(as_json(result), indent=2)
            return
        for message in result.notes:
            self.note(message)
        summary = summary_line(result)
        self._line(summary, self.out)
        if self.mode == "github":
            self._line(f"::notice::{_escape(summary)}", self.out)
        self.out.flush()

    def _json(self, data: dict[str, Any], indent: int | None = None) -> None:
        """One JSON document (RFC 8259): control characters escaped by ``json``; a lone surrogate (a file
        name that is not UTF-8) written as its ``\\uDCxx`` escape, which JSON allows, instead of failing."""
        text = json.dumps(data, indent=indent, ensure_ascii=False)
        self.out.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
        self.out.flush()

    def _line(self, text: str, stream: TextIO) -> None:
        # a file name that is not UTF-8 reaches us with surrogates: shown as escapes, not a crash
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        with self.lock:
            if self.progress is not None:
                self.progress.print(text)
                return
            if stream is not self.out:
                self.out.flush()  # the lines before it come first when both streams reach one file
            stream.write(text + "\n")  # one write, also when output is unbuffered
            now = time.monotonic()
            if stream is not self.out or self.flush_each_line or now - self.flushed_at >= FLUSH_EVERY:
                stream.flush()
                self.flushed_at = now


def _location(outcome: Outcome, located: str) -> tuple[str, str | None]:
    """The file and line a message starts with: the outcome's own file (whose name may hold ``:``), else
    any ``file:line:``, else the outcome's file without a line."""
    prefix = f"{outcome.display}:"
    if located.startswith(prefix) and (own := _LINE.match(located, len(prefix))):
        return outcome.display, own["line"]
    where = _WHERE.match(located)
    return (where["file"], where["line"]) if where else (outcome.display, None)


def summary_line(result: SyncResult) -> str:
    """``12 pages: 3 created, 9 unchanged; 15 requests (3 reads, 12 writes); doc 42``."""
    counts = result.counts()
    pages = sum(counts.values())
    parts = ", ".join(f"{n} {action}" for action, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    reads, writes = result.requests.get("reads", 0), result.requests.get("writes", 0)
    text = _count(pages, "page") + (f": {parts}" if parts else "")
    text += f"; {_count(reads + writes, 'request')} ({_count(reads, 'read')}, {_count(writes, 'write')})"
    lost = sum(len(problems(outcome)) for outcome in result.outcomes)
    if lost:
        text += f"; {_count(lost, 'problem')} (missing files, dangling links: see above)"
    if result.doc_id:
        text += f"; doc {result.doc_id}"
    if result.dry_run:
        text += " (dry run: nothing written)"
    return text


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' * (number != 1)}"


def as_json(result: SyncResult) -> dict[str, Any]:
    return {
        "doc_id": result.doc_id,
        "dry_run": result.dry_run,
        "exit_code": result.exit_code,
        "summary": result.counts(),
        "requests": result.requests,
        "notes": result.notes,
        "pages": [_page_json(outcome) for outcome in result.outcomes],
    }


def _page_json(outcome: Outcome) -> dict[str, Any]:
    data = outcome.as_dict()
    if problems(outcome):
        data["problems"] = problems(outcome)
    return data
