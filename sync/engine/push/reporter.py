"""A push's outcomes: one per page, built from its step, recorded in the result and handed to the caller's
``on_outcome`` in tree order, even when pages finish out of order (writes run in parallel)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable

from productive_docs.sync.engine.plan import Step
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.result import Outcome, OutcomeAction, SyncResult
from productive_docs.sync.engine.state import State


class Reporter:
    """Outcomes of one run (see the module docstring)."""

    def __init__(self, result: SyncResult, state: State, order: Iterable[str],
                 on_outcome: Callable[[Outcome], None] | None) -> None:
        self.result = result
        self.state = state
        self.on_outcome = on_outcome
        self.lock = threading.Lock()
        #: Keys whose line is not printed yet, in tree order (a deque and a set: a list's ``in`` and
        #: ``pop(0)`` made 10,000 lines quadratic), and outcomes waiting for their turn.
        self.unprinted = deque(order)
        self.to_print = set(self.unprinted)
        self.waiting_lines: dict[str, Outcome] = {}

    def outcome(self, item: Work, action: OutcomeAction, *, note: str | None = None,
                error: str | None = None) -> Outcome:
        page = item.page
        saved = self.state.pages.get(page.key)
        notes = list(item.step.notes) + ([note] if note else [])
        details = [str(entry) for entry in page.report.entries] + item.problems
        return Outcome(page.key, page.display, action, saved.id if saved else None, page.title, notes,
                       error or page.error, details)

    def orphan_outcome(self, step: Step, action: OutcomeAction) -> Outcome:
        saved = self.state.pages.get(step.key)
        if saved is None:
            return Outcome(step.key, step.key, action, notes=list(step.notes))
        return Outcome(step.key, step.key, action, saved.id, saved.title, list(step.notes))

    def item(self, item: Work, outcome: Outcome) -> None:
        """Record a page's outcome."""
        item.outcome = outcome
        self.report(outcome)

    def replace(self, item: Work, outcome: Outcome) -> None:
        """A page's outcome changed by the second pass."""
        with self.lock:
            if item.outcome in self.result.outcomes:
                self.result.outcomes.remove(item.outcome)
        item.outcome = outcome
        self.report(outcome)

    def report(self, outcome: Outcome) -> None:
        """Record an outcome; lines go out in tree order even when pages finish out of order."""
        with self.lock:
            self.result.outcomes.append(outcome)
            ready = [outcome]
            if outcome.key in self.to_print:
                self.waiting_lines[outcome.key] = outcome
                ready = []
                while self.unprinted and self.unprinted[0] in self.waiting_lines:
                    key = self.unprinted.popleft()
                    self.to_print.discard(key)
                    ready.append(self.waiting_lines.pop(key))
            if self.on_outcome:
                for line in ready:
                    self.on_outcome(line)

    def flush(self) -> None:
        """The lines still waiting (a run that stopped half-way)."""
        with self.lock:
            ready = [self.waiting_lines.pop(key) for key in self.unprinted if key in self.waiting_lines]
            self.unprinted.clear()
            self.to_print.clear()
        if self.on_outcome:
            for outcome in ready:
                self.on_outcome(outcome)
