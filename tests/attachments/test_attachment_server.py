"""The local server's attachments resource and storage, through the real client over HTTP."""

from __future__ import annotations

import pytest
import requests
from productive_docs.sync.api import attachments_inferred as guess
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.errors import NotFound, PermissionDenied, ValidationError
from productive_docs.sync.assets.references import Asset
from productive_docs.sync.assets.upload import upload
from productive_docs.sync.server.app import LocalServer


def envelope(**attributes: object) -> dict:
    return {"data": {"type": "attachments", "attributes": attributes}}


def test_four_step_upload_then_the_file_is_served_back(client: Client, page_id: str) -> None:
    data = b"%PDF-1.4 hello"
    created = client.request(
        "POST",
        "attachments",
        payload=envelope(
            page_id=int(page_id),
            name="report q1.pdf",
            content_type="application/pdf",
            size=len(data),
            attachable_type=guess.ATTACHABLE_TYPE,
            attachment_type="attachment",
        ),
    )
    attrs = created["data"]["attributes"]
    assert attrs["url"] is None and attrs["aws_policy"]["key"].endswith("/original/report q1.pdf")
    stored = requests.post(
        guess.storage_url(attrs),
        data=attrs["aws_policy"],
        files={guess.STORAGE_FILE_FIELD: ("report q1.pdf", data, "application/pdf")},
        timeout=10,
    )
    assert stored.status_code == 201
    location = guess.storage_location(stored.content, dict(stored.headers))
    attachment_id = created["data"]["id"]
    patched = client.request("PATCH", f"attachments/{attachment_id}", payload=envelope(temp_url=location))
    url = guess.embed_url(patched["data"]["attributes"])
    assert url and "/attachments/files/" in url
    assert client.get_file(url) == data
    assert client.get_file(url, token_param=guess.DOWNLOAD_TOKEN_PARAM) == data
    listed = client.request("GET", "attachments", params={"filter[page_id]": page_id})
    assert [item["id"] for item in listed["data"]] == [attachment_id]
    assert listed["meta"]["total_count"] == 1
    client.request("DELETE", f"attachments/{attachment_id}")
    with pytest.raises(NotFound):
        client.request("GET", f"attachments/{attachment_id}")


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"content_type": "image/png", "size": 1}, "data/attributes/name"),
        ({"name": "a.png", "size": 1}, "data/attributes/content_type"),
        ({"name": "a.png", "content_type": "image/png"}, "data/attributes/size"),
        ({"name": "a.png", "content_type": "image/png", "size": -1}, "data/attributes/size"),
        (
            {"name": "a.png", "content_type": "image/png", "size": 1, "attachment_type": "x"},
            "data/attributes/attachment_type",
        ),
        (
            {"name": "a.png", "content_type": "image/png", "size": 1, "page_id": 999999},
            "data/attributes/page_id",
        ),
    ],
)
def test_create_validation_errors_carry_the_pointer(client: Client, attributes: dict, pointer: str) -> None:
    with pytest.raises(ValidationError) as caught:
        client.request("POST", "attachments", payload=envelope(**attributes))
    assert caught.value.status == 422 and caught.value.pointer == pointer


def test_temp_url_must_point_at_an_uploaded_file(client: Client, page_id: str) -> None:
    created = client.request(
        "POST",
        "attachments",
        payload=envelope(page_id=int(page_id), name="a.png", content_type="image/png", size=3),
    )
    attrs = created["data"]["attributes"]
    not_uploaded = f"{guess.storage_url(attrs)}/{attrs['aws_policy']['key']}"
    for temp_url in (not_uploaded, "https://evil.example/x.png"):
        with pytest.raises(ValidationError) as caught:
            client.request(
                "PATCH", f"attachments/{created['data']['id']}", payload=envelope(temp_url=temp_url)
            )
        assert caught.value.pointer == "data/attributes/temp_url"


def test_storage_refuses_a_wrong_policy_and_a_file_larger_than_declared(client: Client, page_id: str) -> None:
    attrs = client.request(
        "POST",
        "attachments",
        payload=envelope(page_id=int(page_id), name="a.png", content_type="image/png", size=3),
    )["data"]["attributes"]
    files = {guess.STORAGE_FILE_FIELD: ("a.png", b"abc", "image/png")}
    forged = {**attrs["aws_policy"], "policy": "forged"}
    assert requests.post(guess.storage_url(attrs), data=forged, files=files, timeout=10).status_code == 403
    big = {guess.STORAGE_FILE_FIELD: ("a.png", b"abcd", "image/png")}
    assert (
        requests.post(guess.storage_url(attrs), data=attrs["aws_policy"], files=big, timeout=10).status_code
        == 400
    )


def test_files_need_the_token_and_can_be_refused(
    local_server: LocalServer, client: Client, page_id: str
) -> None:
    record = upload(client, Asset("a.png", "image", "a.png", "image/png", 3, "h", inline=b"png"), page_id)
    assert requests.get(record.url, timeout=10).status_code == 403
    local_server.attachments.refuse_downloads = True
    with pytest.raises(PermissionDenied) as caught:
        client.get_file(record.url, token_param=guess.DOWNLOAD_TOKEN_PARAM)
    assert local_server.token not in str(caught.value)


def test_unsupported_filter_is_a_400(client: Client) -> None:
    with pytest.raises(ValidationError) as caught:
        client.request("GET", "attachments", params={"filter[bogus]": "1"})
    assert caught.value.status == 400


def test_deleting_a_doc_deletes_the_attachments_of_its_pages(client: Client, page_id: str) -> None:
    child = client.create_with_markdown("Child", "y", parent_page_id=page_id).id
    other = client.create_with_markdown("Other", "z").id
    ids = {}
    for owner in (page_id, child, other):
        created = client.request("POST", "attachments", payload=envelope(
            page_id=int(owner), name="a.txt", content_type="text/plain", size=1,
            attachable_type=guess.ATTACHABLE_TYPE, attachment_type="attachment"))
        ids[owner] = created["data"]["id"]
    client.delete(page_id)
    for gone in (page_id, child):
        with pytest.raises(NotFound):
            client.request("GET", f"attachments/{ids[gone]}")
    assert client.request("GET", f"attachments/{ids[other]}")["data"]["id"] == ids[other]
    listed = client.request("GET", "attachments", params={"filter[page_id]": f"{page_id},{child}"})
    assert listed["data"] == []
