"""The token must not follow a redirect to another host (requests strips only ``Authorization``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from productive_docs.sync.api.client import Client


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def storage() -> Iterator[tuple[ThreadingHTTPServer, list[dict[str, str]]]]:
    """A second host ("localhost", not "127.0.0.1") that records the headers it is sent."""
    seen: list[dict[str, str]] = []

    class Storage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"file")

        def log_message(self, *args: object) -> None:
            pass

    server = _serve(Storage)
    yield server, seen
    server.shutdown()


def test_the_token_is_not_sent_on_to_a_redirect_target_on_another_host(storage):
    store, seen = storage
    target = f"http://localhost:{store.server_address[1]}/object"

    class Api(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    api = _serve(Api)
    try:
        base = f"http://127.0.0.1:{api.server_address[1]}/api/v2/"
        with Client(base, "secret-token-123", "1") as client:
            assert client.get_file(base + "files/1") == b"file"
    finally:
        api.shutdown()
    assert seen, "the redirect was not followed"
    assert not any("secret-token-123" in value for value in seen[0].values())
    assert "X-Auth-Token" not in seen[0]
