"""A small client for the Productive pages API (spec §4), safe to point at the production service.

One ``requests.Session`` carries the auth headers; every request first takes a slot from a rate limiter
shared by all threads (100 per 10 s per token, 4,000 per 30 min per organisation). Reads and the
idempotent writes (replace, rename, move, delete) are retried on 429/502/503/504 and network errors.
Create and append are never replayed blindly: after an unclear failure the client first looks for the page
or content the failed request may have written (``_find_created``, ``_append_landed``).

The token lives only in the session headers: it is never logged, never part of a repr, and scrubbed from
every error message.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters

from converter.errors import UsageError
from sync import errors
from sync.attachments_inferred import FILE_HOSTS
from sync.config import DEFAULT_API_URL, default_config_path, resolve_settings
from sync.ratelimit import RateLimiter

log = logging.getLogger(__name__)

JSONAPI = "application/vnd.api+json"
#: The largest page size the API serves (spec §4.6); lists always ask for it.
MAX_PAGE_SIZE = 200
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: How far a server's clock may be from ours when deciding a found page is the one we just created.
CLOCK_SKEW = 120.0
#: Connections kept per host; enough for the sync's worker threads.
POOL_SIZE = 32

_STATUS_ERRORS: dict[int, type[errors.ApiError]] = {
    400: errors.ValidationError,
    401: errors.AuthenticationError,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    413: errors.ValidationError,
    415: errors.ValidationError,
    422: errors.ValidationError,
    429: errors.RateLimited,
}


def _id(value: Any) -> str | None:
    """API ids arrive as strings (``id``) or integers (``parent_page_id``); we keep strings."""
    return None if value is None else str(value)


@dataclass(slots=True)
class Page:
    """One page as the API returned it; ``body`` is the decoded JSON document (None when not fetched)."""

    id: str
    title: str
    body: dict[str, Any] | None
    parent_page_id: str | None
    root_page_id: str | None
    version_number: int | None
    edited_at: str | None
    project_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_doc(self) -> bool:
        """A doc is a root page (spec §4.3)."""
        return self.parent_page_id is None

    @classmethod
    def from_resource(cls, resource: dict[str, Any]) -> Page:
        """Build from a JSON:API resource object, decoding the JSON-string ``body`` (spec §4.9, pitfall 1)."""
        attrs = resource.get("attributes") or {}
        body = attrs.get("body")
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                raise errors.ApiError(f"page {resource.get('id')}: body is not JSON") from None
        project = ((resource.get("relationships") or {}).get("project") or {}).get("data") or {}
        return cls(
            id=str(resource["id"]),
            title=attrs.get("title") or "",
            body=body if isinstance(body, dict) else None,
            parent_page_id=_id(attrs.get("parent_page_id")),
            root_page_id=_id(attrs.get("root_page_id")),
            version_number=attrs.get("version_number"),
            edited_at=attrs.get("edited_at"),
            project_id=_id(project.get("id") or attrs.get("project_id")),
            raw=attrs,
        )


AUTH_HEADERS = ("X-Auth-Token", "X-Organization-Id")


class _Session(requests.Session):
    """A session that drops the token on a redirect to another host (file downloads may be sent on to a
    storage host); requests itself strips only ``Authorization``."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        super().rebuild_auth(prepared_request, response)
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in AUTH_HEADERS:
                prepared_request.headers.pop(name, None)


@dataclass
class ClientStats:
    """Request counters for the sync summary; updated from many threads."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    rate_limited: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, method: str, endpoint: str) -> None:
        with self._lock:
            if method == "GET":
                self.reads += 1
            else:
                self.writes += 1
            self.by_endpoint[endpoint] += 1

    def count_retry(self, rate_limited: bool) -> None:
        with self._lock:
            self.retries += 1
            self.rate_limited += rate_limited

    def summary(self) -> str:
        """One line, e.g. ``12 requests (9 reads, 3 writes), 1 retry``."""
        total = self.reads + self.writes
        text = f"{total} requests ({self.reads} reads, {self.writes} writes)"
        if self.retries:
            text += f", {self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        return text


class _RedactToken(logging.Filter):
    """Keeps the token out of urllib3's debug lines, which show query strings (``get_file``'s ``token=``)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


class Client:
    """The pages API; see the module docstring for the retry and rate-limit rules."""

    def __init__(
        self,
        base_url: str,
        token: str,
        org_id: str,
        *,
        timeout: float = 30,
        rate_limit: tuple[int, float] = (100, 10.0),
        org_rate_limit: tuple[int, float] = (4000, 1800.0),
        max_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        if not token:
            raise UsageError("no API token given")
        self.base_url = base_url.rstrip("/") + "/"
        self.org_id = str(org_id)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.limiter = RateLimiter(rate_limit, org_rate_limit)
        self.stats = ClientStats()
        self._token = token
        self._created: set[str] = set()
        self._redact = _RedactToken(token)
        logging.getLogger("urllib3.connectionpool").addFilter(self._redact)
        self._session = _Session()
        # one connection per worker thread: urllib3's default pool of 10 would drop and reopen connections
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=POOL_SIZE)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update(
            {
                "X-Auth-Token": token,
                "X-Organization-Id": self.org_id,
                "Content-Type": JSONAPI,
                "Accept": JSONAPI,
            }
        )

    @classmethod
    def from_settings(
        cls,
        token: str | None = None,
        org_id: str | None = None,
        base_url: str | None = None,
        config_path: Path | str | None = None,
        **options: Any,
    ) -> Client:
        """A client from flags > environment > config file (see ``sync.config``)."""
        settings = resolve_settings(token, org_id, base_url, config_path)
        where = config_path or default_config_path()
        if not settings.token:
            raise UsageError(f"no API token: pass --token, set PRODUCTIVE_API_TOKEN or api_token in {where}")
        if not settings.org_id:
            raise UsageError(f"no organisation id: pass --org, set PRODUCTIVE_ORG_ID or org_id in {where}")
        return cls(settings.base_url or DEFAULT_API_URL, settings.token, settings.org_id, **options)

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, org_id={self.org_id!r}, token=<hidden>)"

    def close(self) -> None:
        self._session.close()
        logging.getLogger("urllib3.connectionpool").removeFilter(self._redact)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- pages -----------------------------------------------------------------------------------

    def list_pages(
        self,
        *,
        filters: dict[str, Any] | None = None,
        fields: Iterable[str] | None = None,
        include: Iterable[str] | None = None,
        sort: str | None = None,
    ) -> list[Page]:
        """Every page matching ``filters`` (values may be lists: comma-joined), following pagination."""
        params: dict[str, str] = {"page[size]": str(MAX_PAGE_SIZE)}
        for key, value in (filters or {}).items():
            values = value if isinstance(value, list | tuple | set) else [value]
            params[f"filter[{key}]"] = ",".join(str(v) for v in values)
        if fields is not None:
            params["fields[pages]"] = ",".join(fields)
        if include:
            params["include"] = ",".join(include)
        if sort:
            params["sort"] = sort
        pages: list[Page] = []
        number = 1
        while True:
            params["page[number]"] = str(number)
            document = self._call("GET", "pages", "list", params=params)
            pages += [Page.from_resource(item) for item in document.get("data") or []]
            meta = document.get("meta") or {}
            if number >= int(meta.get("total_pages") or 0):
                return pages
            number += 1

    def get_page(self, page_id: str | int) -> Page:
        """One page with its decoded body and its project id (``include=project``)."""
        document = self._call("GET", f"pages/{page_id}", "get", params={"include": "project"})
        return Page.from_resource(document["data"])

    def create_with_markdown(
        self,
        title: str,
        markdown: str,
        *,
        project_id: str | int | None = None,
        parent_page_id: str | int | None = None,
        root_page_id: str | int | None = None,
    ) -> Page:
        """Create a doc (``project_id`` or nothing) or a subpage (``parent_page_id``; the root is looked up
        when not given). Never creates twice: see ``_find_created``."""
        if parent_page_id is not None and project_id is not None:
            raise errors.ValidationError(
                "project_id is accepted on root pages only (page_project_root_page_only)",
                pointer="data/attributes/project_id",
                detail="project_id is accepted on root pages only",
            )
        if parent_page_id is not None and root_page_id is None:
            parent = self.get_page(parent_page_id)
            root_page_id = parent.root_page_id or parent.id
        attributes: dict[str, Any] = {"title": title, "markdown": markdown}
        for key, value in (
            ("project_id", project_id),
            ("parent_page_id", parent_page_id),
            ("root_page_id", root_page_id),
        ):
            if value is not None:
                attributes[key] = int(value)
        started = time.time()
        document = self._call(
            "POST",
            "pages/create_with_markdown",
            "create_with_markdown",
            payload={"data": {"type": "pages", "attributes": attributes}},
            recover=lambda: self._find_created(title, project_id, _id(parent_page_id), started),
        )
        page = Page.from_resource(document["data"])
        self._created.add(page.id)
        return page

    def append_markdown(self, page_id: str | int, markdown: str) -> Page:
        """Append Markdown to the end of the body."""
        return self._append(page_id, "append_markdown", {"markdown": markdown})

    def append_html(self, page_id: str | int, html: str) -> Page:
        """Append HTML to the end of the body."""
        return self._append(page_id, "append_html", {"html": html})

    def replace_body_with_markdown(self, page_id: str | int, markdown: str) -> Page:
        """Replace the whole body with Markdown (idempotent, so retried freely)."""
        return self._write_body(page_id, "replace_body_with_markdown", {"markdown": markdown})

    def replace_body_with_html(self, page_id: str | int, html: str) -> Page:
        """Replace the whole body with HTML (idempotent, so retried freely)."""
        return self._write_body(page_id, "replace_body_with_html", {"html": html})

    def rename(self, page_id: str | int, title: str) -> Page:
        """Change the title (``PATCH /pages/{id}``)."""
        payload = {"data": {"type": "pages", "id": str(page_id), "attributes": {"title": title}}}
        return Page.from_resource(self._call("PATCH", f"pages/{page_id}", "rename", payload=payload)["data"])

    def move(self, page_id: str | int, target_doc_id: str | int) -> Page:
        """Make the page (with its subtree) the last child of ``target_doc_id``."""
        payload = {"data": {"type": "pages", "attributes": {"target_doc_id": int(target_doc_id)}}}
        return Page.from_resource(
            self._call("PATCH", f"pages/{page_id}/move", "move", payload=payload)["data"]
        )

    def delete(self, page_id: str | int) -> None:
        """Delete the page and its subpages; a 404 after an unclear first attempt counts as done."""
        self._call("DELETE", f"pages/{page_id}", "delete", gone_ok_on_retry=True)

    # --- other resources -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Any other JSON:API endpoint (``attachments`` ...), counted under its first path segment.
        GET, PATCH and DELETE are retried like the page calls; a POST is replayed only after a 429."""
        endpoint = path.split("/", 1)[0]
        return self._call(method, path, endpoint, params=params, payload=payload, replay=method != "POST")

    def get_file(self, url: str, *, token_param: str | None = None) -> bytes:
        """The bytes of an attachment file on the API's host or a Productive file host; with
        ``token_param`` the token also goes in the query, as the attachments guide shows."""
        host = urlsplit(url).hostname
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc and host not in FILE_HOSTS:
            raise errors.ApiError(f"refusing to send the API token to {host}")
        params = {token_param: self._token} if token_param else None
        return self._call("GET", url, "files", params=params, raw=True)

    # --- write helpers ---------------------------------------------------------------------------

    def _write_body(self, page_id: str | int, endpoint: str, payload: dict[str, str]) -> Page:
        document = self._call("PATCH", f"pages/{page_id}/{endpoint}", endpoint, payload=payload)
        return Page.from_resource(document["data"])

    def _append(self, page_id: str | int, endpoint: str, payload: dict[str, str]) -> Page:
        """An append replayed after it landed would duplicate content, so the version is read first."""
        before = self.get_page(page_id).version_number
        document = self._call(
            "PATCH",
            f"pages/{page_id}/{endpoint}",
            endpoint,
            payload=payload,
            recover=lambda: self._append_landed(page_id, before),
        )
        return Page.from_resource(document["data"])

    def _append_landed(self, page_id: str | int, version_before: int | None) -> dict[str, Any] | None:
        """The page's resource when its body changed since ``version_before`` (the append landed)."""
        page = self.get_page(page_id)
        if page.version_number != version_before:
            log.info("append to page %s landed despite the error; not replaying it", page_id)
            return {"data": {"id": page.id, "attributes": page.raw}}
        return None

    def _find_created(
        self, title: str, project_id: str | int | None, parent_id: str | None, started: float
    ) -> dict[str, Any] | None:
        """The page a failed create may have made: same title and place, created since ``started``, and not
        one this client already knew it created."""
        if parent_id is not None:
            filters: dict[str, Any] = {"parent_page_id": parent_id}
        elif project_id is not None:
            filters = {"project_id": project_id}
        else:
            filters = {"query": title}
        fields = ["title", "parent_page_id", "root_page_id", "created_at"]
        candidates = [
            page
            for page in self.list_pages(filters=filters, fields=fields)
            if page.title == title
            and page.parent_page_id == parent_id
            and page.id not in self._created
            and _timestamp(page.raw.get("created_at")) >= started - CLOCK_SKEW
        ]
        if not candidates:
            return None
        found = max(candidates, key=lambda page: int(page.id) if page.id.isdigit() else 0)
        log.info("create of %r landed despite the error (page %s); not replaying it", title, found.id)
        return {"data": {"id": found.id, "attributes": self.get_page(found.id).raw}}

    # --- transport -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
        recover: Callable[[], dict[str, Any] | None] | None = None,
        gone_ok_on_retry: bool = False,
        replay: bool = True,
        raw: bool = False,
    ) -> Any:
        """Send with retries; ``path`` is relative to the base URL or absolute. ``recover`` marks a request
        that must not be replayed blindly: it is asked, after an unclear failure, for the result the
        request may already have produced; ``replay=False`` gives up instead. ``raw`` returns the bytes."""
        attempt = 0
        while True:
            try:
                response = self._send(method, path, endpoint, params, payload)
            except errors.NetworkError as exc:
                failure: errors.ApiError = exc
            else:
                if response.status_code < 400:
                    return response.content if raw else self._decode(response, method, path)
                failure = self._error(response, method, path)
                if attempt and gone_ok_on_retry and response.status_code == 404:
                    return {}
                if response.status_code not in RETRY_STATUSES:
                    raise failure
            rate_limited = isinstance(failure, errors.RateLimited)
            if recover is not None and not rate_limited:
                recovered = recover()
                if recovered is not None:
                    return recovered
            if attempt >= self.max_retries or (not replay and not rate_limited):
                raise failure
            delay = self._delay(failure, attempt)
            log.info("%s %s failed (%s); retry %d in %.2f s", method, path, failure, attempt + 1, delay)
            self.stats.count_retry(rate_limited)
            time.sleep(delay)
            attempt += 1

    def _send(
        self,
        method: str,
        path: str,
        endpoint: str,
        params: dict[str, str] | None,
        payload: dict[str, Any] | None,
    ) -> requests.Response:
        """One HTTP exchange inside a rate-limit slot."""
        slot = self.limiter.acquire()
        self.stats.count(method, endpoint)
        data = json.dumps(payload) if payload is not None else None
        url = path if "://" in path else self.base_url + path
        try:
            response = self._session.request(method, url, params=params, data=data, timeout=self.timeout)
        except requests.RequestException as exc:
            raise errors.NetworkError(self._scrub(f"{method} {path}: {type(exc).__name__}: {exc}")) from None
        finally:
            self.limiter.release(slot)
        log.debug("%s %s -> %d", method, path, response.status_code)
        return response

    def _decode(self, response: requests.Response, method: str, path: str) -> dict[str, Any]:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            document = response.json()
        except ValueError:
            raise errors.ServerError(
                f"{method} {path}: HTTP {response.status_code} with a body that is not JSON",
                status=response.status_code,
            ) from None
        if not isinstance(document, dict):
            raise errors.ServerError(
                f"{method} {path}: unexpected response shape", status=response.status_code
            )
        return document

    def _error(self, response: requests.Response, method: str, path: str) -> errors.ApiError:
        """The exception for an error response; the body may be JSON:API, HTML or nothing."""
        status = response.status_code
        try:
            document = response.json()
        except ValueError:
            document = None
        found = document.get("errors") if isinstance(document, dict) else None
        items = [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []
        first = items[0] if items else {}
        detail = str(first.get("detail") or first.get("title") or response.reason or "error")
        source = first.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        code = first.get("code") if isinstance(first.get("code"), str) else None
        message = f"{method} {path}: HTTP {status}: {detail}" + (f" ({pointer})" if pointer else "")
        message = self._scrub(message)
        common: dict[str, Any] = {"status": status, "code": code, "errors": items}
        cls = _STATUS_ERRORS.get(status, errors.ServerError if status >= 500 else errors.ApiError)
        if cls is errors.ValidationError:
            return errors.ValidationError(message, pointer=pointer, detail=self._scrub(detail), **common)
        if cls is errors.RateLimited:
            return errors.RateLimited(message, retry_after=_retry_after(response), **common)
        return cls(message, **common)

    def _delay(self, failure: errors.ApiError, attempt: int) -> float:
        """The server's hint on a 429, else exponential backoff with jitter."""
        if isinstance(failure, errors.RateLimited) and failure.retry_after is not None:
            return failure.retry_after + random.uniform(0, 0.05)
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text


def _retry_after(response: requests.Response) -> float | None:
    for header in ("X-RateLimit-Reset", "Retry-After"):
        try:
            return max(0.0, float(response.headers[header]))
        except (KeyError, ValueError):
            continue
    return None


def _timestamp(value: Any) -> float:
    """Epoch seconds of an ISO-8601 timestamp; 0.0 when missing or unreadable."""
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return 0.0
