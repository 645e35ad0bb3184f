"""``convert`` as people use it: every --from/--to pair through files and stdin/stdout, the report on stderr,
exit codes 0/1/2, invalid UTF-8 named by line, and an output folder typo caught before any work."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from productive_docs.converter import READERS, WRITERS
from productive_docs.sync.cli.main import main

INPUTS = {
    "md": "---\ntitle: T\n---\n# Title\n\n> [!NOTE]\n> Careful\n\n#### Deep\n\n- [x] done\n",
    "html": "<h1>Title</h1><p>Some <u>text</u></p><script>x()</script><table><tr><td>1</td></tr></table>",
    "json": json.dumps({"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Hi", "marks": [{"type": "strong"}]}]}]}),
    "confluence-storage": '<h1>Title</h1><ac:structured-macro ac:name="info" ac:schema-version="1">'
    "<ac:rich-text-body><p>Careful</p></ac:rich-text-body></ac:structured-macro>",
}
SUFFIX = {"md": ".md", "productive-md": ".md", "html": ".html", "json": ".json"}


class _Stdin(io.TextIOWrapper):
    """A stdin with a byte buffer under it, as a terminal or a pipe has."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


@pytest.mark.parametrize("to_fmt", list(WRITERS))
@pytest.mark.parametrize("from_fmt", list(READERS))
def test_every_pair_through_files_and_pipes(tmp_path: Path, capsys, monkeypatch, from_fmt, to_fmt) -> None:
    source = tmp_path / f"in.{from_fmt}"
    source.write_text(INPUTS[from_fmt], encoding="utf-8")
    out = tmp_path / f"out{SUFFIX[to_fmt]}"
    assert main(["convert", str(source), "-o", str(out), "--from", from_fmt, "--to", to_fmt, "--report"]) == 0
    written = out.read_text(encoding="utf-8")
    assert "Title" in written or "Hi" in written
    assert written.endswith("\n") and not written.endswith("\n\n"), "a text file ends with one newline"
    if to_fmt == "json":
        assert json.loads(written)["type"] == "doc"
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(line.startswith(str(source)) for line in err.splitlines())
    monkeypatch.setattr("sys.stdin", _Stdin(INPUTS[from_fmt].encode()))
    assert main(["convert", "-", "--from", from_fmt, "--to", to_fmt]) == 0
    captured = capsys.readouterr()
    assert captured.out == written, "stdout and a file get the same text"
    assert captured.err == "" or captured.err.endswith("--report lists them\n")


def test_invalid_utf8_names_the_line_for_files_and_stdin(tmp_path: Path, capsys, monkeypatch) -> None:
    bad = tmp_path / "latin.md"
    bad.write_bytes(b"fine\nalso fine\ncaf\xe9\n")
    assert main(["convert", str(bad), "--to", "html"]) == 1
    assert capsys.readouterr().err == f"productive-docs: error: {bad}:3: invalid UTF-8 (byte 0xe9)\n"
    monkeypatch.setattr("sys.stdin", _Stdin(b"ok\ncaf\xe9\n"))
    assert main(["convert", "-", "--from", "md", "--to", "html"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "productive-docs: error: <stdin>:2: invalid UTF-8 (byte 0xe9)\n"


def test_output_into_a_missing_folder_is_refused(tmp_path: Path, capsys) -> None:
    source = tmp_path / "a.md"
    source.write_text("# A\n", encoding="utf-8")
    target = tmp_path / "typo" / "a.html"
    assert main(["convert", str(source), "-o", str(target)]) == 1
    assert "no folder" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_stdout_without_to_says_stdout(tmp_path: Path, capsys) -> None:
    source = tmp_path / "a.md"
    source.write_text("# A\n", encoding="utf-8")
    assert main(["convert", str(source)]) == 2
    assert capsys.readouterr().err == "productive-docs: error: cannot tell the format of stdout; pass --to\n"
