"""What changed in a doc since a listing that was in step with the sync state, in a few requests instead of
the whole listing (one request per 200 pages: 52 for 10,401 pages, >= 5.2 s at the documented 10 req/s).

Confirmed (spec §4.5, §4.6, §4.9):

- ``GET /pages`` sorts by ``edited_at`` and ``updated_at``, ``-`` for descending [C: S5]; ``page[size]`` up to
  200 [C: S8; C-live: S12]; sparse fieldsets [C: S8; C-live: S9]; a collection's ``meta.total_count``
  [C-live: S10];
- ``edited_at`` moves on a body edit ("content last edited" [C: S5]), on a title PATCH and when a child page
  is added [C-live: S9, S10]; ``version_number`` counts body edits only [C-live: S9].

So a doc's pages listed newest first (``-edited_at``) show every body and title edit since a time before the
first row older than it; a page added shows in ``total_count`` and moves its parent's ``edited_at``; a page
deleted shows in ``total_count``. A row whose ``edited_at`` moved while its title, parent and version did not
is a change this listing cannot explain (a child added, say): the caller lists the doc in full then.

Inferred [I], each an open question for a live probe (when one is settled, only this module changes):

1. ``updated_at`` moves on every change of a page's attributes, a ``move`` included (Rails' own column): the
   second listing, by ``-updated_at``, is what shows a page moved inside the doc. Open: does ``move`` (or
   anything) change ``edited_at`` or ``updated_at`` of the page moved, or of its old or new parent?
2. A page made since has an ``edited_at`` and ``updated_at`` no older than its creation (not null): it is
   among the newest rows. Open: is ``edited_at`` set on a page never edited?
3. A change is stamped at most ``MARGIN`` before the newest time that a listing made after it shows (clock
   differences between Productive's servers, a long request). Open: does docs-realtime persist an edit made in
   the browser later than it stamps it (the older guide's "up to 1 h" cache, S3)?
4. A deleted page (and each subpage) leaves the ``filter[root_page_id]`` listing and its ``total_count`` at
   once. Open: does a page in the recycle bin (``deleted_items``) still count?

Anything these cannot settle (a null or unreadable time, counts that disagree, a row changed for no reason
seen) returns None, and the caller lists the doc in full, as it did before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from productive_docs.sync.api.pages import Page

#: The two orders listed, newest first: ``edited_at`` (confirmed for edits), ``updated_at`` (inferred, moves).
SORTS = ("edited_at", "updated_at")
FIELDS = ("title", "parent_page_id", "root_page_id", "version_number", *SORTS)
#: Rows this much older than the mark are still read (inferred 3): many times the clock difference of
#: servers kept by NTP and the time between a change's stamp and its commit. Every page changed that long
#: before the newest change of the last listing is read again (a doc pushed by this tool at 40 pages/s:
#: 200 pages, one more answer per order).
MARGIN = timedelta(seconds=5)


#: What a listing showed of a page: title, parent id, version.
Seen = tuple[str, str | None, int | None]


@dataclass(frozen=True, slots=True)
class Mark:
    """What a listing of a doc in step with the sync state showed: its newest time and its page count."""

    newest: str
    count: int


class Listed(Protocol):
    """The listing calls this module needs (``Client`` has them)."""

    def list_pages_by_request(self, *, filters: dict[str, Any] | None = None,
                              fields: Iterable[str] | None = None, include: Iterable[str] | None = None,
                              sort: str | None = None) -> Iterator[tuple[list[Page], dict[str, Any]]]: ...


def _time(page: Page, name: str) -> datetime | None:
    value = page.raw.get(name)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def mark_of(pages: Iterable[Page], count: int) -> Mark | None:
    """The mark of a whole listing of ``count`` pages (None when a time is missing: nothing to stand on)."""
    newest: datetime | None = None
    for page in pages:
        for name in SORTS:
            moment = _time(page, name)
            if moment is None:
                return None
            newest = moment if newest is None or moment > newest else newest
    return Mark(newest.isoformat(timespec="microseconds"), count) if newest is not None else None


@dataclass(slots=True)
class Changes:
    """What the short way listed: the pages changed since the mark, or every page of the doc (``whole``)
    when one answer held them all (a doc of up to 200 pages: as cheap as the short way)."""

    pages: list[Page]
    whole: bool = False


def changed_since(client: Listed, doc_id: str, mark: Mark, known: Mapping[str, Seen]) -> Changes | None:
    """The pages of doc ``doc_id`` changed since the listing of ``mark``, when ``known`` (page id -> title,
    parent id, version, as that listing showed them) still holds for every other page; None when that cannot
    be told: list the doc in full. Pages new since are among those returned. Each order ends with ``id``, so
    that pages with the same time never trade places between two answers (page-number pagination)."""
    try:
        newest = datetime.fromisoformat(mark.newest)
    except ValueError:
        return None
    since = newest - MARGIN
    rows: dict[str, Page] = {}
    counts: set[int] = set()
    for name in SORTS:
        answers = client.list_pages_by_request(filters={"root_page_id": doc_id}, fields=FIELDS,
                                               sort=f"-{name},id")
        for listed, meta in answers:
            if not rows and not counts and int(meta.get("total_pages") or 0) <= 1:
                return Changes(listed, whole=True)
            counts.add(int(meta.get("total_count", -1)))
            times = [_time(page, name) for page in listed]
            if any(moment is None for moment in times):
                return None
            rows.update((page.id, page) for page, moment in zip(listed, times, strict=True)
                        if moment is not None and moment >= since)
            last = times[-1] if times else None
            if last is None or last < since:
                break
    new = [page_id for page_id in rows if page_id not in known]
    if counts != {mark.count + len(new)}:
        return None  # a page deleted, or added and not among the newest rows (inferred 2, 4)
    for page in rows.values():
        seen = known.get(page.id)
        if seen == (page.title, page.parent_page_id, page.version_number) and any(
                (_time(page, name) or newest) > newest for name in SORTS):
            return None  # changed for a reason the listing does not show (a child added, a write of ours)
    return Changes(list(rows.values()))
