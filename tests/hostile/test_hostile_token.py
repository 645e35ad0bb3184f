"""The token goes over HTTPS to the API's host and Productive's file hosts only (plain HTTP to a loopback
API, the local server, is the one exception): an ``http://`` attachment URL in a pulled page is not
fetched with it, and reported."""

from __future__ import annotations

import time

import pytest
from productive_docs.converter.errors import UsageError
from productive_docs.sync.api import attachments_inferred
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.transport import token_allowed

API = "https://api.productive.io/api/v2/"
#: A pull of one small page: a few requests.
BOUND_S = 20.0


@pytest.mark.parametrize(("url", "base", "allowed"), [
    ("https://api.productive.io/api/v2/pages", API, True),
    ("https://files.productive.io/attachments/files/1/original/a.png", API, True),
    ("http://files.productive.io/attachments/files/1/original/a.png", API, False),
    ("http://api.productive.io/api/v2/pages", API, False),
    ("https://api.productive.io:8443/api/v2/pages", API, False),
    ("https://evil.example/attachments/files/1/original/a.png", API, False),
    ("https://files.productive.io.evil.example/attachments/a.png", API, False),
    ("http://127.0.0.1:8123/api/v2/pages", "http://127.0.0.1:8123/api/v2/", True),
    ("http://127.0.0.1:9999/api/v2/pages", "http://127.0.0.1:8123/api/v2/", False),
    ("http://localhost:8123/x", "http://127.0.0.1:8123/api/v2/", False),
])
def test_where_the_token_may_go(url: str, base: str, allowed: bool):
    assert token_allowed(url, base) is allowed


def test_a_plain_http_api_off_the_machine_is_refused():
    with pytest.raises(UsageError, match="refusing to send the API token to http://docs.example"):
        Client("http://docs.example/api/v2/", "a-token", "1")


def test_pull_fetches_no_http_attachment_with_the_token(hostile, foreign, monkeypatch):
    monkeypatch.setattr(attachments_inferred, "FILE_HOSTS", (*attachments_inferred.FILE_HOSTS, "localhost"))
    with Client(hostile.server.url, hostile.token, hostile.server.org_id) as client:
        doc = client.create_with_markdown("Doc", (
            "![a](http://files.productive.io/attachments/files/1/original/a.png)\n\n"
            f"![b]({foreign.url}/attachments/files/2/original/b.png)\n\n"
            f"[c]({foreign.url}/other/c.pdf?token=x)\n"
        ), project_id=1)
    target = hostile.root / "pulled"
    started = time.monotonic()
    result = hostile.run("pull", str(target), "--doc", str(doc.id))
    assert time.monotonic() - started < BOUND_S
    assert result.code in (0, 1)
    assert foreign.seen == []
    assert result.err.count("refusing to send the API token to http://") == 2
    hostile.assert_no_leak(foreign)


def test_any_request_to_another_host_leaves_without_the_auth_headers(hostile, foreign):
    """Defence in depth below ``get_file``'s refusal: the transport itself strips the token."""
    with Client(hostile.server.url, hostile.token, hostile.server.org_id) as client:
        assert client.transport.call("GET", f"{foreign.url}/x", "files", raw=True) == b"PNG"
    assert len(foreign.seen) == 1 and "X-Auth-Token" not in foreign.seen[0]
    hostile.assert_no_leak(foreign)
