"""The local server's read-only web view, on the API's port under ``/``: see the pages as Productive would.

``/`` lists every doc, ``/pages/<id>`` shows one page (``web_render`` builds the HTML), ``/_view/...``
serves the stylesheet, the reload script of a live preview, the change token it polls and the bytes of
attachments (whose own URLs need the API token, which a browser does not have).

The view has no login, so it answers only what a person on this machine asks for: requests from a
loopback address whose ``Host`` is a loopback name (a web page elsewhere cannot read it through DNS
rebinding, and ``serve --host 0.0.0.0`` does not publish it). Every answer carries a strict
Content-Security-Policy: scripts only from the view's own static file, no inline script, no plugins,
no frames, no forms; style attributes stay allowed because the writer's HTML form uses them
(text alignment, colours, column widths), after the writer has removed active CSS from them.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
from importlib import resources
from urllib.parse import unquote, urlsplit

from productive_docs.sync.server.attachments import Attachments
from productive_docs.sync.server.jsonapi import Response
from productive_docs.sync.server.store import Store
from productive_docs.sync.server.web_compare import Comparison, comparison_html, comparisons_index
from productive_docs.sync.server.web_render import (
    FILES_VIEW,
    MAX_SIDEBAR_PAGES,
    VIEW_PREFIX,
    OutlineRow,
    doc_trees,
    index_html,
    page_html,
    shell,
    sidebar,
)

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
#: Files from the attachment storage run nothing even when their type says HTML or SVG.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
#: Attachment types shown inline (any other downloads); SVG is an image that can hold script.
INLINE_TYPES = re.compile(r"^image/(png|jpeg|gif|webp|avif|bmp)$")
STATIC = {"preview.css": "text/css; charset=utf-8", "reload.js": "text/javascript; charset=utf-8"}
PAGE_PATH = re.compile(r"^/pages/(\d{1,18})/?$")
COMPARE_PATH = re.compile(r"^/compare/(\d{1,18})/?$")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


class WebView:
    """Read-only HTML over one store; the preview command adds each page's conversion notes."""

    def __init__(self, store: Store, attachments: Attachments) -> None:
        self.store = store
        self.attachments = attachments
        #: page id -> the lowerings and problems of its file, shown under the title
        self._notes: dict[int, list[str]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        #: True while a preview keeps the view in step with files: pages then reload themselves.
        self.live = False
        #: page id -> local file against Productive's version (``status --web``), under ``/compare/``
        self.comparisons: dict[int, Comparison] = {}

    def set_notes(self, page_id: int | str, notes: list[str]) -> None:
        """The conversion notes of one page (replacing earlier ones)."""
        with self._lock:
            if self._notes.get(int(page_id), []) != notes:
                self._notes[int(page_id)] = list(notes)
                self._generation += 1

    def serves(self, target: str) -> bool:
        """True for the view's paths: ``/``, ``/pages/...``, ``/compare/...`` and ``/_view/...``."""
        path = urlsplit(target).path
        return path == "/" or path.startswith(("/pages/", "/compare/", VIEW_PREFIX + "/"))

    def changes(self) -> str:
        """A token that changes whenever a page or a note does (what the reload script compares)."""
        with self.store.transaction() as db:
            count, updated = db.execute("SELECT COUNT(*), MAX(updated_at) FROM pages").fetchone()
        with self._lock:
            return f"{count}-{updated or ''}-{self._generation}"

    # --- HTTP ----------------------------------------------------------------------------------------------

    def answer(self, method: str, target: str, host: str, peer: str) -> Response:
        """The answer to ``method target`` from ``peer`` naming ``host``; the server's handler sends it.
        A bug ends as a plain 500, logged, never as a traceback in the browser or a dropped connection."""
        try:
            return self._route(method, target, host, peer)
        except Exception:  # noqa: BLE001 - one odd page must not take the view down
            log.exception("web view: unexpected error on %s %s", method, target)
            return _answer(500, b"unexpected error in the web view (see the server log)", "text/plain")

    def _route(self, method: str, target: str, host: str, peer: str) -> Response:
        if not _local(host, peer):
            return _answer(403, b"the web view answers on a loopback address only", "text/plain")
        if method != "GET":
            return _answer(405, b"the web view is read-only", "text/plain")
        path = urlsplit(target).path
        if path.startswith(FILES_VIEW):
            return self._file(unquote(path.removeprefix(FILES_VIEW)))
        name = path.removeprefix(VIEW_PREFIX + "/")
        if name in STATIC:
            text = resources.files("productive_docs.sync.server").joinpath("static", name).read_bytes()
            return _answer(200, text, STATIC[name])
        if name == "changes":
            return _answer(200, json.dumps(self.changes()).encode(), "application/json")
        if path == "/":
            return _html(200, self._index())
        if path.startswith("/compare/"):
            return self._compare(path)
        match = PAGE_PATH.match(path)
        page = self._page(int(match.group(1))) if match else None
        if page is None:
            return _html(404, shell("Not found", self._nav(None), "<h1>No such page</h1>", self._live()))
        return _html(200, page)

    def _compare(self, path: str) -> Response:
        if path == "/compare/":
            return _html(200, shell("Pending changes", self._nav(None), comparisons_index(self.comparisons),
                                    None))
        match = COMPARE_PATH.match(path)
        comparison = self.comparisons.get(int(match.group(1))) if match else None
        if comparison is None:
            return _html(404, shell("Not found", self._nav(None), "<h1>No such comparison</h1>", None))
        return _html(200, shell(comparison.title, self._nav(None), comparison_html(comparison), None))

    def _file(self, key: str) -> Response:
        found = self.attachments.file(key)
        if found is None:
            return _answer(404, b"no such file", "text/plain")
        content_type, data = found
        inline = INLINE_TYPES.match(content_type.lower()) is not None
        return _answer(200, data, content_type if inline else "application/octet-stream",
                       {"Content-Security-Policy": FILE_CSP,
                        "Content-Disposition": "inline" if inline else "attachment"})

    # --- pages ---------------------------------------------------------------------------------------------

    def _outline(self) -> dict[int | None, list[OutlineRow]]:
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, title, parent_page_id, project_id FROM pages ORDER BY sibling_order LIMIT ?",
                (MAX_SIDEBAR_PAGES,),
            ).fetchall()
        return doc_trees([OutlineRow(row[0], row[1], row[2], row[3]) for row in rows])

    def _nav(self, current: int | None) -> str:
        return sidebar(self._outline(), current)

    def _live(self) -> str | None:
        return self.changes() if self.live else None

    def _index(self) -> str:
        projects = self._outline()
        return index_html(sidebar(projects, None), projects, self._live())

    def _page(self, page_id: int) -> str | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
        if row is None:
            return None
        with self._lock:
            notes = list(self._notes.get(page_id, []))
        return page_html(dict(row), self._nav(page_id), notes, self._live())


def _local(host: str, peer: str) -> bool:
    """A request from this machine naming this machine (no remote peer, no rebinding)."""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
    host = host.strip().lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return loopback and name in LOOPBACK_NAMES


def _html(status: int, html: str) -> Response:
    return _answer(status, html.encode("utf-8"), "text/html; charset=utf-8")


def _answer(status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> Response:
    headers = {
        "Content-Type": content_type,
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        **(extra or {}),
    }
    return Response(status, headers=headers, html=body)
