"""The sync state: ``DIR/.productive-docs/state.json``, what was last synced, page by page.

Small, readable and safe to commit: page ids, titles, hashes and version numbers, never a token. It names
the server it belongs to (API URL + organisation); a state made against another server is set aside with a
note instead of being read as "every page was deleted". Written atomically after every write request, so
a killed push resumes where it stopped without duplicate pages.

Append detection keeps no copy of the last-synced document: the state stores the hash of the last-synced
document and its number of top-level blocks ``n``. A new document is an append when the hash of its first
``n`` blocks equals the stored hash and it has more blocks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import ProductiveDocsError

# ``write_atomic`` lives in the assets layer (downloads write files too); importable from here as before.
from productive_docs.sync.assets.files import write_atomic as write_atomic

STATE_DIR = ".productive-docs"
STATE_FILE = "state.json"
FORMAT = 1


@dataclass(slots=True)
class PageState:
    """What was last synced for one page."""

    id: str
    parent: str | None
    title: str
    #: Hash of the local document last sent (converter version and options included); None: body not sent.
    hash: str | None = None
    #: Top-level blocks of that document, for append detection.
    blocks: int = 0
    #: ``doc_hash`` of the remote body right after our last write (None when the server did not return it).
    remote_hash: str | None = None
    #: Remote ``version_number`` right after our last write.
    version: int | None = None
    #: True when this tool created the page (only those are ever deleted by ``--prune delete``).
    created: bool = False
    #: Attachments uploaded or downloaded for this page, by content hash (``sync.assets.Records``).
    assets: dict[str, dict[str, Any]] | None = None
    #: The remote version last written to ``NAME.remote.md`` in a conflict: once that file is deleted
    #: (merged), a push may overwrite this version.
    seen: int | None = None
    #: Hash of the file as last synced (see ``sync.folder``): unchanged bytes need no parsing.
    fingerprint: str | None = None
    #: Its front matter order, and the pages its links pointed at (key -> id), to trust the fingerprint.
    order: float | None = None
    links: dict[str, str] | None = None


@dataclass(slots=True)
class PendingCreate:
    """A create sent but not yet answered. After a crash, the page found in its place with its title is
    this create's, so it is taken over instead of created twice."""

    title: str
    #: When it was sent (epoch seconds); None in states written before this was recorded.
    at: float | None = None
    #: For a doc: the ids of the project's docs with this title before the create (never taken over).
    existing: list[str] | None = None


@dataclass(slots=True)
class State:
    """The state of one folder."""

    path: Path
    server: str | None = None
    project_id: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, PageState] = field(default_factory=dict)
    #: Creates sent but not yet answered, by page key.
    pending: dict[str, PendingCreate] = field(default_factory=dict)

    @property
    def doc_id(self) -> str | None:
        root = self.pages.get("")
        return root.id if root else None

    def by_id(self) -> dict[str, str]:
        """Page id -> key."""
        return {page.id: key for key, page in self.pages.items()}

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "server": self.server,
            "project_id": self.project_id,
            "options": self.options,
            "pages": {key: _compact(page) for key, page in sorted(self.pages.items())},
        }
        if self.pending:
            data["pending"] = {key: asdict(entry) for key, entry in sorted(self.pending.items())}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


#: Every ``PageState`` field with its default; the required ones (``MISSING``) differ from any value: kept.
_DEFAULTS = {f.name: f.default for f in fields(PageState)}


def _compact(page: PageState) -> dict[str, Any]:
    """A page entry without default values, to keep the file small. Read with ``getattr`` rather than
    ``asdict``, whose deep copies made saving a 1,000-page state (after every write) twice as slow."""
    return {name: value for name, default in _DEFAULTS.items() if (value := getattr(page, name)) != default}


def switch_state(path: Path, recorded: str, server: str) -> tuple[State, str]:
    """The state for ``server`` when the one at ``path`` was made for the server ``recorded``: that one is
    set aside next to it, not lost, and the one kept for ``server`` (if any) takes its place."""
    aside = kept_path(path, recorded)
    kept = kept_path(path, server)
    note = f"the sync state in {path} is for {recorded}; set aside as {aside.name}"
    path.replace(aside)
    if kept.exists():
        kept.replace(path)
        note += f", using the one kept for {server}"
    fresh = load(path)
    fresh.server = server
    return fresh, note


def kept_path(path: Path, server: str | None) -> Path:
    """Where the state of ``path`` for ``server`` waits while the folder is synced with another server."""
    return path.with_name(f"state-{hashlib.sha256(str(server).encode()).hexdigest()[:10]}.json")


def default_path(folder: Path) -> Path:
    return Path(folder) / STATE_DIR / STATE_FILE


def load(path: Path) -> State:
    """The state at ``path``; an empty state when there is none yet."""
    if not path.exists():
        return State(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        wrong = _wrong_shape(data)
        if wrong:
            raise ValueError(wrong)
        pages = {key: PageState(**entry) for key, entry in data.get("pages", {}).items()}
        pending = {key: PendingCreate(entry) if isinstance(entry, str) else PendingCreate(**entry)
                   for key, entry in (data.get("pending") or {}).items()}
    except (OSError, ValueError, TypeError, RecursionError) as exc:
        message = (f"{path}: unreadable sync state ({exc}); restore it from version control, or move it "
                   "away to sync the folder from scratch")
        raise ProductiveDocsError(message) from None
    if data.get("format") != FORMAT:
        raise ProductiveDocsError(f"{path}: sync state format {data.get('format')!r} is not {FORMAT}")
    return State(path, data.get("server"), data.get("project_id"), data.get("options") or {}, pages, pending)


def _wrong_shape(data: Any) -> str | None:
    """What is wrong with the outline of a decoded state file (the entries are checked by the dataclasses):
    a hand edit or a bad merge must give a clear error, not an AttributeError later."""
    if not isinstance(data, dict):
        return f"a JSON object expected, not {type(data).__name__}"
    for key in ("pages", "pending", "options"):
        if key in data and data[key] is not None and not isinstance(data[key], dict):
            return f"{key!r} must be an object, not {type(data[key]).__name__}"
    if "pages" in data and data["pages"] is None:
        return "'pages' must be an object, not null"
    entries = [*(data.get("pages") or {}).values(), *(data.get("pending") or {}).values()]
    if any(not isinstance(entry, dict | str) for entry in entries):
        return "every page entry must be an object"
    for key in ("server", "project_id"):
        if data.get(key) is not None and not isinstance(data[key], str | int):
            return f"{key!r} must be text"
    return None
