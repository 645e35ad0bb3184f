"""The common base of two-way sync: what both sides agreed on at the last successful sync of each page.

A three-way decision compares each side with the base, never one side with the other. The base of a page is
a small record (``BaseRecord``: remote version, title, parent, position and two content hashes) plus two
contents, kept in a content-addressed store of compressed blobs:

- the remote body in normal form (``converter.model.normalize``), as canonical JSON;
- the local source text of the file as it was written or read.

Layout under ``DIR/.productive-docs/``::

    base.json          page id -> record (readable JSON, sorted, written atomically)
    base/ab/cdef...    one zlib-compressed blob per distinct content, named by its SHA-256

Identical contents cost one blob (a page whose file and body did not change since the last sync adds
nothing). Blobs no record refers to are removed by ``collect_garbage``. Records are keyed by page id, not by
file name: a moved file keeps its base.

What to commit: ``state.json``, ``base.json`` and ``base/`` (another clone then merges against the same base
instead of seeing every page as changed on both sides). What to ignore: ``lock`` and ``*.tmp`` (a run's lock
and half-written files); ``ensure_gitignore`` writes a ``.gitignore`` saying so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.converter.model import Node, normalize
from productive_docs.sync.assets.files import write_atomic

BASE_FILE = "base.json"
BLOB_DIR = "base"
FORMAT = 1
#: Largest blob read back (decompressed), so a corrupt or hostile blob cannot exhaust memory.
MAX_BLOB = 64 * 1024 * 1024
#: Record fields written only when set (a conflict still to resolve), so other records keep their lines.
_ONLY_WHEN_SET = frozenset({"theirs", "theirs_version"})
GITIGNORE = ("# productive-docs: commit state.json, base.json and base/; these are per run\n"
             "lock\n*.tmp\nstate.journal\nstamps.json\nlisting.json\n")


def canonical_body(doc: Node) -> bytes:
    """The normal form of a body as canonical JSON bytes (what the base keeps of the remote side)."""
    return json.dumps(normalize(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Content-addressed, deduplicated, compressed blobs in one folder (``base/ab/cdef...``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a content hash: {digest[:80]!r}")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its hash."""
        digest = content_hash(data)
        target = self.path(digest)
        if not target.exists():
            write_atomic(target, zlib.compress(data, 6))
        return digest

    def get(self, digest: str) -> bytes | None:
        """The blob's bytes; None when it is missing or does not match its name (never a wrong content)."""
        try:
            packed = self.path(digest).read_bytes()
            inflater = zlib.decompressobj()
            data = inflater.decompress(packed, MAX_BLOB)
        except (OSError, ValueError, zlib.error):
            return None
        if inflater.unconsumed_tail or content_hash(data) != digest:
            return None
        return data

    def digests(self) -> set[str]:
        """Every blob hash present."""
        if not self.root.is_dir():
            return set()
        return {f"{sub.name}{blob.name}" for sub in self.root.iterdir() if sub.is_dir() and len(sub.name) == 2
                for blob in sub.iterdir() if blob.is_file() and not blob.name.startswith(".")}

    def collect_garbage(self, keep: set[str]) -> int:
        """Remove blobs not in ``keep`` (and emptied sub-folders); the number removed."""
        removed = 0
        for digest in self.digests() - keep:
            self.path(digest).unlink(missing_ok=True)
            removed += 1
        if self.root.is_dir():
            for sub in self.root.iterdir():
                if sub.is_dir() and not any(sub.iterdir()):
                    sub.rmdir()
        return removed


@dataclass(slots=True)
class BaseRecord:
    """What both sides agreed on for one page at its last successful sync."""

    version: int | None
    title: str
    parent: str | None
    position: float | None
    #: Hash of the remote body's normal form (``canonical_body``): the blob holding it.
    body: str
    #: Hash of the local file's text as written or read: the blob holding it (None: no local file yet).
    source: str | None = None
    #: A conflict left in the file: Productive's body then (blob hash, normal form) and its version, which
    #: ``resolve`` makes the new base (the user has seen it), so that a later merge does not conflict again.
    theirs: str | None = None
    theirs_version: int | None = None


class BaseStore:
    """The base of every page of one synced folder: records in ``base.json``, contents in ``base/``, both in
    the folder of the sync state (``DIR/.productive-docs`` unless ``--state`` puts it elsewhere)."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = Path(state_dir)
        self.file = self.dir / BASE_FILE
        self.blobs = BlobStore(self.dir / BLOB_DIR)
        #: The records as read or last saved, as ``base.json`` holds them: to save nothing when nothing
        #: changed (a no-op push of 10,000 pages spent over a second re-encoding an unchanged ``base.json``
        #: and listing every blob), and to know the blobs they named (a save removes those no record names
        #: any more). Kept as read, not copied record by record: a copy cost a no-op push 5% of its CPU.
        self._as_read: dict[str, dict[str, Any]] = {}
        self.records: dict[str, BaseRecord] = self._load()

    def _load(self) -> dict[str, BaseRecord]:
        if not self.file.exists():
            return {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
            records = {str(page_id): BaseRecord(**entry) for page_id, entry in data["pages"].items()}
            self._as_read = data["pages"]
            return records
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ProductiveDocsError(f"{self.file}: unreadable sync base ({exc}); move it away to start "
                                      "again (every page is then compared two-way once)") from None

    def record(self, page_id: str, *, version: int | None, title: str, parent: str | None,
               position: float | None, body: Node, source: str | None) -> BaseRecord:
        """Set the base of a page (blobs written first, so a record never names a missing blob)."""
        entry = BaseRecord(version, title, parent, position, self.blobs.put(canonical_body(body)),
                           None if source is None else self.blobs.put(source.encode("utf-8")))
        self.records[str(page_id)] = entry
        return entry

    def hold_theirs(self, page_id: str, version: int | None, body: Node) -> None:
        """Keep the remote body a conflict was found against (for ``resolve``); nothing without a base."""
        entry = self.records.get(str(page_id))
        if entry is not None:
            entry.theirs, entry.theirs_version = self.blobs.put(canonical_body(body)), version

    def forget(self, page_id: str) -> None:
        self.records.pop(str(page_id), None)

    def body(self, page_id: str) -> dict[str, Any] | None:
        """The base body (normal form JSON) of a page; None when there is no usable base."""
        entry = self.records.get(str(page_id))
        return self._json(entry.body) if entry else None

    def theirs(self, page_id: str) -> dict[str, Any] | None:
        """The remote body of a conflict still to resolve (``hold_theirs``); None when there is none."""
        entry = self.records.get(str(page_id))
        return self._json(entry.theirs) if entry and entry.theirs else None

    def _json(self, digest: str) -> dict[str, Any] | None:
        data = self.blobs.get(digest)
        try:
            return json.loads(data) if data is not None else None
        except ValueError:
            return None

    def source(self, page_id: str) -> str | None:
        """The base local text of a page; None when there is none."""
        entry = self.records.get(str(page_id))
        data = self.blobs.get(entry.source) if entry and entry.source else None
        return data.decode("utf-8", errors="replace") if data is not None else None

    def save(self) -> None:
        """Write ``base.json`` atomically and drop blobs no record refers to (not when nothing changed)."""
        pages = {page_id: {name: value for name in _RECORD_FIELDS
                           if (value := getattr(entry, name)) is not None or name not in _ONLY_WHEN_SET}
                 for page_id, entry in self.records.items()}
        if pages == self._as_read and self.file.exists():
            return
        ensure_gitignore(self.dir)
        write_atomic(self.file, render_base(pages) + "\n")
        referenced = self.referenced()
        # listing every blob cost as much as the rest of a one-page push of 1,000 pages (``watch``): only
        # the blobs that lost their last record are removed, unless the store had no records when read (its
        # folder may hold blobs of a base moved away)
        if not self._as_read:
            self.blobs.collect_garbage(referenced)
        else:
            named = {digest for entry in self._as_read.values() for name in _BLOB_FIELDS
                     if isinstance(digest := entry.get(name), str)}
            for digest in named - referenced:
                with contextlib.suppress(ValueError):  # a hand-edited base.json naming no content hash
                    self.blobs.path(digest).unlink(missing_ok=True)
        self._as_read = pages

    def referenced(self) -> set[str]:
        return {digest for entry in self.records.values()
                for digest in (entry.body, entry.source, entry.theirs) if digest}


_RECORD_FIELDS = tuple(field.name for field in fields(BaseRecord))
#: The record fields that name a blob.
_BLOB_FIELDS = ("body", "source", "theirs")
_SCALARS = (str, int, float, type(None))


def render_base(pages: dict[str, dict[str, Any]]) -> str:
    """``base.json``'s text, byte for byte ``json.dumps(..., indent=1, sort_keys=True, ensure_ascii=False)``,
    but each value written by json's C encoder: its ``indent`` runs in pure Python, a tenth of a second per
    1,000 pages on every push that changes one page (``watch``)."""
    data = {"format": FORMAT, "pages": pages}
    if not all(isinstance(value, _SCALARS) for entry in pages.values() for value in entry.values()):
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    entries = []
    for page_id in sorted(pages):
        entry = pages[page_id]
        lines = ",\n".join(f"   {_dump(name)}: {_dump(entry[name])}" for name in sorted(entry))
        entries.append(f"  {_dump(page_id)}: " + ("{\n" + lines + "\n  }" if entry else "{}"))
    listed = "{\n" + ",\n".join(entries) + "\n }" if entries else "{}"
    return f'{{\n "format": {_dump(FORMAT)},\n "pages": {listed}\n}}'


#: One value as JSON (``json.dumps`` without its per-call set-up).
_dump = json.JSONEncoder(ensure_ascii=False).encode


def ensure_gitignore(state_dir: Path) -> None:
    """A ``.gitignore`` in the state folder naming what is per run (kept when the user wrote their own)."""
    target = Path(state_dir) / ".gitignore"
    if target.exists():
        try:
            current = target.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        # one this tool wrote (its first line) is brought up to date: a later version ignores more files
        if current == GITIGNORE or not current.startswith(GITIGNORE.partition("\n")[0]):
            return
    write_atomic(target, GITIGNORE)
