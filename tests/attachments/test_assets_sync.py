"""Issue 7's must-hold: a tree with 20 images pushed, pushed again, pulled, pushed from the pull."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

from productive_docs.converter import inferred
from productive_docs.converter.model import Node, from_json
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.server.app import LocalServer

SHARED = "img/shared.png"


def png(seed: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + seed.to_bytes(4, "big") * 16


def write_docs(root: Path) -> dict[str, set[str]]:
    """The tree; returns page file -> the present images it uses (what must be uploaded for it)."""
    (root / "img").mkdir(parents=True)
    for n in range(1, 18):
        (root / "img" / f"p{n:02}.png").write_bytes(png(n))
    (root / SHARED).write_bytes(png(99))
    with (root / "img" / "huge.png").open("wb") as huge:  # sparse: over 25 MB without writing it
        huge.truncate(26 * 1024 * 1024)
    (root / "guide").mkdir()
    (root / "spec v2.pdf").write_bytes(b"%PDF-1.4 spec")
    pages = {
        "index.md": ["p01", "p02", "shared"],
        "a.md": ["p03", "p04", "p05", "p06", "shared", "p03", "missing"],
        "b.md": ["p07", "p08", "p09", "p10", "shared", "huge"],
        "guide/setup.md": ["p11", "p12", "p13", "p14", "p15", "p16", "p17"],
    }
    uses: dict[str, set[str]] = {}
    for name, images in pages.items():
        prefix = "../" if "/" in name else ""
        lines = [f"# {Path(name).stem.title()}", ""]
        lines += [f"Shot {n}: ![{image}]({prefix}img/{image}.png)\n" for n, image in enumerate(images)]
        (root / name).write_text("\n".join(lines), encoding="utf-8")
        uses[name] = {f"{image}.png" for image in images if image not in ("missing", "huge")}
    with (root / "a.md").open("a", encoding="utf-8") as page:
        page.write("\nRead [the spec](spec%20v2.pdf) first.\n")
    uses["a.md"].add("spec v2.pdf")
    return uses


def attachments_by_page(client: Client) -> dict[str, list[str]]:
    listed = client.request("GET", "attachments", params={"page[size]": "200"})["data"]
    by_page: dict[str, list[str]] = {}
    for item in listed:
        by_page.setdefault(item["relationships"]["page"]["data"]["id"], []).append(item["attributes"]["name"])
    return {page: sorted(names) for page, names in by_page.items()}


def nodes(doc: Node, kind: str) -> list[Node]:
    found = [doc] if doc.type == kind else []
    for child in doc.content:
        found += nodes(child, kind)
    return found


def image_sources(doc: Node) -> list[str]:
    return [node.attrs["src"] for node in nodes(doc, "image")]


def test_push_twice_pull_and_push_again(client: Client, tmp_path: Path) -> None:
    started = time.monotonic()
    docs = tmp_path / "docs"
    uses = write_docs(docs)
    first = push_folder(docs, client, project_id="7")
    assert first.exit_code == 0, [o.as_dict() for o in first.outcomes]
    ids = {o.display: o.page_id for o in first.outcomes}
    # Each present image uploaded exactly once per page that uses it.
    expected = {ids[name]: sorted(images) for name, images in uses.items()}
    assert attachments_by_page(client) == expected
    # The bodies reference the uploaded files; the missing and oversized images keep their paths.
    for name, page_id in ((n, ids[n]) for n in uses):
        sources = image_sources(from_json(client.get_page(page_id).body))
        uploaded = [src for src in sources if "/attachments/files/" in src]
        assert len(uploaded) == len(sources) - (name in ("a.md", "b.md")), (name, sources)
    chip = nodes(from_json(client.get_page(ids["a.md"]).body), inferred.FILE)[0]
    assert chip.attrs["name"] == "the spec" and "/attachments/files/" in chip.attrs["url"]
    details = "\n".join(d for o in first.outcomes for d in o.details + o.notes)
    assert "a.md:" in details and "img/missing.png: file not found" in details
    assert "b.md:" in details and "img/huge.png: 27,262,976 bytes exceeds the size limit" in details

    second = push_folder(docs, client)
    assert second.requests["writes"] == 0 and attachments_by_page(client) == expected

    pulled = tmp_path / "pulled"
    pull = pull_doc(client, first.doc_id, pulled)
    assert pull.exit_code == 0
    pulled_files = {o.page_id: pulled / o.display for o in pull.outcomes}
    for name, images in uses.items():
        page_file = pulled_files[ids[name]]
        text = page_file.read_text(encoding="utf-8")
        for image in images:
            assert f"assets/{quote(image)}" in text, (name, image)
            source = docs / "img" / image if image.endswith(".png") else docs / image
            assert (page_file.parent / "assets" / image).read_bytes() == source.read_bytes()
    downloads = client.stats.by_endpoint["files"]
    again = pull_doc(client, first.doc_id, pulled)  # files already there are not downloaded again
    assert client.stats.by_endpoint["files"] == downloads
    assert {o.action for o in again.outcomes} == {"unchanged"}
    third = push_folder(pulled, client)
    assert third.requests["writes"] == 0, [o.as_dict() for o in third.outcomes]
    assert attachments_by_page(client) == expected
    assert time.monotonic() - started < 30


def test_a_changed_image_is_uploaded_and_the_body_rewritten_once(client: Client, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "shot.png").write_bytes(png(1))
    (docs / "page.md").write_text("# Page\n\n![shot](shot.png)\n", encoding="utf-8")
    first = push_folder(docs, client, project_id="7")
    page_id = next(o.page_id for o in first.outcomes if o.display == "page.md")
    before = image_sources(from_json(client.get_page(page_id).body))
    plan = push_folder(docs, client, dry_run=True)
    assert plan.requests["writes"] == 0 and {o.action for o in plan.outcomes} == {"unchanged"}

    (docs / "shot.png").write_bytes(png(2))
    plan = push_folder(docs, client, dry_run=True)
    assert plan.requests["writes"] == 0 and "update" in {o.action for o in plan.outcomes}
    second = push_folder(docs, client)
    assert second.requests["writes"] == 3  # create attachment, PATCH temp_url, replace body
    after = image_sources(from_json(client.get_page(page_id).body))
    assert after != before and "/attachments/files/" in after[0]
    assert client.get_file(after[0]) == png(2)


def test_the_size_limit_is_configurable(client: Client, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "shot.png").write_bytes(png(1))
    (docs / "page.md").write_text("# Page\n\n![shot](shot.png)\n", encoding="utf-8")
    result = push_folder(docs, client, project_id="7", max_asset_size=10)
    details = [d for o in result.outcomes for d in o.details]
    assert any("page.md:3: image shot.png: 72 bytes exceeds the size limit of 10 bytes" in d for d in details)
    assert client.request("GET", "attachments")["data"] == []


def test_an_image_added_later_is_uploaded_though_the_page_file_is_unchanged(
    client: Client, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("# Page\n\n![shot](shot.png)\n", encoding="utf-8")
    first = push_folder(docs, client, project_id="7")
    page_id = next(o.page_id for o in first.outcomes if o.display == "page.md")
    assert push_folder(docs, client).requests["writes"] == 0
    (docs / "shot.png").write_bytes(png(1))
    second = push_folder(docs, client)
    assert second.requests["writes"] == 3
    assert client.get_file(image_sources(from_json(client.get_page(page_id).body))[0]) == png(1)
    assert push_folder(docs, client).requests["writes"] == 0


def test_a_refused_download_keeps_the_remote_url_and_is_reported(
    local_server: LocalServer, client: Client, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "shot.png").write_bytes(png(1))
    (docs / "page.md").write_text("# Page\n\n![shot](shot.png)\n", encoding="utf-8")
    first = push_folder(docs, client, project_id="7")
    local_server.attachments.refuse_downloads = True
    pulled = tmp_path / "pulled"
    pull = pull_doc(client, first.doc_id, pulled)
    assert pull.exit_code == 0
    assert any("image http" in note and "download refused, remote URL kept" in note for note in pull.notes)
    assert "/attachments/files/" in (pulled / "Page.md").read_text(encoding="utf-8")
    assert not (pulled / "assets").exists()
    assert push_folder(pulled, client).requests["writes"] == 0
