"""Google Docs exports into a docs folder: a "Download > Web page (.html, zipped)" zip (``<Title>.html``
beside ``images/``), several of them unpacked in a folder, or a Google Takeout archive of Drive (its
documents as ``.html``, or as ``.docx``, Takeout's default).

Each document is a page titled by its ``<title>`` (else its file name); Drive folders become folders. The
page goes through the HTML reader as a whole page (its ``<style>`` classes are the reader's to read);
before that, links Google wraps in ``https://www.google.com/url?q=...`` are unwrapped, and footnote and
comment markers (``#ftnt1``, ``#cmnt1``: anchors to ids no page keeps) become their text, so the notes read
``[1] ...`` at the end as in the document; links to a heading of the page point at its Markdown anchor, links
to a bookmark become their text. Images are copied once per ``assets/`` folder. Word documents
of a Takeout go through the Word importer's conversion (mammoth), their images into ``assets/``.
"""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from productive_docs.converter.model import Node
from productive_docs.converter.report import Report
from productive_docs.sync.confluence.export import Export
from productive_docs.sync.confluence.importer import ImportResult
from productive_docs.sync.importers.anchors import anchors_to_headings
from productive_docs.sync.importers.docx import Images, word_doc
from productive_docs.sync.importers.sources import open_tree
from productive_docs.sync.importers.tree import Item, TreeImport

from productive_docs import converter

#: Google's anchors of footnotes (``ftnt``), comments (``cmnt``) and their references (``..._ref``).
_NOTE_ANCHOR = re.compile(r"^#?(?:ftnt|cmnt)(?:_ref)?\d+$")
#: Where Takeout puts Drive's files, below its ``Takeout/`` folder.
DRIVE = "Drive/"


def unwrap_google_links(soup: BeautifulSoup, report: Report) -> None:
    """``https://www.google.com/url?q=<target>&sa=...`` (how Google Docs exports every link) -> target."""
    for link in soup.find_all("a", href=True):
        parts = urlsplit(str(link["href"]))
        if parts.netloc in ("www.google.com", "google.com") and parts.path == "/url":
            target = parse_qs(parts.query).get("q")
            if target:
                link["href"] = target[0]
                report.add("Google redirect link", "its target")


def notes_as_text(soup: BeautifulSoup, report: Report) -> None:
    """Footnote and comment markers (links to ids no page keeps) -> their text (``[1]``, ``[a]``)."""
    for link in soup.find_all("a"):
        href, anchor = str(link.get("href") or ""), str(link.get("id") or "")
        if _NOTE_ANCHOR.match(href) or _NOTE_ANCHOR.match(anchor):
            kind = "comment" if "cmnt" in href + anchor else "footnote"
            report.add(f"Google Docs {kind} marker", "its text")
            link.replace_with(link.get_text())


class GoogleDocsImport(TreeImport):
    """One import of Google Docs HTML exports or a Takeout of Drive."""

    kind = "Google Docs"
    page_suffixes = (".html", ".htm", ".docx")

    def __init__(self, export: Export, out_dir: Path) -> None:
        super().__init__(export, out_dir)
        self.images = Images(out_dir, self.stats)

    def title_and_id(self, stem: str) -> tuple[str, str | None]:
        return stem.strip() or stem, None

    def body(self, item: Item, report: Report) -> Node:
        assert item.file is not None
        if item.file.lower().endswith(".docx"):
            self.images.prefix = "../" * self.paths[item.key].count("/")
            doc = word_doc(self.export.read_bytes(item.file), report, self.images, self.stats)
            self.placed.update(self.images.prefix + name for name in self.images.by_hash.values())
            return doc
        soup = BeautifulSoup(self.export.read_text(item.file), "html.parser")
        title = soup.title.get_text(" ", strip=True) if soup.title is not None else ""
        if title:
            item.title = title
        unwrap_google_links(soup, report)
        notes_as_text(soup, report)
        anchors_to_headings(soup, report, "Google Docs")
        return converter.read(str(soup), "html", report=report).doc

    def other_files(self) -> list[str]:
        return list(self.images.by_hash.values())


def import_gdocs(source: Path, out_dir: Path, *, progress: bool | None = None) -> ImportResult:
    """Import Google Docs exports (zip, folder, or a Takeout) into ``out_dir``."""
    with closing(open_tree(Path(source), within=DRIVE)) as export:
        return GoogleDocsImport(export, Path(out_dir)).run()
