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


#: What a no-op ``push`` or ``status`` has no use for (issue 17: a no-op of 10,000 files in under 2 s as a
#: whole process): the Markdown reader and writer (nothing is parsed nor rendered), bs4 and the emulator's
#: web view (nothing is shown), PyYAML (no front matter written), rich (no terminal), the merge (nothing to
#: merge), pathspec (no ``.productiveignore``), tomllib (no config file).
NOT_FOR_A_NO_OP = ("productive_docs.converter.readers.markdown", "productive_docs.converter.writers.markdown",
                   "markdown_it", "bs4", "yaml", "rich", "productive_docs.sync.server.web",
                   "productive_docs.sync.engine.merge", "productive_docs.sync.engine.blockdiff", "pathspec",
                   "tomllib")
NO_OP_TREE = {"index.md": "# Docs\n\nHi.\n", "guide/a.md": "# A\n\nSee [B](b.md).\n",
              "guide/b.md": "---\ntitle: B\n---\n\n# B\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"}


@pytest.mark.parametrize("command", ["push", "status"])
def test_a_no_op_push_or_status_imports_no_converter(command: str, env, make_tree, fast_client) -> None:
    from productive_docs.sync.engine.push.run import push_folder

    root = make_tree(NO_OP_TREE)
    push_folder(root, fast_client, project_id="1")
    push_folder(root, fast_client)
    result = _run_without(NOT_FOR_A_NO_OP, command, str(root), cwd=root.parent)
    assert result.returncode == 0, result.stderr
    assert "4 pages: 4 unchanged" in result.stdout, result.stdout


def test_a_no_op_on_the_embedded_server_imports_no_web_view(tmp_path: Path, monkeypatch) -> None:
    """Without a token the embedded server runs in the process: its web view (bs4, the HTML writer) is made
    only when a browser asks for it."""
    for name in ("PRODUCTIVE_API_TOKEN", "PRODUCTIVE_ORG_ID", "PRODUCTIVE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "docs"
    for name, text in NO_OP_TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    first = _run_without((), "push", str(root), "--project", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for command in ("push", "status"):
        result = _run_without(NOT_FOR_A_NO_OP, command, str(root), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "4 pages: 4 unchanged" in result.stdout and "embedded" in result.stderr, result
