"""A push's conflict handling: is a page still as we last wrote it, and if not, what the user gets.

Mixed into ``sync.push.Push``. A page changed in Productive since the last sync is not overwritten: its
remote version is written next to the file as ``NAME.remote.md`` to merge; with ``--force`` it is
overwritten and its remote version backed up under ``.productive-docs/backups``. ``--diff`` shows the
difference as local Markdown.
"""

from __future__ import annotations

import difflib
import json
import time
from pathlib import Path

from productive_docs.converter.model import Node, from_json
from productive_docs.converter.report import Report
from productive_docs.sync.engine import links
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.documents import fingerprint_salt, remote_hash
from productive_docs.sync.engine.folder import fingerprint, remote_copy_name
from productive_docs.sync.engine.frontmatter import markdown_file
from productive_docs.sync.engine.push.planning import Work
from productive_docs.sync.engine.state import STATE_DIR, write_atomic
from productive_docs.sync.engine.twoway import FileMerge, holds_document, merge_file

from productive_docs import converter

DIFF_LINES = 40


class Conflicts:
    """Conflict checks, remote copies, backups and diffs (see the module docstring)."""

    def _remote_unchanged(self, item: Work) -> bool:
        """Fetch the page: is its body still what we last wrote? (Also learns the root's title.)"""
        saved = self.state.pages[item.page.key]
        remote = item.remote_page = self.client.get_page(saved.id)
        if item.page.key == "" and remote.title == item.page.title:
            item.step.rename = False
        if remote.version_number == saved.version or remote_hash(remote.body) == saved.remote_hash:
            return True
        if item.doc is not None and holds_document(remote.body, item.doc):
            item.step.notes.append("Productive already holds this version (the answer to our write was lost)")
            return True
        if remote.version_number == saved.seen and not self._remote_copy(item).exists():
            item.step.notes.append("remote changes merged (its .remote.md is gone)")
            return True
        item.step.notes.append("changed in Productive since the last sync")
        return False

    def _merged_file(self, item: Work) -> FileMerge | None:
        """The file merged with the remote page on the base (None: no base, or not a Markdown file)."""
        remote, source = item.remote_page, item.page.source
        if remote is None or source is None or not source.lower().endswith(".md"):
            return None
        files = {page_id: self._file_of(key) for key, page_id in self.ids.items()}
        shown = links.to_relative(from_json(remote.body or {"type": "doc"}), source, files,
                                  self.state.options["link_template"])
        current = (self.folder / source).read_bytes().decode("utf-8", errors="replace")
        return merge_file(current, remote, shown, BaseStore(self.state_path.parent))

    def _merge_remote(self, item: Work) -> bool | None:
        """Productive changed the page too: merge it into the file on the base of the last sync. True: merged
        cleanly, the file now holds both sides and is what gets pushed; False: conflict markers written into
        the file; None: no base to merge on (the caller falls back to ``NAME.remote.md``)."""
        merged = self._merged_file(item)
        if merged is None:
            return None
        remote, path = item.remote_page, self.folder / str(item.page.source)
        assert remote is not None
        item.step.notes.extend(merged.notes)
        write_atomic(path, merged.text.encode("utf-8"))
        if merged.conflicts:
            self._save(item.page.key, seen=remote.version_number)
            return False
        data = path.read_bytes()
        item.page.fingerprint = fingerprint(fingerprint_salt(self.options).encode(), data)
        item.page.unparsed = path
        item.page.load()
        item.doc = None
        self._prepare(item)
        self._save(item.page.key, version=remote.version_number, remote_hash=remote_hash(remote.body),
                   title=remote.title)
        item.step.notes.append("merged with the changes made in Productive")
        return True

    def _write_remote_copy(self, item: Work) -> None:
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

    def _remote_copy(self, item: Work) -> Path:
        source = self._file_of(item.page.key)
        return self.folder / remote_copy_name(source)

    def _file_of(self, key: str) -> str:
        page = self.tree.pages.get(key)
        if page and page.source:
            return page.source
        return f"{key}index.md" if key.endswith("/") or key == "" else key

    def _backup(self, item: Work) -> None:
        remote = item.remote_page
        assert remote is not None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.state_path.parent / "backups" / f"{remote.id}-{stamp}.json"
        write_atomic(target, json.dumps({"title": remote.title, "body": remote.body}, ensure_ascii=False))
        item.step.notes.append(f"remote version saved to {STATE_DIR}/backups/{target.name} (--force)")
    def _diff(self, item: Work) -> list[str]:
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

