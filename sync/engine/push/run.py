"""``push``: make a Productive doc mirror a docs folder with the fewest writes, never losing an edit.

One run: scan the folder, load the state, list the doc's tree once (one request per 200 pages, no bodies),
plan every page (``sync.plan``), then write. Pages are created parents first and siblings in their order
(the API has no reorder call, so a page added later lands after its siblings). Each write is followed by a
state save, so a killed run resumes without duplicates; a page created in a run whose response was lost is
found again by parent and title (the doc itself by project and title). Links to pages created later in the
same run are filled in by a second pass once every page has an id.

This module holds the run, its state and its outcomes; ``sync.push_planning`` prepares and matches the
pages, ``sync.push_writes`` carries out the steps, ``sync.push_conflicts`` handles remote changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import ProductiveDocsError, UsageError
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.references import DEFAULT_MAX_SIZE
from productive_docs.sync.engine import links
from productive_docs.sync.engine.documents import VIAS, fingerprint_salt, options_key, remembered, remote_hash
from productive_docs.sync.engine.folder import LocalTree, scan
from productive_docs.sync.engine.identity import open_state, server_identity
from productive_docs.sync.engine.lock import FolderLock
from productive_docs.sync.engine.plan import Action, RemotePage, Step, orphan
from productive_docs.sync.engine.push.conflicts import Conflicts
from productive_docs.sync.engine.push.planning import Planning, Work
from productive_docs.sync.engine.push.writes import Writes
from productive_docs.sync.engine.result import Outcome, SyncResult
from productive_docs.sync.engine.state import PageState, default_path
from productive_docs.sync.engine.twoway import record_pushed

LIST_FIELDS = ["title", "parent_page_id", "root_page_id", "version_number"]


class ConflictError(ProductiveDocsError):
    """The doc itself is gone or belongs elsewhere; nothing was written (exit code 3)."""

    exit_code = 3


class Push(Planning, Writes, Conflicts):
    """One push run (also the planner behind ``status`` and ``--dry-run``): the run itself, its state and
    its outcomes here; planning, writes and conflicts in the modules mixed in."""

    def __init__(self, folder: Path, client: Client, *, project_id: str | None = None,
                 doc_id: str | None = None, force: bool = False, prune: str = "report", via: str = "auto",
                 dry_run: bool = False, diff: bool = False, state_path: Path | None = None,
                 link_template: str | None = None, jobs: int = 4, server: str | None = None,
                 on_outcome: Callable[[Outcome], None] | None = None,
                 on_start: Callable[[int], None] | None = None,
                 fresh_if_doc_missing: bool = False, max_asset_size: int = DEFAULT_MAX_SIZE,
                 write_ids: bool = False) -> None:
        if via not in VIAS:
            raise UsageError(f"--via must be one of {', '.join(VIAS)}")
        if prune not in ("report", "delete"):
            raise UsageError("--prune must be report or delete")
        self.folder = Path(folder)
        self.client = client
        self.project_id = None if project_id is None else str(project_id)
        self.doc_id = None if doc_id is None else str(doc_id)
        self.force, self.prune, self.via, self.dry_run, self.diff = force, prune, via, dry_run, diff
        self.server = server or server_identity(client)
        self.jobs = max(1, jobs)
        self.state_path = Path(state_path) if state_path else default_path(self.folder)
        self.link_template = link_template
        self.on_outcome = on_outcome
        self.on_start = on_start
        self.fresh_if_doc_missing = fresh_if_doc_missing
        self.max_asset_size = max_asset_size
        self.write_ids = write_ids
        self.result = SyncResult(dry_run=dry_run)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.remote: dict[str, RemotePage] = {}
        self.remote_known = False
        #: First push onto an existing doc (``--doc``): its pages are matched to files by title.
        self.mapping = False
        #: Keys whose line is not printed yet, in tree order, and outcomes waiting for their turn.
        self.unprinted: list[str] = []
        self.waiting_lines: dict[str, Outcome] = {}

    # --- run -----------------------------------------------------------------------------------------------

    def run(self) -> SyncResult:
        """One push; a real one holds the folder's lock (``sync.engine.lock``) throughout."""
        folder_lock = None if self.dry_run else FolderLock(self.state_path.parent, "push", shown=self.folder)
        try:
            if folder_lock is not None and folder_lock.acquire().took_over:
                self.result.notes.append(f"lock of {folder_lock.took_over} (no longer running) taken over")
            with self.result.counting(self.client.stats):
                self._run()
        finally:
            self._flush_lines()
            if folder_lock is not None:
                folder_lock.release()
        return self.result

    def _flush_lines(self) -> None:
        with self.lock:
            ready = [self.waiting_lines.pop(key) for key in self.unprinted if key in self.waiting_lines]
            self.unprinted.clear()
        if self.on_outcome:
            for outcome in ready:
                self.on_outcome(outcome)

    def _run(self) -> None:
        self._load_state()
        self._adopt_pending_doc()
        self.options = options_key({"via": self.via, "links": self.state.options["link_template"]})
        tree = self.tree = scan(self.folder, remembered(self.state.pages), fingerprint_salt(self.options))
        self.unprinted = list(tree.pages)
        if self.on_start:
            self.on_start(len(tree.pages) + len(tree.skipped))
        self._list_remote()
        self.ids = {key: page.id for key, page in self.state.pages.items()}
        work = {key: Work(page, Step(key, Action.UNCHANGED)) for key, page in tree.pages.items()}
        for item in work.values():
            self._prepare(item)
        known = dict(self.ids)
        self._follow_moved_files(work)
        self._adopt_found_pages(work)
        ids_changed = self.ids != known
        for item in work.values():
            if ids_changed:
                self._prepare(item)
            item.step = self._decide(item)
        orphans = [orphan(key, saved, self.remote.get(saved.id), remote_known=self.remote_known and key != "")
                   for key, saved in sorted(self.state.pages.items()) if key not in tree.pages]
        if self.dry_run:
            self._plan_only(work, orphans)
        else:
            self._execute(work)
            self._second_pass(work)
            self._remember(work)
            if self.write_ids:
                self._write_ids(work)
            self._prune(orphans)
            self.state.save()
            pushed = [(item.page, item.doc, self.state.pages.get(item.page.key),
                       item.outcome.action if item.outcome else "failed") for item in work.values()]
            record_pushed(self.folder, self.state_path.parent, pushed, fingerprint_salt(self.options))
        self.result.doc_id = self.state.doc_id
        for source, reason in sorted(tree.skipped.items()):
            self._report(Outcome(source, source, "skipped", notes=[reason]))
        order = {key: index for index, key in enumerate(tree.pages)}
        self.result.outcomes.sort(key=lambda outcome: order.get(outcome.key, len(order)))

    def _load_state(self) -> None:
        self.state, note = open_state(self.state_path, self.client, self.server, dry_run=self.dry_run)
        if note:
            self.result.notes.append(note)
        options = self.state.options
        options["link_template"] = (self.link_template or options.get("link_template")
                                    or links.DEFAULT_TEMPLATE)
        if self.doc_id and self.state.doc_id and self.doc_id != self.state.doc_id:
            raise UsageError(f"{self.folder} is synced with doc {self.state.doc_id}, not {self.doc_id} "
                             f"(move {self.state_path} away to map it to another doc)")
        if self.project_id:
            self.state.project_id = self.project_id
        self.mapping = bool(self.doc_id and not self.state.doc_id)
        if self.mapping:
            page = self.client.get_page(self.doc_id)
            if page.parent_page_id is not None:
                raise UsageError(f"page {self.doc_id} is a subpage, not a doc; give the id of its doc")
            self.state.pages[""] = PageState(page.id, None, page.title, version=page.version_number,
                                             remote_hash=remote_hash(page.body))
        if not self.state.doc_id and not self.state.project_id and not self.dry_run:
            raise UsageError(f"first push of {self.folder}: give --project ID (create a doc) or --doc ID")

    def _list_remote(self) -> None:
        """The doc's tree without bodies: one request per 200 pages."""
        root = self.state.doc_id
        if root is None:
            return
        listed = self.client.list_pages(filters={"root_page_id": root}, fields=LIST_FIELDS)
        self.remote = {p.id: RemotePage(p.id, p.title, p.parent_page_id, p.version_number) for p in listed}
        self.remote_known = True
        if not listed and len(self.state.pages) > 1:
            self._check_doc_exists(root)

    def _check_doc_exists(self, root: str) -> None:
        try:
            self.client.get_page(root)
        except errors.NotFound:
            message = f"doc {root} recorded in {self.state_path} no longer exists on {self.state.server}"
            if not (self.force or self.fresh_if_doc_missing):
                raise ConflictError(message + "; push --force to create it again") from None
            self.result.notes.append(message + "; starting afresh")
            self.state.pages.clear()
            self.remote_known = False
    # --- outcomes ------------------------------------------------------------------------------------------

    def _outcome(self, item: Work, action: str, *, note: str | None = None,
                 error: str | None = None) -> Outcome:
        page = item.page
        saved = self.state.pages.get(page.key)
        notes = list(item.step.notes) + ([note] if note else [])
        details = [str(entry) for entry in page.report.entries] + item.problems
        return Outcome(page.key, page.display, action, saved.id if saved else None, page.title, notes,
                       error or page.error, details)

    def _report_item(self, item: Work, outcome: Outcome) -> None:
        item.outcome = outcome
        self._report(outcome)

    def _replace_outcome(self, item: Work, outcome: Outcome) -> None:
        with self.lock:
            if item.outcome in self.result.outcomes:
                self.result.outcomes.remove(item.outcome)
        item.outcome = outcome
        self._report(outcome)

    def _orphan_outcome(self, step: Step, action: str) -> Outcome:
        saved = self.state.pages.get(step.key)
        if saved is None:
            return Outcome(step.key, step.key, action, notes=list(step.notes))
        return Outcome(step.key, step.key, action, saved.id, saved.title, list(step.notes))

    def _report(self, outcome: Outcome) -> None:
        """Record an outcome; lines go out in tree order even when pages finish out of order."""
        with self.lock:
            self.result.outcomes.append(outcome)
            ready = [outcome]
            if outcome.key in self.unprinted:
                self.waiting_lines[outcome.key] = outcome
                ready = []
                while self.unprinted and self.unprinted[0] in self.waiting_lines:
                    ready.append(self.waiting_lines.pop(self.unprinted.pop(0)))
            if self.on_outcome:
                for line in ready:
                    self.on_outcome(line)


def push_folder(folder: Path, client: Client, *, project_id: str | None = None, doc_id: str | None = None,
                force: bool = False, prune: str = "report", via: str = "auto", dry_run: bool = False,
                **options: Any) -> SyncResult:
    """Push ``folder`` to its doc (see the module docstring); ``options`` go to ``Push``."""
    return Push(folder, client, project_id=project_id, doc_id=doc_id, force=force, prune=prune, via=via,
                dry_run=dry_run, **options).run()


__all__ = ["ConflictError", "LocalTree", "Push", "push_folder"]
