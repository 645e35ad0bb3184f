"""The doc listing of a push or ``status``: the whole doc, or only what changed since a listing that was in
step with the sync state (``sync.api.changes_inferred``: two requests instead of one per 200 pages).

The mark of the last listing in step (its newest time and page count) lives in ``listing.json`` beside the
state, per machine and ignored by git like the stamps, with a digest of what the state said of each page
then (title, parent, version). The short way is taken only while the state still says exactly that: any
write, pull or hand edit of the state changes the digest and the next run lists the doc in full (and marks
it anew when it is in step). A push writes the mark, and so does ``status`` while it holds the folder's lock
(``PushOptions.keep_listing_mark``): after a push that wrote, the next ``status`` lists in full and marks, and
the runs after it take the short way. The mark is a cache, never state: a lost or stale one costs a whole
listing, nothing more.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from productive_docs.sync.api import changes_inferred
from productive_docs.sync.api.changes_inferred import Mark
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.pages import Page
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine.plan import RemotePage
from productive_docs.sync.engine.state import State

MARK_FILE = "listing.json"
FORMAT = 1
#: The listing's fields: the ones the plan uses and the times of ``changes_inferred``.
LIST_FIELDS = changes_inferred.FIELDS

Known = dict[str, changes_inferred.Seen]


def remote_page(page: Page) -> RemotePage:
    """A listed (or read) page as the plan sees it: title, parent, version."""
    return RemotePage(page.id, page.title, page.parent_page_id, page.version_number)


def known_pages(state: State) -> Known:
    """Page id -> (title, parent id, version) as the state records them (the doc itself is never listed)."""
    return {saved.id: (saved.title, saved.parent, saved.version) for key, saved in state.pages.items() if key}


def digest(known: Known) -> str:
    text = json.dumps(sorted((page_id, *values) for page_id, values in known.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Listing:
    """The doc as listed by one run, and the mark to keep for the next."""

    remote: dict[str, RemotePage]
    #: How many requests the listing took, and whether it was the short way.
    requests: int
    short: bool
    #: The digest of the state when listed (``digest``).
    state: str
    #: The new mark when this listing was whole and in step with the state (None: keep none).
    mark: Mark | None = None


def list_doc(client: Client, doc_id: str, state: State, mark_path: Path, *, short_allowed: bool) -> Listing:
    """The doc's pages without bodies: the short way when the mark at ``mark_path`` still fits the state and
    ``changes_inferred`` can tell, else the whole listing."""
    known = known_pages(state)
    before, state_digest = client.stats.reads, digest(known)
    mark = _read(mark_path, doc_id, state_digest) if short_allowed else None
    changes = changes_inferred.changed_since(client, doc_id, mark, known) if mark is not None else None
    if changes is not None and not changes.whole:
        remote = {page_id: RemotePage(page_id, *values) for page_id, values in known.items()}
        remote.update((page.id, remote_page(page)) for page in changes.pages)
        return Listing(remote, client.stats.reads - before, short=True, state=state_digest)
    listed = (changes.pages if changes is not None
              else client.list_pages(filters={"root_page_id": doc_id}, fields=LIST_FIELDS))
    remote = {page.id: remote_page(page) for page in listed}
    in_step = len(remote) == len(known) and all(
        (page.title, page.parent, page.version) == known.get(page.id) for page in remote.values())
    new_mark = changes_inferred.mark_of(listed, len(listed)) if in_step and listed else None
    return Listing(remote, client.stats.reads - before, short=False, state=state_digest, mark=new_mark)


def save_mark(mark_path: Path, doc_id: str, listing: Listing) -> None:
    """After a push (or a ``status`` under the folder's lock): keep the new mark with the digest of the
    state as it was listed (a push that changed the state, by a write or otherwise, leaves the next run to
    list the doc in full and mark it anew), or drop a mark a whole listing found out of step. Nothing is
    written when the short way was taken."""
    if listing.short:
        return
    if listing.mark is None:
        mark_path.unlink(missing_ok=True)
        return
    data = {"format": FORMAT, "doc": doc_id, "newest": listing.mark.newest, "count": listing.mark.count,
            "state": listing.state}
    write_atomic(mark_path, json.dumps(data, separators=(",", ":")) + "\n")


def _read(path: Path, doc_id: str, state_digest: str) -> Mark | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("doc") != doc_id:
        return None
    newest, count = data.get("newest"), data.get("count")
    if data.get("state") != state_digest or not isinstance(newest, str) or not isinstance(count, int):
        return None
    return Mark(newest, count)
