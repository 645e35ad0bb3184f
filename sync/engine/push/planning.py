"""Planning a push: each file's document prepared (links resolved, assets planned, hashed), matched to its
page, decided, without a request that changes anything (``status`` and ``--dry-run`` are this plan shown).

A page is matched to a file by the state, by a ``productive_page_id`` in front matter, by the file it was
moved from, or, for a create whose answer was lost, by its place, title, age and body
(``adopt_found_pages``).
"""

from __future__ import annotations

from functools import cache

from productive_docs.sync.api.recovery import (
    CLOCK_SKEW,
    created_since,
    markdown_hash,
    normal_hash,
    sent_hash,
    timestamp,
)
from productive_docs.sync.engine.documents import prepare, remote_hash
from productive_docs.sync.engine.folder import PAGE_ID_KEY, LocalPage
from productive_docs.sync.engine.page_assets import plan_page_assets, planned_version
from productive_docs.sync.engine.plan import Action, LocalVersion, RemotePage, Step, decide, orphan
from productive_docs.sync.engine.push.context import RunContext
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.state import PageState, PendingCreate

#: Sent on create when the body goes through HTML right after (``markdown`` is required, spec §4.4).
PLACEHOLDER = "…"


@cache
def placeholder_hash() -> str:
    """The normal form of a page created with ``PLACEHOLDER`` (its body follows in a second write)."""
    return markdown_hash(PLACEHOLDER)


class Planner:
    """Preparing, matching and deciding (see the module docstring); reads only."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        #: New pages whose place and title a page no state entry claims already has (see ``decide``): a
        #: state restored from an older commit must not create them twice.
        self.clashes: dict[str, RemotePage] = {}
        #: Pages taken over with ``--adopt`` whose remote body differs from the file's (a conflict).
        self.unmerged: set[str] = set()

    def adopt_pending_doc(self) -> None:
        """The doc of a first push that died before learning its id is found again and taken over: the
        oldest doc of the project with the pending title created since the create was sent, not one of the
        docs with that title that existed just before it, and holding what the create sent (the index
        file's body, or the placeholder of a body sent next). A doc made by people is never taken over (a
        create recorded by an older version, without that list, is not recovered)."""
        ctx = self.ctx
        state, client = ctx.state, ctx.client
        pending = state.pending.get("")
        if state.doc_id or pending is None or pending.at is None or pending.existing is None:
            return
        found = created_since(client, pending.title, state.project_id, None, pending.at,
                              exclude=set(pending.existing) | set(state.by_id()))
        root = ctx.tree.pages.get("")
        sent = {placeholder_hash(), self.sent(Work(root, Step("", Action.CREATE))) if root else None}
        for candidate in found:
            doc = client.get_page(candidate.id)
            body = normal_hash(doc.body)
            if body is not None and body in sent:
                state.pages[""] = PageState(doc.id, None, doc.title, version=doc.version_number,
                                            created=True)
                state.pending.pop("", None)
                ctx.result.notes.append(f"doc {doc.id} ({doc.title}), created by an interrupted push, "
                                        "taken over")
                return

    def plan(self) -> tuple[dict[str, Work], list[Step]]:
        """Every page's step, and the steps of pages whose files are gone."""
        ctx = self.ctx
        work = {key: Work(page, Step(key, Action.UNCHANGED)) for key, page in ctx.tree.pages.items()}
        for item in work.values():
            self.prepare(item)
        known = dict(ctx.ids)
        self.follow_moved_files(work)
        self.adopt_found_pages(work)
        changed = {key for key in known.keys() | ctx.ids.keys() if known.get(key) != ctx.ids.get(key)}
        for item in work.values():
            if changed and self.depends_on(item, changed):
                self.prepare(item)
            item.step = self.decide(item)
        orphans = [orphan(key, saved, ctx.remote.get(saved.id), remote_known=ctx.remote_known and key != "")
                   for key, saved in sorted(ctx.state.pages.items()) if key not in ctx.tree.pages]
        return work, orphans

    def prepare(self, item: Work) -> None:
        """Resolve links with the ids known now, plan the assets and hash the result, without a request that
        changes anything. A file unchanged since the last sync whose link targets kept their ids keeps its
        last-synced hash without being parsed."""
        ctx = self.ctx
        saved = ctx.state.pages.get(item.page.key)
        unchanged_file = item.page.unparsed is not None and saved is not None and saved.hash is not None
        if unchanged_file and saved is not None and saved.hash is not None and all(
                ctx.ids.get(key) == page_id for key, page_id in (saved.links or {}).items()) and (
                not saved.assets  # else the files its assets were read from unchanged too (``stamps``)
                or (ctx.stamps is not None and ctx.stamps.assets_unchanged(item.page.key, ctx.folder))):
            item.version = LocalVersion(saved.hash, saved.blocks, lambda n: self.full(item).prefix_hash(n))
            item.targets = dict(saved.links or {})
            return
        item.page.load()
        prepared = prepare(item.page, ctx.tree.pages, ctx.ids, template=ctx.link_template,
                           org_id=ctx.client.org_id, options=ctx.options_key)
        if prepared is not None:
            prepared, item.assets = plan_page_assets(prepared, item.page, ctx.folder, saved,
                                                     options=ctx.options_key,
                                                     max_size=ctx.options.max_asset_size)
            item.doc, item.version, item.waiting = prepared.doc, prepared.version, prepared.waiting
            item.problems, item.targets = prepared.problems, prepared.targets
            if item.assets is not None and item.assets.plan.uploads and saved is not None:
                item.version = planned_version(item.assets, ctx.options_key)
            if ctx.stamps is not None and item.assets is not None:
                plan = item.assets.plan
                settled = not (plan.uploads or plan.report.pending or plan.report.problems)
                ctx.stamps.note_assets(item.page.key, ctx.folder, plan.files if settled else None)

    @staticmethod
    def depends_on(item: Work, changed: set[str]) -> bool:
        """Whether ``item``'s prepared document may change with the ids of the ``changed`` keys: its own
        (a page taken over gets a state entry, which its assets are planned against), the doc's (every link
        names it) or those of the pages it links to."""
        linked = item.targets.keys() | item.waiting
        return item.page.key in changed or "" in changed or bool(changed & linked)

    def full(self, item: Work) -> LocalVersion:
        """The page's document itself (parsed now if its fingerprint spared it so far)."""
        if item.doc is None:
            item.page.load()
            self.prepare(item)
        assert item.version is not None
        return item.version

    def follow_moved_files(self, work: dict[str, Work]) -> None:
        """A file moved to another folder keeps its page: a new key with the document of a vanished one."""
        state, ids = self.ctx.state, self.ctx.ids
        vanished = {saved.hash: key for key, saved in state.pages.items()
                    if key not in work and saved.hash and key}
        for key, item in work.items():
            if key in state.pages or item.version is None or item.version.hash not in vanished:
                continue
            old = vanished.pop(item.version.hash)
            state.pages[key] = state.pages.pop(old)
            ids[key] = ids.pop(old)
            item.step.notes.append(f"was {old}")

    def adopt_found_pages(self, work: dict[str, Work]) -> None:
        """A remote page with a new page's parent and title, claimed by no state entry, is taken over rather
        than duplicated when it is the page of a create whose answer was lost (``State.pending``), or on the
        first push onto an existing doc (``--doc``). Pages made by people are otherwise left alone."""
        ctx = self.ctx
        state, ids = ctx.state, ctx.ids
        claimed = set(ids.values())
        self.clashes.clear()
        free: dict[tuple[str | None, str], RemotePage] = {}
        for page in sorted(ctx.remote.values(), key=lambda p: (len(p.id), p.id), reverse=True):
            if page.id not in claimed:
                free[(page.parent, page.title)] = page
        for key, item in work.items():
            parent_id = ids.get(item.page.parent) if item.page.parent is not None else None
            named = ctx.remote.get(item.page.page_id or "")
            if key not in state.pages and named is not None and named.id not in claimed:
                state.pages[key] = PageState(named.id, named.parent, named.title, version=named.version)
                ids[key] = named.id
                claimed.add(named.id)
                item.step.notes.append(f"{PAGE_ID_KEY} in front matter: page taken over")
                continue
            pending = state.pending.get(key)
            ours = pending is not None and pending.title == item.page.title
            if key in state.pages or parent_id is None:
                continue
            place = (parent_id, item.page.title)
            if not (ours or ctx.mapping):
                if place in free and ctx.options.adopt:
                    taken = free.pop(place)
                    self.adopt(item, taken, parent_id)
                    claimed.add(taken.id)
                elif place in free:
                    self.clashes[key] = free[place]
                continue
            found = self.pending_page(item, pending, claimed) if ours else free.get(place)
            if found is None:
                continue
            free.pop(place, None)
            state.pages[key] = PageState(found.id, parent_id, found.title, version=found.version,
                                         created=ours)
            ids[key] = found.id
            claimed.add(found.id)
            item.step.notes.append("found in Productive, taken over")
            state.pending.pop(key, None)

    def adopt(self, item: Work, found: RemotePage, parent_id: str) -> None:
        """``--adopt``: the page found in the file's place becomes the file's. Productive holding the file's
        body already, it is in step; else both sides have changed with no base between them: a conflict
        (``Conflicts.mark_adopted``), never an overwrite."""
        ctx = self.ctx
        remote = item.remote_page = ctx.client.get_page(found.id)
        saved = PageState(found.id, parent_id, remote.title, version=remote.version_number,
                          remote_hash=remote_hash(remote.body))
        body = normal_hash(remote.body)
        if body is not None and body == self.sent(item) and item.version is not None:
            saved.hash, saved.blocks = item.version.hash, item.version.blocks
            item.answered = remote.body
            item.step.notes.append(f"page {found.id} found in Productive with this body: taken over "
                                   "(--adopt)")
        else:
            self.unmerged.add(item.page.key)
        ctx.state.pages[item.page.key] = saved
        ctx.ids[item.page.key] = found.id

    def pending_page(self, item: Work, pending: PendingCreate | None, claimed: set[str]) -> RemotePage | None:
        """The page a create of a killed run made (``pending``): claimed by no entry, with the file's parent
        and title, made after the create was sent, and holding what a create sends (the file's body, or
        the placeholder of a body sent next); a colleague's page of that title is never taken for it."""
        assert pending is not None
        ctx = self.ctx
        parent_id = ctx.ids.get(item.page.parent) if item.page.parent is not None else None
        listed = sorted((page for page in ctx.remote.values() if page.id not in claimed
                         and page.parent == parent_id and page.title == item.page.title),
                        key=lambda page: (len(page.id), page.id))
        for page in reversed(listed):
            found = ctx.client.get_page(page.id)
            made = timestamp(found.raw.get("created_at"))
            if pending.at is not None and made < pending.at - CLOCK_SKEW:
                continue
            body = normal_hash(found.body)
            if body is not None and body in (placeholder_hash(), self.sent(item)):
                return page
        return None

    def sent(self, item: Work) -> str | None:
        """The normal form of the file's body as a create sends it (None: the file cannot be read)."""
        if item.doc is None:
            item.page.load()
            self.prepare(item)
        return None if item.doc is None else sent_hash(item.doc)

    def decide(self, item: Work) -> Step:
        ctx = self.ctx
        page, key = item.page, item.page.key
        if page.error:
            return Step(key, Action.FAILED)
        if key in self.unmerged:
            return Step(key, Action.CONFLICT, notes=[
                f"page {ctx.ids[key]} found in Productive with another body: taken over (--adopt); both "
                "versions are in the file between conflict markers (keep what you want, then push)"])
        if key in self.clashes and key not in ctx.state.pages:
            clash = self.clashes[key]
            return Step(key, Action.CONFLICT, notes=[
                f"Productive already has {clash.title!r} here (page {clash.id}) and the sync state does not "
                "know it (an older state?); not created twice: pull, or move that page away"])
        saved = ctx.state.pages.get(key)
        manage_body = self.manages_body(page)
        remote = ctx.remote.get(saved.id) if saved else None
        parent_id = ctx.ids.get(page.parent) if page.parent is not None else None
        # A doc mapped with --doc keeps its own title and body unless the folder has an index file.
        title = page.title if manage_body or saved is None else saved.title
        if saved is not None and remote is not None:
            # both sides agree (a rename or move whose answer was lost): that is the new base, or a later
            # change on one side would look like a change on both
            if parent_id is not None and parent_id == remote.parent != saved.parent:
                saved.parent = parent_id
            if title == remote.title != saved.title:
                saved.title = title
        step = decide(key, item.version, saved, remote, remote_known=ctx.remote_known and key != "",
                      parent_id=parent_id, title=title, manage_body=manage_body, force=ctx.options.force)
        step.notes[:0] = item.step.notes
        return step

    def manages_body(self, page: LocalPage) -> bool:
        """False only for a doc mapped with ``--doc`` whose folder has no index file."""
        saved = self.ctx.state.pages.get(page.key)
        return not (page.key == "" and page.source is None and saved is not None and not saved.created)
