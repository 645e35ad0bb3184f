"""Bad requests get JSON:API errors (spec §4.7), never a 500 traceback, and never damage the database."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
import requests
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.server.app import LocalServer

JSONAPI = "application/vnd.api+json"


def _headers(server: LocalServer, **extra: str) -> dict[str, str]:
    return {
        "X-Auth-Token": server.token,
        "X-Organization-Id": server.org_id,
        "Content-Type": JSONAPI,
        **extra,
    }


def _send(server: LocalServer, method: str, path: str, data: Any = None, **headers: str) -> requests.Response:
    body = data if isinstance(data, bytes | str) or data is None else json.dumps(data)
    return requests.request(
        method, server.url + path, data=body, headers={**_headers(server), **headers}, timeout=10
    )


def _error(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith(JSONAPI)
    error = response.json()["errors"][0]
    assert error["status"] == str(response.status_code) or response.status_code == 429
    assert error["title"] and error["detail"]
    assert "Traceback" not in response.text
    return error


def test_missing_or_wrong_token_is_401(local_server: LocalServer) -> None:
    answer = requests.get(local_server.url + "pages", headers={"X-Organization-Id": "1"}, timeout=5)
    assert answer.status_code == 401 and _error(answer)["code"] == "invalid_auth_token"
    with (
        Client(local_server.url, "wrong-token", local_server.org_id) as client,
        pytest.raises(errors.AuthenticationError),
    ):
        client.list_pages()


def test_wrong_organisation_is_403_no_person(local_server: LocalServer) -> None:
    with (
        Client(local_server.url, local_server.token, "999") as client,
        pytest.raises(errors.PermissionDenied) as caught,
    ):
        client.list_pages()
    assert caught.value.status == 403 and caught.value.code == "no_person"
    answer = requests.get(local_server.url + "pages", headers={"X-Auth-Token": local_server.token}, timeout=5)
    assert answer.status_code == 403 and _error(answer)["code"] == "no_organization_id"


def test_wrong_content_type_is_415(local_server: LocalServer) -> None:
    payload = {"data": {"type": "pages", "attributes": {"title": "T", "markdown": "x"}}}
    answer = _send(
        local_server, "POST", "pages/create_with_markdown", payload, **{"Content-Type": "application/json"}
    )
    assert answer.status_code == 415
    _error(answer)


def test_unknown_ids_and_routes_are_404(local_server: LocalServer, client: Client) -> None:
    with pytest.raises(errors.NotFound) as caught:
        client.get_page(424242)
    assert caught.value.code == "record_not_found"
    with pytest.raises(errors.NotFound):
        client.replace_body_with_markdown(424242, "x")
    with pytest.raises(errors.NotFound):
        client.delete(424242)
    assert _send(local_server, "GET", "nothing/here").status_code == 404
    assert _send(local_server, "GET", "pages/abc").status_code == 404


@pytest.mark.parametrize(
    ("path", "payload", "pointer"),
    [
        ("pages/create_with_markdown", b"{not json", None),
        ("pages/create_with_markdown", b"\xff\xfe", None),
        ("pages/create_with_markdown", [1, 2], "data"),
        ("pages/create_with_markdown", {"data": "x"}, "data"),
        ("pages/create_with_markdown", {"data": {"attributes": []}}, "data/attributes"),
        ("pages/create_with_markdown", {"data": {"attributes": {"title": "T"}}}, "data/attributes/markdown"),
        (
            "pages/create_with_markdown",
            {"data": {"attributes": {"title": "", "markdown": "x"}}},
            "data/attributes/title",
        ),
        (
            "pages/create_with_markdown",
            {"data": {"attributes": {"title": 5, "markdown": "x"}}},
            "data/attributes/title",
        ),
        (
            "pages/create_with_markdown",
            {"data": {"attributes": {"title": "T", "markdown": ["x"]}}},
            "data/attributes/markdown",
        ),
        (
            "pages/create_with_markdown",
            {"data": {"attributes": {"title": "T", "markdown": "x", "project_id": "a"}}},
            "data/attributes/project_id",
        ),
        (
            "pages/create_with_markdown",
            {"data": {"attributes": {"title": "T", "markdown": "x", "preferences": "wide"}}},
            "data/attributes/preferences",
        ),
    ],
)
def test_malformed_create_requests(
    local_server: LocalServer, path: str, payload: Any, pointer: str | None
) -> None:
    answer = _send(local_server, "POST", path, payload)
    error = _error(answer)
    assert answer.status_code == (400 if pointer is None else 422)
    assert error.get("source", {}).get("pointer") == pointer


def test_proxy_payload_shapes(local_server: LocalServer, client: Client) -> None:
    page = client.create_with_markdown("Doc", "x")
    path = f"pages/{page.id}/replace_body_with_markdown"
    enveloped = _send(local_server, "PATCH", path, {"data": {"attributes": {"markdown": "y"}}})
    assert enveloped.status_code == 422 and "markdown" in _error(enveloped)["detail"]
    assert _send(local_server, "PATCH", path, {"markdown": 3}).status_code == 422
    assert _send(local_server, "PATCH", path, "[]").status_code == 422
    assert (
        _send(local_server, "PATCH", f"pages/{page.id}/move", {"data": {"attributes": {}}}).status_code == 422
    )
    assert client.get_page(page.id).version_number is None


def test_huge_body_is_413_and_the_connection_recovers(client: Client) -> None:
    page = client.create_with_markdown("Doc", "x")
    with pytest.raises(errors.ValidationError) as caught:
        client.replace_body_with_markdown(page.id, "a" * (5 * 1024 * 1024 + 1))
    assert caught.value.status == 413
    assert client.get_page(page.id).body["content"][0]["content"][0]["text"] == "x"


def test_unsupported_query_parameters_are_400(local_server: LocalServer) -> None:
    for query in (
        "filter[nope]=1",
        "filter[parent_page_id]=abc",
        "filter[edited_at][gte]=2026-01-01",
        "sort=position",
        "sort=colour",
        "include=friends",
        "page[size]=0",
        "page[number]=x",
    ):
        answer = _send(local_server, "GET", f"pages?{query}")
        assert answer.status_code == 400, query
        _error(answer)


def test_unknown_attributes_on_rename_are_ignored(local_server: LocalServer, client: Client) -> None:
    page = client.create_with_markdown("Doc", "x")
    payload = {
        "data": {"type": "pages", "id": page.id, "attributes": {"titel": "typo", "body": {"type": "doc"}}}
    }
    answer = _send(local_server, "PATCH", f"pages/{page.id}", payload)
    assert answer.status_code == 200
    assert client.get_page(page.id).title == "Doc" and client.get_page(page.id).version_number is None


def test_failed_requests_never_change_the_database(local_server: LocalServer, client: Client) -> None:
    doc = client.create_with_markdown("Doc", "x")
    child = client.create_with_markdown("Child", "y", parent_page_id=doc.id)
    before = [(page.id, page.raw) for page in client.list_pages()]
    bad = [
        (
            "POST",
            "pages/create_with_markdown",
            {
                "data": {
                    "attributes": {
                        "title": "C",
                        "markdown": "x",
                        "parent_page_id": int(child.id),
                        "root_page_id": int(child.id),
                    }
                }
            },
        ),
        ("PATCH", f"pages/{doc.id}/move", {"data": {"attributes": {"target_doc_id": int(child.id)}}}),
        ("PATCH", f"pages/{doc.id}/move", {"data": {"attributes": {"target_doc_id": 999}}}),
        ("PATCH", f"pages/{doc.id}", {"data": {"attributes": {"title": ""}}}),
        ("PATCH", f"pages/{doc.id}/append_markdown", {"markdown": ""}),
        ("DELETE", "pages/999", None),
    ]
    for method, path, payload in bad:
        assert _send(local_server, method, path, payload).status_code in (404, 422), path
    assert [(page.id, page.raw) for page in client.list_pages()] == before


def test_error_object_shape_matches_the_live_api(local_server: LocalServer) -> None:
    answer = _send(
        local_server, "POST", "pages/create_with_markdown", {"data": {"attributes": {"markdown": "x"}}}
    )
    error = _error(answer)
    assert error == {
        "status": "422",
        "code": "invalid_attribute",
        "title": "Invalid Attribute",
        "detail": "can't be blank",
        "meta": {},
        "source": {"pointer": "data/attributes/title"},
    }


def test_refused_bodies_do_not_break_the_kept_alive_connection(local_server: LocalServer) -> None:
    """A 415 or 401 answered before the body was read must not leave that body in the connection."""
    payload = json.dumps({"data": {"type": "pages", "attributes": {"title": "T", "markdown": "x"}}})
    with requests.Session() as session:
        url = local_server.url + "pages/create_with_markdown"
        wrong_type = session.post(
            url, data=payload, headers=_headers(local_server, **{"Content-Type": "text/plain"})
        )
        wrong_token = session.post(
            url, data=payload, headers=_headers(local_server, **{"X-Auth-Token": "bad"})
        )
        good = session.post(url, data=payload, headers=_headers(local_server))
    assert [wrong_type.status_code, wrong_token.status_code, good.status_code] == [415, 401, 201]
    host, port = local_server.url.split("/")[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request(
        "POST",
        "/api/v2/pages/create_with_markdown",
        body=payload,
        headers={**_headers(local_server), "Content-Length": "x"},
    )
    assert connection.getresponse().status == 400
    connection.close()


def test_absurd_ids_and_nesting_are_client_errors(local_server: LocalServer, client: Client) -> None:
    huge = "9" * 40
    assert _send(local_server, "GET", f"pages/{huge}").status_code == 404
    assert _send(local_server, "GET", f"pages?filter[parent_page_id]={huge}").status_code == 400
    create = {"data": {"attributes": {"title": "T", "markdown": "x", "project_id": int(huge)}}}
    assert _send(local_server, "POST", "pages/create_with_markdown", create).status_code == 422
    deep = "[" * 100000 + "]" * 100000
    answer = _send(local_server, "POST", "pages/create_with_markdown", deep)
    assert answer.status_code == 400
    _error(answer)
    page = client.create_with_markdown("Doc", "x")
    nested = client.replace_body_with_markdown(page.id, "> " * 2000 + "deep")
    assert nested.body["content"][0]["type"] == "blockquote"
