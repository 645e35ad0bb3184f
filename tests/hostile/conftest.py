"""The hostile-input harness: a local server with a recognisable token, a CLI run against it, and the
checks every hostile test ends with: the token appears nowhere (output, log records, every file written,
the server's database and access log, every request seen by a host that is not the API), and nothing
outside the synced folder changed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from productive_docs.sync.cli.main import main
from productive_docs.sync.server.app import LocalServer

#: The token of every hostile run: a string no output, file or foreign request may ever contain.
TOKEN = "HOSTILE-tok3n-5f1e2d9c"
UNLIMITED = (1_000_000, 1.0)
#: No hostile test may take longer than this, whatever it feeds the tool (each states a tighter bound for
#: the run it provokes); the failures it guards against took minutes to hours.
TEST_BOUND_S = 120.0


@dataclass
class Foreign:
    """A second host ("localhost", not the API's "127.0.0.1") that records every request it is sent."""

    url: str
    seen: list[str] = field(default_factory=list)


@pytest.fixture
def foreign() -> Iterator[Foreign]:
    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            seen.append(f"{self.requestline}\n{self.headers}")
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"PNG")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Foreign(f"http://localhost:{httpd.server_address[1]}", seen)
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Run:
    """One CLI run's exit code and output."""

    code: int
    out: str
    err: str


class Hostile:
    """A docs folder ``root`` synced with a server holding ``TOKEN``; ``run`` drives the CLI."""

    def __init__(self, tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str],
                 caplog: pytest.LogCaptureFixture) -> None:
        self.tmp = tmp_path
        self.token = TOKEN
        self.root = tmp_path / "docs"
        self.root.mkdir()
        self.server = server
        self.capsys = capsys
        self.caplog = caplog
        self.outputs: list[str] = []
        self.before: dict[str, bytes] = {}

    def run(self, *args: str) -> Run:
        code = main(list(args))
        captured = self.capsys.readouterr()
        self.outputs += [captured.out, captured.err]
        return Run(code, captured.out, captured.err)

    def outside(self) -> dict[str, bytes]:
        """Every file under the test's folder but outside ``root`` and the server's own files."""
        return {str(p.relative_to(self.tmp)): p.read_bytes() for p in sorted(self.tmp.rglob("*"))
                if p.is_file() and not p.is_symlink() and not p.is_relative_to(self.root)
                and not p.is_relative_to(self.tmp / "server")}

    def assert_no_leak(self, foreign: Foreign | None = None) -> None:
        for text_value in [*self.outputs, self.caplog.text, *(r.getMessage() for r in self.caplog.records)]:
            assert TOKEN not in text_value
        for path in [*self.root.rglob("*"), *(self.tmp / "server").rglob("*")]:
            if path.is_file() and not path.is_symlink():
                assert TOKEN.encode() not in path.read_bytes(), f"token leaked into {path}"
        for request in foreign.seen if foreign else []:
            assert TOKEN not in request


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            caplog: pytest.LogCaptureFixture) -> Iterator[Hostile]:
    """A CLI environment against a local server with ``TOKEN``; after the test, whatever it did, the
    token must not have leaked and nothing outside the docs folder may have changed."""
    (tmp_path / "server").mkdir()
    server = LocalServer(db=tmp_path / "server" / "db.sqlite", token=TOKEN, rate_limit=UNLIMITED,
                         org_rate_limit=UNLIMITED, access_log=tmp_path / "server" / "access.log").start()
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", TOKEN)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(server.org_id))
    monkeypatch.setenv("PRODUCTIVE_API_URL", server.url)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG, logger="productive_docs")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    harness = Hostile(tmp_path, server, capsys, caplog)
    harness.before = harness.outside()
    started = time.monotonic()
    try:
        yield harness
    finally:
        server.stop()
    assert time.monotonic() - started < TEST_BOUND_S
    harness.assert_no_leak()
    assert harness.outside() == harness.before, "a file outside the synced folder changed"
