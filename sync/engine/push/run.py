"""``push``: make a Productive doc mirror a docs folder with the fewest writes, never losing an edit.

One run: scan the folder, load the state, list the doc's tree once (one request per 200 pages, no bodies),
plan every page, then write. Pages are created parents first and siblings in their order; a page added
later lands after its siblings, and a change of order is carried out by moves (``reorder``). New pages are
created after the pages they link to (``order``), so most are created whole in one write. Each write is
followed by a state save, so a killed run resumes without duplicates; a page created in a run whose response
was lost is found again by parent, title, age and body, never a page someone else made (the doc itself by
project, title, age and body). Links a page could not have at its create (a link cycle) are filled in by a
second pass once every page has an id.

The parts, each with its own module: the options (``options``), what the run knows (``context``), the
planner that decides without a request that changes anything (``planning``), the executor (``writes``),
remote changes (``conflicts``) and the lines (``reporter``). ``status`` and ``--dry-run`` are the plan shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import ProductiveDocsError, UsageError
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine import links, sites
from productive_docs.sync.engine.documents import fingerprint_salt, options_key, remembered, remote_hash
from productive_docs.sync.engine.folder import Held, LocalTree, scan
from productive_docs.sync.engine.identity import open_state, server_identity
from productive_docs.sync.engine.listing_mark import MARK_FILE, Listing, list_doc, remote_page, save_mark
from productive_docs.sync.engine.lock import FolderLock
from productive_docs.sync.engine.plan import CHANGED_IN_PRODUCTIVE, Action, Step
from productive_docs.sync.engine.push import reorder
from productive_docs.sync.engine.push.conflicts import Conflicts
from productive_docs.sync.engine.push.context import RunContext
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.push.planning import Planner
from productive_docs.sync.engine.push.reporter import Reporter
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.push.writes import Executor
from productive_docs.sync.engine.result import Outcome, OutcomeAction, SyncResult
from productive_docs.sync.engine.sites import mkdocs
from productive_docs.sync.engine.stamps import STAMPS_FILE, Stamps
from productive_docs.sync.engine.state import PageState, State, default_path
from productive_docs.sync.engine.twoway import note_pages_only_in_productive

#: Outcomes of pages a push wrote to.
WRITTEN = frozenset({OutcomeAction.CREATED, OutcomeAction.UPDATED, OutcomeAction.APPENDED,
                     OutcomeAction.RENAMED, OutcomeAction.MOVED, OutcomeAction.DELETED})


class ConflictError(ProductiveDocsError):
    """The doc itself is gone or belongs elsewhere; nothing was written (exit code 3)."""

    exit_code = 3


class Push:
    """One push run (also the planner behind ``status`` and ``--dry-run``)."""

    def __init__(self, folder: Path, client: Client, options: PushOptions, *,
                 on_outcome: Callable[[Outcome], None] | None = None,
                 on_start: Callable[[int], None] | None = None,
                 held: Mapping[str, Held] | None = None) -> None:
        self.folder = Path(folder)
        #: Files just written by the caller with the documents it holds (an import): not parsed again.
        self.held = held
        self.client = client
        self.options = options
        self.on_outcome = on_outcome
        self.on_start = on_start
        self.result = SyncResult(dry_run=options.dry_run)
        self.folder, note = mkdocs.synced_folder(self.folder, options.site, options.state_path)
        if note:
            self.result.notes.append(note)
        self.state_path = Path(options.state_path) if options.state_path else default_path(self.folder)
        self.reporter: Reporter | None = None
        self.extra_writes: Counter[str] = Counter()
        #: The doc's listing of this run (None: not listed), and where its mark is kept.
        self.listing: Listing | None = None
        self.mark_path = self.state_path.parent / MARK_FILE

    def run(self) -> SyncResult:
        """One push; a real one holds the folder's lock (``sync.engine.lock``) throughout."""
        dry_run = self.options.dry_run
        folder_lock = None if dry_run else FolderLock(self.state_path.parent, "push", shown=self.folder)
        try:
            if folder_lock is not None and folder_lock.acquire().took_over:
                self.result.notes.append(f"lock of {folder_lock.took_over} (no longer running) taken over")
            with self.result.counting(self.client.stats):
                self._run()
            if self.listing is not None:
                self.result.requests["listing"] = self.listing.requests  # of the reads
            self._note_writes()
        finally:
            if self.reporter is not None:
                self.reporter.flush()
            if folder_lock is not None:
                folder_lock.release()
        return self.result

    def _run(self) -> None:
        options = self.options
        state, mapping = self._load_state()
        key = options_key({"via": str(options.via), "links": state.options["link_template"]})
        site = sites.detect(self.folder, options.site)
        self.result.notes.extend(site.notes)
        # read by status too (a dry run), saved by a push
        stamps = Stamps(self.state_path.parent / STAMPS_FILE, fingerprint_salt(key) + site.salt)
        tree = scan(self.folder, remembered(state.pages), fingerprint_salt(key), site, self.held,
                    stamps=stamps)
        ctx = RunContext(self.folder, self.client, options, state, self.state_path, self.result, tree, key,
                         mapping=mapping, stamps=stamps)
        self.extra_writes = ctx.extra_writes
        reporter = self.reporter = Reporter(self.result, state, tree.pages, self.on_outcome)
        if self.on_start:
            self.on_start(len(tree.pages) + len(tree.skipped))
        planner, conflicts = Planner(ctx), Conflicts(ctx)
        planner.adopt_pending_doc()
        lean = not options.list_remote and state.doc_id is not None and not state.pending
        if not lean:
            self._list_remote(ctx)
        ctx.ids = {key: page.id for key, page in state.pages.items()}
        work, orphans = planner.plan()
        if lean and not self._read_written(ctx, planner, work, orphans):
            self._list_remote(ctx)
            work, orphans = planner.plan()
        reorder.show(reorder.planned(ctx, work), work, dry_run=options.dry_run)
        if options.dry_run:
            self._show_plan(work, orphans, conflicts, reporter)
            note_pages_only_in_productive(ctx.remote.values(), state, self.result)  # the listing made above
            if options.keep_listing_mark and self.listing is not None and self.listing.mark is not None:
                save_mark(self.mark_path, state.doc_id or "", self.listing)
        else:
            Executor(ctx, planner, conflicts, reporter).execute(work, orphans)
            state.compact()
            stamps.save(set(tree.pages))
            if self.listing is not None and state.doc_id is not None:
                save_mark(self.mark_path, state.doc_id, self.listing)
        self.result.doc_id = state.doc_id
        for source, reason in sorted(tree.skipped.items()):
            reporter.report(Outcome(source, source, OutcomeAction.SKIPPED, notes=[reason]))
        order = {key: index for index, key in enumerate(tree.pages)}
        self.result.outcomes.sort(key=lambda outcome: order.get(outcome.key, len(order)))

    def _note_writes(self) -> None:
        """``1,121 pages written, 1,130 writes (1 per page, 9 for link cycles)``: what a write costs is
        notifications and rate-limit budget, so the writes beyond one per page are said, with why."""
        writes = self.result.requests.get("writes", 0)
        pages = sum(outcome.action in WRITTEN for outcome in self.result.outcomes)
        if not writes or not pages:
            return
        reasons = dict(self.extra_writes)
        other = writes - pages - sum(reasons.values())
        if other > 0:
            reasons["uploads, moves and renames"] = other
        parts = "".join(f", {count:,} for {reason}" for reason, count in reasons.items() if count)
        self.result.notes.append(f"{pages:,} pages written, {writes:,} writes (1 per page{parts})")

    def _load_state(self) -> tuple[State, bool]:
        """The sync state, with this run's options applied; and whether this is a first push onto an
        existing doc (``--doc``: its pages are then matched to files by title)."""
        options, client = self.options, self.client
        server = options.server or server_identity(client)
        state, note = open_state(self.state_path, client, server, dry_run=options.dry_run)
        if note:
            self.result.notes.append(note)
        state.options["link_template"] = (options.link_template or state.options.get("link_template")
                                          or links.DEFAULT_TEMPLATE)
        if options.doc_id and state.doc_id and options.doc_id != state.doc_id:
            raise UsageError(f"{self.folder} is synced with doc {state.doc_id}, not {options.doc_id} "
                             f"(move {self.state_path} away to map it to another doc)")
        if options.project_id:
            state.project_id = options.project_id
        mapping = bool(options.doc_id and not state.doc_id)
        if options.doc_id and mapping:
            page = client.get_page(options.doc_id)
            if page.parent_page_id is not None:
                raise UsageError(f"page {options.doc_id} is a subpage, not a doc; give the id of its doc")
            state.pages[""] = PageState(page.id, None, page.title, version=page.version_number,
                                        remote_hash=remote_hash(page.body))
        if not state.doc_id and not state.project_id and not options.dry_run:
            raise UsageError(f"first push of {self.folder}: give --project ID (create a doc) or --doc ID")
        return state, mapping

    def _list_remote(self, ctx: RunContext) -> None:
        """The doc's tree without bodies: one request per 200 pages, or two when only what changed since a
        listing in step is asked for (``sync.engine.listing_mark``)."""
        root = ctx.state.doc_id
        if root is None:
            return
        listing = self.listing = list_doc(self.client, root, ctx.state, self.mark_path,
                                          short_allowed=not ctx.state.pending)
        ctx.remote = listing.remote
        ctx.remote_known = True
        if not listing.remote and len(ctx.state.pages) > 1:
            self._check_doc_exists(ctx, root)

    def _read_written(self, ctx: RunContext, planner: Planner, work: dict[str, Work], orphans: list[Step]
                      ) -> bool:
        """A lean plan (``PushOptions.list_remote`` off: ``watch``, where a save changes a page or two of
        thousands): the pages about to be written are read one by one and decided again on what Productive
        has, instead of listing the whole doc. False when the whole doc must be looked at: pages are
        created or dropped, or one was deleted in Productive."""
        if orphans or any(item.step.action is Action.CREATE for item in work.values()):
            return False
        for item in work.values():
            saved = ctx.state.pages.get(item.page.key)
            if saved is None or not item.step.writes:
                continue
            try:
                page = self.client.get_page(saved.id)
            except errors.NotFound:
                return False
            ctx.remote[page.id] = remote_page(page)
            item.step = planner.decide(item)
        return True

    def _check_doc_exists(self, ctx: RunContext, root: str) -> None:
        try:
            self.client.get_page(root)
        except errors.NotFound:
            message = f"doc {root} recorded in {self.state_path} no longer exists on {ctx.state.server}"
            if not (self.options.force or self.options.fresh_if_doc_missing):
                raise ConflictError(message + "; push --force to create it again") from None
            self.result.notes.append(message + "; starting afresh")
            ctx.state.pages.clear()
            ctx.remote_known = False

    def _show_plan(self, work: dict[str, Work], orphans: list[Step], conflicts: Conflicts,
                   reporter: Reporter) -> None:
        """``status`` and ``--dry-run``: each step as planned; a body write on a page that moved remotely
        is checked against the remote body (a read), and ``--diff`` shows the change."""
        for item in work.values():
            if item.step.check_remote and not conflicts.remote_unchanged(item):
                preview = conflicts.merged_file(item)  # a push would merge: an update, unless that conflicts
                clean = preview is not None and not preview.conflicts
                item.step.action = Action.UPDATE if clean else Action.CONFLICT
                if clean:
                    item.step.notes.append("would merge with the changes made in Productive")
            outcome = reporter.outcome(item, item.step.action.planned)
            changed_there = any(CHANGED_IN_PRODUCTIVE in note for note in item.step.notes)
            if self.options.diff and item.page.key in conflicts.ctx.state.pages and (
                    changed_there or item.step.action in (Action.UPDATE, Action.APPEND, Action.CONFLICT)):
                outcome.diff = conflicts.diff(item)
            reporter.report(outcome)
        for step in orphans:
            reporter.report(reporter.orphan_outcome(step, step.action.planned))


def push_folder(folder: Path, client: Client, options: PushOptions | None = None, *,
                on_outcome: Callable[[Outcome], None] | None = None,
                on_start: Callable[[int], None] | None = None, held: Mapping[str, Held] | None = None,
                **changes: Any) -> SyncResult:
    """Push ``folder`` to its doc (see the module docstring). ``changes`` are ``PushOptions`` fields set on
    ``options`` (a shorthand for scripts and tests: ``push_folder(root, client, project_id="1")``); ``held``:
    files the caller has just written with their documents (``folder.Held``), taken without parsing."""
    options = replace(options or PushOptions(), **changes)
    return Push(folder, client, options, on_outcome=on_outcome, on_start=on_start, held=held).run()


__all__ = ["ConflictError", "LocalTree", "Push", "PushOptions", "push_folder"]
