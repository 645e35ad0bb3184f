"""A push's conflict handling: is a page still as we last wrote it, and if not, what the user gets.

A page changed in Productive since the last sync is not overwritten: it is merged into the file on the base
of the last sync (``sync.engine.twoway``; same-block edits are marked in the file); without a base its remote
version is written next to the file as ``NAME.remote.md`` to merge; with ``--force`` it is overwritten and
its remote version backed up under ``.productive-docs/backups``. ``--diff`` shows what changed on each side
since the last sync, block by block (``sync.engine.blockdiff``).
"""

from __future__ import annotations

import difflib
import json
import time
from pathlib import Path

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.converter.model import Node, from_json
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.api.client import Page
from productive_docs.sync.api.recovery import normal_hash
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine import links
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.documents import remote_hash
from productive_docs.sync.engine.folder import remote_copy_name
from productive_docs.sync.engine.frontmatter import markdown_file
from productive_docs.sync.engine.push.context import RunContext
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.state import STATE_DIR
from productive_docs.sync.engine.twoway import FileMerge, holds_document, merge_file

from productive_docs import converter

DIFF_LINES = 40


class Conflicts:
    """Conflict checks, remote copies, backups and diffs (see the module docstring)."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    def remote_unchanged(self, item: Work) -> bool:
        """Fetch the page: is its body still what we last wrote? (Also learns the root's title.)"""
        saved = self.ctx.state.pages[item.page.key]
        remote = item.remote_page = self.ctx.client.get_page(saved.id)
        if item.page.key == "" and remote.title == item.page.title:
            item.step.rename = False
        if remote.version_number == saved.version or remote_hash(remote.body) == saved.remote_hash:
            return True
        if item.doc is not None and holds_document(remote.body, item.doc):
            item.step.notes.append("Productive already holds this version (the answer to our write was lost)")
            return True
        if saved.sending is not None and normal_hash(remote.body) == saved.sending:
            item.step.notes.append("Productive holds what an interrupted push sent (its answer was lost)")
            return True
        if remote.version_number == saved.seen and not self._remote_copy(item).exists():
            item.step.notes.append("remote changes merged (its .remote.md is gone)")
            return True
        item.step.notes.append("changed in Productive since the last sync")
        return False

    def merged_file(self, item: Work, *, on_base: bool = True) -> FileMerge | None:
        """The file merged with the remote page on the base of the last sync (``on_base`` False: on no base
        at all), computed without writing anything (None: no base, or not a Markdown file). The executor
        writes it (``Executor.merge_remote``); ``status`` shows whether it would conflict."""
        remote, source = item.remote_page, item.page.source
        if remote is None or source is None or not source.lower().endswith(".md"):
            return None
        if limits.over_limits(remote.body or {}):  # not converted: ``write_remote_copy`` says why
            return None
        current = (self.ctx.folder / source).read_bytes().decode("utf-8", errors="replace")
        bases = BaseStore(self.ctx.state_path.parent) if on_base else None
        return merge_file(current, remote, self._as_local(remote, source), bases)

    def mark_adopted(self, item: Work) -> None:
        """A page taken over with ``--adopt`` whose body differs from the file's: both versions go into the
        file between conflict markers (no base: neither side is taken for the other); a file that cannot
        hold markers gets ``NAME.remote.md``. Nothing is written to Productive."""
        merged = self.merged_file(item, on_base=False)
        if merged is None:
            self.write_remote_copy(item)
            return
        write_atomic(self.ctx.folder / str(item.page.source), merged.text.encode("utf-8"))
        item.step.notes.extend(merged.notes)
        if merged.marked:
            self.hold_theirs(item)

    def hold_theirs(self, item: Work) -> None:
        """Conflict markers were written: keep the remote body they were made from, for ``resolve``."""
        remote = item.remote_page
        assert remote is not None and remote.body is not None
        with self.ctx.lock:  # other pages' workers may hold theirs at the same time
            bases = BaseStore(self.ctx.state_path.parent)
            bases.hold_theirs(remote.id, remote.version_number, from_json(remote.body))
            bases.save()

    def write_remote_copy(self, item: Work) -> None:
        """``NAME.remote.md`` next to the file: the remote version, for the user to merge."""
        target = self._remote_copy(item)
        remote = item.remote_page
        assert remote is not None
        where = target.relative_to(self.ctx.folder)
        if remote.version_number == self.ctx.state.pages[item.page.key].seen and target.exists():
            # written by an earlier push and not merged yet: rewriting it would only wake ``watch`` again
            item.step.notes.append(f"remote version already in {where}; merge it, delete it, push again")
            return
        too_big = limits.over_limits(remote.body or {})
        if too_big:
            item.step.notes.append(f"remote version not written: its body is {too_big}")
            return
        source = self.ctx.file_of(item.page.key)
        write_atomic(target, markdown_file(remote.title, self._as_local(remote, source), Report(source)))
        self.ctx.save(item.page.key, seen=remote.version_number)
        item.step.notes.append(f"remote version written to {where}; merge it, delete it, push again")

    def backup(self, item: Work) -> None:
        remote = item.remote_page
        assert remote is not None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.ctx.state_path.parent / "backups" / f"{remote.id}-{stamp}.json"
        write_atomic(target, json.dumps({"title": remote.title, "body": remote.body}, ensure_ascii=False))
        item.step.notes.append(f"remote version saved to {STATE_DIR}/backups/{target.name} (--force)")

    def diff(self, item: Work) -> list[str]:
        """What changed on each side since the last sync, block by block (``sync.engine.blockdiff``); for a
        file that is not Markdown, Productive's version against it as local Markdown (``DIFF_LINES``)."""
        saved = self.ctx.state.pages[item.page.key]
        remote = item.remote_page or self.ctx.client.get_page(saved.id)
        source = item.page.source or self.ctx.file_of(item.page.key)
        if source.lower().endswith(".md") and not limits.over_limits(remote.body or {}):
            try:
                text = (self.ctx.folder / source).read_bytes().decode("utf-8")
                from productive_docs.sync.engine.blockdiff import page_diff  # here: only ``--diff`` uses it

                bases = BaseStore(self.ctx.state_path.parent)
                body = from_json(remote.body or {"type": "doc"})
                return page_diff(text, body, self._as_local(remote, source), bases.body(saved.id),
                                 bases.source(saved.id))
            except (OSError, UnicodeDecodeError, ProductiveDocsError, ValueError):
                pass  # not readable as blocks: the whole-file diff below
        item.page.load()
        before = converter.write(self._as_local(remote, source), "md").splitlines()
        after = converter.write(item.page.doc or Node("doc"), "md").splitlines()
        lines = list(difflib.unified_diff(before, after, "productive", source, lineterm="", n=1))
        more = [f"... {len(lines) - DIFF_LINES} more lines"] if len(lines) > DIFF_LINES else []
        return lines[:DIFF_LINES] + more

    def _as_local(self, remote: Page, source: str) -> Node:
        """The remote body with links to pages of this doc made relative to ``source``, as in the folder."""
        files = {page_id: self.ctx.file_of(key) for key, page_id in self.ctx.ids.items()}
        doc = from_json(remote.body or {"type": "doc"})
        return links.to_relative(doc, source, files, self.ctx.link_template)

    def _remote_copy(self, item: Work) -> Path:
        return self.ctx.folder / remote_copy_name(self.ctx.file_of(item.page.key))
