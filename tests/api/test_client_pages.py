"""Page operations through the real client against the local server over loopback HTTP (spec §4)."""

from __future__ import annotations

import pytest
from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client, Page
from productive_docs.sync.server.app import LocalServer

EMPTY = {"type": "doc", "content": [{"type": "paragraph"}]}


def _tree(client: Client) -> tuple[Page, Page, Page]:
    doc = client.create_with_markdown("Doc", "# Doc", project_id=7)
    child = client.create_with_markdown("Child", "child", parent_page_id=doc.id, root_page_id=doc.id)
    grandchild = client.create_with_markdown("Grandchild", "gc", parent_page_id=child.id)
    return doc, child, grandchild


def test_create_returns_the_converted_body_and_the_hierarchy(client: Client) -> None:
    doc, child, grandchild = _tree(client)
    assert doc.is_doc and doc.parent_page_id is None and doc.root_page_id is None
    assert doc.body == {
        "type": "doc",
        "content": [{"type": "heading", "attrs": {"level": 1}, "content": [{"type": "text", "text": "Doc"}]}],
    }
    assert (child.parent_page_id, child.root_page_id) == (doc.id, doc.id)
    assert (grandchild.parent_page_id, grandchild.root_page_id) == (child.id, doc.id)


def test_single_get_has_the_18_attributes_and_body_as_a_json_string(client: Client) -> None:
    page = client.get_page(client.create_with_markdown("Doc", " ").id)
    assert len(page.raw) == 18
    assert isinstance(page.raw["body"], str)
    assert page.body == EMPTY
    assert "project_id" not in page.raw
    assert page.raw["public_uuid"] and page.raw["position"] is None


def test_project_id_comes_through_the_project_relationship(client: Client) -> None:
    doc, child, _ = _tree(client)
    assert client.get_page(doc.id).project_id == "7"
    assert client.get_page(child.id).project_id == "7"


def test_version_number_is_null_until_the_first_body_write_and_counts_body_writes(client: Client) -> None:
    page = client.create_with_markdown("Doc", "one")
    assert page.version_number is None
    assert client.rename(page.id, "Renamed").version_number is None
    assert client.replace_body_with_markdown(page.id, "two").version_number == 1
    assert client.append_markdown(page.id, "three").version_number == 2
    assert client.rename(page.id, "Again").version_number == 2
    assert client.get_page(page.id).version_number == 2


def test_edited_at_moves_on_child_creation_and_title_change(client: Client) -> None:
    doc = client.create_with_markdown("Doc", "x")
    client.create_with_markdown("Child", "y", parent_page_id=doc.id)
    after_child = client.get_page(doc.id).edited_at
    assert after_child > doc.edited_at
    assert client.rename(doc.id, "New title").edited_at > after_child


def test_subpage_rules(client: Client) -> None:
    doc, child, _ = _tree(client)
    with pytest.raises(errors.ValidationError) as caught:
        client.create_with_markdown("Bad", "x", project_id=7, parent_page_id=doc.id)
    assert caught.value.pointer == "data/attributes/project_id"
    with pytest.raises(errors.ValidationError) as caught:
        client.create_with_markdown("Bad", "x", parent_page_id=child.id, root_page_id=child.id)
    assert caught.value.pointer == "data/attributes/root_page_id"
    with pytest.raises(errors.ValidationError):
        client.create_with_markdown("Bad", "x", parent_page_id=999999, root_page_id=999999)


def test_server_refuses_project_id_on_subpages_with_its_own_code(local_server: LocalServer) -> None:
    import requests

    headers = {
        "X-Auth-Token": local_server.token,
        "X-Organization-Id": local_server.org_id,
        "Content-Type": "application/vnd.api+json",
    }
    url = local_server.url + "pages/create_with_markdown"
    doc = requests.post(
        url,
        json={"data": {"type": "pages", "attributes": {"title": "D", "markdown": "x"}}},
        headers=headers,
        timeout=5,
    ).json()["data"]
    attributes = {
        "title": "C",
        "markdown": "x",
        "project_id": 1,
        "parent_page_id": int(doc["id"]),
        "root_page_id": int(doc["id"]),
    }
    answer = requests.post(
        url, json={"data": {"type": "pages", "attributes": attributes}}, headers=headers, timeout=5
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "page_project_root_page_only"
    only_parent = {"title": "C", "markdown": "x", "parent_page_id": int(doc["id"])}
    answer = requests.post(
        url, json={"data": {"type": "pages", "attributes": only_parent}}, headers=headers, timeout=5
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"]["pointer"] == "data/attributes/root_page_id"


def test_filters_root_parent_and_project(client: Client) -> None:
    doc, child, grandchild = _tree(client)
    other = client.create_with_markdown("Other", "o", project_id=8)
    sibling = client.create_with_markdown("Sibling", "s", parent_page_id=other.id)

    tree = client.list_pages(filters={"root_page_id": doc.id})
    assert {page.id for page in tree} == {child.id, grandchild.id}
    children = client.list_pages(filters={"parent_page_id": [doc.id, other.id]})
    assert {page.id for page in children} == {child.id, sibling.id}
    project = client.list_pages(filters={"project_id": 8})
    assert {page.id for page in project} == {other.id, sibling.id}
    assert [page.id for page in project if page.is_doc] == [other.id]


def test_unknown_filter_and_sort_position_are_400(client: Client) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.list_pages(filters={"colour": "red"})
    assert caught.value.status == 400 and caught.value.code == "unsupported_filter"
    with pytest.raises(errors.ValidationError) as caught:
        client.list_pages(sort="position")
    assert caught.value.status == 400 and caught.value.code == "sort_param_unsupported"


def test_sort_on_documented_fields(client: Client) -> None:
    for title in ("b", "C", "a"):
        client.create_with_markdown(title, "x")
    assert [page.title for page in client.list_pages(sort="title")] == ["a", "b", "C"]
    assert [page.title for page in client.list_pages(sort="-id")] == ["a", "C", "b"]
    assert [page.title for page in client.list_pages(sort="-created_at,title")] == ["a", "C", "b"]


def test_sparse_fields_on_lists_only(client: Client) -> None:
    doc = client.create_with_markdown("Doc", "body text")
    listed = client.list_pages(fields=["title", "version_number"])[0]
    assert set(listed.raw) == {"title", "version_number"} and listed.body is None
    assert client.get_page(doc.id).body is not None


def test_pagination_meta_links_and_size_cap(local_server: LocalServer, client: Client) -> None:
    import requests

    for number in range(5):
        client.create_with_markdown(f"P{number}", "x")
    headers = {"X-Auth-Token": local_server.token, "X-Organization-Id": local_server.org_id}
    answer = requests.get(
        local_server.url + "pages", params={"page[size]": 2, "page[number]": 2}, headers=headers, timeout=5
    ).json()
    assert [item["attributes"]["title"] for item in answer["data"]] == ["P2", "P3"]
    expected = {"current_page": 2, "total_pages": 3, "total_count": 5, "page_size": 2, "max_page_size": 200}
    assert expected.items() <= answer["meta"].items()
    assert "page%5Bnumber%5D=3" in answer["links"]["next"] and "prev" in answer["links"]
    capped = requests.get(
        local_server.url + "pages", params={"page[size]": 1000}, headers=headers, timeout=5
    ).json()
    assert capped["meta"]["page_size"] == 200
    default = requests.get(local_server.url + "pages", headers=headers, timeout=5).json()
    assert default["meta"]["page_size"] == 30
    empty = requests.get(
        local_server.url + "pages", params={"filter[project_id]": 404}, headers=headers, timeout=5
    ).json()
    assert empty["meta"]["total_pages"] == 0 and empty["data"] == []


def test_client_follows_pagination_past_200(local_server: LocalServer) -> None:
    store = local_server.store
    for number in range(205):
        store.create(f"P{number}", '{"type":"doc","content":[{"type":"paragraph"}]}')
    with Client(local_server.url, local_server.token, local_server.org_id) as client:
        pages = client.list_pages(fields=["title"])
        assert len(pages) == 205 and len({page.id for page in pages}) == 205
        assert client.stats.by_endpoint["list"] == 2


def test_append_and_replace_markdown_and_html(client: Client) -> None:
    page = client.create_with_markdown("Doc", "first")
    appended = client.append_markdown(page.id, "**second**")
    assert [block["content"][0]["text"] for block in appended.body["content"]] == ["first", "second"]
    replaced = client.replace_body_with_markdown(page.id, "- a\n- b")
    assert [block["type"] for block in replaced.body["content"]] == ["ul"]
    pytest.importorskip("productive_docs.converter.readers.html", reason="no HTML reader yet")
    html = client.replace_body_with_html(page.id, "<h2>Title</h2><p>text</p>")
    assert [block["type"] for block in html.body["content"]] == ["heading", "paragraph"]
    more = client.append_html(page.id, "<p>tail</p>")
    assert more.body["content"][-1]["content"][0]["text"] == "tail"
    assert more.version_number == 4


def test_append_to_an_empty_page_drops_the_placeholder_paragraph(client: Client) -> None:
    page = client.create_with_markdown("Doc", " ")
    assert page.body == EMPTY
    assert client.append_markdown(page.id, "text").body["content"] == [
        {"type": "paragraph", "content": [{"type": "text", "text": "text"}]}
    ]


@pytest.mark.parametrize(
    "endpoint", ["append_markdown", "append_html", "replace_body_with_markdown", "replace_body_with_html"]
)
def test_proxy_endpoints_refuse_empty_content(client: Client, endpoint: str) -> None:
    page = client.create_with_markdown("Doc", "x")
    with pytest.raises(errors.ValidationError) as caught:
        getattr(client, endpoint)(page.id, "")
    assert caught.value.status == 422
    assert caught.value.pointer == endpoint.rsplit("_", 1)[1]


def test_rename_move_and_delete(client: Client) -> None:
    doc, child, grandchild = _tree(client)
    other = client.create_with_markdown("Other", "o", project_id=9)
    existing = client.create_with_markdown("Existing", "e", parent_page_id=other.id)

    assert client.rename(child.id, "Renamed").title == "Renamed"
    moved = client.move(child.id, other.id)
    assert (moved.parent_page_id, moved.root_page_id) == (other.id, other.id)
    assert client.get_page(grandchild.id).root_page_id == other.id
    assert [page.id for page in client.list_pages(filters={"parent_page_id": other.id})] == [
        existing.id,
        child.id,
    ]
    assert client.list_pages(filters={"root_page_id": doc.id}) == []

    client.delete(other.id)
    for gone in (other.id, child.id, grandchild.id, existing.id):
        with pytest.raises(errors.NotFound):
            client.get_page(gone)
    assert [page.id for page in client.list_pages()] == [doc.id]


def test_move_into_own_subtree_is_refused(client: Client) -> None:
    doc, child, grandchild = _tree(client)
    with pytest.raises(errors.ValidationError):
        client.move(child.id, grandchild.id)
    assert client.get_page(child.id).parent_page_id == doc.id


def test_delete_answers_204_without_body(local_server: LocalServer, client: Client) -> None:
    import requests

    page = client.create_with_markdown("Doc", "x")
    answer = requests.delete(
        f"{local_server.url}pages/{page.id}",
        timeout=5,
        headers={"X-Auth-Token": local_server.token, "X-Organization-Id": local_server.org_id},
    )
    assert answer.status_code == 204 and answer.content == b"" and "Content-Type" not in answer.headers


def test_concurrent_appends_from_threads_all_land(client: Client) -> None:
    import threading

    page = client.create_with_markdown("Doc", "start")
    threads = [
        threading.Thread(target=lambda n=n: [client.append_markdown(page.id, f"t{n} {i}") for i in range(5)])
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = client.get_page(page.id)
    texts = [block["content"][0]["text"] for block in final.body["content"]]
    assert len(texts) == 21 and sorted(texts[1:]) == sorted(f"t{n} {i}" for n in range(4) for i in range(5))
    assert final.version_number == 20
