"""Planning a push: each file's document prepared (links resolved, hashed), matched to its page, decided.

Mixed into ``sync.push.Push``, whose run state (``state``, ``tree``, ``ids``, ``remote`` ...) it reads and
fills. A page is matched to a file by the state, by a ``productive_page_id`` in front matter, by the file it
was moved from, or, for a create whose answer was lost, by its place and title (``_adopt_found_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from productive_docs.converter.model import Node
from productive_docs.sync.api.client import Page
from productive_docs.sync.api.recovery import created_since
from productive_docs.sync.assets.upload import with_assets
from productive_docs.sync.engine.documents import prepare, remember
from productive_docs.sync.engine.folder import PAGE_ID_KEY, LocalPage
from productive_docs.sync.engine.frontmatter import set_page_id
from productive_docs.sync.engine.plan import Action, LocalVersion, RemotePage, Step, decide
from productive_docs.sync.engine.result import Outcome
from productive_docs.sync.engine.state import PageState, write_atomic


@dataclass(slots=True)
class Work:
    """One local page on its way: its step, its prepared document and its outcome."""

    page: LocalPage
    step: Step
    doc: Node | None = None
    version: LocalVersion | None = None
    waiting: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    #: The page as fetched for a conflict check.
    remote_page: Page | None = None


class Planning:
    """Preparing, matching and deciding (see the module docstring)."""

    def _prepare(self, item: Work) -> None:
        """Resolve links with the ids known now and hash the result. A file unchanged since the last sync
        whose link targets kept their ids keeps its last-synced hash without being parsed."""
        saved = self.state.pages.get(item.page.key)
        unchanged_file = item.page.unparsed is not None and saved is not None and saved.hash is not None
        if unchanged_file and saved is not None and not saved.assets and all(
                self.ids.get(key) == page_id for key, page_id in (saved.links or {}).items()):
            item.version = LocalVersion(saved.hash, saved.blocks, lambda n: self._full(item).prefix_hash(n))
            item.targets = dict(saved.links or {})
            return
        item.page.load()
        prepared = prepare(item.page, self.tree.pages, self.ids, template=self.state.options["link_template"],
                           org_id=self.client.org_id, options=self.options)
        if prepared is not None:
            prepared = with_assets(prepared, item.page, self.folder, saved, self.client, options=self.options,
                                   dry_run=self.dry_run, max_size=self.max_asset_size)
            item.doc, item.version, item.waiting = prepared.doc, prepared.version, prepared.waiting
            item.problems, item.targets = prepared.problems, prepared.targets

    def _full(self, item: Work) -> LocalVersion:
        """The page's document itself (parsed now if its fingerprint spared it so far)."""
        if item.doc is None:
            item.page.load()
            self._prepare(item)
        assert item.version is not None
        return item.version

    def _remember(self, work: dict[str, Work]) -> None:
        """Fingerprint every page that is now fully in step, so the next run need not parse it."""
        for item in work.values():
            saved = self.state.pages.get(item.page.key)
            outcome = item.outcome.action if item.outcome else "failed"
            if (saved is None or item.version is None or item.page.fingerprint is None or item.waiting
                    or outcome in ("failed", "conflict", "skipped") or saved.hash != item.version.hash
                    or saved.title != item.page.title):
                continue
            remember(saved, item.page, item.targets)

    def _write_ids(self, work: dict[str, Work]) -> None:
        """``--write-ids``: put each page's id into its Markdown file's front matter (if not there yet)."""
        for item in work.values():
            page, saved = item.page, self.state.pages.get(item.page.key)
            if (saved is None or page.source is None or page.error or page.page_id == saved.id
                    or not page.source.lower().endswith((".md", ".markdown"))):
                continue
            path = self.folder / page.source
            write_atomic(path, set_page_id(path.read_text(encoding="utf-8-sig"), saved.id))
            saved.fingerprint = None

    def _follow_moved_files(self, work: dict[str, Work]) -> None:
        """A file moved to another folder keeps its page: a new key with the document of a vanished one."""
        vanished = {saved.hash: key for key, saved in self.state.pages.items()
                    if key not in work and saved.hash and key}
        for key, item in work.items():
            if key in self.state.pages or item.version is None or item.version.hash not in vanished:
                continue
            old = vanished.pop(item.version.hash)
            self.state.pages[key] = self.state.pages.pop(old)
            self.ids[key] = self.ids.pop(old)
            item.step.notes.append(f"was {old}")

    def _adopt_found_pages(self, work: dict[str, Work]) -> None:
        """A remote page with a new page's parent and title, claimed by no state entry, is taken over rather
        than duplicated when it is the page of a create whose answer was lost (``State.pending``), or on the
        first push onto an existing doc (``--doc``). Pages made by people are otherwise left alone."""
        claimed = set(self.ids.values())
        #: New pages whose place and title a page no state entry claims already has (see ``_decide``).
        self.clashes: dict[str, RemotePage] = {}
        free: dict[tuple[str | None, str], RemotePage] = {}
        for page in sorted(self.remote.values(), key=lambda p: (len(p.id), p.id), reverse=True):
            if page.id not in claimed:
                free[(page.parent, page.title)] = page
        for key, item in work.items():
            parent_id = self.ids.get(item.page.parent) if item.page.parent is not None else None
            named = self.remote.get(item.page.page_id or "")
            if key not in self.state.pages and named is not None and named.id not in claimed:
                self.state.pages[key] = PageState(named.id, named.parent, named.title, version=named.version)
                self.ids[key] = named.id
                claimed.add(named.id)
                item.step.notes.append(f"{PAGE_ID_KEY} in front matter: page taken over")
                continue
            pending = self.state.pending.get(key)
            ours = pending is not None and pending.title == item.page.title
            if key in self.state.pages or parent_id is None:
                continue
            if not (ours or self.mapping):
                if (parent_id, item.page.title) in free:
                    self.clashes[key] = free[(parent_id, item.page.title)]
                continue
            found = free.pop((parent_id, item.page.title), None)
            if found is None:
                continue
            self.state.pages[key] = PageState(found.id, parent_id, found.title, version=found.version,
                                              created=ours)
            self.ids[key] = found.id
            claimed.add(found.id)
            item.step.notes.append("found in Productive, taken over")
            self.state.pending.pop(key, None)

    def _adopt_pending_doc(self) -> None:
        """The doc of a first push that died before learning its id is found again and taken over: the
        oldest doc of the project with the pending title created since the create was sent, and not one
        of the docs with that title that existed just before it. A doc made by people before is never
        taken over (a create recorded by an older version, without that list, is not recovered)."""
        pending = self.state.pending.get("")
        if self.state.doc_id or pending is None or pending.at is None or pending.existing is None:
            return
        found = created_since(self.client, pending.title, self.state.project_id, None, pending.at,
                              exclude=set(pending.existing) | set(self.state.by_id()))
        if not found:
            return
        doc = self.client.get_page(found[0].id)
        self.state.pages[""] = PageState(doc.id, None, doc.title, version=doc.version_number, created=True)
        self.state.pending.pop("", None)
        self.result.notes.append(f"doc {doc.id} ({doc.title}), created by an interrupted push, taken over")

    def _decide(self, item: Work) -> Step:
        page, key = item.page, item.page.key
        if page.error:
            return Step(key, Action.FAILED)
        if key in self.clashes and key not in self.state.pages:
            clash = self.clashes[key]
            return Step(key, Action.CONFLICT, notes=[
                f"Productive already has {clash.title!r} here (page {clash.id}) and the sync state does not "
                "know it (an older state?); not created twice: pull, or move that page away"])
        saved = self.state.pages.get(key)
        manage_body = self._manages_body(page)
        remote = self.remote.get(saved.id) if saved else None
        parent_id = self.ids.get(page.parent) if page.parent is not None else None
        # A doc mapped with --doc keeps its own title and body unless the folder has an index file.
        title = page.title if manage_body or saved is None else saved.title
        step = decide(key, item.version, saved, remote, remote_known=self.remote_known and key != "",
                      parent_id=parent_id, title=title, manage_body=manage_body, force=self.force)
        step.notes[:0] = item.step.notes
        return step

    def _manages_body(self, page: LocalPage) -> bool:
        """False only for a doc mapped with ``--doc`` whose folder has no index file."""
        saved = self.state.pages.get(page.key)
        return not (page.key == "" and page.source is None and saved is not None and not saved.created)

    def _plan_only(self, work: dict[str, Work], orphans: list[Step]) -> None:
        for item in work.values():
            if item.step.check_remote and not self._remote_unchanged(item):
                preview = self._merged_file(item)  # a push would merge: an update, unless that conflicts
                clean = preview is not None and not preview.conflicts
                item.step.action = Action.UPDATE if clean else Action.CONFLICT
                if clean:
                    item.step.notes.append("would merge with the changes made in Productive")
            outcome = self._outcome(item, str(item.step.action))
            if self.diff and item.step.action in (Action.UPDATE, Action.APPEND, Action.CONFLICT):
                outcome.diff = self._diff(item)
            self._report(outcome)
        for step in orphans:
            self._report(self._orphan_outcome(step, str(step.action)))

