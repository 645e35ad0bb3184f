"""The storage POST of an upload goes through the client's transport (its session and retry policy) without
the API's headers: the token never goes to the storage host (issue 11); and outside Productive's rate limits,
which count requests to its API (``attachments_inferred.STORAGE_IN_RATE_LIMITS``)."""

from __future__ import annotations

import time

import pytest
import requests
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.references import Asset
from productive_docs.sync.assets.upload import upload


def test_the_storage_post_is_counted_by_the_transport_and_carries_no_token(
    client: Client, page_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[requests.PreparedRequest] = []
    send = requests.Session.send

    def spy(self: requests.Session, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        sent.append(request)
        return send(self, request, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "send", spy)
    writes = client.stats.writes
    record = upload(client, Asset("a.png", "image", "a.png", "image/png", 3, "h", inline=b"png"), page_id)
    assert "/attachments/files/" in record.url
    assert client.stats.by_endpoint["storage"] == 1
    assert client.stats.writes - writes == 2, "create, PATCH temp_url: the storage POST is no API write"
    storage = [request for request in sent if "/storage" in str(request.url)]
    assert len(storage) == 1
    assert "X-Auth-Token" not in storage[0].headers and client.transport.token_query("t")["t"] not in str(
        storage[0].headers)
    assert str(storage[0].headers["Content-Type"]).startswith("multipart/form-data")


def test_the_storage_post_takes_no_slot_of_productives_limits(client: Client, page_id: str) -> None:
    """Two uploads are four API requests (create, PATCH each) and two storage POSTs: under an organisation
    limit of four requests, none waits (counting the storage POSTs, the fifth request waited 20 s)."""
    with Client(client.base_url, client.transport.token_query("t")["t"], client.org_id,
                org_rate_limit=(4, 20.0)) as limited:
        started = time.monotonic()
        for name in ("a.png", "b.png"):
            upload(limited, Asset(name, "image", name, "image/png", 3, name, inline=b"png"), page_id)
        assert time.monotonic() - started < 5.0
        assert limited.stats.by_endpoint["storage"] == 2 and limited.transport.limiter.waited == 0.0
