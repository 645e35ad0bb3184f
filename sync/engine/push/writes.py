"""A push's writes: pages created parents first, bodies written, links to new pages filled in, orphans pruned.

Mixed into ``sync.push.Push``. Each write is followed by a state save, so a killed run resumes without
duplicates; a create is recorded as pending before it is sent (see ``sync.state.State.pending``).
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any

from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Page
from productive_docs.sync.api.recovery import titled
from productive_docs.sync.engine.documents import appended_part, payload, remote_hash
from productive_docs.sync.engine.folder import LocalPage
from productive_docs.sync.engine.plan import DONE, Action, RemotePage, Step, decide
from productive_docs.sync.engine.push.planning import Work
from productive_docs.sync.engine.state import PageState, PendingCreate

#: Errors after which no other request can succeed either: stop the run (the state is saved).
FATAL = (errors.AuthenticationError, errors.PermissionDenied, errors.NetworkError, errors.RateLimited)
#: Sent on create when the body goes through HTML right after (``markdown`` is required, spec §4.4).
PLACEHOLDER = "…"


class Writes:
    """Executing the planned steps (see the module docstring)."""

    def _execute(self, work: dict[str, Work]) -> None:
        """Level by level (parents exist before children); in a level, each folder's new pages are created in
        order by one worker, while other folders and the other writes run in parallel."""
        levels: dict[int, list[Work]] = {}
        for item in work.values():
            depth = 0 if item.page.key == "" else item.page.key.rstrip("/").count("/") + 1
            levels.setdefault(depth, []).append(item)
        with ThreadPoolExecutor(self.jobs) as pool:
            for depth in sorted(levels):
                groups: dict[str | None, list[Work]] = {}
                batches = []
                for item in levels[depth]:
                    if item.step.action is Action.CREATE:
                        groups.setdefault(item.page.parent, []).append(item)
                    else:
                        batches.append([item])
                futures = [pool.submit(self._run_items, items) for items in [*groups.values(), *batches]]
                try:
                    wait(futures, return_when=FIRST_EXCEPTION)
                    for future in futures:
                        future.result()
                except BaseException:
                    self.stopping.set()
                    raise

    def _run_items(self, items: list[Work]) -> None:
        for item in items:
            if self.stopping.is_set():
                return
            try:
                self._run_item(item)
            except BaseException:
                self.stopping.set()
                raise

    def _run_item(self, item: Work) -> None:
        step, page = item.step, item.page
        if step.action in (Action.FAILED, Action.CONFLICT) or not step.writes:
            self._report_item(item, self._outcome(item, str(step.action)))
            return
        parent_id = self.ids.get(page.parent) if page.parent is not None else None
        if page.parent is not None and parent_id is None:
            self._report_item(item, self._outcome(item, "skipped", note="its parent page does not exist"))
            return
        try:
            done = self._write(item, parent_id)
        except FATAL:
            self._report_item(item, self._outcome(item, "failed", error="stopped: see below"))
            raise
        except errors.ApiError as exc:
            self._report_item(item, self._outcome(item, "failed", error=f"{page.display}: {exc}"))
            return
        self._report_item(item, self._outcome(item, done))

    def _write(self, item: Work, parent_id: str | None) -> str:
        """Carry out one page's step; returns the word for its line."""
        step, page = item.step, item.page
        if step.action is Action.CREATE:
            self._create(item, parent_id)
            return DONE[Action.CREATE]
        saved = self.state.pages[page.key]
        if step.check_remote and not self._remote_unchanged(item):
            merged = None if self.force else self._merge_remote(item)
            if merged is None and not self.force:
                self._write_remote_copy(item)
            if not merged and not self.force:
                step.action = Action.CONFLICT
                return "conflict"
            if self.force:
                self._backup(item)
            step.action = Action.UPDATE
            step.rename = item.page.title != saved.title
        done = []
        if step.move:
            self.client.move(saved.id, parent_id)
            self._save(page.key, parent=parent_id)
            done.append(DONE[Action.MOVE])
        if step.rename:
            self.client.rename(saved.id, page.title)
            self._save(page.key, title=page.title)
            done.append(DONE[Action.RENAME])
        if step.action in (Action.UPDATE, Action.APPEND):
            self._write_body(item, append=step.action is Action.APPEND)
            done.insert(0, DONE[step.action])
        if len(done) > 1:
            step.notes.extend(done[1:])
        return done[0]

    def _create(self, item: Work, parent_id: str | None) -> None:
        page = item.page
        self._full(item)
        assert item.doc is not None and item.version is not None
        body = payload(item.doc, self.via, page.report)
        # A body that links to pages not created yet, or that needs HTML, is written after the create.
        later = bool(item.waiting) or body.html
        markdown = PLACEHOLDER if later else body.text
        self._record_pending(page)
        if page.key == "":
            created = self.client.create_with_markdown(page.title, markdown, project_id=self.state.project_id)
        else:
            created = self.client.create_with_markdown(page.title, markdown, parent_page_id=parent_id,
                                                       root_page_id=self.ids[""])
        with self.lock:
            self.state.pending.pop(page.key, None)
            self.ids[page.key] = created.id
            # a body sent with the create is recorded in the same save
            record = {"version": created.version_number} if later else self._body_record(item, created)
            self.state.pages[page.key] = PageState(created.id, parent_id, page.title, created=True, **record)
            self.state.save()
        if later and not item.waiting:
            self._record_body(item, self.client.replace_body_with_html(created.id, body.text))

    def _record_pending(self, page: LocalPage) -> None:
        """Save the create about to be sent. A doc's also lists the project's docs that have its title
        already: a rerun after a crash never takes one of those over (``Planning._adopt_pending_doc``)."""
        existing = None
        if page.key == "":
            existing = [doc.id for doc in titled(self.client, page.title, self.state.project_id, None)]
        with self.lock:
            self.state.pending[page.key] = PendingCreate(page.title, time.time(), existing)
            self.state.save()

    def _write_body(self, item: Work, *, append: bool) -> None:
        saved = self.state.pages[item.page.key]
        self._full(item)
        assert item.doc is not None
        doc = appended_part(item.doc, saved.blocks) if append else item.doc
        body = payload(doc, self.via, item.page.report)
        if append:
            send = self.client.append_html if body.html else self.client.append_markdown
        else:
            send = self.client.replace_body_with_html if body.html else self.client.replace_body_with_markdown
        self._record_body(item, send(saved.id, body.text))

    def _record_body(self, item: Work, page: Page) -> None:
        self._save(item.page.key, **self._body_record(item, page))

    def _body_record(self, item: Work, page: Page) -> dict[str, Any]:
        """The state fields a body write changes: what was sent, and the page as the server returned it."""
        assert item.version is not None
        return {"hash": item.version.hash, "blocks": item.version.blocks,
                "remote_hash": remote_hash(page.body), "version": page.version_number}

    def _save(self, key: str, **changes: Any) -> None:
        with self.lock:
            saved = self.state.pages[key]
            for name, value in changes.items():
                setattr(saved, name, value)
            self.state.save()
    def _second_pass(self, work: dict[str, Work]) -> None:
        """Pages written while a page they link to had no id yet are written again with the full links."""
        pending = [item for item in work.values() if item.page.key in self.state.pages
                   and item.step.action not in (Action.CONFLICT, Action.FAILED)
                   and self._manages_body(item.page)
                   and (any(key in self.ids for key in item.waiting)
                        or self.state.pages[item.page.key].hash is None)]
        for item in pending:
            self._prepare(item)
            saved = self.state.pages[item.page.key]
            if item.version is None or item.version.hash == saved.hash:
                continue
            as_listed = RemotePage(saved.id, saved.title, saved.parent, saved.version)
            step = decide(item.page.key, item.version, saved, as_listed, remote_known=True,
                          parent_id=saved.parent, title=saved.title)
            try:
                self._write_body(item, append=step.action is Action.APPEND)
            except FATAL:
                raise
            except errors.ApiError as exc:
                failed = self._outcome(item, "failed", error=f"{item.page.display}: {exc}")
                self._replace_outcome(item, failed)
                continue
            if item.outcome is not None and item.outcome.action == "unchanged":
                self._replace_outcome(item, self._outcome(item, "updated", note="links to new pages"))

    def _prune(self, orphans: list[Step]) -> None:
        deletable = self._deletable(orphans) if self.prune == "delete" else {}
        deleted: set[str] = set()
        for step in orphans:
            saved = self.state.pages[step.key]
            if step.action is Action.UNCHANGED:
                del self.state.pages[step.key]
                continue
            if step.key not in deletable:
                self._report(self._orphan_outcome(step, "orphan"))
                continue
            if saved.parent in deleted:
                step.notes = ["file removed; deleted with its parent page"]
            else:
                self.client.delete(saved.id)
                step.notes = ["file removed"]
            deleted.add(saved.id)
            self._report(self._orphan_outcome(step, DONE[Action.DELETE]))
            with self.lock:
                del self.state.pages[step.key]
                self.state.save()

    def _deletable(self, orphans: list[Step]) -> dict[str, str]:
        """Orphans ``--prune delete`` may delete: created by us, no foreign pages below, a healthy tree."""
        if self.tree.failed:
            self.result.notes.append("prune: nothing deleted because some files failed")
            return {}
        if len(self.tree.pages) <= 1:
            self.result.notes.append("prune: nothing deleted because the folder has no pages")
            return {}
        ours = self.state.by_id()
        children: dict[str | None, list[str]] = {}
        for page in self.remote.values():
            children.setdefault(page.parent, []).append(page.id)

        def foreign_below(page_id: str) -> bool:
            return any(child not in ours or foreign_below(child) for child in children.get(page_id, []))

        deletable = {}
        for step in orphans:
            saved = self.state.pages[step.key]
            if step.action is not Action.ORPHAN or not saved.created:
                continue
            if foreign_below(saved.id):
                step.notes.append("not deleted: has pages this tool does not own")
                continue
            deletable[step.key] = saved.id
        return deletable

