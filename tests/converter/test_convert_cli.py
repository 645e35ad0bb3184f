"""``productive-docs convert`` through the real entry point: formats, report, exit codes, atomic output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from productive_docs.sync.cli.main import main

SAMPLE = "---\ntitle: Sample\n---\n# Title\n\n> [!WARNING]\n> Careful\n\n#### Deep\n"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_md_to_json_by_suffix(sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.json"
    assert main(["convert", str(sample), "-o", str(out)]) == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    assert [block["type"] for block in body["content"]] == ["heading", "banner", "heading"]
    assert body["content"][2]["attrs"]["level"] == 3
    err = capsys.readouterr().err
    assert "lowered" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.json", "page.md"]  # no temp file left


def test_report_lists_every_lowering_with_file_and_line(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(sample), "--to", "productive-md", "--report"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Title\n\n> **Warning**\n")
    assert f"{sample}:6: banner warning -> blockquote with a bold label" in captured.err
    assert f"{sample}:9: heading level 4 -> heading level 3" in captured.err
    assert f"{sample}:1: front matter -> not written" in captured.err


def test_md_to_md_keeps_front_matter(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(sample), "--to", "md"]) == 0
    assert capsys.readouterr().out.startswith("---\ntitle: Sample\n---\n# Title\n")


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello *world*\n"))
    assert main(["convert", "-", "--from", "md", "--to", "html"]) == 0
    assert capsys.readouterr().out == "<p>Hello <em>world</em></p>\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "-", "--to", "md"],  # stdin has no suffix
        ["convert", "page.txt", "--to", "md"],  # unknown suffix
        ["convert", "page.md"],  # stdout has no suffix
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("productive-docs: error: cannot tell the format")


def test_bad_option_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "x.md", "--to", "pdf"])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unreadable_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(tmp_path / "missing.md"), "--to", "html"]) == 1
    missing = tmp_path / "missing.md"
    assert (
        capsys.readouterr().err
        == f"productive-docs: error: {missing}: cannot read the input: No such file or directory\n"
    )
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe not utf-8")
    assert main(["convert", str(bad), "--to", "html"]) == 1


def test_invalid_input_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "doc",\n "content": [}', encoding="utf-8")
    out = tmp_path / "out.md"
    out.write_text("old", encoding="utf-8")
    assert main(["convert", str(bad), "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith(f"productive-docs: error: {bad}:2: invalid JSON")
    assert out.read_text(encoding="utf-8") == "old"  # a failed run leaves the old output


def test_wrap_breaks_paragraphs_at_n_columns_and_reads_back_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "long.md"
    words = " ".join(f"word{n}" for n in range(40))
    text = f"# {words}\n\n{words} [a link](https://x.org/a) `code span here` end\n"
    source.write_text(text, encoding="utf-8")
    assert main(["convert", str(source), "--to", "md", "--wrap", "30"]) == 0
    out = capsys.readouterr().out
    heading, paragraph = out.split("\n\n")
    assert heading == f"# {words}"
    assert all(len(line) <= 30 for line in paragraph.splitlines())
    assert "`code span here`" in out and "](https://x.org/a)" in out
    unwrapped = tmp_path / "one.md"
    unwrapped.write_text(out, encoding="utf-8")
    assert main(["convert", str(unwrapped), "--to", "md"]) == 0
    assert capsys.readouterr().out == source.read_text(encoding="utf-8")


def test_wrap_applies_to_md_output_only(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(sample), "--to", "html", "--wrap", "40"]) == 2
    assert "--wrap" in capsys.readouterr().err
