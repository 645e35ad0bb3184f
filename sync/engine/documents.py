"""How a local page's document is prepared for Productive: links resolved, hashed, and put into a payload.

The hash that decides "changed or not" covers the normalised document as it would be sent (links already
turned into page URLs), the converter version and the options that change what is sent (``via`` and the
link template). A converter upgrade or another option therefore re-checks every page once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from productive_docs.converter.model import Node, doc_hash, from_json, normalize
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.engine import links
from productive_docs.sync.engine.folder import LocalPage, Remembered
from productive_docs.sync.engine.plan import LocalVersion
from productive_docs.sync.engine.state import PageState

from productive_docs import converter


def options_key(options: Mapping[str, Any]) -> str:
    return json.dumps(dict(options), sort_keys=True)


def fingerprint_salt(options: str) -> str:
    """What, besides a file's bytes, decides the document it sends (for ``sync.folder`` fingerprints)."""
    return f"{converter.VERSION}\n{options}\n"


def remembered(pages: Mapping[str, PageState]) -> dict[str, Remembered]:
    """What the state remembers of each file, for ``scan``."""
    return {key: Remembered(saved.fingerprint, saved.title, saved.order)
            for key, saved in pages.items() if saved.fingerprint}


def remember(saved: PageState, page: LocalPage, targets: Mapping[str, str]) -> None:
    """Note in the state that ``page`` is fully synced as it is now (an entry already saying so is left
    alone: setting it marks it changed, and a no-op push of 10,000 pages compared every entry again)."""
    links = dict(targets) or None
    if (saved.fingerprint, saved.order, saved.links) != (page.fingerprint, page.order, links):
        saved.fingerprint, saved.order, saved.links = page.fingerprint, page.order, links


def local_version(doc: Node, options: str) -> LocalVersion:
    """The change-detection view of a document (see the module docstring)."""

    def digest(node: Node) -> str:
        text = fingerprint_salt(options) + doc_hash(node)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    content = doc.content
    while content and content[-1].type == "paragraph" and normalize(content[-1]) == {"type": "paragraph"}:
        content = content[:-1]
    blocks = len(content)
    return LocalVersion(digest(doc), blocks, lambda n: digest(Node("doc", content=doc.content[:n])))


def remote_hash(body: dict[str, Any] | None) -> str | None:
    """``doc_hash`` of a page body as the API returned it (None when there is no body, or one too deep or
    too big to read: see ``over_limits``)."""
    if body is None or limits.over_limits(body):
        return None
    try:
        return doc_hash(from_json(body))[:32]
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Payload:
    """A body ready for one of the proxy endpoints."""

    html: bool
    text: str


#: The body sent for an empty document. The proxy endpoints answer 422 to empty content (spec §4.9 pitfall 3);
#: whether this minimal payload clears a page on the real API is [I] (spec §6, open question 6).
EMPTY_BODY = {False: " ", True: "<p></p>"}


def payload(doc: Node, via: str, report: Report) -> Payload:
    """Markdown unless the document needs HTML (``via="auto"``) or HTML is asked for. Under ``auto`` the
    Markdown rendered to decide is the one sent: a body is rendered once (twice only when HTML wins)."""
    text: str | None = None
    if via == "auto":
        # imported here: a no-op push renders no body and need not load the writer
        from productive_docs.converter.writers.markdown import write_productive_if_lossless

        text = write_productive_if_lossless(doc, report)
    elif via != "html":
        text = converter.write(doc, "productive-md", report=report)
    use_html = text is None
    if text is None:
        text = converter.write(doc, "html", report=report)
    return Payload(use_html, text if text.strip() else EMPTY_BODY[use_html])


def appended_part(doc: Node, blocks: int) -> Node:
    """The blocks after the first ``blocks`` (what an append sends)."""
    return Node("doc", content=doc.content[blocks:])


@dataclass(slots=True)
class Prepared:
    """A local page's document as it would be sent, with its change-detection view."""

    doc: Node
    version: LocalVersion
    #: Pages it links to that have no id yet.
    waiting: set[str]
    #: Links left as they were, with the reason.
    problems: list[str]
    #: Page key -> id of the pages it links to.
    targets: dict[str, str]


def prepare(page: LocalPage, pages: Mapping[str, object], ids: Mapping[str, str], *, template: str,
            org_id: str, options: str) -> Prepared | None:
    """Resolve the page's links with the ids known now and hash the result (None: no body to send)."""
    if page.doc is None:
        return None
    resolved = links.to_urls(page.doc, page.source or page.key, pages, ids, template=template, org_id=org_id,
                             root_id=ids.get(""))
    problems = [f"{page.display}{'' if line is None else f':{line}'}: link {href} kept as is ({why})"
                for href, why, line in resolved.problems]
    return Prepared(resolved.doc, local_version(resolved.doc, options), resolved.waiting, problems,
                    resolved.targets)
