"""The command answers even when another command's dependency is missing: each command's module is imported
only when that command runs (``sync/cli/registry.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Dependencies of other commands (HTTP client, local server's Markdown parser, watcher, terminal output).
OTHER_COMMANDS_DEPENDENCIES = ("requests", "urllib3", "mistune", "watchdog", "rich")

_RUN_WITHOUT = """
import sys
for name in {names!r}:
    sys.modules[name] = None  # any import of it now raises ImportError
from productive_docs.sync.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _run_without(names: tuple[str, ...], *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = _RUN_WITHOUT.format(names=list(names))
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["convert", "--help"], ["push", "--help"]])
def test_help_and_version_need_no_other_command(argv: list[str], tmp_path: Path) -> None:
    result = _run_without(OTHER_COMMANDS_DEPENDENCIES, *argv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "productive-docs" in result.stdout


def test_convert_runs_without_the_sync_dependencies(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# Title\n\nSome *text*.\n", encoding="utf-8")
    result = _run_without(OTHER_COMMANDS_DEPENDENCIES, "convert", "page.md", "--to", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "<h1>Title</h1><p>Some <em>text</em>.</p>"


def test_convert_of_a_plain_file_loads_no_yaml_and_no_sync_state(tmp_path: Path) -> None:
    """What a one-line ``convert`` must not pay for (``bench/bench_startup.py``): PyYAML, the sync state,
    the dialect rules, the mdit-py-plugins its text does not use."""
    (tmp_path / "page.md").write_text("# Title\n\nSome *text*.\n", encoding="utf-8")
    heavy = ("yaml", "productive_docs.sync.engine.state",
             "productive_docs.converter.readers.markdown_dialect_rules", "mdit_py_plugins.footnote",
             "mdit_py_plugins.dollarmath")
    result = _run_without(OTHER_COMMANDS_DEPENDENCIES + heavy, "convert", "page.md", "--to", "html",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "<h1>Title</h1><p>Some <em>text</em>.</p>"


def test_version_is_the_installed_metadata(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = _run_without((), "--version", cwd=tmp_path)
    assert result.stdout.strip() == f"productive-docs {version('productive-docs')}"


def test_an_unknown_command_is_one_usage_line(tmp_path: Path) -> None:
    result = _run_without((), "pusj", "docs", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'pusj'" in result.stderr and "Traceback" not in result.stderr
