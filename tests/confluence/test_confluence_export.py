"""Reading exports: folder and zip alike, and zips that try to escape or explode are refused up front."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from productive_docs.converter.errors import InputError, ProductiveDocsError
from productive_docs.sync.cli.main import main
from productive_docs.sync.confluence.export import FolderExport, Limits, ZipExport, open_export

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


def test_folder_and_zip_list_the_same_files(tmp_path: Path) -> None:
    folder = open_export(FIXTURE)
    zipped = open_export(zip_folder(FIXTURE, tmp_path / "space.zip", prefix="TS/"))
    assert isinstance(folder, FolderExport) and isinstance(zipped, ZipExport)
    assert folder.names == zipped.names
    assert folder.pages() == zipped.pages()
    assert "index.html" not in folder.pages() and "Ohm%27s-Law_500.html" in folder.pages()
    for name in folder.names:
        assert folder.read_bytes(name) == zipped.read_bytes(name)


def test_resolve_decodes_escapes_drops_query_and_stays_inside() -> None:
    export = open_export(FIXTURE)
    assert export.resolve("attachments/100/1001.png?width=200") == "attachments/100/1001.png"
    assert export.resolve("Ohm%2527s-Law_500.html") == "Ohm%27s-Law_500.html"
    assert export.resolve("Ohm's-Law_500.html") == "Ohm%27s-Law_500.html"
    assert export.resolve("attachments/100/../100/1001.png") == "attachments/100/1001.png"
    assert export.resolve("../tiny-export/index.html") is None
    assert export.resolve("/etc/passwd") is None
    assert export.resolve("attachments/%2e%2e/%2e%2e/index.html") is None
    assert export.resolve("https://example.com/index.html") is None


@pytest.mark.parametrize("bad_name", ["../evil.txt", "docs/../../evil.txt", "/etc/evil.txt", "C:/evil.txt",
                                      "..\\evil.txt"])
def test_zip_with_escaping_name_is_refused_before_writing(tmp_path: Path, bad_name: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    archive = zip_folder(FIXTURE, tmp_path / "space.zip")
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr(bad_name, b"gotcha")
    with pytest.raises(InputError, match="refusing zip"):
        open_export(archive)
    out_dir = tmp_path / "work" / "out"
    assert main(["import-confluence", str(archive), "-o", str(out_dir), "-q"]) == 1
    error = capsys.readouterr().err
    assert "refusing zip" in error and "space.zip" in error and "Traceback" not in error
    assert not (tmp_path / "work").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["space.zip"]


def test_zip_size_limits(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("index.html", "<ul></ul>")
        out.writestr("zeros.bin", b"\0" * 2_000_000)
    with pytest.raises(InputError, match="zip bomb"):
        ZipExport(archive)
    with pytest.raises(InputError, match="too large"):
        ZipExport(archive, Limits(entry_bytes=1_000_000, ratio=10**6))
    with pytest.raises(InputError, match="entries"):
        ZipExport(archive, Limits(entries=1, ratio=10**6))


def _clear_utf8_flags(archive: Path) -> None:
    """Clear the UTF-8 flag of every entry, as zip tools that write UTF-8 names without saying so do."""
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            flags = struct.unpack_from("<H", data, start + offset)[0]
            struct.pack_into("<H", data, start + offset, flags & ~0x800)
            start = data.find(signature, start + 4)
    archive.write_bytes(bytes(data))


def test_zip_names_utf8_without_flag(tmp_path: Path) -> None:
    archive = tmp_path / "names.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("index.html", "<ul></ul>")
        out.writestr("attachments/1/Übersicht.png", b"png")
    _clear_utf8_flags(archive)
    with zipfile.ZipFile(archive) as check:
        assert "attachments/1/Übersicht.png" not in check.namelist()
    assert "attachments/1/Übersicht.png" in ZipExport(archive).names


def test_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>x</p>")
    with pytest.raises(ProductiveDocsError, match="no index.html"):
        open_export(tmp_path)
    (tmp_path / "broken.zip").write_bytes(b"PK not really")
    with pytest.raises(InputError, match="not a readable zip"):
        open_export(tmp_path / "broken.zip")
    with pytest.raises(InputError, match="no such export"):
        open_export(tmp_path / "nowhere")


def test_folder_export_leaves_out_symbolic_links(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    (export_dir / "index.html").write_text("<ul></ul>", encoding="utf-8")
    (export_dir / "attachments").mkdir()
    (export_dir / "attachments" / "link.png").symlink_to(tmp_path / "secret.txt")
    export = open_export(export_dir)
    assert export.names == {"index.html"} and export.resolve("attachments/link.png") is None


def test_damaged_zip_entry_is_a_clear_error(tmp_path: Path) -> None:
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("index.html", "<ul></ul>")
        out.writestr("Page_1.html", "<p>" + "intact text " * 20 + "</p>")
    archive.write_bytes(archive.read_bytes().replace(b"intact text", b"broken text", 1))
    with pytest.raises(InputError, match="'Page_1.html' is damaged"):
        ZipExport(archive).read_bytes("Page_1.html")
