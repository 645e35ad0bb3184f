"""The built wheel, installed alone into a new virtual environment, is a working tool.

A package only the developer's machine has, a package missing from pyproject's ``packages`` list, or a second
top-level name in site-packages fails here. Slow (a build and an install from the package index): marked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What the build reads: the package folders and the project metadata (copied, so no build output lands in
#: the checkout).
SOURCES = ("productive_docs", "converter", "sync", "pyproject.toml", "README.md")

pytestmark = pytest.mark.slow


def _run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, source],
         cwd=source)
    (built,) = out.glob("productive_docs-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment (no system site packages) holding the wheel and its declared dependencies."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True, clear=True)
    python = env_dir / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], cwd=env_dir)
    return env_dir / "bin"


def test_the_wheel_installs_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/", 1)[0] for name in archive.namelist()}
    version = wheel.name.split("-")[1]
    assert top == {"productive_docs", f"productive_docs-{version}.dist-info"}


def test_every_module_imports_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    code = ("import importlib, pkgutil, productive_docs\n"
            "names = [m.name for m in pkgutil.walk_packages(productive_docs.__path__, 'productive_docs.')]\n"
            "[importlib.import_module(name) for name in names if not name.endswith('__main__')]\n"
            "print(len(names), productive_docs.__file__)")
    count, location = _run([installed / "python", "-c", code], cwd=tmp_path).split()
    assert int(count) > 50 and "site-packages" in location


def test_the_installed_command_works_on_the_embedded_server(installed: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRODUCTIVE_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = installed / "productive-docs"
    assert _run([command, "--version"], tmp_path, env).startswith("productive-docs ")
    assert "push" in _run([command, "--help"], tmp_path, env)
    (tmp_path / "page.md").write_text("# Hi\n\nText.\n", encoding="utf-8")
    converted = _run([command, "convert", "page.md", "--to", "html"], tmp_path, env)
    assert converted.strip() == "<h1>Hi</h1><p>Text.</p>"
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "fixtures" / "docs", docs, ignore=shutil.ignore_patterns(".productive-docs"))
    first = _run([command, "push", docs, "--project", "1"], tmp_path, env).splitlines()[-1]
    assert " created, 1 skipped;" in first and "failed" not in first
    again = _run([command, "push", docs], tmp_path, env).splitlines()[-1]
    assert " unchanged, 1 skipped; 1 request (1 read, 0 writes)" in again
