"""One local page on its way through a push: planned by the planner, carried out by the executor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from productive_docs.converter.model import Node
from productive_docs.sync.api.client import Page
from productive_docs.sync.engine.folder import LocalPage
from productive_docs.sync.engine.page_assets import PlannedAssets
from productive_docs.sync.engine.plan import LocalVersion, Step
from productive_docs.sync.engine.result import Outcome


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
    #: The body as the server answered this run's last write of it: the base records what Productive holds.
    answered: dict[str, Any] | None = None
    #: Its assets as planned; uploads still to make are made by the executor, only if the write goes ahead.
    assets: PlannedAssets | None = None
    #: After a merge with Productive's changes: the remote node of each block that is Productive's (None:
    #: the file's), for the body sent (``twoway.with_remote_blocks``).
    remote_blocks: list[Node | None] | None = None
    #: The body last sent (the base of the next merge).
    sent: Node | None = None
