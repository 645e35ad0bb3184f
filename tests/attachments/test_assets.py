"""Finding a page's local assets in the tree: resolution, data: URLs, limits, problems with lines."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from productive_docs.converter.model import Mark, Node, text
from productive_docs.sync.assets.references import (
    FILE,
    IMAGE,
    find_assets,
    is_local,
    references,
    rewrite_refs,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def image(src: str, line: int | None = None) -> Node:
    return Node("image", {"src": src, "alt": "x"}, line=line)


def para(*inline: Node, line: int | None = None) -> Node:
    return Node("paragraph", content=list(inline), line=line)


def doc(*blocks: Node) -> Node:
    return Node("doc", content=list(blocks))


def link(label: str, href: str) -> Node:
    return text(label, [Mark("link", {"href": href})])


def test_local_images_and_file_links_are_found_relative_to_the_page(tmp_path: Path) -> None:
    (tmp_path / "guide" / "img").mkdir(parents=True)
    (tmp_path / "guide" / "img" / "shot one.png").write_bytes(PNG)
    (tmp_path / "guide" / "spec.pdf").write_bytes(b"%PDF-1.4")
    page = tmp_path / "guide" / "setup.md"
    tree = doc(
        para(image("img/shot%20one.png"), line=3),
        para(
            link("the spec", "spec.pdf"), link("other page", "other.md#x"), link("site", "https://x.io/a.pdf")
        ),
        para(image("https://example.com/remote.png")),
    )
    scan = find_assets(tree, page)
    assert scan.problems == []
    assert set(scan.assets) == {"img/shot%20one.png", "spec.pdf"}
    shot = scan.assets["img/shot%20one.png"]
    assert (shot.kind, shot.name, shot.content_type, shot.size) == (
        IMAGE,
        "shot one.png",
        "image/png",
        len(PNG),
    )
    assert shot.sha256 == hashlib.sha256(PNG).hexdigest()
    assert scan.assets["spec.pdf"].kind == FILE
    assert scan.assets["spec.pdf"].content_type == "application/pdf"


def test_missing_and_oversized_are_reported_with_page_and_line(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(b"\0" * 2048)
    tree = doc(para(image("gone.png"), line=4), para(text("x"), image("big.png"), line=9))
    scan = find_assets(tree, tmp_path / "page.md", max_size=1024, page="docs/page.md")
    assert scan.assets == {}
    shown = [str(problem) for problem in scan.problems]
    assert shown[0] == "docs/page.md:4: image gone.png: file not found"
    assert shown[1].startswith("docs/page.md:9: image big.png: 2,048 bytes exceeds the size limit of 1,024")


def test_data_url_images_are_decoded_and_named_by_hash(tmp_path: Path) -> None:
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    scan = find_assets(doc(para(image(data_url))), tmp_path / "p.md")
    asset = scan.assets[data_url]
    assert asset.read() == PNG and asset.content_type == "image/png"
    assert asset.name.startswith("image-") and asset.name.endswith(".png")


def test_broken_data_url_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    scan = find_assets(doc(para(image("data:image/png;base64,@@@", line=2))), tmp_path / "p.md")
    assert scan.assets == {}
    assert "undecodable" in str(scan.problems[0])


def test_root_relative_references_resolve_against_the_tree_root(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "logo.png").write_bytes(PNG)
    (tmp_path / "a" / "b").mkdir(parents=True)
    scan = find_assets(doc(para(image("/static/logo.png"))), tmp_path / "a" / "b" / "p.md", root=tmp_path)
    assert scan.assets["/static/logo.png"].path == (tmp_path / "static" / "logo.png").resolve()


def test_a_reference_used_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    scan = find_assets(doc(para(image("a.png")), para(image("a.png"))), tmp_path / "p.md")
    assert list(scan.assets) == ["a.png"]


def test_references_carry_the_nearest_line() -> None:
    tree = doc(para(image("a.png"), link("f", "f.zip"), line=7))
    assert [(r.kind, r.target, r.line) for r in references(tree)] == [
        ("image", "a.png", 7),
        ("link", "f.zip", 7),
    ]


def test_rewrite_replaces_only_mapped_refs_and_shares_the_rest() -> None:
    untouched = para(text("plain"))
    tree = doc(para(image("a.png"), link("f", "f.zip")), untouched)
    out = rewrite_refs(tree, {"a.png": "https://files/a.png", "f.zip": "https://files/f.zip"})
    assert out.content[0].content[0].attrs["src"] == "https://files/a.png"
    assert out.content[0].content[1].marks[0].attrs["href"] == "https://files/f.zip"
    assert out.content[1] is untouched
    assert tree.content[0].content[0].attrs["src"] == "a.png"


def test_is_local() -> None:
    assert is_local("img/a.png") and is_local("../a.png") and is_local("/abs.png")
    assert not any(
        is_local(u) for u in ("https://x/a.png", "mailto:a@b", "#top", "//cdn/x.png", "data:x", "")
    )


def test_files_outside_the_root_are_refused_even_through_a_symlink(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    (root / "link.png").symlink_to(tmp_path / "secret.png")
    tree = doc(para(image("../secret.png"), image("link.png"), line=1))
    scan = find_assets(tree, root / "page.md", root=root)
    assert scan.assets == {}
    assert [p.reason for p in scan.problems] == ["outside the synced folder, not uploaded"] * 2
