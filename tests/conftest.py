"""Root fixtures: local servers on loopback ports, clients for them (real HTTP, no mocks), the environment
of a CLI run pointing at a server, and a docs folder written from a dict."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from productive_docs.sync.api.client import Client
from productive_docs.sync.server.app import LocalServer
from shared_corpora import CORPORA, REQUIRE_CORPORA

#: Under CI the property tests draw the same examples on every run (``derandomize``): a red CI then names a
#: change, not a lucky draw; on a developer's machine they keep exploring (failures found there get a test).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

#: A rate limit no test reaches: big trees stay fast.
UNLIMITED = (1_000_000, 1.0)

_SKIP_REASON = "../shared/corpora is not beside the project (a clone from the public repository has none)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every hypothesis test and every ``corpus`` test ``slow``; skip the ``corpus`` tests, with the
    reason, where the corpora are absent (fail instead under CI)."""
    for item in items:
        is_property = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if is_property or item.get_closest_marker("corpus"):
            item.add_marker(pytest.mark.slow)
    if CORPORA.is_dir():
        return
    if os.environ.get(REQUIRE_CORPORA):
        raise pytest.UsageError(f"{REQUIRE_CORPORA} is set but {CORPORA} is missing")
    for item in items:
        if item.get_closest_marker("corpus"):
            # first, so that the summary gives this reason and not "got empty parameter set"
            item.add_marker(pytest.mark.skip(reason=_SKIP_REASON), append=False)


_skipped_corpus_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "corpus" in report.keywords:
        _skipped_corpus_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI a skipped ``corpus`` test fails the run: the material is there, a skip would hide a bug."""
    if os.environ.get(REQUIRE_CORPORA) and _skipped_corpus_tests and exitstatus == 0:
        print(f"\n{len(_skipped_corpus_tests)} corpus tests were skipped although {REQUIRE_CORPORA} is set:")
        print("\n".join(f"  {nodeid}" for nodeid in _skipped_corpus_tests[:20]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


@pytest.fixture
def fast_server() -> Iterator[LocalServer]:
    """A started server without rate limits."""
    with LocalServer(db=":memory:", rate_limit=UNLIMITED, org_rate_limit=UNLIMITED).start() as server:
        yield server


@pytest.fixture
def fast_client(fast_server: LocalServer) -> Iterator[Client]:
    """A client for ``fast_server`` without rate limits and with a fast backoff."""
    with Client(fast_server.url, fast_server.token, fast_server.org_id, rate_limit=UNLIMITED,
                org_rate_limit=UNLIMITED, backoff=0.01, max_backoff=0.05) as api:
        yield api


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fast_server: LocalServer, tmp_path: Path) -> LocalServer:
    """Commands run through ``sync.cli.main`` talk to ``fast_server``; the working directory is ``tmp_path``
    (as a CI checkout) and no user config file is read."""
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", fast_server.token)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", str(fast_server.org_id))
    monkeypatch.setenv("PRODUCTIVE_API_URL", fast_server.url)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return fast_server


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
    """Writes ``tmp_path/docs`` from a dict of relative path -> content."""
    return lambda files: write_tree(tmp_path / "docs", files)
