"""What the plain (no dialect) Markdown reader and folder scan make of the shared corpora, as short hashes.

``golden_plain.json`` holds them as computed before the dialect readers existed; the test compares the
reader of today with it, so a plain CommonMark folder provably converts exactly as before. Regenerate only
for a deliberate change of plain behaviour: ``python tests/dialects/plain_fingerprints.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "converter"))

from md_corpora import MARKDOWN, available, markdown_files, spec_examples  # noqa: E402
from productive_docs.converter import Report, read  # noqa: E402
from productive_docs.converter.errors import ProductiveDocsError  # noqa: E402
from productive_docs.converter.model import normalize  # noqa: E402
from productive_docs.sync.engine.folder import scan  # noqa: E402

GOLDEN = Path(__file__).with_name("golden_plain.json")
__all__ = ["GOLDEN", "available", "fingerprints"]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def reader_fingerprint(markdown: str) -> str:
    """The tree, the metadata and the report of one read (or its error)."""
    report = Report("x")
    try:
        document = read(markdown, "md", report=report)
    except ProductiveDocsError as exc:
        return _digest({"error": str(exc)})
    return _digest({"doc": normalize(document.doc), "meta": document.metadata,
                    "report": [str(entry) for entry in report.entries]})


def scan_fingerprint(folder: Path) -> str:
    """Keys, parents, titles, order, bodies and errors of a folder scan."""
    tree = scan(folder)
    pages = [{"key": p.key, "parent": p.parent, "title": p.title, "children": p.children, "error": p.error,
              "doc": None if p.doc is None else normalize(p.doc)} for p in tree.pages.values()]
    return _digest(pages)


def fingerprints() -> dict[str, str]:
    """Name -> hash for every spec example, every npm doc file and the npm folder scan."""
    out = {f"spec/{e.name}": reader_fingerprint(e.markdown) for e in spec_examples()}
    for path in markdown_files():
        out[f"file/{path.relative_to(MARKDOWN)}"] = reader_fingerprint(path.read_text(encoding="utf-8"))
    out["scan/npm-cli"] = scan_fingerprint(MARKDOWN / "npm-cli")
    return out


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(fingerprints(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
