"""Finding what an unclear write already did, so that it is never replayed blindly.

A create or an append whose answer was lost (a 502 after the commit, a dropped connection, a killed
process) may or may not have landed. Replaying it could make a second page or append the content twice, so
the client asks the server first. The same search serves ``sync.push`` when a process died before it learnt
a doc's id: the state names the create as pending, and the page it made is found again here.

A page found is the create's only when nobody claims it (neither this client nor the caller's state), it has
the create's title and parent, it was made after the request was sent, and its body is the one sent, in
normal form (``normal_hash``): a colleague's page of the same title made meanwhile is never taken for ours.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, doc_hash, from_json
from productive_docs.converter.report import Report
from productive_docs.sync.api.pages import Page, PageReader

log = logging.getLogger(__name__)

#: How far a server's clock may be from ours when deciding a found page is the one we just created.
CLOCK_SKEW = 120.0
CREATED_FIELDS = ["title", "parent_page_id", "root_page_id", "created_at", "version_number"]


def titled(client: PageReader, title: str, project_id: str | int | None, parent_id: str | None) -> list[Page]:
    """Pages titled ``title`` under ``parent_id`` (a doc of ``project_id`` when None), oldest first."""
    if parent_id is not None:
        filters: dict[str, Any] = {"parent_page_id": parent_id}
    elif project_id is not None:
        filters = {"project_id": project_id, "query": title}
    else:
        filters = {"query": title}
    found = [page for page in client.list_pages(filters=filters, fields=CREATED_FIELDS)
             if page.title == title and page.parent_page_id == parent_id]
    return sorted(found, key=lambda page: int(page.id) if page.id.isdigit() else 0)


def created_since(client: PageReader, title: str, project_id: str | int | None, parent_id: str | None,
                  since: float, exclude: Collection[str] = ()) -> list[Page]:
    """``titled`` pages created at or after ``since`` (epoch seconds, give or take ``CLOCK_SKEW``), except
    the ids in ``exclude``; oldest first."""
    return [page for page in titled(client, title, project_id, parent_id)
            if page.id not in exclude and timestamp(page.raw.get("created_at")) >= since - CLOCK_SKEW]


def find_created(client: PageReader, title: str, project_id: str | int | None, parent_id: str | None,
                 started: float, known: Collection[str], sent: str) -> dict[str, Any] | None:
    """The resource of the page a failed create (sent at ``started``) may have made: the newest page with
    its title and place created since then, not one of the ``known`` (claimed) pages, whose body has the
    ``normal_hash`` ``sent``."""
    page = find_sent(client, created_since(client, title, project_id, parent_id, started, known), sent)
    if page is None:
        return None
    log.info("create of %r landed despite the error (page %s); not replaying it", title, page.id)
    return {"data": {"id": page.id, "attributes": page.raw}}


def find_sent(client: PageReader, candidates: list[Page], sent: str) -> Page | None:
    """The newest of ``candidates`` (oldest first) whose body has the normal form ``sent``, read with its
    body."""
    for candidate in reversed(candidates):
        page = client.get_page(candidate.id)
        if normal_hash(page.body) == sent:
            return page
    return None


def normal_hash(body: dict[str, Any] | None) -> str | None:
    """The ``doc_hash`` of a stored body (None: no body, or not a document)."""
    try:
        return None if body is None else doc_hash(from_json(body))
    except ValueError:
        return None


def sent_hash(doc: Node) -> str:
    """The ``normal_hash`` a page gets from ``doc``: Productive stores it lowered."""
    return doc_hash(lower_for_productive(doc, Report()))


def markdown_hash(markdown: str) -> str:
    """The ``normal_hash`` of the page a create with ``markdown`` makes (read as Productive reads it)."""
    from productive_docs import converter  # the readers load only when a create needs recovering

    return sent_hash(converter.read(markdown, "md").doc)


def append_landed(client: PageReader, page_id: str | int,
                  version_before: int | None) -> dict[str, Any] | None:
    """The page's resource when its body changed since ``version_before`` (the append landed)."""
    page = client.get_page(page_id)
    if page.version_number != version_before:
        log.info("append to page %s landed despite the error; not replaying it", page_id)
        return {"data": {"id": page.id, "attributes": page.raw}}
    return None


def timestamp(value: Any) -> float:
    """Epoch seconds of an ISO-8601 timestamp; 0.0 when missing or unreadable."""
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return 0.0
