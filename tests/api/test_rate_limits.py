"""Rate limits (spec §4.8): the server's 429 with its documented body and header, and a client that stays
under the limits (also from several threads) or waits for the announced reset."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from productive_docs.sync.api import ratelimit
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.ratelimit import RateLimiter, SlidingWindow, Slot, parse_limit, shared_limiter
from productive_docs.sync.server.app import LocalServer


def _get(server: LocalServer) -> requests.Response:
    headers = {"X-Auth-Token": server.token, "X-Organization-Id": server.org_id}
    return requests.get(server.url + "pages", headers=headers, timeout=5)


def test_sliding_window_counts_exactly() -> None:
    window = SlidingWindow(3, 10.0)
    for moment in (0.0, 1.0, 2.0):
        assert window.wait_time(moment) == 0.0
        window.add(Slot(moment))
    assert window.wait_time(5.0) == pytest.approx(5.0)
    assert window.wait_time(10.0) == 0.0


def test_limiter_blocks_until_both_windows_have_room() -> None:
    clock = [0.0]
    limiter = RateLimiter((2, 1.0), (3, 10.0), clock=lambda: clock[0])
    assert limiter.try_acquire()[0] and limiter.try_acquire()[0]
    slot, wait, window = limiter.try_acquire()
    assert slot is None and wait == pytest.approx(1.0) and window.limit == 2
    clock[0] = 1.0
    assert limiter.try_acquire()[0]
    clock[0] = 2.5
    slot, wait, window = limiter.try_acquire()
    assert slot is None and wait == pytest.approx(7.5) and window.limit == 3


def test_parse_limit() -> None:
    assert parse_limit("100/10") == (100, 10.0)
    for bad in ("100", "a/10", "0/1", "5/0"):
        with pytest.raises(ValueError):
            parse_limit(bad)


@pytest.mark.parametrize(
    ("limits", "limit"), [({"rate_limit": (3, 1.0)}, 3), ({"org_rate_limit": (4, 1.0)}, 4)]
)
def test_server_answers_429_with_the_documented_body(limits: dict, limit: int) -> None:
    with LocalServer(**limits).start() as server:
        answers = [_get(server) for _ in range(limit + 1)]
        assert [answer.status_code for answer in answers] == [200] * limit + [429]
        error = answers[-1].json()["errors"][0]
        assert error["status"] == 429 and error["title"] == "Too many requests"
        assert error["limit"] == limit and error["period"] == 1.0
        assert 0 < float(answers[-1].headers["X-RateLimit-Reset"]) <= 1.0
        time.sleep(float(answers[-1].headers["X-RateLimit-Reset"]))
        assert _get(server).status_code == 200


def test_client_waits_for_the_announced_reset() -> None:
    with (
        LocalServer(rate_limit=(3, 0.5)).start() as server,
        Client(server.url, server.token, server.org_id, rate_limit=(1000, 1.0)) as client,
    ):
        for _ in range(5):
            client.list_pages()
        assert client.stats.rate_limited >= 1 and client.stats.reads == 5 + client.stats.rate_limited


def test_client_under_the_limits_never_sees_a_429() -> None:
    with (
        LocalServer(rate_limit=(5, 0.5)).start() as server,
        Client(server.url, server.token, server.org_id, rate_limit=(5, 0.5)) as client,
    ):
        started = time.monotonic()
        for _ in range(20):
            client.list_pages()
        elapsed = time.monotonic() - started
    assert client.stats.rate_limited == 0 and client.stats.retries == 0
    assert 1.5 <= elapsed < 2.5


def test_limiter_is_shared_by_threads() -> None:
    # The client's window is a little longer than the server's: on a loaded machine a request that leaves on
    # time can reach the server late and the next one on time, closer together than they were sent.
    with (
        LocalServer(rate_limit=(5, 0.5)).start() as server,
        Client(server.url, server.token, server.org_id, rate_limit=(5, 0.6)) as client,
    ):
        threads = [threading.Thread(target=lambda: [client.list_pages() for _ in range(5)]) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert client.stats.reads == 20 and client.stats.rate_limited == 0


def test_clients_of_one_token_share_its_windows() -> None:
    """Productive counts per token and per organisation, not per client object: two clients of one token
    (threads of a sync and of an attachment upload, say) together stay under the limit."""
    with (
        LocalServer(rate_limit=(5, 0.5)).start() as server,
        Client(server.url, server.token, server.org_id, rate_limit=(5, 0.5)) as first,
        Client(server.url, server.token, server.org_id, rate_limit=(5, 0.5)) as second,
    ):
        threads = [threading.Thread(target=lambda api=api: [api.list_pages() for _ in range(8)])
                   for api in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert first.stats.reads + second.stats.reads == 16
    assert first.stats.rate_limited == second.stats.rate_limited == 0


def test_shared_windows_are_keyed_by_server_token_and_organisation() -> None:
    one = shared_limiter("http://a/api/v2/", "secret-1", "7", (100, 10.0), (4000, 1800.0))
    same = shared_limiter("http://a/api/v2", "secret-1", "7", (100, 10.0), (4000, 1800.0))
    other_token = shared_limiter("http://a/api/v2/", "secret-2", "7", (100, 10.0), (4000, 1800.0))
    other_server = shared_limiter("http://b/api/v2/", "secret-1", "7", (100, 10.0), (4000, 1800.0))
    (token, org), (same_token, same_org) = one.windows, same.windows
    assert token is same_token and org is same_org
    assert other_token.windows[0] is not token and other_token.windows[1] is org
    assert other_server.windows[0] is not token and other_server.windows[1] is not org
    assert "secret-1" not in repr(list(ratelimit._shared_windows.keys()))
    assert "secret-1" not in repr(one.__dict__)


def test_a_long_wait_is_told_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that waits for a full window (the organisation's is 30 minutes) says so instead of looking
    hung; short waits stay silent. Told: the client's own wait, and a 429's announced reset."""
    from productive_docs.sync.api import transport

    monkeypatch.setattr(transport, "LONG_WAIT", 0.3)
    told: list[str] = []
    with (
        LocalServer().start() as server,
        Client(server.url, server.token, server.org_id, org_rate_limit=(2, 0.6)) as client,
    ):
        client.transport.on_wait = told.append
        for _ in range(3):
            client.list_pages()
        assert len(told) == 1, told
        assert told[0].startswith("rate limit of the organisation reached (2 requests per 1 s): waiting ")
    with (
        LocalServer(rate_limit=(1, 0.6)).start() as server,
        Client(server.url, server.token, server.org_id, rate_limit=(1000, 1.0)) as client,
    ):
        client.transport.on_wait = told.append
        client.list_pages()
        client.list_pages()
        assert len(told) == 2 and "429" in told[1] and "retrying in 1 s" in told[1], told
        assert server.token not in " ".join(told)


def test_waits_read_as_a_user_reads_them() -> None:
    from productive_docs.sync.api.transport import duration

    assert [duration(s) for s in (0.4, 42, 59.6, 60, 725.2, 1800)] == [
        "0 s", "42 s", "1 min", "1 min", "12 min 5 s", "30 min"]
