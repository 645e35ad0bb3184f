"""A push's writes: pages created in the write order (``order``), bodies written, links left open by a cycle
filled in, orphans pruned.

The executor carries out the planner's steps. Each write is followed by a state save, so a killed run
resumes without duplicates; a create is recorded as pending before it is sent (``State.pending``). A page's
planned uploads are made only once its write goes ahead (after the conflict check).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any

from productive_docs.converter.model import Node, from_json
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Page
from productive_docs.sync.api.recovery import sent_hash, titled
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine.documents import (
    appended_part,
    fingerprint_salt,
    payload,
    remember,
    remote_hash,
)
from productive_docs.sync.engine.folder import LocalPage, fingerprint
from productive_docs.sync.engine.frontmatter import set_page_id
from productive_docs.sync.engine.page_assets import upload_page_assets
from productive_docs.sync.engine.plan import Action, RemotePage, Step, decide, title_changed_note
from productive_docs.sync.engine.push import reorder
from productive_docs.sync.engine.push.conflicts import Conflicts
from productive_docs.sync.engine.push.context import RunContext
from productive_docs.sync.engine.push.options import Prune
from productive_docs.sync.engine.push.order import write_order
from productive_docs.sync.engine.push.planning import PLACEHOLDER, Planner
from productive_docs.sync.engine.push.reporter import Reporter
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.result import OutcomeAction
from productive_docs.sync.engine.state import PageState, PendingCreate
from productive_docs.sync.engine.twoway import BODY_SENT, record_pushed, with_remote_blocks

#: Errors after which no other request can succeed either: stop the run (the state is saved).
FATAL = (errors.AuthenticationError, errors.PermissionDenied, errors.NetworkError, errors.RateLimited)


class Executor:
    """Executing the planned steps (see the module docstring)."""

    def __init__(self, ctx: RunContext, planner: Planner, conflicts: Conflicts, reporter: Reporter) -> None:
        self.ctx = ctx
        self.planner = planner
        self.conflicts = conflicts
        self.reporter = reporter
        #: Pages created with a placeholder to break a link cycle (``order``).
        self.placeholders: set[str] = set()

    def execute(self, work: dict[str, Work], orphans: list[Step]) -> None:
        """Every step, then the pages that waited for new ids, the siblings' order, the housekeeping and the
        orphans."""
        before = {key: (saved.parent, saved.place) for key, saved in self.ctx.state.pages.items()}
        self._write_all(work)
        self._second_pass(work)
        reorder.carry_out(self.ctx, reorder.done(self.ctx, before), work, self.reporter)
        self._remember(work)
        if self.ctx.options.write_ids:
            self._write_ids(work)
        self._prune(orphans)
        self.ctx.state.save()
        self._record_bases(work)

    def _record_bases(self, work: dict[str, Work]) -> None:
        """The base of every page now in step (``sync.engine.twoway.record_pushed``): what the next merge
        compares both sides with."""
        ctx = self.ctx
        pushed = [(item.page, stored(item), ctx.state.pages.get(item.page.key), agreed(item))
                  for item in work.values()]
        record_pushed(ctx.folder, ctx.state_path.parent, pushed, fingerprint_salt(ctx.options_key))

    def _write_all(self, work: dict[str, Work]) -> None:
        """Each page once the pages it waits for are written (``order``: its parent if new, the pages landing
        in the same folder before it, the new pages it links to), in parallel where nothing waits. A page
        created, moved or reordered lands last in its folder: the order they arrive in is the folder's
        order. Pages are handed to the workers in the write order, so whatever a page waits for was taken up
        before it: no worker waits for a page no worker has. Pages with nothing to write are reported at
        once: handing each of 10,000 unchanged pages to a worker cost a no-op push more than its scan."""
        ctx = self.ctx
        active = []
        for item in work.values():
            if self._nothing_to_write(item):
                self._report_unwritten(item)
            else:
                active.append(item)
        lands = {item.page.key for item in active
                 if item.step.action is Action.CREATE or item.step.move or item.step.reorder}
        order = write_order(((item.page.key, item.page.parent, item.page.key in lands, item.waiting)
                             for item in active), ctx.ids)
        self.placeholders = order.placeholders
        written = {item.page.key: threading.Event() for item in active}
        with ThreadPoolExecutor(max(1, ctx.options.jobs)) as pool:
            futures = [pool.submit(self._run_when_ready, work[key], [written[need] for need in
                                                                     order.waits_for[key]], written[key])
                       for key in order.sequence]
            try:
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:
                    future.result()
            except BaseException:
                ctx.stopping.set()
                raise

    def _run_when_ready(self, item: Work, needs: list[threading.Event], done: threading.Event) -> None:
        try:
            for need in needs:
                while not need.wait(0.1):
                    if self.ctx.stopping.is_set():
                        return
            if self.ctx.stopping.is_set():
                return
            self._run_item(item)
        except BaseException:
            self.ctx.stopping.set()
            raise
        finally:
            done.set()

    @staticmethod
    def _nothing_to_write(item: Work) -> bool:
        return item.step.action in (Action.FAILED, Action.CONFLICT) or not item.step.writes

    def _report_unwritten(self, item: Work) -> None:
        """A page with nothing to write (unchanged, failed or in conflict): its outcome as planned."""
        if item.page.key in self.planner.unmerged:
            self.conflicts.mark_adopted(item)
        self.reporter.item(item, self.reporter.outcome(item, item.step.action.planned))

    def _run_item(self, item: Work) -> None:
        page, report = item.page, self.reporter
        if self._nothing_to_write(item):
            self._report_unwritten(item)
            return
        parent_id = self.ctx.ids.get(page.parent) if page.parent is not None else None
        if page.parent is not None and parent_id is None:
            skipped = report.outcome(item, OutcomeAction.SKIPPED, note="its parent page does not exist")
            report.item(item, skipped)
            return
        try:
            done = self._write(item, parent_id)
        except FATAL:
            report.item(item, report.outcome(item, OutcomeAction.FAILED, error="stopped: see below"))
            raise
        except errors.ApiError as exc:
            report.item(item, report.outcome(item, OutcomeAction.FAILED, error=f"{page.display}: {exc}"))
            return
        report.item(item, report.outcome(item, done))

    def _write(self, item: Work, parent_id: str | None) -> OutcomeAction:
        """Carry out one page's step; returns the word for its line."""
        ctx, step, page = self.ctx, item.step, item.page
        if step.action is Action.CREATE:
            self._create(item, parent_id)
            return Action.CREATE.done
        saved = ctx.state.pages[page.key]
        if step.check_remote and not self.conflicts.remote_unchanged(item):
            merged = None if ctx.options.force else self.merge_remote(item)
            if merged is None and not ctx.options.force:
                self.conflicts.write_remote_copy(item)
            if not merged and not ctx.options.force:
                step.action = Action.CONFLICT
                return OutcomeAction.CONFLICT
            if ctx.options.force:
                self.conflicts.backup(item)
            step.action = Action.UPDATE
            step.rename = item.page.title != saved.title
        done: list[OutcomeAction] = []
        if step.move or step.reorder:
            assert parent_id is not None, "a page whose parent has no id is skipped (_run_item)"
            ctx.client.move(saved.id, parent_id)
            ctx.save(page.key, parent=parent_id, place=reorder.next_place(ctx, parent_id))
            done.append(Action.MOVE.done if step.move else Action.REORDER.done)
        if step.rename:
            ctx.client.rename(saved.id, page.title)
            ctx.save(page.key, title=page.title)
            done.append(Action.RENAME.done)
        if step.action in (Action.UPDATE, Action.APPEND):
            if self._resolve_links(item) and self._body_step(item).action is Action.UPDATE:
                step.action = Action.UPDATE  # links filled in before the end: no longer an append
            if self._write_body(item, append=step.action is Action.APPEND):
                done.insert(0, step.action.done)
            else:
                step.action = (Action.RENAME if step.rename else Action.MOVE if step.move
                               else Action.REORDER if step.reorder else Action.UNCHANGED)
        if len(done) > 1:
            step.notes.extend(str(word) for word in done[1:])
        return done[0] if done else OutcomeAction.UNCHANGED

    def merge_remote(self, item: Work) -> bool | None:
        """Productive changed the page too: merge it into the file on the base of the last sync. True: merged
        cleanly, the file now holds both sides and is what gets pushed; False: conflict markers written into
        the file; None: no base to merge on (the caller falls back to ``NAME.remote.md``)."""
        ctx = self.ctx
        merged = self.conflicts.merged_file(item)
        if merged is None:
            return None
        remote, path = item.remote_page, ctx.folder / str(item.page.source)
        assert remote is not None
        item.step.notes.extend(merged.notes)
        write_atomic(path, merged.text.encode("utf-8"))
        pulled = title_changed_note(remote.title)  # the merge wrote Productive's title into the file
        item.step.notes = [title_changed_note(remote.title, merged=True) if note == pulled else note
                           for note in item.step.notes]
        if merged.conflicts:
            ctx.save(item.page.key, seen=remote.version_number)
            if merged.marked:
                self.conflicts.hold_theirs(item)
            return False
        item.page.fingerprint = fingerprint(fingerprint_salt(ctx.options_key).encode(), path.read_bytes())
        item.page.reread(path)  # the merge may have changed its title too (a title heading)
        item.doc = None
        self.planner.prepare(item)
        item.remote_blocks = merged.remote_blocks
        ctx.save(item.page.key, version=remote.version_number, remote_hash=remote_hash(remote.body),
                 title=remote.title)
        item.step.notes.append("merged with the changes made in Productive")
        return True

    def _create(self, item: Work, parent_id: str | None) -> None:
        ctx, page = self.ctx, item.page
        self._resolve_links(item)
        self.planner.full(item)
        assert item.doc is not None and item.version is not None
        body = payload(item.doc, ctx.options.via, page.report)
        # A body that links to pages not created yet, or that needs HTML, is written after the create.
        later = bool(item.waiting) or body.html
        markdown = PLACEHOLDER if later else body.text
        existing = self._record_pending(page)
        # a lost answer is never settled with a page that was there before the run or that a page claims
        with ctx.lock:
            claimed = {*ctx.ids.values(), *ctx.remote, *existing}
        if page.key == "":
            created = ctx.client.create_with_markdown(page.title, markdown, project_id=ctx.state.project_id,
                                                      claimed=claimed)
        else:
            created = ctx.client.create_with_markdown(page.title, markdown, parent_page_id=parent_id,
                                                      root_page_id=ctx.ids[""], claimed=claimed)
        with ctx.lock:
            ctx.state.pending.pop(page.key, None)
            ctx.ids[page.key] = created.id
            # a body sent with the create is recorded in the same save
            record = {"version": created.version_number} if later else self._body_record(item, created)
            ctx.state.pages[page.key] = PageState(created.id, parent_id, page.title, created=True,
                                                  place=reorder.next_place(ctx, parent_id), **record)
            ctx.state.save()
        if later and not item.waiting:
            self._record_body(item, ctx.client.replace_body_with_html(created.id, body.text))
            ctx.extra_writes["HTML bodies"] += 1

    def _resolve_links(self, item: Work) -> bool:
        """Prepare the page again when pages it links to got their ids since it was planned (they were
        written first, see ``order``), so its body goes out whole in its one write; True if it was."""
        if not item.waiting or not any(key in self.ctx.ids for key in item.waiting):
            return False
        self.planner.prepare(item)
        return True

    def _record_pending(self, page: LocalPage) -> list[str]:
        """Save the create about to be sent. A doc's also lists the project's docs that have its title
        already (and returns them): a rerun after a crash never takes one of those over
        (``planning.adopt_pending_doc``)."""
        ctx = self.ctx
        existing = None
        if page.key == "":
            existing = [doc.id for doc in titled(ctx.client, page.title, ctx.state.project_id, None)]
        with ctx.lock:
            ctx.state.pending[page.key] = PendingCreate(page.title, time.time(), existing)
            ctx.state.save()
        return existing or []

    def _write_body(self, item: Work, *, append: bool) -> bool:
        """Upload the page's planned assets, then send its body; False when, the uploads having failed, the
        body is the one last written (nothing to send)."""
        ctx = self.ctx
        saved = ctx.state.pages[item.page.key]
        self.planner.full(item)
        self._upload_assets(item)
        assert item.doc is not None and item.version is not None
        if item.version.hash == saved.hash:
            return False
        doc = item.sent = item.doc
        if item.remote_blocks is not None and not append:
            doc = item.sent = with_remote_blocks(item.doc, item.remote_blocks)
        doc = appended_part(doc, saved.blocks) if append else doc
        body = payload(doc, ctx.options.via, item.page.report)
        # what the page will hold, recorded first: a kill before the answer is then settled on the rerun
        ctx.save(item.page.key, sending=sent_hash(item.sent))
        if append:
            send = ctx.client.append_html if body.html else ctx.client.append_markdown
        else:
            send = ctx.client.replace_body_with_html if body.html else ctx.client.replace_body_with_markdown
        self._record_body(item, send(saved.id, body.text))
        return True

    def _upload_assets(self, item: Work) -> None:
        """The uploads planned for a page whose write goes ahead (``sync.engine.page_assets``)."""
        if item.assets is None or not item.assets.plan.uploads:
            return
        saved = self.ctx.state.pages[item.page.key]
        prepared = upload_page_assets(item.assets, item.page, saved, self.ctx.client,
                                      options=self.ctx.options_key)
        item.assets = None
        item.doc, item.version = prepared.doc, prepared.version
        item.waiting, item.problems = prepared.waiting, prepared.problems

    def _record_body(self, item: Work, page: Page) -> None:
        self.ctx.save(item.page.key, **self._body_record(item, page))

    def _body_record(self, item: Work, page: Page) -> dict[str, Any]:
        """The state fields a body write changes: what was sent, and the page as the server returned it."""
        assert item.version is not None
        item.answered = page.body
        return {"hash": item.version.hash, "blocks": item.version.blocks,
                "remote_hash": remote_hash(page.body), "version": page.version_number, "sending": None}

    def _second_pass(self, work: dict[str, Work]) -> None:
        """Pages written while a page they link to had no id yet are written again with the full links. A
        page the first pass stopped (failed, conflict, skipped) is not; one it did not write is checked for
        remote changes first, like any write (``_checked_remote``)."""
        ctx, report = self.ctx, self.reporter
        stopped = (OutcomeAction.FAILED, OutcomeAction.CONFLICT, OutcomeAction.SKIPPED)
        # the cheap test first: of 10,000 unchanged pages, none waits for an id
        pending = [item for item in work.values() if item.page.key in ctx.state.pages
                   and (any(key in ctx.ids for key in item.waiting)
                        or ctx.state.pages[item.page.key].hash is None)
                   and item.step.action not in (Action.CONFLICT, Action.FAILED)
                   and (item.outcome is None or item.outcome.action not in stopped)
                   and self.planner.manages_body(item.page)]
        for item in pending:
            self.planner.prepare(item)
            saved = ctx.state.pages[item.page.key]
            if item.version is None or item.version.hash == saved.hash:
                continue
            try:
                remote = self._checked_remote(item)
                if remote is None:
                    continue
                # what this write adds is links to new pages, which the file's text does not show as an
                # edit: its blocks are sent, not Productive's (``with_remote_blocks`` would keep old links)
                item.remote_blocks = None
                append = self._body_step(item).action is Action.APPEND and remote is Action.UNCHANGED
                written = self._write_body(item, append=append)
            except FATAL:
                raise
            except errors.ApiError as exc:
                failed = report.outcome(item, OutcomeAction.FAILED, error=f"{item.page.display}: {exc}")
                report.replace(item, failed)
                continue
            if written:
                ctx.extra_writes["link cycles" if item.page.key in self.placeholders
                                 else "links to pages not created"] += 1
            if written and item.outcome is not None and item.outcome.action == OutcomeAction.UNCHANGED:
                report.replace(item, report.outcome(item, OutcomeAction.UPDATED, note="links to new pages"))

    def _body_step(self, item: Work) -> Step:
        """The body step of a page written already in this run, decided on its document as prepared now."""
        saved = self.ctx.state.pages[item.page.key]
        as_listed = RemotePage(saved.id, saved.title, saved.parent, saved.version)
        return decide(item.page.key, item.version, saved, as_listed, remote_known=True,
                      parent_id=saved.parent, title=saved.title)

    def _checked_remote(self, item: Work) -> Action | None:
        """The remote side of a page the second pass is about to write: ``UNCHANGED`` when Productive holds
        our last write (this run wrote the page, or its version did not move), ``UPDATE`` when its changes
        were merged into the file (a whole write follows), None when they conflict (reported, not written)."""
        saved, outcome = self.ctx.state.pages[item.page.key], item.outcome
        if outcome is not None and outcome.action in BODY_SENT:
            return Action.UNCHANGED
        listed = self.ctx.remote.get(saved.id)
        if listed is None or listed.version == saved.version or self.conflicts.remote_unchanged(item):
            return Action.UNCHANGED
        merged = self.merge_remote(item)
        if merged:
            return Action.UPDATE
        if merged is None:
            self.conflicts.write_remote_copy(item)
        item.step.action = Action.CONFLICT
        self.reporter.replace(item, self.reporter.outcome(item, OutcomeAction.CONFLICT))
        return None

    def _remember(self, work: dict[str, Work]) -> None:
        """Fingerprint every page that is now fully in step, so the next run need not parse it. A page with
        problems (a missing image, a broken link) is not: each push and ``status`` lists them until fixed."""
        unsettled = (OutcomeAction.FAILED, OutcomeAction.CONFLICT, OutcomeAction.SKIPPED)
        for item in work.values():
            saved = self.ctx.state.pages.get(item.page.key)
            outcome = item.outcome.action if item.outcome else OutcomeAction.FAILED
            if saved is not None and item.problems:
                saved.fingerprint = None
                continue
            if (saved is None or item.version is None or item.page.fingerprint is None or item.waiting
                    or outcome in unsettled or saved.hash != item.version.hash
                    or saved.title != item.page.title):
                continue
            remember(saved, item.page, item.targets)

    def _write_ids(self, work: dict[str, Work]) -> None:
        """``--write-ids``: put each page's id into its Markdown file's front matter (if not there yet)."""
        for item in work.values():
            page, saved = item.page, self.ctx.state.pages.get(item.page.key)
            if (saved is None or page.source is None or page.error or page.page_id == saved.id
                    or not page.source.lower().endswith((".md", ".markdown"))):
                continue
            path = self.ctx.folder / page.source
            write_atomic(path, set_page_id(path.read_text(encoding="utf-8-sig"), saved.id))
            saved.fingerprint = None

    def _prune(self, orphans: list[Step]) -> None:
        ctx, report = self.ctx, self.reporter
        deletable = self._deletable(orphans) if ctx.options.prune is Prune.DELETE else {}
        deleted: set[str] = set()
        for step in orphans:
            saved = ctx.state.pages[step.key]
            if step.action is Action.UNCHANGED:
                del ctx.state.pages[step.key]
                continue
            if step.key not in deletable:
                report.report(report.orphan_outcome(step, OutcomeAction.ORPHAN))
                continue
            if saved.parent in deleted:
                step.notes = ["file removed; deleted with its parent page"]
            else:
                ctx.client.delete(saved.id)
                step.notes = ["file removed"]
            deleted.add(saved.id)
            report.report(report.orphan_outcome(step, Action.DELETE.done))
            with ctx.lock:
                del ctx.state.pages[step.key]
                ctx.state.save()

    def _deletable(self, orphans: list[Step]) -> dict[str, str]:
        """Orphans ``--prune delete`` may delete: created by us, no foreign pages below, a healthy tree."""
        ctx = self.ctx
        if ctx.tree.failed:
            ctx.result.notes.append("prune: nothing deleted because some files failed")
            return {}
        if len(ctx.tree.pages) <= 1:
            ctx.result.notes.append("prune: nothing deleted because the folder has no pages")
            return {}
        ours = ctx.state.by_id()
        children: dict[str | None, list[str]] = {}
        for page in ctx.remote.values():
            children.setdefault(page.parent, []).append(page.id)

        def foreign_below(page_id: str) -> bool:
            return any(child not in ours or foreign_below(child) for child in children.get(page_id, []))

        deletable = {}
        for step in orphans:
            saved = ctx.state.pages[step.key]
            if step.action is not Action.ORPHAN or not saved.created:
                continue
            if foreign_below(saved.id):
                step.notes.append("not deleted: has pages this tool does not own")
                continue
            deletable[step.key] = saved.id
        return deletable


def stored(item: Work) -> Node | None:
    """The page's body as Productive answered our last write of it (the document sent when the answer held
    no body)."""
    if item.answered is not None:
        try:
            return from_json(item.answered)
        except ValueError:
            pass
    return item.sent or item.doc


def agreed(item: Work) -> OutcomeAction:
    """The word of a page's line for its base (``record_pushed``): a page taken over with the file's body
    (``--adopt``) has a body both sides agree on, as if it had been sent."""
    action = item.outcome.action if item.outcome else OutcomeAction.FAILED
    return OutcomeAction.UPDATED if action is OutcomeAction.UNCHANGED and item.answered else action
