"""The local server's web view over real HTTP: every page of the sample docs renders, with the conversion
notes, the source and a strict CSP; the view stays read-only, local, and safe with odd stored data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.server.app import LocalServer
from productive_docs.sync.server.web_render import decorate, page_html, view_file_url

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "docs"


@pytest.fixture
def pushed(fast_server: LocalServer, fast_client: Client, tmp_path: Path) -> dict[str, str]:
    """fixtures/docs pushed to ``fast_server``: display path -> page id."""
    result = push_folder(SAMPLE, fast_client, project_id="1", state_path=tmp_path / "state.json")
    assert result.exit_code == 0
    return {outcome.display: outcome.page_id for outcome in result.outcomes if outcome.page_id}


def get(server: LocalServer, path: str, **options: object) -> requests.Response:
    return requests.get(server.root + path, timeout=10, **options)


def test_index_lists_every_page_and_every_page_renders(fast_server: LocalServer, pushed: dict) -> None:
    index = get(fast_server, "/")
    assert index.status_code == 200
    listed = set(re.findall(r'href="/pages/(\d+)"', index.text))
    assert listed == set(pushed.values())
    for display, page_id in pushed.items():
        page = get(fast_server, f"/pages/{page_id}")
        assert page.status_code == 200, display
        soup = BeautifulSoup(page.text, "html.parser")
        assert soup.select_one("h1.page-title").get_text()
        assert soup.select_one("nav.sidebar a[aria-current=page]")["href"] == f"/pages/{page_id}"
        assert soup.select_one(".meta .version").get_text().startswith(("Version ", "No version yet"))


def test_every_answer_has_a_strict_csp_and_no_inline_script(fast_server: LocalServer, pushed: dict) -> None:
    page = get(fast_server, f"/pages/{pushed['02-guides/advanced/layout-and-media.md']}")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp.split(
        "style-src-attr")[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert not BeautifulSoup(page.text, "html.parser").find_all("script")  # not live: no script at all


def test_source_toggle_holds_the_stored_json(fast_server: LocalServer, pushed: dict) -> None:
    page_id = pushed["02-guides/tables.md"]
    page = BeautifulSoup(get(fast_server, f"/pages/{page_id}").text, "html.parser")
    shown = json.loads(page.select_one("details.source pre").get_text())
    assert shown == json.loads(fast_server.store.get(int(page_id))["body"])


def test_images_and_files_come_from_the_attachment_storage(fast_server: LocalServer, pushed: dict) -> None:
    page = BeautifulSoup(get(fast_server, f"/pages/{pushed['02-guides/advanced/layout-and-media.md']}").text,
                         "html.parser")
    images = [img["src"] for img in page.select(".document img")]
    files = [link["href"] for link in page.select(".document a.file-link")]
    assert images and files
    for url in images:
        answer = get(fast_server, url)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png", url
        assert answer.content.startswith(b"\x89PNG")
    csv = get(fast_server, files[0])
    assert csv.status_code == 200
    assert csv.headers["Content-Disposition"] == "attachment"  # not a text/* page of the view's origin
    assert "sandbox" in csv.headers["Content-Security-Policy"]


def test_notes_appear_under_the_title(fast_server: LocalServer, pushed: dict) -> None:
    page_id = pushed["glossary.md"]
    fast_server.web.set_notes(page_id, ["glossary.md:3: definition list -> bold term paragraphs",
                                        "glossary.md:9: image missing.png not found"])
    notes = BeautifulSoup(get(fast_server, f"/pages/{page_id}").text, "html.parser").select(".notes li")
    assert [(note["class"], note.get_text()) for note in notes] == [
        (["lowering"], "glossary.md:3: definition list -> bold term paragraphs"),
        (["problem"], "glossary.md:9: image missing.png not found"),
    ]


def test_the_view_is_read_only_local_and_answers_unknown_pages(
        fast_server: LocalServer, pushed: dict) -> None:
    assert get(fast_server, "/pages/1").status_code == 404
    assert get(fast_server, "/pages/abc").status_code == 404
    assert requests.post(fast_server.root + "/", timeout=10).status_code == 405
    assert get(fast_server, "/", headers={"Host": "attacker.example"}).status_code == 403  # DNS rebinding
    assert get(fast_server, "/_view/..%2Fapp.py").status_code == 404
    assert get(fast_server, "/_view/preview.css").headers["Content-Type"].startswith("text/css")


def test_a_body_that_is_not_a_document_is_shown_as_a_note(fast_server: LocalServer) -> None:
    broken = fast_server.store.create("Broken", '{"type": "doc", "content": "oops"}', project_id=1)
    deep = fast_server.store.create("Deep", '{"type":"doc","content":[' * 3000 + "]}" * 3000, project_id=1)
    for row in (broken, deep):
        page = get(fast_server, f"/pages/{row['id']}")
        assert page.status_code == 200
        assert "not shown" in BeautifulSoup(page.text, "html.parser").select_one(".notes").get_text()


def test_live_pages_carry_the_reload_script_and_the_change_token_moves(fast_server: LocalServer,
                                                                      fast_client: Client) -> None:
    fast_server.web.live = True
    doc = fast_client.create_with_markdown("Doc", "text", project_id="1")
    page = BeautifulSoup(get(fast_server, f"/pages/{doc.id}").text, "html.parser")
    assert page.select_one("script")["src"] == "/_view/reload.js"
    token = page.select_one('meta[name="preview-changes"]')["content"]
    assert get(fast_server, "/_view/changes").json() == token
    fast_client.replace_body_with_markdown(doc.id, "changed")
    assert get(fast_server, "/_view/changes").json() != token


def test_decorate_adds_what_a_browser_needs() -> None:
    html = decorate(
        '<banner type="critical"><p>x</p></banner><banner type="&quot;bogus"><p>y</p></banner>'
        '<ul type="checklist"><li type="checklist_item" checked="true"><p>a</p></li>'
        '<li type="checklist_item" checked="false"><p>b</p></li></ul>'
        '<table><tr><th colspan="2" data-colwidth="145,80"><p>h</p></th></tr></table>',
        view_file_url,
    )
    soup = BeautifulSoup(html, "html.parser")
    assert [b["class"] for b in soup.find_all("banner")] == [["banner", "banner-critical"],
                                                              ["banner", "banner-info"]]
    boxes = soup.select("li input[type=checkbox]")
    assert [box.has_attr("checked") for box in boxes] == [True, False]
    assert [col["style"] for col in soup.select("colgroup col")] == ["width: 145px", "width: 80px"]
    assert soup.table["style"] == "width: 225px; table-layout: fixed"


def test_only_this_servers_file_urls_are_rewritten() -> None:
    assert view_file_url("http://127.0.0.1:4000/files/a/b%20c.png?token=x") == "/_view/files/a/b%20c.png"
    assert view_file_url("https://files.productive.io/files/a.png") is None
    assert view_file_url("http://127.0.0.1:4000/api/v2/pages") is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "<b>", "javascript:x", "1,2"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["type", "attrs", "content", "text", "marks", "level", "href", "src", "colwidth",
                         "colspan", "checked", "language", "url", "label", "name"]), inner, max_size=4),
    max_leaves=12)
NODE_TYPES = st.sampled_from(["doc", "paragraph", "heading", "table", "table_row", "table_cell", "banner",
                              "checklist", "checklist_item", "columns", "column", "codeblock", "image",
                              "mention", "file", "var", "text", "ul", "li", "bogus"])
NODES = st.recursive(
    st.fixed_dictionaries({"type": NODE_TYPES, "text": st.text(max_size=5)}, optional={"attrs": JSON_VALUES}),
    lambda inner: st.fixed_dictionaries({"type": NODE_TYPES, "content": st.lists(inner, max_size=3)},
                                        optional={"attrs": JSON_VALUES, "marks": JSON_VALUES}),
    max_leaves=15)


@settings(max_examples=150, deadline=None)
@given(NODES)
def test_any_stored_body_renders_without_an_error(node: dict) -> None:
    row = {"title": "T", "body": json.dumps({"type": "doc", "content": [node]}), "version_number": 1,
           "edited_at": "2026-01-01T00:00:00.000+00:00"}
    html = page_html(row, "", [], None)
    assert html.startswith("<!doctype html>") and "<script" not in html


def test_a_bug_in_the_view_is_a_plain_500(fast_server: LocalServer, fast_client: Client,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    doc = fast_client.create_with_markdown("Doc", "text", project_id="1")

    def broken(*args: object) -> str:
        raise KeyError("bug")

    monkeypatch.setattr("productive_docs.sync.server.web.page_html", broken)
    answer = get(fast_server, f"/pages/{doc.id}")
    assert answer.status_code == 500 and "Traceback" not in answer.text
    assert get(fast_server, "/").status_code == 200  # the server goes on
