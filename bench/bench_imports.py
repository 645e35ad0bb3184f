"""Benchmark: pages per second and peak memory of each import kind, on the largest material at hand.

- confluence: the ``confluence-varlab`` HTML space export (405 pages), when it is beside the project;
- confluence-storage: md2conf's storage-format pages (``fixtures/confluence-storage/md2conf``);
- docx: mammoth's test documents (``fixtures/docx/mammoth``);
- notion: the Obsidian Importer's "Markdown & CSV" export (``fixtures/notion/markdown-csv-export.zip``, 279
  pages in a zip of zips);
- confluence-xml: XWiki's Confluence 4.3.2 site export (``fixtures/confluence-xml/confluence-4.3.2.zip``);
- gdocs: none real at hand; left out.

Each kind runs in a child process of its own, so its peak resident memory (``ru_maxrss``) is its own.

    python3 bench/bench_imports.py [KIND ...]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "confluence-varlab"
STORAGE = ROOT / "fixtures" / "confluence-storage" / "md2conf"
DOCX = ROOT / "fixtures" / "docx" / "mammoth"
NOTION = ROOT / "fixtures" / "notion" / "markdown-csv-export.zip"
CONFLUENCE_XML = ROOT / "fixtures" / "confluence-xml" / "confluence-4.3.2.zip"
KINDS = ("confluence", "confluence-storage", "docx", "notion", "confluence-xml")


def _measure(kind: str) -> dict[str, float | int | str]:
    """Run one kind in this process: pages, seconds."""
    from productive_docs.sync.confluence.importer import import_export
    from productive_docs.sync.importers.confluence_xml import import_confluence_xml
    from productive_docs.sync.importers.docx import import_docx
    from productive_docs.sync.importers.notion import import_notion
    from productive_docs.sync.importers.storage import import_storage

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        if kind == "confluence":
            if not (CORPUS / "index.html").is_file():
                return {"kind": kind, "skipped": "confluence-varlab corpus not beside the project"}
            pages = import_export(CORPUS, Path(out) / "docs", progress=False).stats.pages
            source = CORPUS.name
        elif kind in ("notion", "confluence-xml"):
            source_path = NOTION if kind == "notion" else CONFLUENCE_XML
            importer = import_notion if kind == "notion" else import_confluence_xml
            pages = importer(source_path, Path(out) / "docs").stats.pages
            source = source_path.relative_to(ROOT).as_posix()
        elif kind == "docx":
            pages = import_docx(DOCX, Path(out) / "docs").stats.pages
            source = "fixtures/docx/mammoth"
        else:
            pages = import_storage(STORAGE, Path(out) / "docs").stats.pages
            source = "fixtures/confluence-storage/md2conf"
    seconds = time.perf_counter() - started
    return {"kind": kind, "source": source, "pages": pages, "seconds": seconds}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        result = _measure(sys.argv[2])
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    for kind in sys.argv[1:] or KINDS:
        child = subprocess.run([sys.executable, __file__, "--child", kind], capture_output=True, text=True,
                               check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        if "skipped" in result:
            print(f"{kind}: skipped ({result['skipped']})")
            continue
        rate = result["pages"] / result["seconds"]
        print(f"{kind:19} {result['source']}: {result['pages']} pages in {result['seconds']:.2f} s = "
              f"{rate:.1f} pages/s, peak memory {result['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
