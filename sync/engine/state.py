"""The sync state: ``DIR/.productive-docs/state.json``, what was last synced, page by page.

Small, readable and safe to commit: page ids, titles, hashes and version numbers, never a token. It names
the server it belongs to (API URL + organisation); a state made against another server is set aside with a
note instead of being read as "every page was deleted". Written atomically after every write request, so
a killed push resumes where it stopped without duplicate pages.

Append detection keeps no copy of the last-synced document: the state stores the hash of the last-synced
document and its number of top-level blocks ``n``. A new document is an append when the hash of its first
``n`` blocks equals the stored hash and it has more blocks.

Saving costs what changed, not the size of the state: ``State.save`` appends the entries changed since the
last save to a journal beside the file (``sync.engine.journal``); ``State.compact`` writes the whole file
at the end of a run. The state notices changes itself: its tables note the keys set or removed, and a page
entry notes its own attribute assignments. Nested values (``assets``, ``links``) are replaced, never
changed in place, or the change reaches the file only at the next compaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO, cast

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine.journal import append, journal_path, open_journal, replay

STATE_DIR = ".productive-docs"
STATE_FILE = "state.json"
FORMAT = 1
#: The journal is folded into the state file once it is this big and bigger than twice the file: amortised,
#: a save stays O(change) and the journal stays within a few times the state's size.
JOURNAL_MIN_BYTES = 1 << 20


class _Watched:
    """Lets a page entry tell the table holding it that it changed (``_watch``: the table's changed keys
    and the entry's key there)."""

    __slots__ = ("_watch",)
    _watch: tuple[set[str], str] | None


@dataclass(slots=True)
class PageState(_Watched):
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
    assets: dict[str, Attachment] | None = None
    #: The remote version last written to ``NAME.remote.md`` in a conflict: once that file is deleted
    #: (merged), a push may overwrite this version.
    seen: int | None = None
    #: Hash of the file as last synced (see ``sync.folder``): unchanged bytes need no parsing.
    fingerprint: str | None = None
    #: Its front matter order, and the pages its links pointed at (key -> id), to trust the fingerprint.
    order: float | None = None
    links: dict[str, str] | None = None
    #: Its place among its siblings as this tool last left them (smaller first; None: not known). The
    #: API's ``position`` reads back null, so this record is the only sibling order there is
    #: (``sync.api.order_inferred``, ``sync.engine.push.reorder``).
    place: float | None = None
    #: Normal-form hash of a body write sent and not answered yet: if Productive holds it on the next run,
    #: the write landed and its answer was lost (ours, not a colleague's change).
    sending: str | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> PageState:
        entry = object.__new__(cls)
        object.__setattr__(entry, "_watch", None)  # not in a table yet
        return entry

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if self._watch is not None:
            self._watch[0].add(self._watch[1])


@dataclass(slots=True)
class PendingCreate:
    """A create sent but not yet answered. After a crash, the page found in its place with its title is
    this create's, so it is taken over instead of created twice."""

    title: str
    #: When it was sent (epoch seconds); None in states written before this was recorded.
    at: float | None = None
    #: For a doc: the ids of the project's docs with this title before the create (never taken over).
    existing: list[str] | None = None


class Table(dict):
    """A dict that notes the keys set or removed (``changed``), and which its page entries tell of their
    own changes: the next save looks at those keys only."""

    def __init__(self, entries: Iterable[tuple[str, Any]] | dict[str, Any] = ()) -> None:
        super().__init__(entries)
        self.changed: set[str] = set()
        for key, value in self.items():
            _watch(value, self.changed, key)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        _watch(value, self.changed, key)
        self.changed.add(key)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.changed.add(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.changed.add(key)
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        key, value = super().popitem()
        self.changed.add(key)
        return key, value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> Table:  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        self.changed.update(self)
        super().clear()


def _watch(value: Any, changed: set[str], key: str) -> None:
    if isinstance(value, _Watched):
        object.__setattr__(value, "_watch", (changed, key))


@dataclass(slots=True)
class State:
    """The state of one folder."""

    path: Path
    server: str | None = None
    project_id: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, PageState] = field(default_factory=Table)
    #: Creates sent but not yet answered, by page key.
    pending: dict[str, PendingCreate] = field(default_factory=Table)
    #: What the file and its journal hold, by table: the changes of a save are the differences to these.
    _saved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: The file those were read from or written to, its generation and size, and the journal's size.
    _file: Path | None = field(default=None, init=False, repr=False, compare=False)
    _generation: int = field(default=0, init=False, repr=False, compare=False)
    _file_bytes: int = field(default=0, init=False, repr=False, compare=False)
    _journal_bytes: int = field(default=0, init=False, repr=False, compare=False)
    #: The journal, open for appending while saves go to it.
    _journal: BinaryIO | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.pages, Table):
            self.pages = Table(self.pages)
        if not isinstance(self.pending, Table):
            self.pending = Table(self.pending)
        self.pages.changed.update(self.pages)
        self.pending.changed.update(self.pending)
        self._saved = {"head": None, "pages": {}, "pending": {}}

    @property
    def doc_id(self) -> str | None:
        root = self.pages.get("")
        return root.id if root else None

    def by_id(self) -> dict[str, str]:
        """Page id -> key."""
        return {page.id: key for key, page in self.pages.items()}

    def save(self) -> None:
        """Make what changed since the last save survive a kill: one journal line, none when nothing did."""
        if self._file != self.path:
            self.compact()
            return
        changes = self._changes()
        if not changes:
            return
        if self._journal is None:
            self._journal = open_journal(journal_path(self.path))
        self._journal_bytes += append(self._journal, self._generation, changes)
        if self._journal_bytes > max(JOURNAL_MIN_BYTES, 2 * self._file_bytes):
            self.compact()

    def compact(self) -> None:
        """Write the whole state to its file and drop the journal (at the end of a run); nothing is written
        when the file already holds it all."""
        changes = self._changes()
        if not changes and self._file == self.path and not self._journal_bytes:
            return
        # written from the entries themselves, so even a value changed in place is kept
        pages = self._saved["pages"] = {key: _compact(page) for key, page in sorted(self.pages.items())}
        pending = self._saved["pending"] = {key: _pending(one) for key, one in sorted(self.pending.items())}
        data = {
            "format": FORMAT,
            "generation": self._generation + 1,
            "server": self.server,
            "project_id": self.project_id,
            "options": self.options,
            "pages": pages,
        }
        if pending:
            data["pending"] = pending
        text = _render(data)
        write_atomic(self.path, text)
        # killed here, the journal left behind names the previous generation: ignored when loaded
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        journal_path(self.path).unlink(missing_ok=True)
        self._file, self._generation = self.path, self._generation + 1
        self._file_bytes, self._journal_bytes = len(text.encode("utf-8")), 0

    def _changes(self) -> dict[str, Any]:
        """The entries that differ from what the file and journal hold (``None``: removed); those become
        what they hold."""
        changes: dict[str, Any] = {}
        head = {"server": self.server, "project_id": self.project_id, "options": dict(self.options)}
        if head != self._saved["head"]:
            changes["head"] = self._saved["head"] = head
        tables: tuple[tuple[str, Table, Callable[[Any], Any]], ...] = (
            ("pages", cast(Table, self.pages), _compact), ("pending", cast(Table, self.pending), _pending))
        for name, table, record in tables:
            saved, differ = self._saved[name], {}
            keys = list(table.changed)  # cleared in place: the entries hold this set
            table.changed.clear()
            for key in keys:
                entry = dict.get(table, key)
                value = None if entry is None else record(entry)
                if value == saved.get(key):
                    continue
                differ[key] = value
                if value is None:
                    del saved[key]
                else:
                    saved[key] = value
            if differ:
                changes[name] = differ
        return changes


#: Every ``PageState`` field with its default; the required ones (``MISSING``) differ from any value: kept.
_DEFAULTS = {f.name: f.default for f in fields(PageState)}


def _compact(page: PageState) -> dict[str, Any]:
    """A page entry without default values, to keep the file small. Read with ``getattr`` rather than
    ``asdict``, whose deep copies made saving a 1,000-page state (after every write) twice as slow."""
    entry = {name: value for name, default in _DEFAULTS.items() if (value := getattr(page, name)) != default}
    if "assets" in entry:
        entry["assets"] = {digest: record.to_json() for digest, record in entry["assets"].items()}
    return entry


#: The fields an entry must name (no default), and the defaults of the others, for ``_page``.
_REQUIRED = frozenset(name for name, default in _DEFAULTS.items() if default is MISSING)
_OPTIONAL = {name: default for name, default in _DEFAULTS.items() if default is not MISSING}


def _page(entry: dict[str, Any]) -> PageState:
    """A page entry as ``_compact`` wrote it. Its fields are set directly, not through ``PageState``'s
    ``__init__``, whose watched ``__setattr__`` (15 calls per entry) was a third of loading a 10,000-page
    state; an entry naming an unknown field or missing one goes through ``__init__`` for its TypeError."""
    assets = entry.get("assets")
    if assets is not None:
        entry = {**entry, "assets": {digest: Attachment.from_json(one) for digest, one in assets.items()}}
    if not (_REQUIRED <= entry.keys() <= _DEFAULTS.keys()):
        return PageState(**entry)
    page = PageState.__new__(PageState)
    for name, value in (_OPTIONAL | entry).items():
        object.__setattr__(page, name, value)
    return page


def _pending(entry: PendingCreate) -> dict[str, Any]:
    """A pending create's entry (``asdict`` without its deep copies)."""
    return {"title": entry.title, "at": entry.at, "existing": entry.existing}


def _render(data: dict[str, Any]) -> str:
    """The state file's text: one line per page, so a change to a page is one changed line. Written with
    json's C encoder: its ``indent`` runs in pure Python, 40x slower."""
    lines = []
    for name, value in sorted(data.items()):
        if name in ("pages", "pending") and value:
            entries = ",\n".join(f"  {_dump(key)}: {_dump(entry)}" for key, entry in value.items())
            lines.append(f" {_dump(name)}: {{\n{entries}\n }}")
        else:
            lines.append(f" {_dump(name)}: {_dump(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def switch_state(path: Path, recorded: str, server: str) -> tuple[State, str]:
    """The state for ``server`` when the one at ``path`` was made for the server ``recorded``: that one is
    set aside next to it, not lost, and the one kept for ``server`` (if any) takes its place."""
    aside = kept_path(path, recorded)
    kept = kept_path(path, server)
    note = f"the sync state in {path} is for {recorded}; set aside as {aside.name}"
    move(path, aside)
    if kept.exists():
        move(kept, path)
        note += f", using the one kept for {server}"
    fresh = load(path)
    fresh.server = server
    return fresh, note


def move(source: Path, target: Path) -> None:
    """Move the state file ``source`` and its journal to ``target`` (a journal at ``target`` goes: it
    belonged to the file replaced)."""
    source.replace(target)
    journal = journal_path(source)
    if journal.exists():
        journal.replace(journal_path(target))
    else:
        journal_path(target).unlink(missing_ok=True)


def kept_path(path: Path, server: str | None) -> Path:
    """Where the state of ``path`` for ``server`` waits while the folder is synced with another server."""
    return path.with_name(f"state-{hashlib.sha256(str(server).encode()).hexdigest()[:10]}.json")


def default_path(folder: Path) -> Path:
    return Path(folder) / STATE_DIR / STATE_FILE


def load(path: Path) -> State:
    """The state at ``path`` with the saves journalled since; an empty state when there is none yet."""
    journal = journal_path(path)
    if not path.exists() and not journal.exists():
        return State(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"format": FORMAT}
        wrong = _wrong_shape(data)
        if wrong:
            raise ValueError(wrong)
        generation = data.get("generation", 0)
        head: dict[str, Any] = {"server": data.get("server"), "project_id": data.get("project_id"),
                                "options": data.get("options") or {}}
        tables: dict[str, dict[str, Any]] = {"pages": dict(data.get("pages", {})),
                                             "pending": dict(data.get("pending") or {})}
        for save in replay(journal, generation):
            head = save.get("head", head)
            for name, table in tables.items():
                for key, value in save.get(name, {}).items():
                    if value is None:
                        table.pop(key, None)
                    else:
                        table[key] = value
        pages = {key: _page(entry) for key, entry in tables["pages"].items()}
        pending = {key: PendingCreate(entry) if isinstance(entry, str) else PendingCreate(**entry)
                   for key, entry in tables["pending"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        message = (f"{path}: unreadable sync state ({exc}); restore it from version control, or move it "
                   "away to sync the folder from scratch")
        raise ProductiveDocsError(message) from None
    if data.get("format") != FORMAT:
        raise ProductiveDocsError(f"{path}: sync state format {data.get('format')!r} is not {FORMAT}")
    state = State(path, head["server"], head["project_id"], dict(head["options"]), pages, pending)
    cast(Table, state.pages).changed.clear()
    cast(Table, state.pending).changed.clear()
    state._saved = {"head": head, "pages": tables["pages"],
                    "pending": {key: _pending(entry) for key, entry in pending.items()}}
    state._file, state._generation = (path if path.exists() else None), generation
    state._file_bytes = path.stat().st_size if path.exists() else 0
    state._journal_bytes = journal.stat().st_size if journal.exists() else 0
    return state


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
