"""The HTTP side of the client: one session with the auth headers, rate-limit slots, retries, errors.

Every request first takes a slot from the rate limiter shared by all clients of the same token and server
in this process (``sync.ratelimit.shared_limiter``). Reads and idempotent writes are retried on
429/502/503/504 and network errors; a request that must not be replayed blindly (create, append) passes a
``recover`` callback that looks for what the failed attempt may have written (``sync.recovery``).

The token lives only in the session headers: it is never logged, never part of a repr, and scrubbed from
every error message. It only ever goes over HTTPS to the API's host or a Productive file host
(``token_allowed``); plain HTTP is accepted for the API only on a loopback address (the local server).
A request to any other URL leaves without it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.utils
from productive_docs.converter.errors import UsageError
from productive_docs.sync.api import attachments_inferred, errors
from productive_docs.sync.api.ratelimit import ORG_LIMIT, TOKEN_LIMIT, SlidingWindow, shared_limiter

log = logging.getLogger(__name__)

JSONAPI = "application/vnd.api+json"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: A wait this long (seconds) or longer is told to ``Transport.on_wait``.
LONG_WAIT = 5.0
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


AUTH_HEADERS = ("X-Auth-Token", "X-Organization-Id")
#: Request headers that remove the session's auth headers from one request.
_WITHOUT_AUTH: dict[str, str | None] = dict.fromkeys(AUTH_HEADERS)
#: Requests outside the API (the attachment storage) go without the API's headers: the token stays home.
OUTSIDE_API_HEADERS: dict[str, str | None] = dict.fromkeys((*AUTH_HEADERS, "Content-Type", "Accept"))
#: Endpoints that are not API requests: counted by endpoint, not among the reads and writes.
OUTSIDE_API = frozenset({"storage"})


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses: plain HTTP to them never leaves the machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def token_allowed(url: str, base_url: str) -> bool:
    """Whether the token may go with a request to ``url``: HTTPS to the API's own host (``base_url``) or a
    Productive file host; plain HTTP only to the API's own host when that is a loopback address."""
    parts, api = urlsplit(url), urlsplit(base_url)
    if parts.netloc == api.netloc:
        return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))
    return parts.scheme == "https" and parts.hostname in attachments_inferred.FILE_HOSTS


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
            if endpoint in OUTSIDE_API:
                pass
            elif method == "GET":
                self.reads += 1
            else:
                self.writes += 1
            self.by_endpoint[endpoint] += 1

    def count_retry(self, rate_limited: bool) -> None:
        with self._lock:
            self.retries += 1
            self.rate_limited += rate_limited


def duration(seconds: float) -> str:
    """``"42 s"``, ``"12 min 5 s"``, ``"30 min"``: a wait as a user reads it."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{whole} s" if not minutes else f"{minutes} min" if not rest else f"{minutes} min {rest} s"


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


class Transport:
    """Authenticated JSON:API requests with rate limiting and retries; ``Client`` adds the page calls."""

    def __init__(
        self,
        base_url: str,
        token: str,
        org_id: str,
        *,
        timeout: float = 30,
        rate_limit: tuple[int, float] = TOKEN_LIMIT,
        org_rate_limit: tuple[int, float] = ORG_LIMIT,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        if not token:
            raise UsageError("no API token given")
        self.base_url = base_url.rstrip("/") + "/"
        if not token_allowed(self.base_url, self.base_url):
            raise UsageError(f"refusing to send the API token to {self.base_url}: use https:// "
                             "(plain http:// only for a local server on a loopback address)")
        self.org_id = str(org_id)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.limiter = shared_limiter(self.base_url, token, self.org_id, rate_limit, org_rate_limit)
        self.stats = ClientStats()
        #: Told, in words, of every wait of ``LONG_WAIT`` seconds or more (a rate limit reached, a 429's
        #: hint): the command prints it, so a run that waits minutes for the organisation's window does
        #: not look hung. None: waits are silent.
        self.on_wait: Callable[[str], None] | None = None
        self._token = token
        self._redact = _RedactToken(token)
        logging.getLogger("urllib3.connectionpool").addFilter(self._redact)
        self._session = _Session()
        # requests looks proxies, CA bundle and ~/.netrc up in the environment on every call (~3 ms of CPU
        # each): looked up once per host here instead (``_environment``); netrc is not wanted anyway, the
        # API authenticates by header
        self._session.trust_env = False
        self._environments: dict[str, dict[str, Any]] = {}
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, org_id={self.org_id!r}, token=<hidden>)"

    def close(self) -> None:
        self._session.close()
        logging.getLogger("urllib3.connectionpool").removeFilter(self._redact)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
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
        form: tuple[dict[str, str], dict[str, Any]] | None = None,
    ) -> Any:
        """Send with retries; ``path`` is relative to the base URL or absolute. ``recover`` marks a request
        that must not be replayed blindly: it is asked, after an unclear failure, for the result the
        request may already have produced; ``replay=False`` gives up instead. ``raw`` returns the bytes.
        ``form`` (fields, files) sends a multipart body without the API's headers and returns the response."""
        attempt = 0
        while True:
            try:
                response = self._send(method, path, endpoint, params, payload, form)
            except errors.NetworkError as exc:
                failure: errors.ApiError = exc
            else:
                if response.status_code < 400:
                    if form is not None:
                        return response
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
            if self.on_wait is not None and delay >= LONG_WAIT:
                self.on_wait(f"{self._scrub(str(failure))}; retrying in {duration(delay)}")
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
        form: tuple[dict[str, str], dict[str, Any]] | None = None,
    ) -> requests.Response:
        """One HTTP exchange inside a rate-limit slot (none for the storage host, outside Productive's API and
        its limits: ``attachments_inferred.STORAGE_IN_RATE_LIMITS``)."""
        counted = form is None or attachments_inferred.STORAGE_IN_RATE_LIMITS
        slot = self.limiter.acquire(self._waiting) if counted else None
        self.stats.count(method, endpoint)
        url = path if "://" in path else self.base_url + path
        headers = None if token_allowed(url, self.base_url) else _WITHOUT_AUTH
        environment = self._environment(url)
        try:
            if form is not None:
                response = self._session.request(method, url, data=form[0], files=form[1],
                                                 headers=OUTSIDE_API_HEADERS, timeout=self.timeout,
                                                 **environment)
            else:
                data = json.dumps(payload) if payload is not None else None
                response = self._session.request(method, url, params=params, data=data, headers=headers,
                                                 timeout=self.timeout, **environment)
        except requests.RequestException as exc:
            parts = urlsplit(url)
            where = self.base_url if url.startswith(self.base_url) else f"{parts.scheme}://{parts.netloc}/"
            message = f"cannot reach {where}: {_why_unreachable(exc, self.timeout)}"
            raise errors.NetworkError(self._scrub(message)) from None
        finally:
            if slot is not None:
                self.limiter.release(slot)
        log.debug("%s %s -> %d", method, path, response.status_code)
        return response

    def _environment(self, url: str) -> dict[str, Any]:
        """The proxies (``*_PROXY``, ``NO_PROXY``) and CA bundle (``REQUESTS_CA_BUNDLE``) the environment
        gives requests to ``url``'s host, as requests itself would find them, looked up once per host."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        found = self._environments.get(host)
        if found is None:
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            found = {"proxies": requests.utils.get_environ_proxies(host + "/"), "verify": verify}
            self._environments[host] = found
        return found

    def _decode(self, response: requests.Response, method: str, path: str) -> dict[str, Any]:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            document = response.json()
        except (ValueError, RecursionError):
            raise errors.ServerError(
                f"{method} {path}: HTTP {response.status_code} with a body not JSON or nested too deep",
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

    def _waiting(self, seconds: float, window: SlidingWindow | None) -> None:
        """Tell ``on_wait`` of a long wait for the rate limiter."""
        if self.on_wait is not None and seconds >= LONG_WAIT and window is not None:
            whose = f" of the {window.scope}" if window.scope else ""
            limit = f"{window.limit} requests per {duration(window.period)}"
            self.on_wait(f"rate limit{whose} reached ({limit}): waiting {duration(seconds)}")

    def _delay(self, failure: errors.ApiError, attempt: int) -> float:
        """The server's hint on a 429, else exponential backoff with jitter."""
        if isinstance(failure, errors.RateLimited) and failure.retry_after is not None:
            return failure.retry_after + random.uniform(0, 0.05)
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    def post_form(self, url: str, fields: dict[str, str], files: dict[str, Any]) -> requests.Response:
        """A multipart POST outside the API (the attachment storage, spec §4.10): through the session, its
        rate limiter and retry policy, but without the API's headers (the token never goes there)."""
        response: requests.Response = self.call("POST", url, "storage", form=(fields, files))
        return response

    def token_query(self, name: str) -> dict[str, str]:
        """``{name: token}`` for file URLs that take the token in the query (spec §4.10)."""
        return {name: self._token}

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text


def _why_unreachable(exc: requests.RequestException, timeout: float) -> str:
    """A few words for a failed connection, instead of urllib3's nested reprs (``HTTPConnectionPool(...):
    Max retries exceeded ... (Caused by NewConnectionError(...))``)."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed"
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, OSError) and not isinstance(cause, requests.RequestException) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
    return "connection failed"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exceptions behind ``exc``: urllib3 keeps them in ``reason`` and ``args``, Python in
    ``__cause__``/``__context__``."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [*current.args, getattr(current, "reason", None), current.__cause__, current.__context__]
        pending += [item for item in linked if isinstance(item, BaseException)]


def _retry_after(response: requests.Response) -> float | None:
    for header in ("X-RateLimit-Reset", "Retry-After"):
        try:
            return max(0.0, float(response.headers[header]))
        except (KeyError, ValueError):
            continue
    return None


