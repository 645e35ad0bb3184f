"""Root fixtures: a fresh local server on a loopback port and a client for it (real HTTP, no mocks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.client import Client
from sync.server.app import LocalServer


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A started server with an in-memory database and the documented rate limits."""
    with LocalServer(db=":memory:").start() as server:
        yield server


@pytest.fixture
def client(local_server: LocalServer) -> Iterator[Client]:
    """A client for ``local_server`` (fast backoff, so retry tests stay quick)."""
    with Client(
        local_server.url, local_server.token, local_server.org_id, backoff=0.01, max_backoff=0.2
    ) as api:
        yield api
