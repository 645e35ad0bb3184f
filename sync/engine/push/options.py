"""A push's options as data: built once (by the CLI from its arguments, or by a caller) and passed down.

Values are checked by the enums; the wording of a usage error (``--via must be one of ...``) belongs to the
command line, which offers only valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from productive_docs.sync.assets.references import DEFAULT_MAX_SIZE


class Via(StrEnum):
    """Which endpoints carry bodies: Markdown unless a page needs HTML, always Markdown, always HTML."""

    AUTO = "auto"
    MARKDOWN = "markdown"
    HTML = "html"


class Prune(StrEnum):
    """Pages whose files are gone: report them, or delete those this tool created."""

    REPORT = "report"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class PushOptions:
    """Everything that decides what one push (or ``status``, a dry run) does."""

    #: First push: create the doc in this project, or map the folder onto this existing doc.
    project_id: str | None = None
    doc_id: str | None = None
    force: bool = False
    #: A page of Productive in a new file's place, with its title, that no state entry claims (a state
    #: restored from an older commit) is taken over after a body check instead of being reported.
    adopt: bool = False
    prune: Prune = Prune.REPORT
    via: Via = Via.AUTO
    #: Plan only (``status``, ``--dry-run``): no request that changes anything, no file written.
    dry_run: bool = False
    #: With ``dry_run``: a short diff for changed pages.
    diff: bool = False
    state_path: Path | None = None
    link_template: str | None = None
    jobs: int = 4
    #: The server's identity for the state (default: from the client).
    server: str | None = None
    #: The embedded server: a doc gone from it starts afresh instead of stopping the push.
    fresh_if_doc_missing: bool = False
    max_asset_size: int = DEFAULT_MAX_SIZE
    write_ids: bool = False
    #: The docs site whose navigation and Markdown dialect the folder follows (``sync.engine.sites``).
    site: str = "auto"
    #: False (``watch``): the doc is listed only when the plan creates or drops pages; otherwise only the
    #: pages about to be written are read, one request each, instead of the whole doc.
    list_remote: bool = True
    #: A dry run holding the folder's lock (``status``): a whole listing found in step with the state is
    #: kept as the listing mark, as a push keeps it (``sync.engine.listing_mark``), so that the next run
    #: after a push that wrote lists only what changed. The mark is a cache, not state.
    keep_listing_mark: bool = False

    def __post_init__(self) -> None:
        # Enum members from plain strings (``PushOptions(via="html")``); a bad value is a ValueError.
        object.__setattr__(self, "via", Via(self.via))
        object.__setattr__(self, "prune", Prune(self.prune))
        for name in ("project_id", "doc_id"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(value))
