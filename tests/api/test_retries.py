"""Retries against a flaky server (``fail_rate``): right bodies, no duplicate pages, no doubled appends,
and the token never leaks into errors, reprs or logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.config import resolve_settings
from productive_docs.sync.server.app import LocalServer

SECRET = "s3cr3t-token-value"


@pytest.fixture
def flaky() -> Iterator[LocalServer]:
    with LocalServer(token=SECRET, fail_rate=0.2, seed=1).start() as server:
        yield server


@pytest.fixture
def flaky_client(flaky: LocalServer) -> Iterator[Client]:
    with Client(
        flaky.url, flaky.token, flaky.org_id, backoff=0.005, max_backoff=0.05, max_retries=8
    ) as client:
        yield client


def _texts(body: dict) -> list[str]:
    return [block["content"][0]["text"] for block in body["content"]]


def test_replace_sequence_ends_with_the_right_bodies(flaky: LocalServer, flaky_client: Client) -> None:
    pages = [flaky_client.create_with_markdown(f"Page {n}", "start") for n in range(5)]
    for round_number in range(6):
        for page in pages:
            flaky_client.replace_body_with_markdown(page.id, f"{page.title} round {round_number}")
    for page in pages:
        assert _texts(flaky_client.get_page(page.id).body) == [f"{page.title} round 5"]
    assert flaky_client.stats.retries > 0


def test_creates_make_no_duplicate_pages(
    flaky: LocalServer, flaky_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="productive_docs.sync")
    doc = flaky_client.create_with_markdown("Doc", "root", project_id=3)
    titles = [f"Child {n}" for n in range(25)]
    created = [flaky_client.create_with_markdown(title, "x", parent_page_id=doc.id) for title in titles]
    roots = [flaky_client.create_with_markdown(f"Loose {n}", "x") for n in range(10)]
    assert flaky_client.stats.retries > 0
    listed = flaky_client.list_pages(filters={"parent_page_id": doc.id}, fields=["title"])
    assert sorted(page.title for page in listed) == sorted(titles)
    assert {page.id for page in listed} == {page.id for page in created}
    loose = [page for page in flaky_client.list_pages(fields=["title", "parent_page_id"]) if page.is_doc]
    assert sorted(page.title for page in loose) == sorted(["Doc", *(page.title for page in roots)])
    assert "landed despite the error" in caplog.text  # a create failed after its commit, and was found


def test_appends_are_not_doubled(
    flaky: LocalServer, flaky_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="productive_docs.sync")
    page = flaky_client.create_with_markdown("Doc", "line 0")
    for n in range(1, 21):
        flaky_client.append_markdown(page.id, f"line {n}")
    assert _texts(flaky_client.get_page(page.id).body) == [f"line {n}" for n in range(21)]
    assert "append to page" in caplog.text  # an append failed after its commit and was not replayed


def test_rename_move_delete_survive_failures(flaky: LocalServer, flaky_client: Client) -> None:
    doc = flaky_client.create_with_markdown("Doc", "x")
    target = flaky_client.create_with_markdown("Target", "x")
    pages = [flaky_client.create_with_markdown(f"P{n}", "x", parent_page_id=doc.id) for n in range(8)]
    for page in pages:
        flaky_client.rename(page.id, page.title + "!")
        flaky_client.move(page.id, target.id)
    listed = flaky_client.list_pages(filters={"parent_page_id": target.id})
    assert [page.title for page in listed] == [page.title + "!" for page in pages]
    for page in pages:
        flaky_client.delete(page.id)
    assert flaky_client.list_pages(filters={"root_page_id": target.id}) == []


def test_a_502_html_page_becomes_a_server_error(flaky: LocalServer) -> None:
    flaky.fail_rate = 1.0
    with (
        Client(flaky.url, flaky.token, flaky.org_id, backoff=0.001, max_retries=2) as client,
        pytest.raises(errors.ServerError) as caught,
    ):
        client.list_pages()
    assert caught.value.status == 502 and "Bad Gateway" in str(caught.value)
    assert client.stats.retries == 2 and client.stats.reads == 3


def test_token_never_in_repr_errors_or_logs(flaky: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(flaky.url, SECRET, flaky.org_id, backoff=0.001, max_retries=1)
    assert SECRET not in repr(client)
    assert SECRET not in repr(resolve_settings(token=SECRET, config_path="/nonexistent.toml"))
    flaky.fail_rate = 1.0
    with pytest.raises(errors.ServerError) as server_error:
        client.get_page(1)
    flaky.stop()
    with pytest.raises(errors.NetworkError) as network_error:
        client.get_page(1)
    for error in (server_error.value, network_error.value):
        assert SECRET not in str(error) and SECRET not in repr(error)
    assert SECRET not in caplog.text
    client.close()


def test_token_is_scrubbed_from_server_messages() -> None:
    """Even a server that echoes the token back does not get it into our exceptions."""
    with LocalServer(token=SECRET).start() as server:
        client = Client(server.url, SECRET, server.org_id, max_retries=0)
        with pytest.raises(errors.ValidationError) as caught:
            client.list_pages(filters={SECRET: "1"})
        assert SECRET not in str(caught.value) and SECRET not in (caught.value.detail or "")
        assert "<token>" in str(caught.value)
        client.close()


def test_requests_carry_the_documented_headers(local_server: LocalServer) -> None:
    with Client(local_server.url, local_server.token, local_server.org_id) as client:
        request = requests.Request("GET", local_server.url + "pages")
        prepared = client.transport._session.prepare_request(request)
    assert prepared.headers["X-Auth-Token"] == local_server.token
    assert prepared.headers["X-Organization-Id"] == local_server.org_id
    assert prepared.headers["Content-Type"] == "application/vnd.api+json"


def test_file_downloads_keep_the_token_out_of_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with LocalServer(token=SECRET).start() as server, Client(server.url, SECRET, server.org_id) as client:
        content = client.get_file(server.url + "pages", token_param="token")
        assert b'"data"' in content and client.stats.by_endpoint["files"] == 1
        with pytest.raises(errors.ApiError, match="refusing"):
            client.get_file("https://example.com/x.png")
    assert "token=" in caplog.text and SECRET not in caplog.text


def test_backoff_without_a_hint_grows_and_is_capped(client: Client) -> None:
    failure = errors.RateLimited("429", retry_after=None)
    delays = [client.transport._delay(failure, attempt) for attempt in range(12)]
    assert all(0 < delay <= client.transport.max_backoff for delay in delays)
    assert client.transport._delay(errors.RateLimited("429", retry_after=2.0), 0) >= 2.0
