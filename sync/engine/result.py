"""What a sync run reports: one outcome per page, run-level notes, the request counts, an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from productive_docs.sync.api.transport import ClientStats

#: Exit codes of sync commands: a failed file, a conflict (conflict wins when both happen).
EXIT_FAILED, EXIT_CONFLICT = 1, 3
#: What the error of a file that still holds the conflict markers a merge wrote says
#: (``merge.refuse_markers``): the conflict goes on until the user settles it.
MARKERS_LEFT = "unresolved merge conflict"


class OutcomeAction(StrEnum):
    """The word of a page's line: what a plan would do (present tense), what a run did (past tense), or why
    nothing was done."""

    CREATE = "create"
    UPDATE = "update"
    APPEND = "append"
    RENAME = "rename"
    MOVE = "move"
    REORDER = "reorder"
    DELETE = "delete"
    CREATED = "created"
    UPDATED = "updated"
    APPENDED = "appended"
    RENAMED = "renamed"
    MOVED = "moved"
    REORDERED = "reordered"
    DELETED = "deleted"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    ORPHAN = "orphan"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(slots=True)
class Outcome:
    """What happened (or, in a plan, would happen) to one page."""

    key: str
    display: str
    action: OutcomeAction
    page_id: str | None = None
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    #: For failures: the one-line error naming the file and, when known, the line.
    error: str | None = None
    #: What the conversion lowered or left as is (shown with ``--verbose``).
    details: list[str] = field(default_factory=list)
    #: ``status --diff``: unified diff lines, Productive's version against the local file.
    diff: list[str] = field(default_factory=list)

    @property
    def in_conflict(self) -> bool:
        """A conflict: found by this run, or left in the file as markers by an earlier one."""
        return self.action == OutcomeAction.CONFLICT or (
            self.action == OutcomeAction.FAILED and MARKERS_LEFT in (self.error or ""))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.display, "action": str(self.action), "page_id": self.page_id,
                                "title": self.title}
        if self.notes:
            data["notes"] = self.notes
        if self.error:
            data["error"] = self.error
        if self.details:
            data["details"] = self.details
        if self.diff:
            data["diff"] = self.diff
        return data


@dataclass(slots=True)
class SyncResult:
    """The outcome of a push, pull or status run."""

    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Request counts of the run (``reads``, ``writes``, ``by_endpoint`` ...), from the client's stats.
    requests: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    doc_id: str | None = None

    @property
    def exit_code(self) -> int:
        if any(outcome.in_conflict for outcome in self.outcomes):  # markers left in a file are one too
            return EXIT_CONFLICT
        return EXIT_FAILED if any(outcome.action == OutcomeAction.FAILED for outcome in self.outcomes) else 0

    @contextmanager
    def counting(self, stats: ClientStats) -> Iterator[None]:
        """Record in ``requests`` the reads and writes made inside the block (also when it fails)."""
        reads, writes = stats.reads, stats.writes
        try:
            yield
        finally:
            self.requests = {"reads": stats.reads - reads, "writes": stats.writes - writes}

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[str(outcome.action)] = counts.get(str(outcome.action), 0) + 1
        return counts
