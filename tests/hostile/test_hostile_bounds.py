"""Bounded work on hostile input: each case ends within the bound its test states, with a one-line error
naming the input and the limit, and the rest of the run goes on."""

from __future__ import annotations

import json
import sys
import time
import zipfile

import pytest
from productive_docs.sync import limits
from productive_docs.sync.engine.folder import scan


def _timed(hostile, *args: str):
    started = time.monotonic()
    result = hostile.run(*args)
    return result, time.monotonic() - started


def test_a_pathological_ignore_pattern_matches_in_linear_time(hostile):
    """``*a`` repeated 30 times backtracked for hours with Python's re on a name that almost matches."""
    root = hostile.root
    (root / ".productiveignore").write_text("*a" * 30 + "\n" + "**/" * 40 + "x\n", encoding="utf-8")
    for number in range(20):
        (root / f"{'a' * 29}{number}b.md").write_text(f"# Page {number}\n", encoding="utf-8")
    (root / ("ba" * 30)).mkdir()
    (root / ("ba" * 30) / "ignored.md").write_text("# Ignored\n", encoding="utf-8")
    started = time.monotonic()
    tree = scan(root)
    assert time.monotonic() - started < 10.0  # backtracking took hours; RE2 takes milliseconds
    assert len(tree.pages) == 21 and f"{'ba' * 30}/" not in tree.pages


def test_a_50_mb_page_is_refused_by_its_size_without_reading_it(hostile):
    """It took 680 s and 3.6 GB before failing with HTTP 413; now it is a stat and one line."""
    root = hostile.root
    (root / "index.md").write_text("# Home\n", encoding="utf-8")
    big = root / "big.md"
    with big.open("w", encoding="utf-8") as out:
        line = "word " * 19 + "\n"
        for _ in range(50_000_000 // len(line) + 1):
            out.write(line)
    result, seconds = _timed(hostile, "push", str(root), "--project", "1")
    assert seconds < 30.0
    assert result.code == 1 and "created    index.md" in result.out
    assert f"big.md: {big.stat().st_size:,} bytes, over the page file limit" in result.out
    assert "Traceback" not in result.out + result.err


def test_deep_nesting_and_huge_tables_are_refused_with_one_line(hostile, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 10)
    root = hostile.root
    rows = "".join(f"| {i} | {i} |\n" for i in range(10))
    (root / "table.md").write_text(f"# Table\n\n| a | b |\n| - | - |\n{rows}", encoding="utf-8")
    (root / "deep.html").write_text("<h1>Deep</h1>" + "<blockquote>" * 5000 + "x", encoding="utf-8")
    (root / "fine.md").write_text("# Fine\n", encoding="utf-8")
    result, seconds = _timed(hostile, "push", str(root), "--project", "1")
    assert seconds < 30.0
    assert result.code == 1 and "created    fine.md" in result.out
    assert "table.md: tables of more than 10 cells (MAX_TABLE_CELLS); not sent" in result.out
    assert "deep.html" in result.out and "Traceback" not in result.out + result.err


def test_too_many_pages_stop_the_scan_with_one_line(hostile, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGES", 5)
    for number in range(10):
        (hostile.root / f"p{number}.md").write_text(f"# P{number}\n", encoding="utf-8")
    result = hostile.run("push", str(hostile.root), "--project", "1")
    assert result.code == 2 or result.code == 1
    assert "more than 5 pages (MAX_PAGES); not synced" in result.err


def _nested(levels: int) -> dict:
    node: dict = {"type": "paragraph", "content": [{"type": "text", "text": "bottom"}]}
    for _ in range(levels):
        node = {"type": "bulletList", "content": [{"type": "listItem", "content": [node]}]}
    return {"type": "doc", "content": [node]}


@pytest.mark.parametrize("levels", [150, 1000])
def test_a_deeply_nested_remote_body_fails_that_page_only(hostile, levels: int):
    """Pull ended in RecursionError (500 levels); now the page fails with one line and its siblings are
    written. ``levels`` pairs of list and item: at 2,000 levels the emulator's JSON encoder needs a higher
    recursion limit to serve the body at all, as the real API would."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        _deep_pull(hostile, levels)
    finally:
        sys.setrecursionlimit(old)


def _deep_pull(hostile, levels: int) -> None:
    store = hostile.server.store
    doc = store.create("Doc", json.dumps({"type": "doc", "content": []}), project_id=1)
    store.create("Deep", json.dumps(_nested(levels)), parent_page_id=doc["id"], root_page_id=doc["id"])
    store.create("Fine", json.dumps({"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "ok"}]}]}),
        parent_page_id=doc["id"], root_page_id=doc["id"])
    target = hostile.root / "pulled"
    result, seconds = _timed(hostile, "pull", str(target), "--doc", str(doc["id"]))
    assert seconds < 30.0
    assert result.code == 1 and (target / "Fine.md").is_file() and not (target / "Deep.md").exists()
    assert "Deep.md: remote body nested more than 200 levels deep (MAX_NESTING_DEPTH)" in result.out
    assert "Traceback" not in result.out + result.err
    again = hostile.run("pull", str(target), "--doc", str(doc["id"]))
    assert again.code == 1 and "Fine.md" in again.out


def test_a_zip_of_many_small_entries_is_refused_before_unpacking(hostile):
    """3,000 entries of 1 MiB (each under the per-entry bomb check) ran past 500 s; the archive as a whole
    is now held to the ratio, and the entry count to its limit."""
    archive = hostile.tmp / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("space/index.html", "<html><title>Space</title></html>")
        zeros = bytes(1 << 20)
        for number in range(300):
            out.writestr(f"space/p{number}.html", zeros)
    hostile.before = hostile.outside()
    result, seconds = _timed(hostile, "import-confluence", str(archive), "-o", str(hostile.root / "out"))
    assert seconds < 30.0
    assert result.code != 0 and "over 200 times its packed size (MAX_ZIP_RATIO; zip bomb?)" in result.err
    assert not (hostile.root / "out").exists() or not any((hostile.root / "out").iterdir())


def test_a_zip_over_the_entry_count_is_refused(hostile, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_ENTRIES", 50)
    archive = hostile.tmp / "many.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("index.html", "<html></html>")
        for number in range(60):
            out.writestr(f"p{number}.html", f"<p>{number}</p>")
    hostile.before = hostile.outside()
    result, seconds = _timed(hostile, "import-confluence", str(archive), "-o", str(hostile.root / "out"))
    assert seconds < 30.0
    assert result.code != 0 and "61 entries, over the limit of 50 (MAX_ZIP_ENTRIES)" in result.err
