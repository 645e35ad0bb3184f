"""The one progress bar of long runs (a push or pull of many pages, an import): on a terminal only, and
gone when the run ends, so that what a run prints stays the same with or without it.

Both the sync commands (``sync.cli.output.Printer``) and the importers (``sync.confluence.importer``) use it;
it lives beside ``sync.limits``, outside the layers, because it imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

#: How much of the item at hand (a page title) the bar shows.
ITEM_WIDTH = 40


class ProgressBar:
    """A started bar on ``stream``: what runs, the bar, done of total, time so far and time left (under the
    rate limits a large first push takes minutes), and the item at hand."""

    def __init__(self, what: str, total: int, stream: TextIO) -> None:
        self._progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  TimeRemainingColumn(), TextColumn("{task.description}"),
                                  console=Console(file=stream), transient=True)
        self._task: TaskID = self._progress.add_task("", total=total)
        self._progress.start()

    def advance(self, item: str = "") -> None:
        """One more done; ``item`` names it."""
        self._progress.update(self._task, advance=1, description=item[:ITEM_WIDTH])

    def print(self, text: str) -> None:
        """A line of output shown above the bar (written around it, not through it)."""
        self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def stop(self) -> None:
        self._progress.stop()


@contextmanager
def progress(what: str, total: int, stream: TextIO, *, enabled: bool) -> Iterator[Callable[[str], None]]:
    """``advance(item)`` for a bar shown while the block runs; a no-op ``advance`` when not ``enabled``."""
    if not enabled:
        yield lambda _item: None
        return
    bar = ProgressBar(what, total, stream)
    try:
        yield bar.advance
    finally:
        bar.stop()
