"""What one push run knows, in one place: passed explicitly to the planner, the executor and the conflict
handler (which used to be mixins reading attributes set by the run)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.folder import LocalTree
from productive_docs.sync.engine.plan import RemotePage
from productive_docs.sync.engine.push.options import PushOptions
from productive_docs.sync.engine.result import SyncResult
from productive_docs.sync.engine.stamps import Stamps
from productive_docs.sync.engine.state import State


@dataclass(slots=True)
class RunContext:
    """One run's inputs (folder, client, options) and what it learns (state, tree, ids, listing)."""

    folder: Path
    client: Client
    options: PushOptions
    state: State
    state_path: Path
    result: SyncResult
    #: The folder as scanned.
    tree: LocalTree
    #: ``sync.engine.documents.options_key`` of the options that change what is sent.
    options_key: str
    #: Page key -> page id, for every page that has one now (grows as pages are created).
    ids: dict[str, str] = field(default_factory=dict)
    #: The doc's tree as listed (no bodies), by page id.
    remote: dict[str, RemotePage] = field(default_factory=dict)
    #: The listing covers the doc (a page missing from it was deleted remotely).
    remote_known: bool = False
    #: First push onto an existing doc (``--doc``): its pages are matched to files by title.
    mapping: bool = False
    #: Writes beyond one per page, by reason (link cycles, HTML bodies ...), for the run's summary.
    extra_writes: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Parent id -> the last sibling place given out (``push.reorder.next_place``), filled on first use.
    last_places: dict[str | None, float] | None = None
    #: Set when a worker failed fatally: the others stop before their next page.
    stopping: threading.Event = field(default_factory=threading.Event)
    #: The stamps of the folder's files on this machine (``sync.engine.stamps``), None: not kept.
    stamps: Stamps | None = None

    @property
    def link_template(self) -> str:
        return str(self.state.options["link_template"])

    def file_of(self, key: str) -> str:
        """The file a page key comes from (its index file for a folder)."""
        page = self.tree.pages.get(key)
        if page and page.source:
            return page.source
        return f"{key}index.md" if key.endswith("/") or key == "" else key

    def save(self, key: str, **changes: Any) -> None:
        """Change a page's state entry and save the state (after every write: a killed run resumes)."""
        with self.lock:
            saved = self.state.pages[key]
            for name, value in changes.items():
                setattr(saved, name, value)
            self.state.save()
