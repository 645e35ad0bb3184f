"""The base store: content-addressed, deduplicated, compressed, atomic, garbage-collected."""

from __future__ import annotations

import json
import random
import zlib

import pytest
from productive_docs.converter import read
from productive_docs.converter.errors import ProductiveDocsError
from productive_docs.converter.model import normalize
from productive_docs.sync.engine.base import BaseStore, BlobStore, content_hash, render_base


def test_blobs_are_deduplicated_compressed_and_named_by_hash(tmp_path):
    store = BlobStore(tmp_path / "base")
    data = b"same text " * 100
    first, second = store.put(data), store.put(data)
    assert first == second == content_hash(data)
    path = tmp_path / "base" / first[:2] / first[2:]
    packed = path.read_bytes()
    assert len(packed) < len(data) and zlib.decompress(packed) == data
    assert store.digests() == {first}
    assert store.get(first) == data


def test_a_corrupt_blob_reads_as_missing_not_as_wrong_content(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"hello")
    store.path(digest).write_bytes(zlib.compress(b"tampered"))
    assert store.get(digest) is None
    store.path(digest).write_bytes(b"not zlib")
    assert store.get(digest) is None
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_records_round_trip_and_unreferenced_blobs_are_collected(tmp_path):
    bases = BaseStore(tmp_path / ".productive-docs")
    doc = read("# Title\n\nBody.\n", "md").doc
    bases.record("7", version=3, title="Page", parent="1", position=2.0, body=doc,
                 source="# Title\n\nBody.\n")
    bases.record("8", version=1, title="Twin", parent="1", position=3.0, body=doc, source=None)
    bases.save()
    assert len(bases.blobs.digests()) == 2  # one body shared by both pages, one source
    again = BaseStore(tmp_path / ".productive-docs")
    assert again.records == bases.records
    assert again.body("7") == normalize(doc)
    assert again.source("7") == "# Title\n\nBody.\n"
    assert again.source("8") is None and again.body("9") is None
    again.forget("7")
    again.save()
    assert len(again.blobs.digests()) == 1
    ignored = (tmp_path / ".productive-docs" / ".gitignore").read_text().splitlines()[1:]
    assert ignored == ["lock", "*.tmp", "state.journal", "stamps.json", "listing.json"]
    assert json.loads((tmp_path / ".productive-docs" / "base.json").read_text())["pages"]["8"]["version"] == 1


def test_an_unreadable_base_is_a_one_line_error(tmp_path):
    (tmp_path / ".productive-docs").mkdir()
    (tmp_path / ".productive-docs" / "base.json").write_text("{not json")
    with pytest.raises(ProductiveDocsError, match="unreadable sync base"):
        BaseStore(tmp_path / ".productive-docs")


def test_base_json_is_written_as_json_would_write_it():
    """``render_base`` writes with json's C encoder what ``json.dumps(indent=1, sort_keys=True)`` writes."""
    rng = random.Random(12)
    values = [None, 0, 17, 2.5, -1e-07, "", "plain", 'quote " and \\\\', "é ✓ \u2028 \x00 \t", "10"]
    for size in range(0, 30, 3):
        names = ["version", "title", "parent", "position", "body", "source"]
        pages = {str(rng.randint(1, 10**6)): {name: rng.choice(values)
                                              for name in rng.sample(names, rng.randint(0, 6))}
                 for _ in range(size)}
        expected = json.dumps({"format": 1, "pages": pages}, indent=1, sort_keys=True, ensure_ascii=False)
        assert render_base(pages) == expected
    nested = {"1": {"title": {"nested": [1]}}}
    assert render_base(nested) == json.dumps({"format": 1, "pages": nested}, indent=1, sort_keys=True,
                                             ensure_ascii=False)
