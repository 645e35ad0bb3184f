"""Fixtures of the CLI tests: a local server without rate limits, the environment pointing at it, and a
helper writing a docs folder from a dict (the commands run through ``sync.cli.main`` as a user runs them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.client import Client
from sync.server.app import LocalServer

UNLIMITED = (1_000_000, 1.0)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as started:
        yield started


@pytest.fixture
def slow_server() -> Iterator[LocalServer]:
    """A server answering every request after 60 ms, so a run can be interrupted half-way."""
    with LocalServer(db=":memory:", latency_ms=60, rate_limit=UNLIMITED,
                     org_rate_limit=UNLIMITED).start() as started:
        yield started


def _client(server: LocalServer) -> Client:
    return Client(server.url, server.token, server.org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED)


@pytest.fixture
def api(server: LocalServer) -> Iterator[Client]:
    """A client to look at the server's pages from outside the command under test."""
    with _client(server) as client:
        yield client


@pytest.fixture
def slow_api(slow_server: LocalServer) -> Iterator[Client]:
    with _client(slow_server) as client:
        yield client


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, server: LocalServer, tmp_path: Path) -> LocalServer:
    """The commands talk to ``server``; the working directory is ``tmp_path`` (as a CI checkout)."""
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", server.token)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(server.org_id))
    monkeypatch.setenv("PRODUCTIVE_API_URL", server.url)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return server


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def docs(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Writes ``tmp_path/docs`` from a dict of relative path -> content."""
    return lambda files: write_tree(tmp_path / "docs", files)
