"""prepare_assets (push) and fetch_assets (pull) end to end against the local server over HTTP."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node, normalize, text
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.download import fetch_assets, is_attachment_url, safe_name
from productive_docs.sync.assets.upload import prepare_assets
from productive_docs.sync.server.app import LocalServer


def png(seed: int) -> bytes:
    """Distinct small "images" (the server does not decode them)."""
    return b"\x89PNG\r\n\x1a\n" + seed.to_bytes(4, "big") * 8


def image(src: str, line: int | None = None) -> Node:
    return Node("image", {"src": src, "alt": "shot"}, line=line)


def para(*inline: Node, line: int | None = None) -> Node:
    return Node("paragraph", content=list(inline), line=line)


def images_of(doc: Node) -> list[str]:
    found = [node.attrs["src"] for node in doc.content for node in node.content if node.type == "image"]
    return found


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Node]:
    (tmp_path / "img").mkdir()
    for n in range(3):
        (tmp_path / "img" / f"s{n}.png").write_bytes(png(n))
    (tmp_path / "img" / "copy.png").write_bytes(png(0))
    (tmp_path / "img" / "huge.png").write_bytes(b"\0" * 5000)
    (tmp_path / "spec.pdf").write_bytes(b"%PDF-1.4 spec")
    data_url = "data:image/png;base64," + base64.b64encode(png(9)).decode()
    doc = Node(
        "doc",
        content=[
            para(image("img/s0.png"), image("img/s1.png"), line=1),
            para(image("img/s0.png"), image("img/copy.png"), image("img/s2.png"), line=3),
            para(image("img/missing.png"), line=5),
            para(image("img/huge.png"), line=7),
            para(text("see "), text("the spec", [Mark("link", {"href": "spec.pdf"})]), line=9),
            para(image(data_url), image("https://example.com/remote.png"), line=11),
        ],
    )
    return tmp_path / "page.md", doc


def attachment_names(client: Client, page_id: str) -> list[str]:
    listed = client.request("GET", "attachments", params={"filter[page_id]": page_id})
    return sorted(item["attributes"]["name"] for item in listed["data"])


def test_push_uploads_each_content_once_and_points_the_body_at_it(client: Client, page_id: str, tree) -> None:
    page_file, doc = tree
    records: dict = {}
    out, report = prepare_assets(doc, page_file, page_id, client, records, max_size=4096, page="page.md")
    # s0 and copy.png share bytes: one upload; s1, s2, spec.pdf, the data: image: one each.
    assert len(report.transferred) == 5 and len(records) == 5
    assert attachment_names(client, page_id) == sorted(report.transferred)
    sources = images_of(out)
    assert sources[0] == sources[2] == sources[3] and "/attachments/files/" in sources[0]
    assert "img/missing.png" in sources and "img/huge.png" in sources
    assert "https://example.com/remote.png" in sources
    chip = out.content[4].content[1]
    assert chip.type == inferred.FILE and chip.attrs["name"] == "the spec"
    assert chip.attrs["fileType"] == "application/pdf" and "/attachments/files/" in chip.attrs["url"]
    problems = [str(problem) for problem in report.problems]
    assert problems[0] == "page.md:5: image img/missing.png: file not found"
    assert problems[1].startswith("page.md:7: image img/huge.png: 5,000 bytes exceeds the size limit")
    writes = client.stats.writes
    again, second = prepare_assets(doc, page_file, page_id, client, records, max_size=4096, page="page.md")
    assert second.transferred == [] and len(second.reused) == 6  # per reference
    assert client.stats.writes == writes and normalize(again) == normalize(out)


def test_a_changed_file_is_uploaded_again_and_the_old_record_dropped(
    client: Client, page_id: str, tmp_path: Path
) -> None:
    (tmp_path / "a.png").write_bytes(png(1))
    doc = Node("doc", content=[para(image("a.png"))])
    records: dict = {}
    first, _ = prepare_assets(doc, tmp_path / "p.md", page_id, client, records)
    (tmp_path / "a.png").write_bytes(png(2))
    second, report = prepare_assets(doc, tmp_path / "p.md", page_id, client, records)
    assert len(report.transferred) == 1 and len(records) == 1
    assert images_of(first) != images_of(second)


def test_dry_run_and_pages_not_created_yet_upload_nothing(client: Client, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png(1))
    doc = Node("doc", content=[para(image("a.png"))])
    for page_id, dry_run in ((None, False), ("100000", True)):
        out, report = prepare_assets(doc, tmp_path / "p.md", page_id, client, {}, dry_run=dry_run)
        assert report.pending == ["a.png"] and out is doc
    assert client.stats.writes == 0


def test_records_of_another_page_are_not_reused(client: Client, tmp_path: Path) -> None:
    first, second = (client.create_with_markdown(title, "x").id for title in ("A", "B"))
    (tmp_path / "a.png").write_bytes(png(1))
    doc = Node("doc", content=[para(image("a.png"))])
    records: dict = {}
    prepare_assets(doc, tmp_path / "p.md", first, client, records)
    _, report = prepare_assets(doc, tmp_path / "p.md", second, client, records)
    assert len(report.transferred) == 1
    assert attachment_names(client, second) == ["a.png"]


def test_pull_downloads_into_assets_and_a_push_from_there_uploads_nothing(
    client: Client, page_id: str, tree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page_file, doc = tree
    remote, _ = prepare_assets(doc, page_file, page_id, client, {}, max_size=4096)
    pulled_dir = tmp_path_factory.mktemp("pulled")
    records: dict = {}
    local, report = fetch_assets(remote, pulled_dir / "page.md", client, records=records, page_id=page_id)
    assert report.problems == [] and len(report.transferred) == 5  # 4 distinct images + the pdf
    files = sorted(p.name for p in (pulled_dir / "assets").iterdir())
    assert len(files) == 5 and "spec.pdf" in files
    for src in images_of(local):
        if src.startswith("assets/"):
            assert (pulled_dir / src).is_file()
    assert local.content[4].content[1].attrs["url"] == "assets/spec.pdf"
    assert "https://example.com/remote.png" in images_of(local)
    writes = client.stats.writes
    pushed, again = prepare_assets(local, pulled_dir / "page.md", page_id, client, records, max_size=4096)
    assert again.transferred == [] and client.stats.writes == writes
    assert normalize(pushed) == normalize(remote)


def test_a_refused_download_is_reported_and_the_remote_url_kept(
    local_server: LocalServer, client: Client, page_id: str, tmp_path: Path
) -> None:
    (tmp_path / "a.png").write_bytes(png(1))
    remote, _ = prepare_assets(
        Node("doc", content=[para(image("a.png"), line=2)]), tmp_path / "p.md", page_id, client, {}
    )
    local_server.attachments.refuse_downloads = True
    local, report = fetch_assets(remote, tmp_path / "out" / "p.md", client, page="p.md")
    assert local is remote and report.transferred == []
    assert "p.md:2: image http" in str(report.problems[0]) and "403" in str(report.problems[0])
    assert local_server.token not in str(report)
    assert not (tmp_path / "out" / "assets").exists()


def test_same_name_different_content_gets_a_unique_file(client: Client, page_id: str, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "shot.png").write_bytes(png(1))
    (tmp_path / "two" / "shot.png").write_bytes(png(2))
    doc = Node("doc", content=[para(image("one/shot.png"), image("two/shot.png"))])
    remote, _ = prepare_assets(doc, tmp_path / "p.md", page_id, client, {})
    out = tmp_path / "pulled"
    local, _ = fetch_assets(remote, out / "p.md", client)
    assert sorted(images_of(local)) == ["assets/shot-2.png", "assets/shot.png"]
    assert {(out / src).read_bytes() for src in images_of(local)} == {png(1), png(2)}
    again, _ = fetch_assets(remote, out / "p.md", client)
    assert images_of(again) == images_of(local)
    assert len(list((out / "assets").iterdir())) == 2


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a:b?.png", "a_b_.png"),
        ("..", "file"),
        ("résumé.pdf", "résumé.pdf"),
        ("con.png", "con-file.png"),
        ("LPT1.tar.gz", "LPT1-file.tar.gz"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_only_attachment_urls_on_trusted_hosts_are_downloaded() -> None:
    api = "http://127.0.0.1:8123/api/v2/"
    assert is_attachment_url("https://files.productive.io/attachments/files/1/original/a.png", api)
    assert is_attachment_url("http://127.0.0.1:8123/files/attachments/files/000/000/001/original/a.png", api)
    assert not is_attachment_url("https://evil.example/attachments/files/1/original/a.png", api)
    assert not is_attachment_url("http://127.0.0.1:9999/files/attachments/files/1/original/a.png", api)
    assert not is_attachment_url("https://files.productive.io/other/a.png", api)
    assert not is_attachment_url("assets/a.png", api)
