"""Fixtures of the sync tests: a server and client without rate limits (so big trees stay fast), and a
helper writing a docs folder from a dict."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.client import Client
from sync.server.app import LocalServer

UNLIMITED = (1_000_000, 1.0)


@pytest.fixture
def fast_server() -> Iterator[LocalServer]:
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        yield server


@pytest.fixture
def fast_client(fast_server: LocalServer) -> Iterator[Client]:
    with Client(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                org_rate_limit=UNLIMITED, backoff=0.01, max_backoff=0.05) as api:
        yield api


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``files`` (relative path -> content) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    return lambda files: write_tree(tmp_path / "docs", files)
