"""``push``: make a Productive doc mirror a docs folder with the fewest writes, never losing an edit.

One run: scan the folder, load the state, list the doc's tree once (one request per 200 pages, no bodies),
plan every page (``sync.plan``), then write. Pages are created parents first and siblings in their order
(the API has no reorder call, so a page added later lands after its siblings). Each write is followed by a
state save, so a killed run resumes without duplicates; a page created in a run whose response was lost is
found again by parent and title. Links to pages created later in the same run are filled in by a second
pass once every page has an id.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import converter
from converter.errors import ProductiveDocsError, UsageError
from converter.model import Node, from_json
from converter.report import Report
from sync import errors, links
from sync.assets import DEFAULT_MAX_SIZE
from sync.client import Client, Page
from sync.documents import (
    VIAS,
    appended_part,
    fingerprint_salt,
    options_key,
    payload,
    prepare,
    remember,
    remembered,
    remote_hash,
)
from sync.folder import PAGE_ID_KEY, LocalPage, LocalTree, scan
from sync.frontmatter import markdown_file, set_page_id
from sync.plan import DONE, Action, LocalVersion, RemotePage, Step, decide, orphan
from sync.result import Outcome, SyncResult
from sync.state import STATE_DIR, PageState, State, default_path, load, write_atomic
from sync.uploads import with_assets

LIST_FIELDS = ["title", "parent_page_id", "root_page_id", "version_number"]
#: Errors after which no other request can succeed either: stop the run (the state is saved).
FATAL = (errors.AuthenticationError, errors.PermissionDenied, errors.NetworkError, errors.RateLimited)
#: Sent on create when the body goes through HTML right after (``markdown`` is required, spec §4.4).
PLACEHOLDER = "…"
DIFF_LINES = 40


class ConflictError(ProductiveDocsError):
    """The doc itself is gone or belongs elsewhere; nothing was written (exit code 3)."""

    exit_code = 3


def server_identity(client: Client) -> str:
    """Which server a state belongs to: API URL and organisation (never the token)."""
    return f"{client.base_url}#org={client.org_id}"


def switch_state(path: Path, server: str) -> tuple[State, str | None]:
    """The state for ``server``. A state kept for another server is set aside next to it, not lost."""
    state = load(path)
    if state.server in (None, server):
        state.server = server
        return state, None
    aside = path.with_name(f"state-{_short(state.server)}.json")
    kept = path.with_name(f"state-{_short(server)}.json")
    note = f"the sync state in {path} is for {state.server}; set aside as {aside.name}"
    path.replace(aside)
    if kept.exists():
        kept.replace(path)
        note += f", using the one kept for {server}"
    fresh = load(path)
    fresh.server = server
    return fresh, note


def _short(text: str | None) -> str:
    return hashlib.sha256(str(text).encode()).hexdigest()[:10]


@dataclass(slots=True)
class _Work:
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


class Push:
    """One push run (also the planner behind ``status`` and ``--dry-run``)."""

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
        reads, writes = self.client.stats.reads, self.client.stats.writes
        try:
            self._run()
        finally:
            self.result.requests = {"reads": self.client.stats.reads - reads,
                                    "writes": self.client.stats.writes - writes}
            self._flush_lines()
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
        self.options = options_key({"via": self.via, "links": self.state.options["link_template"]})
        tree = self.tree = scan(self.folder, remembered(self.state.pages), fingerprint_salt(self.options))
        self.unprinted = list(tree.pages)
        if self.on_start:
            self.on_start(len(tree.pages) + len(tree.skipped))
        self._list_remote()
        self.ids = {key: page.id for key, page in self.state.pages.items()}
        work = {key: _Work(page, Step(key, Action.UNCHANGED)) for key, page in tree.pages.items()}
        for item in work.values():
            self._prepare(item)
        known = dict(self.ids)
        self._follow_moved_files(work)
        self._adopt_found_pages(work)
        for item in work.values():
            if self.ids != known:
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
        self.result.doc_id = self.state.doc_id
        for source, reason in sorted(tree.skipped.items()):
            self._report(Outcome(source, source, "skipped", notes=[reason]))
        order = {key: index for index, key in enumerate(tree.pages)}
        self.result.outcomes.sort(key=lambda outcome: order.get(outcome.key, len(order)))

    def _load_state(self) -> None:
        server = self.server
        if self.dry_run:
            self.state = load(self.state_path)
            if self.state.server not in (None, server):
                self.result.notes.append(f"the sync state is for {self.state.server}; planning a first push")
                self.state = State(self.state_path)
        else:
            self.state, note = switch_state(self.state_path, server)
            if note:
                self.result.notes.append(note)
        self.state.server = server
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

    # --- planning ------------------------------------------------------------------------------------------

    def _prepare(self, item: _Work) -> None:
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

    def _full(self, item: _Work) -> LocalVersion:
        """The page's document itself (parsed now if its fingerprint spared it so far)."""
        if item.doc is None:
            item.page.load()
            self._prepare(item)
        assert item.version is not None
        return item.version

    def _remember(self, work: dict[str, _Work]) -> None:
        """Fingerprint every page that is now fully in step, so the next run need not parse it."""
        for item in work.values():
            saved = self.state.pages.get(item.page.key)
            outcome = item.outcome.action if item.outcome else "failed"
            if (saved is None or item.version is None or item.page.fingerprint is None or item.waiting
                    or outcome in ("failed", "conflict", "skipped") or saved.hash != item.version.hash
                    or saved.title != item.page.title):
                continue
            remember(saved, item.page, item.targets)

    def _write_ids(self, work: dict[str, _Work]) -> None:
        """``--write-ids``: put each page's id into its Markdown file's front matter (if not there yet)."""
        for item in work.values():
            page, saved = item.page, self.state.pages.get(item.page.key)
            if (saved is None or page.source is None or page.error or page.page_id == saved.id
                    or not page.source.lower().endswith((".md", ".markdown"))):
                continue
            path = self.folder / page.source
            write_atomic(path, set_page_id(path.read_text(encoding="utf-8-sig"), saved.id))
            saved.fingerprint = None

    def _follow_moved_files(self, work: dict[str, _Work]) -> None:
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

    def _adopt_found_pages(self, work: dict[str, _Work]) -> None:
        """A remote page with a new page's parent and title, claimed by no state entry, is taken over rather
        than duplicated when it is the page of a create whose answer was lost (``State.pending``), or on the
        first push onto an existing doc (``--doc``). Pages made by people are otherwise left alone."""
        claimed = set(self.ids.values())
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
            ours = self.state.pending.get(key) == item.page.title
            if key in self.state.pages or parent_id is None or not (ours or self.mapping):
                continue
            found = free.pop((parent_id, item.page.title), None)
            if found is None:
                continue
            self.state.pages[key] = PageState(found.id, parent_id, found.title, version=found.version,
                                              created=ours)
            self.ids[key] = found.id
            claimed.add(found.id)
            item.step.notes.append("found in Productive, taken over")

    def _decide(self, item: _Work) -> Step:
        page, key = item.page, item.page.key
        if page.error:
            return Step(key, Action.FAILED)
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

    def _plan_only(self, work: dict[str, _Work], orphans: list[Step]) -> None:
        for item in work.values():
            if item.step.check_remote and not self._remote_unchanged(item):
                item.step.action = Action.CONFLICT
            outcome = self._outcome(item, str(item.step.action))
            if self.diff and item.step.action in (Action.UPDATE, Action.APPEND, Action.CONFLICT):
                outcome.diff = self._diff(item)
            self._report(outcome)
        for step in orphans:
            self._report(self._orphan_outcome(step, str(step.action)))

    def _diff(self, item: _Work) -> list[str]:
        """Productive's version against the local file, both as local Markdown (at most ``DIFF_LINES``)."""
        saved = self.state.pages[item.page.key]
        remote = item.remote_page or self.client.get_page(saved.id)
        item.page.load()
        source = item.page.source or self._file_of(item.page.key)
        files = {page_id: self._file_of(key) for key, page_id in self.ids.items()}
        remote_doc = links.to_relative(from_json(remote.body or {"type": "doc"}), source, files,
                                       self.state.options["link_template"])
        before = converter.write(remote_doc, "md").splitlines()
        after = converter.write(item.page.doc or Node("doc"), "md").splitlines()
        lines = list(difflib.unified_diff(before, after, "productive", source, lineterm="", n=1))
        more = [f"... {len(lines) - DIFF_LINES} more lines"] if len(lines) > DIFF_LINES else []
        return lines[:DIFF_LINES] + more

    # --- execution -----------------------------------------------------------------------------------------

    def _execute(self, work: dict[str, _Work]) -> None:
        """Level by level (parents exist before children); in a level, each folder's new pages are created in
        order by one worker, while other folders and the other writes run in parallel."""
        levels: dict[int, list[_Work]] = {}
        for item in work.values():
            depth = 0 if item.page.key == "" else item.page.key.rstrip("/").count("/") + 1
            levels.setdefault(depth, []).append(item)
        with ThreadPoolExecutor(self.jobs) as pool:
            for depth in sorted(levels):
                groups: dict[str | None, list[_Work]] = {}
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

    def _run_items(self, items: list[_Work]) -> None:
        for item in items:
            if self.stopping.is_set():
                return
            try:
                self._run_item(item)
            except BaseException:
                self.stopping.set()
                raise

    def _run_item(self, item: _Work) -> None:
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

    def _report_item(self, item: _Work, outcome: Outcome) -> None:
        item.outcome = outcome
        self._report(outcome)

    def _write(self, item: _Work, parent_id: str | None) -> str:
        """Carry out one page's step; returns the word for its line."""
        step, page = item.step, item.page
        if step.action is Action.CREATE:
            self._create(item, parent_id)
            return DONE[Action.CREATE]
        saved = self.state.pages[page.key]
        if step.check_remote and not self._remote_unchanged(item):
            if not self.force:
                self._write_remote_copy(item)
                step.action = Action.CONFLICT
                return "conflict"
            self._backup(item)
            step.action = Action.UPDATE
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

    def _create(self, item: _Work, parent_id: str | None) -> None:
        page = item.page
        self._full(item)
        assert item.doc is not None and item.version is not None
        body = payload(item.doc, self.via, page.report)
        # A body that links to pages not created yet, or that needs HTML, is written after the create.
        later = bool(item.waiting) or body.html
        markdown = PLACEHOLDER if later else body.text
        with self.lock:
            self.state.pending[page.key] = page.title
            self.state.save()
        if page.key == "":
            created = self.client.create_with_markdown(page.title, markdown, project_id=self.state.project_id)
        else:
            created = self.client.create_with_markdown(page.title, markdown, parent_page_id=parent_id,
                                                       root_page_id=self.ids[""])
        with self.lock:
            self.state.pending.pop(page.key, None)
            self.ids[page.key] = created.id
            self.state.pages[page.key] = PageState(created.id, parent_id, page.title, created=True,
                                                   version=created.version_number)
            self.state.save()
        if not later:
            self._record_body(item, created)
        elif not item.waiting:
            self._record_body(item, self.client.replace_body_with_html(created.id, body.text))

    def _write_body(self, item: _Work, *, append: bool) -> None:
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

    def _record_body(self, item: _Work, page: Page) -> None:
        assert item.version is not None
        self._save(item.page.key, hash=item.version.hash, blocks=item.version.blocks,
                   remote_hash=remote_hash(page.body), version=page.version_number)

    def _save(self, key: str, **changes: Any) -> None:
        with self.lock:
            saved = self.state.pages[key]
            for name, value in changes.items():
                setattr(saved, name, value)
            self.state.save()

    # --- conflicts -----------------------------------------------------------------------------------------

    def _remote_unchanged(self, item: _Work) -> bool:
        """Fetch the page: is its body still what we last wrote? (Also learns the root's title.)"""
        saved = self.state.pages[item.page.key]
        remote = item.remote_page = self.client.get_page(saved.id)
        if item.page.key == "" and remote.title == item.page.title:
            item.step.rename = False
        if remote.version_number == saved.version or remote_hash(remote.body) == saved.remote_hash:
            return True
        if remote.version_number == saved.seen and not self._remote_copy(item).exists():
            item.step.notes.append("remote changes merged (its .remote.md is gone)")
            return True
        item.step.notes.append("changed in Productive since the last sync")
        return False

    def _write_remote_copy(self, item: _Work) -> None:
        """``NAME.remote.md`` next to the file: the remote version, for the user to merge."""
        source = self._file_of(item.page.key)
        target = self._remote_copy(item)
        remote = item.remote_page
        assert remote is not None
        files = {page_id: self._file_of(key) for key, page_id in self.ids.items()}
        doc = links.to_relative(from_json(remote.body or {"type": "doc"}), source, files,
                                self.state.options["link_template"])
        write_atomic(target, markdown_file(remote.title, doc, Report(source)))
        self._save(item.page.key, seen=remote.version_number)
        where = target.relative_to(self.folder)
        item.step.notes.append(f"remote version written to {where}; merge it, delete it, push again")

    def _remote_copy(self, item: _Work) -> Path:
        source = self._file_of(item.page.key)
        return self.folder / (source.rsplit(".", 1)[0] + ".remote.md")

    def _file_of(self, key: str) -> str:
        page = self.tree.pages.get(key)
        if page and page.source:
            return page.source
        return f"{key}index.md" if key.endswith("/") or key == "" else key

    def _backup(self, item: _Work) -> None:
        remote = item.remote_page
        assert remote is not None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.state_path.parent / "backups" / f"{remote.id}-{stamp}.json"
        write_atomic(target, json.dumps({"title": remote.title, "body": remote.body}, ensure_ascii=False))
        item.step.notes.append(f"remote version saved to {STATE_DIR}/backups/{target.name} (--force)")

    # --- links to pages created in this run, prune ---------------------------------------------------------

    def _second_pass(self, work: dict[str, _Work]) -> None:
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

    def _replace_outcome(self, item: _Work, outcome: Outcome) -> None:
        with self.lock:
            if item.outcome in self.result.outcomes:
                self.result.outcomes.remove(item.outcome)
        item.outcome = outcome
        self._report(outcome)

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
            if saved.parent not in deleted:
                self.client.delete(saved.id)
            deleted.add(saved.id)
            self._report(self._orphan_outcome(step, "deleted"))
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

    # --- outcomes ------------------------------------------------------------------------------------------

    def _outcome(self, item: _Work, action: str, *, note: str | None = None,
                 error: str | None = None) -> Outcome:
        page = item.page
        saved = self.state.pages.get(page.key)
        notes = list(item.step.notes) + ([note] if note else [])
        details = [str(entry) for entry in page.report.entries] + item.problems
        return Outcome(page.key, page.display, action, saved.id if saved else None, page.title, notes,
                       error or page.error, details)

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


__all__ = ["ConflictError", "LocalTree", "Push", "push_folder", "server_identity"]
