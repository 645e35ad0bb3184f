"""``watch``: push a folder whenever a file in it is saved.

Editors save in bursts (temp file, rename, metadata), so events only arm a timer; the push runs once the
folder has been quiet for ``debounce`` seconds. A push is cheap when little changed: after the first one,
the doc is not listed unless pages come or go, only the pages to be written are read, and only they are
written (unchanged files are not even read, ``sync.engine.stamps``). Errors, network loss included, are
printed and the watch goes on; a failed push is retried after ``RETRY_AFTER`` seconds even without a new
save. Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.folder import REMOTE_SUFFIX
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.result import Outcome, OutcomeAction, SyncResult
from productive_docs.sync.engine.state import STATE_DIR
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

RETRY_AFTER = 30.0
#: Quiet time after a save before the push: an editor's save (temp file, rename, metadata) takes a few
#: milliseconds, and what a user waits for is the whole of save-to-update.
DEBOUNCE = 0.2


class Printer(Protocol):
    """Where the watch's lines go (the CLI's printer; the engine does not import the CLI)."""

    def note(self, message: str) -> None: ...

    def outcome(self, outcome: Outcome) -> None: ...

    def finish(self, result: SyncResult) -> None: ...


class _Changes(FileSystemEventHandler):
    """Marks the folder dirty on any event outside the tool's own files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dirty = threading.Event()
        self.last = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        # a folder is "modified" whenever a file in it is written, the tool's own ``.remote.md`` and temp
        # files included; the file's own event says whether it matters, so this one never does
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type
                                                                 == "modified"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path and self._relevant(Path(str(path))):
                self.last = time.monotonic()
                self.dirty.set()

    def _relevant(self, path: Path) -> bool:
        try:
            parts = path.resolve().relative_to(self.root).parts
        except ValueError:
            return False
        return bool(parts) and STATE_DIR not in parts and not path.name.endswith((REMOTE_SUFFIX, ".tmp"))


class _ReportOnce:
    """Prints what a push did, except a page still in the conflict already reported (each push of the
    watch meets it again until the user merges it, as the conflict or, once the markers are in its file,
    as that file's refusal) and unchanged pages."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self.in_conflict: set[str] = set()

    def __call__(self, outcome: Outcome) -> None:
        if outcome.in_conflict:
            if outcome.key in self.in_conflict:
                return
            self.in_conflict.add(outcome.key)
        else:
            self.in_conflict.discard(outcome.key)
        if outcome.action != OutcomeAction.UNCHANGED:
            self.printer.outcome(outcome)


def watch(folder: Path, client: Client, options: PushOptions, printer: Printer, *, debounce: float = DEBOUNCE,
          stop: threading.Event | None = None) -> int:
    """Watch ``folder`` until Ctrl-C (or ``stop`` is set); returns the exit code of the last push."""
    with warnings.catch_warnings():
        _quiet_observer()
        return _watch(folder, client, options, printer, debounce, stop or threading.Event())


def _quiet_observer() -> None:
    """Silence the one warning watchdog's inotify observer prints about itself.

    When folders are made inside one another at once (``mkdir -p a/b``, or the first push making
    ``.productive-docs/base/c0``), the observer adds a watch for ``b`` twice: once walking ``a`` when ``a``
    appears, once for ``b``'s own creation event. It keeps the same callback and says so in a
    ``RuntimeWarning`` of a few kilobytes of its internals, which would land in the user's terminal.
    """
    warnings.filterwarnings("ignore", message="Callback with id .* already exists for watch",
                            category=RuntimeWarning, module=r"watchdog\.")


def _watch(folder: Path, client: Client, options: PushOptions, printer: Printer, debounce: float,
           stop: threading.Event) -> int:
    root = Path(folder).resolve()
    changes = _Changes(root)
    observer = Observer()
    observer.schedule(changes, str(root), recursive=True)
    observer.start()
    report = _ReportOnce(printer)
    printer.note(f"watching {folder} (Ctrl-C stops)")
    code, retry_at = _push(folder, client, options, printer, report), None
    # after the first push, a save is pushed without listing the whole doc (``PushOptions.list_remote``)
    lean = replace(options, list_remote=False)
    try:
        while not stop.is_set():
            if changes.dirty.is_set():
                if time.monotonic() - changes.last < debounce:
                    stop.wait(0.05)
                    continue
            elif retry_at is None or time.monotonic() < retry_at:
                stop.wait(0.1)
                continue
            changes.dirty.clear()
            code = _push(folder, client, options if code < 0 else lean, printer, report)
            retry_at = time.monotonic() + RETRY_AFTER if code < 0 else None
    except KeyboardInterrupt:
        printer.note("stopped")
    finally:
        observer.stop()
        observer.join()
    return max(code, 0)


def _push(folder: Path, client: Client, options: PushOptions, printer: Printer, report: _ReportOnce) -> int:
    """One push; -1 when it could not run (the watch retries later)."""
    try:
        result = push_folder(folder, client, options, on_outcome=report)
    except (ProductiveDocsError, OSError) as exc:
        printer.note(f"push failed: {exc}")
        return -1
    printer.finish(result)
    return result.exit_code
