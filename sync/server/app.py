"""The local Productive-compatible server: HTTP plumbing around ``Pages``.

Every request passes, in order: latency, auth (401/403), rate limits (429), Content-Type (415), size cap
(413), JSON parsing (400), fault injection, then the route handler. Any unexpected exception still ends as
a JSON:API 500 without a traceback, and the store's transactions keep the database whole.

Fault injection (``fail_rate``): a failing request answers 502 with an HTML body, as docs-realtime does.
Reads fail before doing anything. Writes fail half the time *before* the write and half the time *after*
it was committed, so a client cannot tell from the 502 whether its write landed and must check. Tests that
need one exact failure set ``before`` / ``after``: called with each routed request before its handler and
after it (committed), an answer they return (``bad_gateway()``) replaces the handler's.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import math
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from productive_docs.sync.api.config import default_data_dir
from productive_docs.sync.api.ratelimit import ORG_LIMIT, TOKEN_LIMIT, RateLimiter
from productive_docs.sync.server.attachments import Attachments
from productive_docs.sync.server.jsonapi import Problem, Request, Response
from productive_docs.sync.server.pages import Pages, store_problem
from productive_docs.sync.server.store import Store, StoreError

if TYPE_CHECKING:
    from productive_docs.sync.server.web import WebView

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "local-token"
DEFAULT_ORG = "1"
JSONAPI = "application/vnd.api+json"
#: Where the API is served (the web view and file URLs are outside it).
API_PATH = "/api/v2/"
#: Request bodies above this size get a 413 (the live cap is unknown; 5 MB holds any real page).
MAX_BODY_BYTES = 5 * 1024 * 1024
#: ids in paths longer than this cannot exist (SQLite integers have at most 19 digits)
MAX_ID_DIGITS = 18
BAD_GATEWAY_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


def default_db_path() -> Path:
    """The embedded server's database in the user's data folder."""
    return default_data_dir() / "server.sqlite3"


class LocalServer:
    """A started-on-demand emulator of the pages API; see the module docstring."""

    def __init__(
        self,
        db: str | Path = ":memory:",
        token: str = DEFAULT_TOKEN,
        org_id: str = DEFAULT_ORG,
        rate_limit: tuple[int, float] = TOKEN_LIMIT,
        org_rate_limit: tuple[int, float] = ORG_LIMIT,
        fail_rate: float = 0.0,
        latency_ms: float = 0,
        access_log: str | Path | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        seed: int | None = None,
    ) -> None:
        self.token = token
        self.org_id = str(org_id)
        self.store = Store(db)
        self.pages = Pages(self.store, self.org_id)
        self.routes = self.pages.routes()
        self.attachments = Attachments(self.store, token)
        self.routes += self.attachments.routes()
        self._web: WebView | None = None
        self.limiter = RateLimiter(rate_limit, org_rate_limit)
        self.fail_rate = fail_rate
        self.latency = latency_ms / 1000
        self.max_body_bytes = max_body_bytes
        self.random = random.Random(seed)
        #: Test hooks (see the module docstring): a Response returned replaces the handler's answer.
        self.before: Callable[[Request], Response | None] | None = None
        self.after: Callable[[Request, Response], Response | None] | None = None
        self._log_path = Path(access_log) if access_log else None
        self._log_lock = threading.Lock()
        self._web_lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        #: open keep-alive connections, closed by ``stop`` so no handler thread outlives the server
        self.connections: set[socket.socket] = set()
        self._thread: threading.Thread | None = None
        self.url = ""

    @property
    def web(self) -> WebView:
        """The read-only web view, made on first use: its renderer (bs4 and the HTML writer) is not loaded
        by a run that only calls the API, such as a push to the embedded server."""
        with self._web_lock:
            if self._web is None:
                from productive_docs.sync.server.web import WebView

                self._web = WebView(self.store, self.attachments)
            return self._web

    @property
    def root(self) -> str:
        """``http://host:port`` of the started server (the web view and file URLs live below it)."""
        return self.url.split("/api/v2/")[0]

    def __repr__(self) -> str:
        return f"LocalServer(url={self.url!r}, org_id={self.org_id!r})"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> LocalServer:
        """Listen and serve in a background thread; ``url`` is then the API base URL."""
        self._httpd = ThreadingHTTPServer((host, port), _handler_class(self))
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        host_name = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
        self.url = f"http://{host_name}:{bound_port}{API_PATH}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="productive-local-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block the calling thread while the started server runs; stop it on the way out (Ctrl+C)."""
        try:
            while self._thread and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            for connection in list(self.connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._httpd = None
            self.store.close()

    def __enter__(self) -> LocalServer:
        if self._httpd is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- request pipeline ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], read_body: Any
    ) -> tuple[Response, bool]:
        """One request -> (response, whether the body was left unread so the connection must close)."""
        if self.latency:
            time.sleep(self.latency)
        length = headers.get("content-length") or "0"
        pending = length != "0"
        try:
            if not length.isdigit():
                raise Problem(400, "Content-Length must be a number of bytes", code="bad_request")
            self._authenticate(headers)
            self._rate_limit()
            if pending and not headers.get("content-type", "").startswith(JSONAPI):
                raise Problem(415, f"Content-Type must be {JSONAPI}", code="unsupported_media_type")
            if int(length) > self.max_body_bytes:
                raise Problem(413, f"request body over {self.max_body_bytes} bytes", code="payload_too_large")
            raw = read_body(int(length)) if pending else b""
            pending = False
            parts = urlsplit(target)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            request = Request(method, parts.path, query, _parse_json(raw) if raw else None, self.url, headers)
            return self._dispatch(request), False
        except Problem as problem:
            return problem.response(), pending
        except Exception:  # noqa: BLE001 - a bug must still answer JSON:API, never a traceback
            log.exception("local server: unexpected error on %s %s", method, target)
            return Problem(500, "unexpected server error", code="server_error").response(), pending

    def _dispatch(self, request: Request) -> Response:
        allowed = False
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if not match:
                continue
            if any(len(group) > MAX_ID_DIGITS for group in match.groups()):
                raise Problem(404, f"no record at {request.path}", code="record_not_found")
            allowed = True
            if method == request.method:
                return self._run(request, handler, match.groups())
        if allowed:
            raise Problem(
                405, f"{request.method} is not allowed on {request.path}", code="method_not_allowed"
            )
        raise Problem(404, f"no route for {request.path}", code="record_not_found")

    def _run(self, request: Request, handler: Any, args: tuple[str, ...]) -> Response:
        failure = self.random.random() < self.fail_rate
        if failure and (request.method == "GET" or self.random.random() < 0.5):
            return bad_gateway()
        if self.before is not None and (answer := self.before(request)) is not None:
            return answer
        try:
            response = handler(request, *args)
        except StoreError as error:
            raise store_problem(error) from None
        if self.after is not None and (answer := self.after(request, response)) is not None:
            return answer
        return bad_gateway() if failure else response

    def _authenticate(self, headers: dict[str, str]) -> None:
        token = headers.get("x-auth-token", "")
        if not token or not hmac.compare_digest(token.encode(), self.token.encode()):
            raise Problem(401, "You are not authenticated", code="invalid_auth_token")
        org = headers.get("x-organization-id", "")
        if not org:
            raise Problem(403, "X-Organization-Id header is missing", code="no_organization_id")
        if org != self.org_id:
            raise Problem(403, "You are not a member of this organization", code="no_person")

    def _rate_limit(self) -> None:
        slot, wait, window = self.limiter.try_acquire()
        if slot is None and window is not None:
            reset = math.ceil(wait * 1000) / 1000
            raise Problem(
                429,
                f"Rate limit of {window.limit} requests per {window.period:g} s exceeded",
                headers={"X-RateLimit-Reset": f"{reset:g}", "Retry-After": str(math.ceil(wait))},
                extra={"status": 429, "limit": window.limit, "period": window.period},
            )

    def log_request(self, method: str, path: str, status: int, duration: float) -> None:
        if self._log_path is None:
            return
        line = json.dumps(
            {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(duration * 1000, 2),
            }
        )
        with self._log_lock, self._log_path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


#: The range of the embedded server's stable ports (below Linux's ephemeral range).
EMBEDDED_PORTS = range(20000, 32000)


def embedded_port(db_path: str | Path) -> int:
    """The port the embedded server of ``db_path`` listens on: derived from the path, so that it is the same
    on every run (attachment URLs stored in page bodies embed it) and differs between databases."""
    digest = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8")).digest()
    return EMBEDDED_PORTS[int.from_bytes(digest[:4], "big") % len(EMBEDDED_PORTS)]


def embedded(db_path: str | Path | None = None, **options: Any) -> LocalServer:
    """A started server on loopback, persisted in the user's data folder: what the sync command uses when no
    API token is configured. Token ``local-token``, organisation ``1``. It listens on the database's stable
    port, or on a free one while that is taken (then attachment URLs of this run name that port).
    ``options`` go to ``LocalServer`` (the preview's throwaway server has no rate limits)."""
    db = Path(db_path or default_db_path())
    server = LocalServer(db=db, **options)
    try:
        return server.start(port=embedded_port(db))
    except OSError:
        return server.start()


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Problem(400, f"malformed JSON body: {exc}", code="invalid_json") from None


def bad_gateway() -> Response:
    return Response(502, html=BAD_GATEWAY_HTML)


def _handler_class(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "productive-docs-local"
        #: headers and body go out in two writes; without this, Nagle + delayed ACK cost 40 ms a request
        disable_nagle_algorithm = True
        #: idle keep-alive connections close after this many seconds
        timeout = 30

        def setup(self) -> None:
            super().setup()
            server.connections.add(self.connection)

        def finish(self) -> None:
            server.connections.discard(self.connection)
            super().finish()

        def _handle(self) -> None:
            started = time.monotonic()
            if server.attachments.serves(self.path):  # S3-like storage and file URLs: outside the API
                status = server.attachments.answer(self)
                # file URLs may carry the token as ?token= (spec §4.10): their query is never logged
                server.log_request(self.command, urlsplit(self.path).path, status, time.monotonic() - started)
                return
            # the read-only web view: outside the API too (an API path never asks for it)
            if not self.path.startswith(API_PATH) and server.web.serves(self.path):
                host, peer = self.headers.get("Host", ""), str(self.client_address[0])
                response = server.web.answer(self.command, self.path, host, peer)
                server.log_request(self.command, self.path, response.status, time.monotonic() - started)
                self._send(response, self.command != "GET" or self.headers.get("Content-Length", "0") != "0")
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
            response, unread = server.handle(self.command, self.path, headers, self.rfile.read)
            server.log_request(self.command, self.path, response.status, time.monotonic() - started)
            self._send(response, unread)

        def _send(self, response: Response, close: bool) -> None:
            headers = dict(response.headers)
            if response.html is not None:
                payload, content_type = response.html, headers.pop("Content-Type", "text/html")
            elif response.document is None:
                payload, content_type = b"", None
            else:
                payload = json.dumps(response.document, ensure_ascii=False).encode("utf-8")
                content_type = f"{JSONAPI}; charset=utf-8"
            self.send_response(response.status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if response.status != 204:
                self.send_header("Content-Length", str(len(payload)))
            for key, value in headers.items():
                self.send_header(key, value)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
            """Silence the default stderr log; ``--access-log`` is the log."""

    return Handler
