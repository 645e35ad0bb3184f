"""``pull``: a Productive doc to a folder of Markdown files, ready for an immediate zero-write ``push``.

Each page becomes a file written with the converter's lossless local Markdown (``write(doc, "md")``) and
its title in front matter; a page with subpages becomes a folder whose ``index.md`` holds its body; the doc
itself is ``DIR/index.md``. File names come from titles, made safe (``sync.assets.naming.page_stem``).
Links to pages of the doc become relative links. Bodies come from the tree listing (one request per 200
pages) plus one request for the doc itself. After writing, the folder is scanned exactly as ``push`` scans
it and the state records each page, so the next push sees nothing to do.

An existing file is only overwritten when it is unchanged since the last sync; otherwise the remote version
goes next to it as ``NAME.remote.md`` (a conflict, exit code 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from productive_docs.converter.errors import UsageError
from productive_docs.converter.model import Node, from_json
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.api.client import Client, Page
from productive_docs.sync.assets.download import fetch_assets
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.naming import page_stem
from productive_docs.sync.engine import links
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.documents import options_key, prepare, remote_hash
from productive_docs.sync.engine.folder import Held, LocalPage, LocalTree, remote_copy_name, scan
from productive_docs.sync.engine.frontmatter import markdown_file
from productive_docs.sync.engine.identity import open_state, server_identity
from productive_docs.sync.engine.lock import FolderLock
from productive_docs.sync.engine.moves import move_files, moved_path
from productive_docs.sync.engine.page_assets import plan_page_assets
from productive_docs.sync.engine.plan import MOVED_IN_PRODUCTIVE
from productive_docs.sync.engine.result import Outcome, OutcomeAction, SyncResult
from productive_docs.sync.engine.state import PageState, default_path
from productive_docs.sync.engine.twoway import FileMerge, merge_file

#: The name of pulled files' stems (kept for callers of ``pull.safe_name``).
safe_name = page_stem


@dataclass(frozen=True, slots=True)
class Written:
    """A file as this pull left it: its text and, when it reads back to it, the document it was made of."""

    text: str
    #: None when the file would not read back to it (see ``Pull._hold``).
    doc: Node | None = None
    #: The title its front matter gives (stripped, as the scan reads it).
    title: str = ""


@dataclass(frozen=True, slots=True)
class PullOptions:
    """What decides where a pull keeps its state and how it writes links (built once by the CLI)."""

    state_path: Path | None = None
    link_template: str | None = None
    #: The server's identity for the state (default: from the client).
    server: str | None = None


class Pull:
    """One pull run of one doc into one folder."""

    def __init__(self, client: Client, doc_id: str, folder: Path, options: PullOptions, *,
                 on_outcome: Callable[[Outcome], None] | None = None, shown_under: str = "") -> None:
        self.client, self.doc_id, self.folder = client, str(doc_id), Path(folder)
        #: Put before file names in outcomes and notes: the doc's folder when a project is pulled.
        self.shown_under = shown_under
        self.state_path = Path(options.state_path) if options.state_path else default_path(self.folder)
        self.link_template = options.link_template
        self.server = options.server or server_identity(client)
        self.on_outcome = on_outcome
        self.result = SyncResult(doc_id=self.doc_id)
        #: Pages whose file was left alone because the page did not change since the last sync.
        self.kept: set[str] = set()
        #: Page key -> asset records of the attachments downloaded for it (``sync.downloads``).
        self.assets: dict[str, dict[str, Attachment]] = {}
        #: Pages whose file was merged and now holds local changes the next push sends.
        self.to_push: set[str] = set()
        #: Pages not written: moved in Productive while their files moved here too (a conflict).
        self.unmoved: set[str] = set()
        #: Page key -> what its file holds now, as this pull wrote it (or found it already written), and the
        #: document it was written from: ``_record`` takes those instead of reading and parsing the file.
        self.held: dict[str, Written] = {}
        #: Page id -> its remote body as a document (for the merge base, ``_record_base``).
        self.bodies: dict[str, Node] = {}

    def run(self) -> SyncResult:
        """One pull, holding the folder's lock (``sync.engine.lock``) throughout."""
        with FolderLock(self.state_path.parent, "pull", shown=self.folder) as folder_lock:
            if folder_lock.took_over:
                self.result.notes.append(f"lock of {folder_lock.took_over} (no longer running) taken over")
            with self.result.counting(self.client.stats):
                self._run()
        return self.result

    def _run(self) -> None:
        self.state, note = open_state(self.state_path, self.client, self.server)
        if note:
            self.result.notes.append(note)
        if self.state.doc_id not in (None, self.doc_id):
            raise UsageError(f"{self.folder} is synced with doc {self.state.doc_id}, not {self.doc_id}")
        template = self.state.options["link_template"] = (
            self.link_template or self.state.options.get("link_template") or links.DEFAULT_TEMPLATE)
        root = self.client.get_page(self.doc_id)
        if root.parent_page_id is not None:
            raise UsageError(f"page {self.doc_id} is a subpage; pull its doc ({root.root_page_id})")
        pages = [root, *self.client.list_pages(filters={"root_page_id": self.doc_id})]
        before = dict(scan(self.folder).pages) if self.folder.exists() else {}
        self.bases = BaseStore(self.state_path.parent)
        files = self._place(pages, before)
        if self._follow_moves(pages, files, before):
            before = dict(scan(self.folder).pages)
        paths = {page_id: path for page_id, (_, path) in files.items()}
        written: dict[str, tuple[Page, str]] = {}
        for page in pages:
            key, path = files[page.id]
            written[key] = (page, path)
            if key in self.unmoved:
                continue
            refused = self._refused(page, path)
            if refused:
                self._report(Outcome(key, self.shown_under + path, OutcomeAction.FAILED, page.id, page.title,
                                     error=f"{self.shown_under}{path}: {refused}; not written"))
                continue
            if self._folder_without_file(key, path, page, before):
                self.kept.add(key)
                self._report(Outcome(key, self.shown_under + key, OutcomeAction.UNCHANGED, page.id,
                                     page.title))
                continue
            body = self.bodies[page.id] = from_json(page.body or {"type": "doc"})
            doc = self._fetch_assets(links.to_relative(body, path, paths, template), key, path, page)
            merged = self._merge(key, path, page, doc)
            report = Report(path)
            text = markdown_file(page.title, doc, report)
            # a file whose writing lowered nothing reads back to ``doc`` (the local Markdown is lossless)
            self._write(key, path, page, text, before, merged, None if report else doc)
        self._record(written)

    def _follow_moves(self, pages: list[Page], files: dict[str, tuple[str, str]],
                      before: dict[str, LocalPage]) -> bool:
        """Pages moved in Productive: their files move to the new places (``sync.engine.moves``) and their
        state entries with them. A file that is not where the state has it (moved or removed here too) is
        a conflict: nothing moved, nothing written for that page. True when a file moved."""
        known = self.state.by_id()
        moves: dict[str, str] = {}
        rekeyed: dict[str, str] = {}
        for page in pages:
            key, path = files[page.id]
            old = known.get(page.id)
            if old is None or old == key:
                continue
            local, saved = before.get(old), self.state.pages[old]
            here = self.state.pages.get(_parent_folder(old))  # the page of the folder the file is in now
            moved_here = here is not None and here.id not in (saved.parent, page.parent_page_id)
            inside = self.folder.resolve()
            if (local is None or moved_here or (self.folder / path).exists()
                    or (self.folder / key.rstrip("/")).exists()
                    or not (self.folder / path).parent.resolve().is_relative_to(inside)):
                self.unmoved.add(key)
                note = (f"{MOVED_IN_PRODUCTIVE} to {key}, and its file is not at {old} any more or that "
                        "place is taken (moved here too?); nothing moved")
                self._report(Outcome(key, self.shown_under + path, OutcomeAction.CONFLICT, page.id,
                                     page.title, notes=[note]))
                continue
            moves[old if old.endswith("/") else str(local.source)] = key if key.endswith("/") else path
            rekeyed[old] = key
            self.result.notes.append(f"{self.shown_under}{old} moved to {key} ({MOVED_IN_PRODUCTIVE})")
        if not moves:
            return False
        move_files(self.folder, moves)
        entries = {key: self.state.pages.pop(key) for key in list(self.state.pages)
                   if moved_path(key, rekeyed) != key}
        for key, saved in entries.items():
            self.state.pages[moved_path(key, rekeyed)] = saved
        parents = {page.id: page.parent_page_id for page in pages}
        for saved in entries.values():
            parent = parents.get(saved.id, saved.parent)
            if parent != saved.parent:  # its place among the old siblings says nothing about the new ones
                saved.parent, saved.place = parent, None
            saved.fingerprint = None
        return True

    def _refused(self, page: Page, path: str) -> str | None:
        """Why a page is not written: a body too deep or too big to convert (``sync.limits``), or a file
        whose folder is a symbolic link out of the synced folder (nothing is ever written outside it)."""
        too_big = limits.over_limits(page.body or {})
        if too_big:
            return f"remote body {too_big}"
        if not (self.folder / path).parent.resolve().is_relative_to(self.folder.resolve()):
            return "behind a symbolic link that leads out of the folder"
        return None

    def _place(self, pages: list[Page], before: dict[str, LocalPage]) -> dict[str, tuple[str, str]]:
        """Page id -> (key, file path): a known page keeps its file (a folder its index file, whatever its
        name); new ones get safe names."""
        known = self.state.by_id()
        children: dict[str | None, list[Page]] = {}
        for page in pages[1:]:
            children.setdefault(page.parent_page_id, []).append(page)
        def file_of(key: str, default: str) -> str:
            local = before.get(key)
            return local.source if local is not None and local.source else default

        places: dict[str, tuple[str, str]] = {pages[0].id: ("", file_of("", "index.md"))}
        taken: dict[str, set[str]] = {}

        def place(parent: Page, folder: str) -> None:
            names = taken.setdefault(folder, {"index", "readme"})
            ordered = sorted(children.get(parent.id, []), key=lambda p: (p.id not in known, int_id(p)))
            for page in ordered:
                is_folder = bool(children.get(page.id))
                old = known.get(page.id)
                name = old.rstrip("/").rsplit("/", 1)[-1] if old else ""
                stem = (name if is_folder else Path(name).stem).lower()
                if old and old.endswith("/") == is_folder and (_parent_folder(old) == folder
                                                               or stem not in names):
                    key = f"{folder}{name}/" if is_folder else f"{folder}{name}"  # moved: its name kept
                    names.add(stem)
                else:
                    stem = page_stem(page.title, names)
                    key = f"{folder}{stem}/" if is_folder else f"{folder}{stem}.md"
                places[page.id] = (key, file_of(key, f"{key}index.md" if is_folder else key))
                if is_folder:
                    place(page, key)

        place(pages[0], "")
        return places

    def _folder_without_file(self, key: str, path: str, page: Page, before: dict[str, LocalPage]) -> bool:
        """A synced folder page that has no index file and whose body is still what push made of it (the
        list of its pages) gets no file: a repository that never had an ``index.md`` gets none from a pull."""
        local, saved = before.get(key), self.state.pages.get(key)
        return (local is not None and local.source is None and saved is not None and saved.id == page.id
                and not (self.folder / path).exists()
                and (saved.version == page.version_number or saved.remote_hash == remote_hash(page.body)))

    def _merge(self, key: str, path: str, page: Page, doc: Node) -> FileMerge | None:
        """The page merged into its existing file on the base of the last sync (None: no such merge)."""
        target = self.folder / path
        saved = self.state.pages.get(key)
        if saved is None or saved.id != page.id or not target.is_file() or target.suffix.lower() != ".md":
            return None
        try:
            current = target.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return merge_file(current, page, doc, self.bases)

    def _write(self, key: str, path: str, page: Page, text: str, before: dict[str, LocalPage],
               merged: FileMerge | None = None, doc: Node | None = None) -> None:
        """Write ``text``, the file made of ``doc`` (None: it does not read back to one we hold), unless
        the file changed on its side; a merge writes the merged text instead."""
        target = self.folder / path
        saved = self.state.pages.get(key)
        outcome = Outcome(key, self.shown_under + path, OutcomeAction.CREATED, page.id, page.title)
        remote_moved = (saved is None or saved.id != page.id or saved.version != page.version_number
                        or saved.title != page.title)
        if target.exists() and not remote_moved:
            outcome.action = OutcomeAction.UNCHANGED
            self.kept.add(key)
        elif merged is not None:
            self._write_merged(key, target, merged, outcome)
            if merged.marked and page.body is not None:
                self.bases.hold_theirs(page.id, page.version_number, from_json(page.body))
            return
        elif target.exists() and target.suffix.lower() not in (".md", ".markdown"):
            remote = target.with_name(remote_copy_name(target.name))
            write_atomic(remote, text)
            outcome.action = OutcomeAction.SKIPPED
            outcome.notes.append(f"not a Markdown file, not rewritten; remote version in {remote.name}")
        elif target.exists():
            if target.read_text(encoding="utf-8", errors="replace") == text:
                outcome.action = OutcomeAction.UNCHANGED
                self._hold(key, text, doc, page)
            elif saved is None or before.get(key) is None or not self._unchanged_locally(key, before):
                remote = target.with_name(remote_copy_name(target.name))
                write_atomic(remote, text)
                outcome.action = OutcomeAction.CONFLICT
                outcome.notes.append(f"changed locally; remote version written to {remote.name}")
            else:
                outcome.action = OutcomeAction.UPDATED
        if outcome.action in (OutcomeAction.CREATED, OutcomeAction.UPDATED):
            write_atomic(target, text)
            self._hold(key, text, doc, page)
        self._report(outcome)

    def _hold(self, key: str, text: str, doc: Node | None, page: Page) -> None:
        """Keep what the file of ``key`` now holds for ``_record``. Without a title the scan would take one
        from the file's name: that file is read again."""
        title = page.title.strip()
        self.held[key] = Written(text, doc if title else None, title)

    def _write_merged(self, key: str, target: Path, merged: FileMerge, outcome: Outcome) -> None:
        """A three-way merge's file: only what changed is rewritten; conflicts are marked in it."""
        outcome.notes.extend(merged.notes)
        if merged.text != target.read_bytes().decode("utf-8"):
            write_atomic(target, merged.text.encode("utf-8"))
            outcome.action = OutcomeAction.UPDATED
        else:
            outcome.action = OutcomeAction.UNCHANGED
        self.held[key] = Written(merged.text)
        if merged.conflicts:
            outcome.action = OutcomeAction.CONFLICT
        elif merged.push_needed:
            self.to_push.add(key)
            outcome.notes.append("merged with local edits (push to send them)")
        self._report(outcome)

    def _unchanged_locally(self, key: str, before: dict[str, LocalPage]) -> bool:
        saved = self.state.pages[key]
        prepared = prepare(before[key], before, {k: p.id for k, p in self.state.pages.items()},
                           template=self.state.options["link_template"], org_id=self.client.org_id,
                           options=self._options())
        if prepared is not None:
            prepared = plan_page_assets(prepared, before[key], self.folder, saved, options=self._options())[0]
        return prepared is not None and prepared.version.hash == saved.hash

    def _fetch_assets(self, doc: Node, key: str, path: str, page: Page) -> Node:
        """Download the page's attachments into ``assets/`` beside its file; refusals become notes."""
        old = self.state.pages.get(key)
        records = self.assets[key] = dict(old.assets or {}) if old and old.id == page.id else {}
        doc, report = fetch_assets(doc, self.folder / path, self.client, records=records, page_id=page.id,
                                   page=self.shown_under + path)
        self.result.notes.extend(str(problem) for problem in report.problems)
        return doc

    def _options(self) -> str:
        return options_key({"via": "auto", "links": self.state.options["link_template"]})

    def _record(self, written: dict[str, tuple[Page, str]]) -> None:
        """The state as a push right now would leave it: hashes of the files as push reads them."""
        unsettled = (OutcomeAction.CONFLICT, OutcomeAction.SKIPPED)
        conflicts = {o.key for o in self.result.outcomes if o.action in unsettled}
        failed = {o.key for o in self.result.outcomes if o.action == OutcomeAction.FAILED}
        tree = self._scan(written)
        ids = {key: page.id for key, (page, _) in written.items()}
        for key, (page, path) in written.items():
            old = self.state.pages.get(key)
            if key in failed or key in self.unmoved:
                continue
            if key in conflicts and old is not None:
                old.seen = page.version_number
                continue
            local = tree.pages.get(key)
            if key in self.kept and old is not None:
                if page.id in self.bases.records or local is None:
                    continue
                prepared = prepare(local, tree.pages, ids, template=self.state.options["link_template"],
                                   org_id=self.client.org_id, options=self._options())
                if prepared and prepared.version.hash == old.hash:
                    self._record_base(key, page, path)  # in step on both sides: a base for the next merge
                continue
            prepared = prepare(local, tree.pages, ids, template=self.state.options["link_template"],
                               org_id=self.client.org_id, options=self._options()) if local else None
            saved = self.state.pages[key] = PageState(
                page.id, page.parent_page_id, page.title,
                hash=prepared.version.hash if prepared else None,
                blocks=prepared.version.blocks if prepared else 0,
                remote_hash=remote_hash(page.body), version=page.version_number,
                created=bool(old and old.created), assets=self.assets.get(key) or None,
                place=old.place if old and old.parent == page.parent_page_id else None)
            if prepared is not None and local is not None and saved.assets:
                prepared = plan_page_assets(prepared, local, self.folder, saved, options=self._options())[0]
                saved.hash, saved.blocks = prepared.version.hash, prepared.version.blocks
            if key in self.to_push:
                saved.hash = None  # the merged file holds local edits: the next push sends them
            else:
                self._record_base(key, page, path)
        pulled = {page.id for page, _ in written.values()}
        for key in [k for k, saved in self.state.pages.items() if saved.id not in pulled]:
            del self.state.pages[key]
        for page_id in set(self.bases.records) - pulled:
            self.bases.forget(page_id)
        self.bases.save()
        self.state.compact()

    def _scan(self, written: dict[str, tuple[Page, str]]) -> LocalTree:
        """The folder as push reads it; the files this pull wrote from a document it holds are not parsed
        again (``folder.Held``)."""
        held = {path: Held(file.text, file.doc, file.title) for key, (_, path) in written.items()
                if (file := self.held.get(key)) is not None and file.doc is not None}
        return scan(self.folder, held=held)

    def _record_base(self, key: str, page: Page, path: str) -> None:
        """What both sides now agree on: the remote page and the file as it is after this pull."""
        try:
            held = self.held.get(key)
            source = held.text if held is not None else (self.folder / path).read_bytes().decode("utf-8")
            body = self.bodies.get(page.id) or from_json(page.body or {"type": "doc"})
        except (OSError, UnicodeDecodeError, ValueError):
            self.bases.forget(page.id)
            return
        self.bases.record(page.id, version=page.version_number, title=page.title, parent=page.parent_page_id,
                          position=None, body=body, source=source)

    def _report(self, outcome: Outcome) -> None:
        self.result.outcomes.append(outcome)
        if self.on_outcome:
            self.on_outcome(outcome)


def int_id(page: Page) -> int:
    return int(page.id) if page.id.isdigit() else 0


def _parent_folder(key: str) -> str:
    parent = key.rstrip("/").rpartition("/")[0]
    return f"{parent}/" if parent else ""


def pull_doc(client: Client, doc_id: str, folder: Path, options: PullOptions | None = None, *,
             on_outcome: Callable[[Outcome], None] | None = None, shown_under: str = "") -> SyncResult:
    """Pull doc ``doc_id`` into ``folder`` (see the module docstring)."""
    return Pull(client, doc_id, folder, options or PullOptions(), on_outcome=on_outcome,
                shown_under=shown_under).run()


def project_docs(client: Client, project_id: str) -> list[Page]:
    """The docs (root pages) of a project."""
    pages = client.list_pages(filters={"project_id": project_id}, fields=["title", "parent_page_id"])
    return [page for page in pages if page.parent_page_id is None]


def pull_project(client: Client, project_id: str, folder: Path, options: PullOptions | None = None, *,
                 on_outcome: Callable[[Outcome], None] | None = None) -> Iterable[SyncResult]:
    """Each doc of a project into ``folder`` (one doc) or into a subfolder per doc (whose name then leads
    the file names in outcomes)."""
    docs = project_docs(client, project_id)
    if not docs:
        raise UsageError(f"project {project_id} has no docs")
    if len(docs) == 1:
        yield pull_doc(client, docs[0].id, folder, options, on_outcome=on_outcome)
        return
    names: set[str] = set()
    for doc in sorted(docs, key=int_id):
        name = page_stem(doc.title, names)
        yield pull_doc(client, doc.id, Path(folder) / name, options, on_outcome=on_outcome,
                       shown_under=f"{name}/")
