"""Word documents (``.docx``, one file or a folder of them) into a docs folder.

mammoth turns each document into semantic HTML (headings from styles, nested lists, tables, links,
footnotes); the HTML reader makes the tree and the Markdown writer the page. Images embedded in a
document are written once each (by content) to ``assets/`` and linked from the page. What mammoth could
not map (unknown styles) and what Word keeps outside the text (comments, tracked changes) is counted in
``IMPORT-REPORT.md``; a document that cannot be read is reported and the others go on.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import IO, Any

import mammoth
from bs4 import BeautifulSoup
from productive_docs.converter.model import Node
from productive_docs.converter.readers.html import parse, read_parsed
from productive_docs.converter.report import Report
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.confluence.importer import ImportResult
from productive_docs.sync.confluence.report import ImportStats
from productive_docs.sync.importers.pages import front_matter, import_pages, page_paths

from productive_docs import converter

ASSETS = "assets"
#: Bounds: documents per import, unpacked size of one document's text part, and of one image.
MAX_DOCUMENTS = 5000
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_IMAGE_BYTES = 50 * 1024 * 1024
_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg",
             "image/webp": ".webp", "image/bmp": ".bmp", "image/tiff": ".tif", "image/x-emf": ".emf",
             "image/x-wmf": ".wmf"}
#: Word markup that the HTML keeps nothing of, by what the report calls it.
_WORD_ONLY = {"<w:ins ": "tracked insertion (kept as text)", "<w:del ": "tracked deletion (left out)",
              "<w:commentReference ": "Word comment (left out)"}
_STYLE_NAME = re.compile(r"(Unrecognised \w+ style): .*")
#: mammoth's ids of a note reference, of a note, and the href of a note's link back to its reference.
_NOTE_REF = re.compile(r"^(?:foot|end)note-ref-\d+$")
_NOTE = re.compile(r"^(?:foot|end)note-\d+$")
_NOTE_BACK = re.compile(r"^#(?:foot|end)note-ref-\d+$")


def documents(source: Path) -> list[Path]:
    """The Word documents an import reads: the file, or the folder's ``.docx`` files (Word's ``~$`` lock
    files left out), in name order."""
    if source.is_file():
        return [source]
    found = sorted(p for p in source.rglob("*.docx") if p.is_file() and not p.name.startswith("~$"))
    return found[:MAX_DOCUMENTS]


class Images:
    """Images of the documents, each stored once under ``assets/`` by content. ``prefix`` is put before
    the ``assets/...`` path a page gets (``../`` for a page one folder down)."""

    def __init__(self, out_dir: Path, stats: ImportStats) -> None:
        self.out_dir = out_dir
        self.stats = stats
        self.by_hash: dict[str, str] = {}
        self.prefix = ""

    def save(self, image: Any) -> dict[str, str]:
        with image.open() as stream:
            data = stream.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            self.stats.lowered["image over the size bound (left out)"] += 1
            return {}
        digest = hashlib.sha256(data).hexdigest()
        self.stats.images += 1
        if digest in self.by_hash:
            self.stats.assets.deduplicated += 1
            return {"src": self.prefix + self.by_hash[digest], "alt": image.alt_text or ""}
        name = f"{ASSETS}/{digest[:16]}{_SUFFIXES.get(image.content_type, '.bin')}"
        write_atomic(self.out_dir / name, data)
        self.stats.assets.copied += 1
        self.stats.assets.bytes_written += len(data)
        self.by_hash[digest] = name
        return {"src": self.prefix + name, "alt": image.alt_text or ""}


def _word_only_counts(document: Path | IO[bytes]) -> dict[str, int]:
    """Counts of the Word constructs the HTML drops (comments, tracked changes), from the document part."""
    with zipfile.ZipFile(document) as archive:
        info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_PART_BYTES:
            raise ValueError(f"document text of {info.file_size:,} bytes is over the bound")
        xml = archive.read(info).decode("utf-8", "replace")
    return {what: xml.count(marker) for marker, what in _WORD_ONLY.items() if marker in xml}


def notes_as_text(soup: BeautifulSoup, report: Report) -> None:
    """Footnotes and endnotes in the tree's footnote form (the Markdown reader's): each reference the
    text ``[n]``, the notes a final ordered list after a bold "Footnotes" paragraph, without mammoth's
    ``#footnote-n`` anchors and ``↑`` back links, which pointed at ids no page keeps."""
    for ref in soup.find_all("a", id=_NOTE_REF):
        report.add("Word footnote reference", "text [n]")
        holder = ref.parent if ref.parent is not None and ref.parent.name == "sup" else ref
        holder.replace_with(ref.get_text())
    notes = soup.find_all("li", id=_NOTE)
    for back in soup.find_all("a", href=_NOTE_BACK):
        back.decompose()
    lists = {id(note.parent): note.parent for note in notes if note.parent is not None}
    for notes_list in lists.values():
        report.add("Word footnotes", "a final 'Footnotes' ordered list")
        heading = soup.new_tag("p")
        strong = soup.new_tag("strong")
        strong.string = "Footnotes"
        heading.append(strong)
        notes_list.insert_before(heading)
    for note in notes:
        del note["id"]


def word_doc(document: Path | bytes, report: Report, images: Images, stats: ImportStats) -> Node:
    """The tree of one Word document (a file, or its bytes from an export); its images saved by
    ``images``; what mammoth and the HTML leave out counted in ``stats``."""
    stream = io.BytesIO(document) if isinstance(document, bytes) else document.open("rb")
    with stream:
        result = mammoth.convert_to_html(stream, convert_image=mammoth.images.img_element(images.save))
        stream.seek(0)
        stats.lowered.update(_word_only_counts(stream))
    for message in result.messages:
        stats.lowered["Word: " + _STYLE_NAME.sub(r"\1", message.message)] += 1
    soup = parse(result.value)
    notes_as_text(soup, report)
    return read_parsed(soup, report, cleanup=True).doc


def _page(path: Path, out_path: str, images: Images, stats: ImportStats) -> str:
    report = Report(out_path)
    body = converter.write(word_doc(path, report, images, stats), "md", report=report)
    stats.lowered.update(report.counts())
    return front_matter(path) + body


def import_docx(source: Path, out_dir: Path, *, progress: bool | None = None) -> ImportResult:
    """Import a ``.docx`` file or a folder of them into ``out_dir``: one page per document."""
    source, out_dir = Path(source), Path(out_dir)
    stats = ImportStats(str(source), kind="Word")
    images = Images(out_dir, stats)
    paths = page_paths(documents(source), "document")
    return import_pages(source, out_dir, stats, paths,
                        lambda file, out_path: _page(file, out_path, images, stats),
                        lambda: list(images.by_hash.values()))
